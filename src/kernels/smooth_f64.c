/* SPDX-License-Identifier: MIT */
/* SIMD kernels of the exp-based smooth ops in f64: sigmoid, silu, tanh, elu and selu,
 * forward and backward from x, in double lanes, with double_math.h's exp and expm1
 * (about 0.6 ULP). Each mirrors its scalar reference's formula (smooth_reference.c), so
 * its error is the reference's with a slightly less exact exp: within the f64 bounds of
 * docs/semantics.md (test_accuracy checks them against MPFR). Lanes where the reference
 * takes special care, all rare (far tails where exp is subnormal, silu's derivative near
 * its zero), go to the reference, a vector at a time. Only where the fma rounds once (not
 * SSE2, which keeps the reference). */
#include "spec/scalar_reference.h"
#include "kernels/double_math.h"
#include "kernels/kernel_template.h"

#include <math.h>

#if VEC_HAS_FMA

#define T         double
#define V         vd
#define LANES     VD_LANES
#define VOP(name) vd_##name
#define SUFFIX    f64
#define CONSTANTS double_constants

#define SELU_SCALE       0x1.0cfabd6a91132p+0 /* as smooth_reference.c */
#define SELU_SCALE_ALPHA 0x1.c212cc640f031p+0

typedef struct double_constants {
    vd alpha;
} double_constants;

static inline double_constants make_constants_f64(const op_params *p) {
    double_constants k = {vd_set1(p->alpha)};
    return k;
}

static inline int any_lane(md m) {
    return md_to_bits(m) != 0;
}

/* Lanes below `low` or above `high` (NaN is neither: the formulas keep it). */
static inline int any_outside(vd x, double low, double high) {
    return any_lane(md_or(vd_lt(x, vd_set1(low)), vd_gt(x, vd_set1(high))));
}

/* ---- forwards ---------------------------------------------------------------------- */

/* 1 / (1 + e) for x >= 0, e / (1 + e) below, e = exp(-|x|); beyond |x| = 700 (e
 * subnormal, or 0), the reference. */
static inline vd sigmoid_body(vd x, const double_constants *k) {
    (void)k;
    vd e = dm_exp_normal(vd_sub(vd_zero(), vd_abs(x)));
    vd one_plus = vd_add(vd_set1(1.0), e);
    vd numerator = vd_select(vd_ge(x, vd_zero()), vd_set1(1.0), e);
    return vd_div(numerator, one_plus);
}

/* x / (1 + e) for x >= 0, x e / (1 + e) below; beyond |x| = 700: the reference. */
static inline vd silu_body(vd x, const double_constants *k) {
    (void)k;
    vd e = dm_exp_normal(vd_sub(vd_zero(), vd_abs(x)));
    vd one_plus = vd_add(vd_set1(1.0), e);
    vd numerator = vd_select(vd_ge(x, vd_zero()), x, vd_mul(x, e));
    return vd_div(numerator, one_plus);
}

static inline int beyond_700_forward(vd x, const double_constants *k) {
    (void)k;
    return any_outside(x, -700.0, 700.0);
}

/* tanh |x| = -m / (2 + m), m = expm1(-2 |x|), with x's sign; x itself below 2^-28, where
 * tanh x rounds to x (and -0, subnormals, keep their sign and value). */
static inline vd tanh_body(vd x, const double_constants *k) {
    (void)k;
    vd m = dm_expm1_nonpositive(vd_mul(vd_set1(-2.0), vd_abs(x)));
    vd magnitude = vd_div(vd_sub(vd_zero(), m), vd_add(vd_set1(2.0), m));
    vd result = vd_select(vd_lt(x, vd_zero()), vd_sub(vd_zero(), magnitude), magnitude);
    return vd_select(vd_lt(vd_abs(x), vd_set1(0x1p-28)), x, result);
}

/* alpha expm1(x) at x <= 0 (NaN too), with expm1(-0) = -0 as the reference's. */
static inline vd scaled_expm1(vd x, vd scale) {
    vd m = vd_select(vd_eq(x, vd_zero()), x, dm_expm1_nonpositive(x));
    return vd_mul(scale, m);
}

static inline vd elu_body(vd x, const double_constants *k) {
    return vd_select(vd_gt(x, vd_zero()), x, scaled_expm1(x, k->alpha));
}

static inline vd selu_body(vd x, const double_constants *k) {
    (void)k;
    return vd_select(vd_gt(x, vd_zero()), vd_mul(vd_set1(SELU_SCALE), x),
                     scaled_expm1(x, vd_set1(SELU_SCALE_ALPHA)));
}

DEFINE_FORWARD_KERNEL_WITH_FALLBACK(sigmoid_forward, sigmoid_body, beyond_700_forward,
                                    sigmoid_forward)
DEFINE_FORWARD_KERNEL_WITH_FALLBACK(silu_forward, silu_body, beyond_700_forward, silu_forward)
DEFINE_LONG_FORWARD_KERNEL(tanh_forward, tanh_body)
DEFINE_LONG_FORWARD_KERNEL(elu_forward, elu_body)
DEFINE_LONG_FORWARD_KERNEL(selu_forward, selu_body)

/* ---- backwards from x ---------------------------------------------------------------- */

/* e / (1 + e)^2 with e = exp(-|x| scale): the logistic's derivative (scale 1) and, times
 * 4, tanh's (scale 2). */
static inline vd logistic_slope(vd x, double scale) {
    vd e = dm_exp_normal(vd_mul(vd_set1(-scale), vd_abs(x))); /* |x| scale <= 700 */
    vd one_plus = vd_add(vd_set1(1.0), e);
    return vd_div(e, vd_mul(one_plus, one_plus));
}

