/* SPDX-License-Identifier: MIT */
/* hardsigmoid and hardswish in f32, correctly rounded as their scalar reference, in float
 * lanes where the fma rounds once (every ISA but SSE2, which keeps the reference). Both
 * are exact ops, so these kernels serve both accuracy tiers; tests/exhaustive checks
 * them over all 2^32 inputs, ties included.
 * - The forwards divide an exact numerator, hi + lo, by 6 (divided_by_six): hardsigmoid's
 *   x + 3 by Fast2Sum (|x| <= 3), hardswish's x (x + 3), its product split by an fma.
 * - hardswish near 0 (|x| < 2^-125, where x / 2 is subnormal; zeros too) is x / 2 with its tie
 *   broken toward +inf (the x^2 / 6 left over is positive), which the division above,
 *   with x^2 lost to underflow, would round to even.
 * - hardsigmoid's backward is dy / 6, one float division: dy has 24 bits, so dy / 6
 *   rounded to double is never a float midpoint and the reference's two roundings give
 *   the same float. hardswish's backward runs the reference's double operations in
 *   double lanes, bit for bit. */
#include "spec/scalar_reference.h"
#include "kernels/hard_float_body.h"
#include "kernels/float_kernels.h"

#if VEC_HAS_FMA

#define CONSTANTS hard_constants

static inline hard_constants make_constants_f32(const op_params *p) {
    return make_hard_constants(p);
}

static inline vf hardswish_backward_body(vf x, vf dy, const hard_constants *k) {
    (void)k;
    vd low = hardswish_backward_double(vf_widen_low(x), vf_widen_low(dy));
    vd high = hardswish_backward_double(vf_widen_high(x), vf_widen_high(dy));
    return vf_narrow(low, high);
}

DEFINE_FORWARD_KERNEL(hardsigmoid_forward, hardsigmoid_body)
DEFINE_FORWARD_KERNEL(hardswish_forward, hardswish_body)
DEFINE_BACKWARD_KERNEL(hardsigmoid_backward, hardsigmoid_backward_body)
DEFINE_BACKWARD_KERNEL(hardswish_backward, hardswish_backward_body)

#endif

void ISA_FUNCTION(fill_hard_float_lane_family)(kernel_table *table);
void ISA_FUNCTION(fill_hard_float_lane_family)(kernel_table *table) {
#if VEC_HAS_FMA
    table->forward[SLOT_F32][ACTFN_HARDSIGMOID] = KERNEL(hardsigmoid_forward);
    table->forward[SLOT_F32][ACTFN_HARDSWISH] = KERNEL(hardswish_forward);
    table->backward[SLOT_F32][ACTFN_HARDSIGMOID] = KERNEL(hardsigmoid_backward);
    table->backward[SLOT_F32][ACTFN_HARDSWISH] = KERNEL(hardswish_backward);
#else
    (void)table; /* without a single-rounding fma: the reference */
#endif
}
