/* SPDX-License-Identifier: MIT */
/* hardsigmoid and hardswish in f32 and f64, correctly rounded as their scalar reference,
 * in float and double lanes where the fma rounds once (every ISA but SSE2, which keeps
 * the reference). Both are exact ops, so these kernels serve both accuracy tiers;
 * tests/exhaustive checks the f32 ones over all 2^32 inputs, ties included, test_kernels
 * the f64 ones against the reference bit for bit.
 * - The forwards divide an exact numerator, hi + lo, by 6 (divided_by_six): hardsigmoid's
 *   x + 3 by Fast2Sum (|x| <= 3), hardswish's x (x + 3), its product split by an fma.
 * - hardswish near 0 (where x / 2 is subnormal; zeros too) is x / 2 with its tie broken
 *   toward +inf (the x^2 / 6 left over is positive), which the division above, with x^2
 *   lost to underflow, would round to even.
 * - hardsigmoid's backward is dy / 6, one division: in f32, dy has 24 bits, so dy / 6
 *   rounded to double is never a float midpoint and the reference's two roundings give
 *   the same float. hardswish's backward runs the reference's double operations in
 *   double lanes, bit for bit (on the widened floats in f32). */
#include "spec/scalar_reference.h"
#include "kernels/hard_float_body.h"
#include "kernels/kernel_template.h"

#if VEC_HAS_FMA

/* the f64 bodies: hard_body.h for double */
#include "kernels/dtype_f64.h"
#include "kernels/hard_body.h"
#include "kernels/dtype_end.h"

/* f32: the bodies without the settling test; f64: with it (hard_body.h) */
static inline vf hardsigmoid_f32(vf x, const hard_constants_f32 *k) {
    return hardsigmoid_body_f32(x, k, NULL);
}

static inline vf hardswish_f32(vf x, const hard_constants_f32 *k) {
    return hardswish_body_f32(x, k, NULL);
}

static inline vf hardswish_backward_body_f32(vf x, vf dy, const hard_constants_f32 *k) {
    (void)k;
    vd low = hardswish_backward_widened(vf_widen_low(x), vf_widen_low(dy));
    vd high = hardswish_backward_widened(vf_widen_high(x), vf_widen_high(dy));
    return vf_narrow(low, high);
}

static inline vd hardswish_backward_body_f64(vd x, vd dy, const hard_constants_f64 *k) {
    (void)k;
    return hardswish_backward_double(x, dy);
}

static inline hard_constants_f32 make_constants_f32(const op_params *p) {
    return make_hard_constants_f32(p);
}

static inline hard_constants_f64 make_constants_f64(const op_params *p) {
    return make_hard_constants_f64(p);
}

/* Both dtypes' backwards from one list (kernel_template.h's names mapped per dtype). */
#define HARD_BACKWARD_KERNELS                                                                      \
    DEFINE_BACKWARD_KERNEL(hardsigmoid_backward, CONCAT(hardsigmoid_backward_body, SUFFIX))        \
    DEFINE_BACKWARD_KERNEL(hardswish_backward, CONCAT(hardswish_backward_body, SUFFIX))

#include "kernels/dtype_f32.h"
#define CONSTANTS hard_constants_f32
DEFINE_FORWARD_KERNEL(hardsigmoid_forward, hardsigmoid_f32)
DEFINE_FORWARD_KERNEL(hardswish_forward, hardswish_f32)
HARD_BACKWARD_KERNELS
#include "kernels/dtype_end.h"
#undef CONSTANTS

#include "kernels/dtype_f64.h"
#define CONSTANTS hard_constants_f64
DEFINE_FORWARD_KERNEL_SETTLING(hardsigmoid_forward, hardsigmoid_body_f64, hardsigmoid_forward)
DEFINE_FORWARD_KERNEL_SETTLING(hardswish_forward, hardswish_body_f64, hardswish_forward)
HARD_BACKWARD_KERNELS
#include "kernels/dtype_end.h"
#undef CONSTANTS

#endif

/* name_f32_<isa> / name_f64_<isa>, outside the per-dtype mapping above */
#define HARD_KERNEL(name, suffix) CONCAT(CONCAT(name, suffix), VEC_ISA_SUFFIX)
#define FILL_HARD(table, slot, suffix)                                                             \
    do {                                                                                           \
        (table)->forward[slot][ACTFN_HARDSIGMOID] = HARD_KERNEL(hardsigmoid_forward, suffix);      \
        (table)->forward[slot][ACTFN_HARDSWISH] = HARD_KERNEL(hardswish_forward, suffix);          \
        (table)->backward[slot][ACTFN_HARDSIGMOID] = HARD_KERNEL(hardsigmoid_backward, suffix);    \
        (table)->backward[slot][ACTFN_HARDSWISH] = HARD_KERNEL(hardswish_backward, suffix);        \
    } while (0)

void ISA_FUNCTION(fill_hard_float_lane_family)(kernel_table *table);
void ISA_FUNCTION(fill_hard_float_lane_family)(kernel_table *table) {
#if VEC_HAS_FMA
    FILL_HARD(table, SLOT_F32, f32);
#else
    (void)table; /* without a single-rounding fma: the reference */
#endif
}

void ISA_FUNCTION(fill_hard_f64_family)(kernel_table *table);
void ISA_FUNCTION(fill_hard_f64_family)(kernel_table *table) {
#if VEC_HAS_FMA
    FILL_HARD(table, SLOT_F64, f64);
#else
    (void)table;
#endif
}