static inline vd sigmoid_gradient(vd x, vd dy, const double_constants *k) {
    (void)k;
    return vd_mul(dy, logistic_slope(x, 1.0));
}

static inline vd tanh_gradient(vd x, vd dy, const double_constants *k) {
    (void)k;
    return vd_mul(dy, vd_mul(vd_set1(4.0), logistic_slope(x, 2.0)));
}

/* logistic(x) (1 + x logistic(-x)), as the reference: dy above 50, and with e = exp(-|x|)
 * ((1 + x e / (1 + e)) / (1 + e)) for x >= 0, (e / (1 + e)) (1 + x / (1 + e)) below. */
static inline vd silu_gradient(vd x, vd dy, const double_constants *k) {
    (void)k;
    /* above 50 the result is dy: -50 there keeps exp's argument in its normal range (below
     * -700, the reference) */
    vd a = vd_select(vd_gt(x, vd_set1(50.0)), vd_set1(-50.0), vd_sub(vd_zero(), vd_abs(x)));
    vd e = dm_exp_normal(a);
    vd one_plus = vd_add(vd_set1(1.0), e);
    vd right = vd_div(vd_add(vd_set1(1.0), vd_div(vd_mul(x, e), one_plus)), one_plus);
    vd left = vd_mul(vd_div(e, one_plus), vd_add(vd_set1(1.0), vd_div(x, one_plus)));
    vd slope = vd_select(vd_ge(x, vd_zero()), right, left);
    return vd_select(vd_gt(x, vd_set1(50.0)), dy, vd_mul(dy, slope));
}

/* dy (c exp(x)) at x <= 0 (NaN too; x >= -700, where 2^k c is exact), dy positive_slope
 * above; c exp(x) = c 2^k (1 + s) rounded once. */
static inline vd exp_side_gradient(vd x, vd dy, vd c, vd positive) {
    vd s, scale = dm_exp_parts(vd_select(vd_gt(x, vd_zero()), vd_zero(), x), &s);
    vd scaled = vd_mul(c, scale);
    /* c = +-0 (elu's alpha): c exp(x) is c itself, the fma would give it s's sign */
    vd slope = vd_select(vd_eq(scaled, vd_zero()), scaled, vd_fma(scaled, s, scaled));
    vd negative = vd_mul(dy, slope);
    return vd_select(vd_gt(x, vd_zero()), positive, negative);
}

static inline vd elu_gradient(vd x, vd dy, const double_constants *k) {
    return exp_side_gradient(x, dy, k->alpha, dy);
}

static inline vd selu_gradient(vd x, vd dy, const double_constants *k) {
    (void)k;
    return exp_side_gradient(x, dy, vd_set1(SELU_SCALE_ALPHA), vd_mul(dy, vd_set1(SELU_SCALE)));
}

/* Where exp's result is subnormal (it has lost bits the product needs), and at +-inf:
 * the reference. */
static inline int beyond_350(vd x, vd dy, const double_constants *k) {
    (void)dy, (void)k;
    return any_outside(x, -350.0, 350.0);
}

static inline int beyond_700(vd x, vd dy, const double_constants *k) {
    (void)dy, (void)k;
    return any_outside(x, -700.0, 700.0);
}

static inline int below_700(vd x, vd dy, const double_constants *k) {
    (void)dy, (void)k;
    return any_outside(x, -700.0, INFINITY);
}

DEFINE_BACKWARD_KERNEL_WITH_FALLBACK(sigmoid_backward, sigmoid_gradient, beyond_700,
                                     sigmoid_backward)
DEFINE_BACKWARD_KERNEL_WITH_FALLBACK(tanh_backward, tanh_gradient, beyond_350, tanh_backward)
DEFINE_BACKWARD_KERNEL_WITH_FALLBACK(silu_backward, silu_gradient, below_700, silu_backward)
DEFINE_BACKWARD_KERNEL_WITH_FALLBACK(elu_backward, elu_gradient, below_700, elu_backward)
DEFINE_BACKWARD_KERNEL_WITH_FALLBACK(selu_backward, selu_gradient, below_700, selu_backward)

#endif /* VEC_HAS_FMA */

void ISA_FUNCTION(fill_f64_lane_family)(kernel_table *table);
void ISA_FUNCTION(fill_f64_lane_family)(kernel_table *table) {
#if VEC_HAS_FMA
    table->forward[SLOT_F64][ACTFN_SIGMOID] = KERNEL(sigmoid_forward);
    table->forward[SLOT_F64][ACTFN_SILU] = KERNEL(silu_forward);
    table->forward[SLOT_F64][ACTFN_TANH] = KERNEL(tanh_forward);
    table->forward[SLOT_F64][ACTFN_ELU] = KERNEL(elu_forward);
    table->forward[SLOT_F64][ACTFN_SELU] = KERNEL(selu_forward);
    table->backward[SLOT_F64][ACTFN_SIGMOID] = KERNEL(sigmoid_backward);
    table->backward[SLOT_F64][ACTFN_TANH] = KERNEL(tanh_backward);
    table->backward[SLOT_F64][ACTFN_SILU] = KERNEL(silu_backward);
    table->backward[SLOT_F64][ACTFN_ELU] = KERNEL(elu_backward);
    table->backward[SLOT_F64][ACTFN_SELU] = KERNEL(selu_backward);
#else
    (void)table;
#endif
}
