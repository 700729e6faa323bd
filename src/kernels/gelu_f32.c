/* SPDX-License-Identifier: MIT */
/* gelu's f32 forward and backward in float lanes (the backward: gelu_float_body.h), to within 1 ULP
 * over all 2^32 inputs (tests/exhaustive, docs/accuracy.md). gelu(x) = x Q(-x) for x < 0 and x - x
 * Q(x) above, where Q(a) = erfc(a / sqrt 2) / 2 = exp(-a^2 / 2) G(a), a = |x|:
 * - exp(-a^2 / 2) from the table exp of float_math.h, a^2 split exactly (fma) so that
 *   its rounding never reaches the exponential;
 * - G, smooth and slowly varying, a polynomial of degree 6 in h = a - m on 32 intervals
 *   (relative error 2^-28.5 with float coefficients; tools/fits/gelu_float.py makes the
 *   table), the constant term as two floats; the higher terms change G by at most 7 %
 *   across an interval, so their own rounding stays near 2^-27;
 * - the products x G (t + l) kept as hi + lo until the last rounding; above 0, x minus
 *   that product by Fast2Sum (x Q <= x / 2).
 * Vectors with a lane beyond |x| = 11 (or NaN) go to the scalar reference: the far
 * tail, where the result approaches the subnormals, is rare in any real layer. */
#include "spec/scalar_reference.h"
#include "kernels/gelu_float_body.h"
#include "kernels/float_kernels.h"

#include <math.h>

#if VEC_HAS_FMA /* without a single-rounding fma (SSE2) the double-lane kernel stays */

/* the kernels' constants, from no parameter (kernel_template.h's CONSTANTS and
 * make_constants_f32): the forward's, then the backward's */
#define CONSTANTS gelu_constants

static inline gelu_constants make_constants_f32(const op_params *p) {
    (void)p;
    return make_gelu_constants();
}

DEFINE_FORWARD_KERNEL_WITH_FALLBACK(gelu_forward, gelu_near, gelu_lanes_back, gelu_forward)

#undef CONSTANTS
#define CONSTANTS          gelu_gradient_constants
#define make_constants_f32 make_gradient_constants_f32

static inline gelu_gradient_constants make_gradient_constants_f32(const op_params *p) {
    (void)p;
    return make_gelu_gradient_constants();
}

DEFINE_BACKWARD_KERNEL_WITH_FALLBACK(gelu_backward, gelu_gradient_near, gelu_gradient_lanes_back,
                                     gelu_backward)

#endif

void ISA_FUNCTION(fill_gelu_float_lane_family)(kernel_table *table);
void ISA_FUNCTION(fill_gelu_float_lane_family)(kernel_table *table) {
#if VEC_HAS_FMA
    table->forward[SLOT_F32][ACTFN_GELU] = KERNEL(gelu_forward);
    table->backward[SLOT_F32][ACTFN_GELU] = KERNEL(gelu_backward);
#else
    (void)table;
#endif
}
