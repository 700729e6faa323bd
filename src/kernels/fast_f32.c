/* SPDX-License-Identifier: MIT */
/* The f32 forwards and backwards at ACTFN_FAST, in float lanes: the accurate tier's
 * formulas (smooth_f32.c) without the error terms carried to the last rounding, on
 * fast_math.h's exp and expm1. Bounds, measured over all 2^32 inputs by tests/exhaustive,
 * in docs/accuracy.md and the op table (max_ulp_fast_f32). Every semantic rule holds as in
 * the accurate tier: NaN, signed zeros, the limits at +-inf, and the far tails, where
 * e^z is taken in two parts (fast_lanes.h) so that subnormal results, and normal results
 * with a subnormal factor (silu(-90) = -7e-38), come out rounded once. gelu is in
 * fast_gelu_f32.c. */
#include "spec/scalar_reference.h"
#include "kernels/kernel_template.h"

#include <math.h>

#if VEC_HAS_FMA

#include "kernels/fast_lanes.h"
#include "kernels/gelu_tanh_argument.h"
#include "kernels/silu_root.h"

/* selu's scale as HI + LO to 2^-48, as smooth_f32.c: HI below it and LO > 0, so that
 * x HI + x LO is -0 at x = -0 (a negative LO would give x LO = +0, and the sum +0) */
#define SELU_SCALE_HI    0x1.0cfabcp+0f
#define SELU_SCALE_LO    0x1.6a9114p-24f
#define SELU_SCALE_ALPHA 0x1.c212ccp+0f

#if !ALWAYS_WIDE
/* u / (1 + e^-x) for |x| <= 87, where e^-x is a normal float on both sides: the narrow
 * form of sigmoid (u = 1) and silu (u = x) where e^z is one float (AVX2), four
 * instructions fewer than e^-|x| with a select by x's sign; one division either way. */
static inline vf logistic_quotient(vf x, vf u, const fast_constants *k) {
    vf e = fast_exp_shifted(fm_neg(x), NULL, &k->exp, 0, vf_zero());
    return vf_div(u, vf_add(vf_set1(1.0f), e)); /* NaN x: NaN e */
}
#endif

/* e / (1 + e) below 0 and 1 / (1 + e) above, e = e^-|x|: one division, no
 * cancellation; where e is subnormal, the quotient is e itself (the wide form; the
 * narrow one, where e^z is one float, logistic_quotient's). */
static inline vf sigmoid_fast(vf x, const fast_constants *k, int wide) {
#if !ALWAYS_WIDE
    if (!wide) return logistic_quotient(x, vf_set1(1.0f), k);
#endif
    vf e = exp_value(exp_of_minus_abs(x, k, wide), wide);
    return vf_div(logistic_numerator(x, e), vf_add(vf_set1(1.0f), e)); /* NaN: numerator */
}
WITH_WIDE_FORM(sigmoid_fast, NORMAL_EXP_LIMIT)

/* x sigmoid(x), sigmoid(-|x|) = e q, q = 1 / (1 + e) folded into e's parts; below 0 as
 * x (e q) scaled at the end, so that silu(-90) does not pass through a subnormal; x
 * clamped to -170 there (silu(-inf) = -0, as the reference). */
static inline vf silu_fast(vf x, const fast_constants *k, int wide) {
#if !ALWAYS_WIDE
    if (!wide) return logistic_quotient(x, x, k); /* silu(-0) = -0 / 2 */
#endif
    split_exp e = exp_of_negative(vf_minus_abs(x), &k->exp, 0, wide);
    split_exp f = over(e, vf_add(vf_set1(1.0f), exp_value(e, wide)));
    vf negative = times_exp(wide ? at_least(x, -170.0f) : x, f, wide);
    vf positive = vf_mul(x, vf_sub(vf_set1(1.0f), exp_value(f, wide)));
    return vf_select(vf_gt(x, vf_zero()), positive, negative); /* silu(-0) = -0 */
}
WITH_WIDE_FORM(silu_fast, NORMAL_EXP_LIMIT)

/* tanh(a) = -m / (2 + m), m = expm1(-2a), a = |x| (clamped where tanh is 1), x's sign. */
static inline vf tanh_fast(vf x, const fast_constants *k) {
    (void)k;
    vf m = fast_expm1(at_least(vf_mul(vf_abs(x), vf_set1(-2.0f)), -30.0f));
    vf t = vf_div(fm_neg(m), vf_add(vf_set1(2.0f), m));
    return vf_with_sign_of(t, x); /* tanh(-0) = -0; NaN passed through every step */
}

/* c expm1(z) on the negative side of the elu family (c > 0); lanes above 0 give values
 * the callers drop. */
static inline vf negative_side_expm1_times(vf z, vf c) {
    return fast_expm1_times(at_least(z, -30.0f), c);
}

/* alpha expm1(x) below 0. At x = +-0 the reference gives alpha (+-0): for alpha > 0 that
 * is x itself, taken with the lanes above 0; otherwise expm1(x) takes x's sign (expm1
 * itself loses -0) before alpha. */
static inline vf elu_fast(vf x, const fast_constants *k) {
    vf m = fast_expm1(at_least(x, -30.0f));
    vf negative = vf_mul(k->alpha, vf_with_sign_of(m, x));
    return vf_select(vf_gt(x, vf_zero()), x, negative); /* NaN: through expm1 */
}

static inline vf elu_positive_alpha_fast(vf x, const fast_constants *k) {
    vf negative = negative_side_expm1_times(x, k->alpha);
    return vf_select(vf_ge(x, vf_zero()), x, negative);
}

/* scale x above 0 and at +-0 (selu(-0) = -0), rounded once (HI + LO, both products of
 * x's sign: inf stays inf); scale alpha expm1(x) below. */
static inline vf selu_fast(vf x, const fast_constants *k) {
    (void)k;
    vf negative = negative_side_expm1_times(x, vf_set1(SELU_SCALE_ALPHA));
    vf positive = vf_fma(x, vf_set1(SELU_SCALE_HI), vf_mul(x, vf_set1(SELU_SCALE_LO)));
    return vf_select(vf_ge(x, vf_zero()), positive, negative);
}

/* alpha expm1(x / alpha); x itself where |x / alpha| < 2^-26 (x + 0: celu(-0) = +0, as
 * the reference). A negative alpha makes x / alpha positive below 0: there the kernel
 * leaves the op to the accurate tier (fast_celu_forward). */
static inline vf celu_fast(vf x, const fast_constants *k) {
    vf z = vf_div(x, k->alpha);
    vf negative = negative_side_expm1_times(z, k->alpha);
    negative = vf_select(vf_lt(vf_abs(z), vf_set1(0x1p-26f)), vf_add(x, vf_zero()), negative);
    return vf_select(vf_gt(x, vf_zero()), x, negative);
}

/* hardswish(x) = x h, h = (x + 3) / 6 clamped to [0, 1], in four instructions: x
 * clamped to -3 (then h needs no clamp at 0; -inf gives -3), -h = fma(x, -c, -3c) = -c (x
 * + 3) rounded once, c = 1/6 less 2^-24 relative so that 3c is a float (x / 6 + 1/2 with
 * 1/6 rounded cancels near -3 to an unbounded relative error, as XNNPACK's form does),
 * -h clamped to -1, and x h = -(-h x) - 0 in one fnmadd: +0 at and below -3 (where -h
 * is +0), -0 at x = -0, x itself from about 3 up. NaN through every step. Near 0 x / 2 is
 * rounded to even, where the accurate kernel breaks the tie upward. */
static inline vf hardswish_fast(vf x, const fast_constants *k) {
    (void)k;
    vf clamped = vf_at_least(x, vf_set1(-3.0f)); /* a NaN x stays */
    vf minus_h = vf_fma(clamped, vf_set1(-0x1.555554p-3f), vf_set1(-0x1.fffffep-2f));
    minus_h = vf_at_least(minus_h, vf_set1(-1.0f));
    return vf_fnma(minus_h, clamped, vf_set1(-0.0f));
}

/* x tanh(softplus(x)) = x e g, g = (e + 2) / (e (e + 2) + 2), e = e^x; x above 20 (where
 * the factor is 1 in float). Below -87 e is split as in the sigmoids, and x clamped to
 * -170 (mish(-inf) = -0). */
static inline vf mish_fast(vf x, const fast_constants *k, int wide) {
    vf clamped = at_most(x, 20.0f);
    if (wide) clamped = at_least(clamped, -170.0f);
    split_exp e = exp_of_negative(clamped, &k->exp, 1, wide);
    vf ev = exp_value(e, wide);
    vf e_plus_2 = vf_add(ev, vf_set1(2.0f));
    vf g = vf_div(e_plus_2, vf_fma(ev, e_plus_2, vf_set1(2.0f)));
    vf y = times_two_exp(clamped, g, e, wide);
    return vf_select(vf_gt(x, vf_set1(20.0f)), x, y);
}
WITH_WIDE_FORM(mish_fast, NORMAL_EXP_LIMIT)

/* x sigmoid(v), v = x (c1 + c2 x^2), c1 = 2 sqrt(2/pi), c2 = 0.044715 c1. Where |v| is
 * large, e^-|v| has the relative error of v times |v|: v is carried as v + v_lo (the
 * constants in two parts, the products and the sum error-free) to about 2^-40, so that
 * the exponent's reduction sees it whole. The wide form clamps x to [-20, 20] (beyond,
 * the result is x, or -0). */
static inline vf gelu_tanh_fast(vf x, const fast_constants *k, int wide) {
    vf xc = wide ? at_most(at_least(x, -20.0f), 20.0f) : x;
    vf v_lo;
    vf v = gelu_tanh_float_argument(xc, &v_lo);
    mf negative = vf_lt(xc, vf_zero());
    vf z_lo = vf_select(negative, v_lo, fm_neg(v_lo)); /* -|v + v_lo| = -|v| + z_lo */
    split_exp e = exp_of_negative_plus(vf_minus_abs(v), &z_lo, &k->exp, 0, wide);
    split_exp f = over(e, vf_add(vf_set1(1.0f), exp_value(e, wide))); /* sigmoid(-|v|) */
    vf below = times_exp(xc, f, wide);
    vf above = vf_mul(xc, vf_sub(vf_set1(1.0f), exp_value(f, wide)));
    vf y = vf_select(negative, below, above); /* gelu_tanh(-0) = -0 */
    return wide ? vf_select(vf_gt(x, vf_set1(20.0f)), x, y) : y;
}
WITH_WIDE_FORM(gelu_tanh_fast, 9.95f) /* |v(9.95)| = 86.2 */

/* log(1 + e^v) / beta, v = beta x, = (max(v, 0) + log1p(e^-|v|)) / beta; x where v exceeds
 * threshold. log1p(e), e in (0, 1]: w = 1 + e = 2^k m, m in (0.75, 1.5], and
 * log(m) = 2 atanh(s), s = (m - 1) / (m + 1), as 2s + s^3 P(s^2) (|s| <= 0.2, Taylor to
 * s^9, 2^-26); w's rounding error c enters as c / 2^k / m = c' (1 - f) to first order in
 * f = m - 1, enough where log(m) is small, and below 2^-25 of it where f is not. v's own
 * rounding (beta != 1) enters e's argument. The wide form takes e^v < 2^-125 (v < -87)
 * as e^v / beta, split as the sigmoids' e. */
/* unit: beta = 1 (the default), a constant: v = x exactly, no quotient, and e^v itself
 * where it is subnormal (rounded once, by the scaling); UNBOUNDED also without the
 * threshold (logsigmoid's -softplus(-x)). */
enum { UNBOUNDED = 2 };
static inline vf softplus_body(vf x, const fast_constants *k, int wide, int unit) {
    vf v = unit ? x : vf_mul(k->beta, x);
    mf positive = vf_gt(v, vf_zero());
    vf z_lo = vf_zero();
    if (!unit) {
        vf v_lo = vf_fma(k->beta, x, fm_neg(v));
        /* v_lo only where e^-|v| is computed from v itself: beyond, v_lo may be large (up
         * to 2^103 for huge x) and e^-|v| is clamped anyway; NaN and inf give 0 */
        mf in_range = vf_le(v, vf_set1(NORMAL_EXP_LIMIT));
        if (wide) in_range = mf_and(in_range, vf_ge(v, vf_set1(-130.0f)));
        z_lo = vf_select(in_range, vf_select(positive, fm_neg(v_lo), v_lo), vf_zero());
    }
    /* above 87 the result is v (to float), and e^-87 serves as well as e^-v */
    vf z = vf_select(positive, fm_neg(at_most(v, NORMAL_EXP_LIMIT)), v);
    split_exp e = exp_of_negative_plus(z, unit ? NULL : &z_lo, &k->exp, 1, wide);
    vf ev = exp_value(e, wide);
    vf one = vf_set1(1.0f);
    vf w = vf_add(one, ev);
    mf big = vf_gt(w, vf_set1(1.5f));
    vf scale = vf_select(big, vf_set1(0.5f), one);
    vf m = vf_mul(w, scale), f = vf_sub(m, one);
    vf c = vf_mul(vf_sub(ev, vf_sub(w, one)), scale);
    vf s = vf_div(f, vf_add(m, one));
    vf s2 = vf_mul(s, s);
    vf q = vf_fma(vf_fma(vf_fma(vf_set1(2.0f / 9), s2, vf_set1(2.0f / 7)), s2, vf_set1(2.0f / 5)),
                  s2, vf_set1(2.0f / 3));
    vf log_m = vf_fma(vf_mul(s, s2), q, vf_add(s, s));
    vf log1p = vf_add(
        vf_fma(vf_select(big, vf_set1(0x1.62e430p-1f), vf_zero()), one, vf_fnma(c, f, c)), log_m);
    vf sum = vf_add(vf_select(positive, v, vf_zero()), log1p);
    if (unit == UNBOUNDED) return sum;
    if (unit) return vf_select(vf_gt(v, k->threshold), x, sum);
    vf y = vf_mul(sum, k->inverse_beta); /* and one correction: the quotient rounded once */
    y = vf_fma(vf_fnma(y, k->beta, sum), k->inverse_beta, y);
    if (wide) {
        mf far = vf_lt(v, vf_set1(-NORMAL_EXP_LIMIT));
        y = vf_select(far, times_exp(k->inverse_beta, e, 1), y);
    }
    /* beta x overflowing to inf (a threshold of inf lets it through) is x itself there,
     * where y would be inf - inf; NaN: through every step */
    mf identity = mf_or(vf_gt(v, k->threshold), vf_eq(v, vf_set1(INFINITY)));
    return vf_select(identity, x, y);
}

static inline vf softplus_fast(vf x, const fast_constants *k, int wide) {
    return softplus_body(x, k, wide, 0);
}

static inline vf softplus_unit_fast(vf x, const fast_constants *k, int wide) {
    return softplus_body(x, k, wide, 1);
}
WITH_WIDE_FORM(softplus_unit_fast, NORMAL_EXP_LIMIT)

/* logsigmoid(x) = -softplus(-x), softplus without its threshold: within softplus's fast
 * bound, as the negation is exact (+inf gives -0, -inf gives -inf, NaN stays). */
static inline vf logsigmoid_fast(vf x, const fast_constants *k, int wide) {
    vf minus_one = vf_set1(-1.0f); /* a product flips the sign of zero too: -0 at +inf */
    return vf_mul(minus_one, softplus_body(vf_mul(minus_one, x), k, wide, UNBOUNDED));
}
WITH_WIDE_FORM(logsigmoid_fast, NORMAL_EXP_LIMIT)

#if !ALWAYS_WIDE
/* The wide form where beta x < -87, or is NaN. */
static inline mf softplus_fast_beyond(vf x, const fast_constants *k) {
    return vf_not_le(vf_set1(-NORMAL_EXP_LIMIT), vf_mul(k->beta, x));
}

static inline vf softplus_fast_picked(vf x, const fast_constants *k) {
    vf y = softplus_fast(x, k, 0);
    mf far = softplus_fast_beyond(x, k);
    return mf_any(far) ? vf_select(far, softplus_fast(x, k, 1), y) : y;
}
#endif

/* The backwards: dx = dy f'(x), f' from the forwards' e^-|x| and quotients; dy enters
 * the product before the last scaling, so that a subnormal f' costs dy nothing. Where the
 * reference's f' is exactly 0 (its exp underflows in double: e^z, z < -745.13), dx is
 * dy * 0, as there (NaN for an infinite dy). */
#define EXP_IS_ZERO_BELOW (-745.13f)

/* e^(z + *z_lo) for a gradient: dy (up to 2^128) times e^z is a float down to z = -192,
 * so z is clamped at -200 here, not -130. Without a one-instruction scaling the vectors
 * that reach beyond the normal floats go to the reference (DEFINE_WIDE_FORM_BACKWARD_KERNEL)
 * and this is the narrow form. */
static inline split_exp exp_for_gradient(vf z, const vf *z_lo, const fast_constants *k, int precise,
                                         int wide) {
#if ALWAYS_WIDE
    (void)wide;
    split_exp e;
    e.a = fast_exp_parts(at_least(z, -200.0f), z_lo, &k->exp, precise, &e.n);
    return e;
#else
    (void)wide;
    return exp_of_negative_plus(z, z_lo, &k->exp, precise, 0);
#endif
}

static inline vf times_zero_below(vf z, vf dy, vf dx) {
#if ALWAYS_WIDE
    return vf_select(vf_lt(z, vf_set1(EXP_IS_ZERO_BELOW)), vf_mul(dy, vf_zero()), dx);
#else
    /* the narrow form's z is above -87: such lanes go to the reference */
    (void)z;
    (void)dy;
    return dx;
#endif
}

/* (1 + e)^2 for e in [0, 1], rounded once: 1 + e = d + d_lo exactly, d^2 + 2 d d_lo
 * (d's own rounding would count twice in the square). */
static inline vf one_plus_squared(vf e) {
    vf one = vf_set1(1.0f);
    vf d = vf_add(one, e);
    vf d_lo = vf_sub(e, vf_sub(d, one));
    return vf_fma(d, d, vf_mul(vf_add(d, d), d_lo));
}

/* sigmoid'(x) = e / (1 + e)^2, e = e^-|x| (2^(j/16) in two parts). */
static inline vf sigmoid_backward_fast(vf x, vf dy, const fast_constants *k, int wide) {
    vf z = vf_minus_abs(x);
    split_exp e = exp_for_gradient(z, NULL, k, 1, wide);
    vf square = one_plus_squared(exp_value(e, wide));
    vf dx = times_exp_scaled(vf_div(dy, square), e, 1.0f, 0.0f, wide);
    return times_zero_below(z, dy, dx);
}

/* tanh'(x) = 4 e / (1 + e)^2, e = e^-2|x|. */
static inline vf tanh_backward_fast(vf x, vf dy, const fast_constants *k, int wide) {
    vf z = vf_add(vf_minus_abs(x), vf_minus_abs(x));
    split_exp e = exp_for_gradient(z, NULL, k, 1, wide);
    vf square = one_plus_squared(exp_value(e, wide));
    vf dx = times_exp_scaled(vf_div(dy, square), e, 1.0f, 2.0f, wide);
    return times_zero_below(z, dy, dx);
}

/* silu'(x) = N / (1 + e)^2, e = e^-|x|: N = 1 + e (1 + x) from 0 up, e (1 + x + e) below.
 * 1 + x + e^x is 0 at x0 = -1 - W(1/e) = -1.27846: within 1/4 of it, it is taken from
 * d = x - x0 (x0 in two floats; x - x0_hi exact) as d (1 + e0) + e0 (e^d - 1 - d),
 * e0 = e^x0 = -(1 + x0), the second term a short series: no cancellation, so the bound
 * holds up to the zero of silu'. Below 0 the factor N / (1 + e)^2 (at most 762 in
 * magnitude) enters e's mantissa, scaled by 2^-9 so that dy times it cannot overflow.
 * x is clamped at 50 (where f' is 1 in float, and inf would make e (1 + x) NaN); dy (-0)
 * below -751.754272, as the reference (whose (1 + x) e^x is a double down to there). */
#define SILU_GRADIENT_ZERO_BELOW (-0x1.77e08cp+9f)

static inline vf silu_backward_fast(vf x, vf dy, const fast_constants *k, int wide) {
    vf one = vf_set1(1.0f);
#if ALWAYS_WIDE
    vf xc = at_most(x, 50.0f); /* NaN stays */
#else
    vf xc = x; /* the narrow form's |x| is at most 43.5: beyond, the reference */
#endif
    split_exp e = exp_for_gradient(vf_minus_abs(xc), NULL, k, 1, wide);
    vf ev = exp_value(e, wide);
    vf one_plus_x = vf_add(one, xc);
    vf d = vf_sub(vf_sub(xc, vf_set1(SILU_ZERO_HI)), vf_set1(SILU_ZERO_LO));
    /* e0 (e^d - 1 - d) / d^2, its Taylor series to d^4 (|d| < 1/4: 2^-24 relative) */
    vf series = vf_fma(d, vf_set1(SILU_ZERO_EXP / 720), vf_set1(SILU_ZERO_EXP / 120));
    series = vf_fma(series, d, vf_set1(SILU_ZERO_EXP / 24));
    series = vf_fma(series, d, vf_set1(SILU_ZERO_EXP / 6));
    series = vf_fma(series, d, vf_set1(SILU_ZERO_EXP / 2));
    vf near = vf_mul(d, vf_fma(series, d, vf_set1(-SILU_ZERO_HI))); /* d ((1 + e0) + ...) */
    vf n = vf_select(vf_lt(vf_abs(d), vf_set1(0.25f)), near, vf_add(one_plus_x, ev));
    mf positive = vf_ge(xc, vf_zero());
    n = vf_select(positive, vf_fma(ev, one_plus_x, one), n);
    vf g = vf_div(n, one_plus_squared(ev)); /* f' above 0, f' / e below */
    split_exp scaled = e;
    scaled.a = vf_mul(e.a, g);
    vf negative = times_exp_scaled(dy, scaled, 0x1p-9f, 9.0f, wide);
#if ALWAYS_WIDE
    negative = vf_select(vf_lt(x, vf_set1(SILU_GRADIENT_ZERO_BELOW)), vf_mul(dy, vf_set1(-0.0f)),
                         negative);
#endif
    /* above 50, f' = 1 + 51 e^-50 rounds to 1: dy, with no test */
    return vf_select(positive, vf_mul(dy, g), negative); /* NaN: through e */
}

/* f' = a M / D^2 below 0 (a: e's part, split_exp's a) and N / D^2 from 0 up, the
 * quotient rounded once: a M carried as hi + lo below 0, D = root + root_lo squared as hi
 * + lo, one corrected division (gelu_tanh's and mish's backwards). */
static inline vf quotient_over_square(mf negative, vf a, vf m, vf n, vf root, vf root_lo) {
    vf numerator = vf_select(negative, vf_mul(a, m), n);
    vf numerator_lo = vf_select(negative, vf_fma(a, m, fm_neg(numerator)), vf_zero());
    vf square = vf_mul(root, root);
    vf square_lo = vf_fma(vf_add(root, root), root_lo, vf_fma(root, root, fm_neg(square)));
    return fm_divide_by(vf_reciprocal_estimate(square), numerator, &numerator_lo, square,
                        square_lo);
}

/* gelu_tanh'(x) = N / (1 + e)^2, e = e^-|v| (v as the forward's, with its error), N =
 * 1 + e (1 + x v') from 0 up and e M below, M = 1 + e + x v', v' = c1 + 3 c2 x^2 (c1 x
 * in two parts: M is rounded about once). M is 0 at x0 = -0.7518 (gelu_tanh's minimum),
 * where 1 + e and x v' cancel: within 1/2 of it the derivative is d R(d), d = x - x0 (x0
 * in two floats, x - x0_hi exact), R of degree 8 (tools/fits/gelu_tanh_root.py:
 * 2^-24.6), which leaves a cancellation of at most 2.7 outside. Below 0, M / (1 + e)^2
 * (up to 1746 in magnitude at the clamp, x = -20) enters e's mantissa, scaled by 2^-12
 * so that dy times it cannot overflow. At and below -21.5927391 the reference's f' is 0
 * (its 2u < -810): dy (-0) there, as it; above 20, f' is 1 in float. */
#define GELU_TANH_ZERO_HI       (-0x1.8142ap-1f)
#define GELU_TANH_ZERO_LO       0x1.85a06cp-27f
#define GELU_TANH_GRADIENT_ZERO (-0x1.597bdcp+4f)
#define GELU_TANH_ONE_ABOVE     8.5f

static inline vf gelu_tanh_backward_fast(vf x, vf dy, const fast_constants *k, int wide) {
    static const float r[9] = {0x1.b8bacep-2f,  0x1.8cd1a2p-2f,  -0x1.02954ap-6f,
                               -0x1.d2b616p-4f, -0x1.1059cep-6f, 0x1.421ea4p-6f,
                               0x1.5a027p-8f,   -0x1.2c733ep-9f, -0x1.e5c4cp-11f};
    vf one = vf_set1(1.0f);
    vf xc = at_most(at_least(x, -20.0f), 20.0f); /* NaN stays */
    vf v_lo;
    vf v = gelu_tanh_float_argument(xc, &v_lo);
    mf negative = vf_lt(xc, vf_zero());
    vf z_lo = vf_select(negative, v_lo, fm_neg(v_lo));
    split_exp e = exp_for_gradient(vf_minus_abs(v), &z_lo, k, 1, wide);
    vf ev = exp_value(e, wide);
    vf cubic = vf_mul(xc, vf_mul(vf_mul(xc, xc), vf_set1(3 * GELU_TANH_C2_HI)));
    vf small = vf_fma(xc, vf_set1(GELU_TANH_C1_LO), cubic); /* x v' - c1_hi x */
    vf one_plus_x_slope = vf_add(vf_fma(xc, vf_set1(GELU_TANH_C1_HI), one), small);
    vf one_plus_e = vf_add(one, ev), one_plus_e_lo = vf_sub(ev, vf_sub(one_plus_e, one));
    vf m = vf_add(vf_fma(xc, vf_set1(GELU_TANH_C1_HI), one_plus_e), vf_add(small, one_plus_e_lo));
    vf g = quotient_over_square(negative, e.a, m, vf_fma(ev, one_plus_x_slope, one), one_plus_e,
                                one_plus_e_lo);
    /* g: f' from 0 up, f' / 2^floor(n) below */
    vf below = left_of_derivative_zero(xc, dy, e, g, 0x1p-12f, 12.0f, GELU_TANH_ZERO_HI,
                                       GELU_TANH_ZERO_LO, r, wide);
#if ALWAYS_WIDE /* else those lanes, below -8.5, go to the accurate kernel */
    below =
        vf_select(vf_le(x, vf_set1(GELU_TANH_GRADIENT_ZERO)), vf_mul(dy, vf_set1(-0.0f)), below);
#endif
    vf dx = vf_select(negative, below, vf_mul(dy, g)); /* NaN: through e */
    /* from 8.5 up f' rounds to 1 (1 - f' < e^-115): dy itself, which the narrow form's
     * e^-|v| (out of the floats from x = 10.4) does not give; its left tail goes to the
     * reference (beyond_gelu_tanh_limit) */
    return wide ? dx : vf_select(vf_gt(x, vf_set1(GELU_TANH_ONE_ABOVE)), dy, dx);
}

/* mish'(x) from e = e^-|x|, without cancellation but at its zero: below 0, e M / w^2
 * with w = 2 + e (2 + e) and M = 4 (1 + x) + e (6 + 4x + e (4 + e)) (1 + x and 6 + 4x
 * exact near the zero, each other term rounded on a magnitude below the sum's), from 0
 * up (e^x = 1/e) N / W^2 with W = 1 + e (2 + 2e) and N = (1 + 2e) W + 4x e^2 (1 + e).
 * The quotient is rounded once (the numerator and the square carried as hi + lo into a
 * corrected division). M is 0 at x0 = -1.1924 (mish's minimum): within 1/2 of it the
 * derivative is d R(d), d = x - x0 (x0 in two floats, x - x0_hi exact), R of degree 8
 * (tools/fits/derivative_zero.py: 2^-24.1). Below 0, M / w^2 (at most 199 in magnitude
 * at the clamp, x = -200, where (1 + x) e^x is below every result) enters e's mantissa,
 * scaled by 2^-8 so that dy times it cannot overflow; below -751.754272 the reference's
 * f' is 0 ((1 + x) e^x below the doubles, as silu's): dy (-0) there. x is clamped at 50
 * above (f' is 1 in float from 12 on). */
#define MISH_ZERO_HI             (-0x1.31432cp+0f)
#define MISH_ZERO_LO             (-0x1.a25b08p-29f)
#define MISH_GRADIENT_ZERO_BELOW SILU_GRADIENT_ZERO_BELOW

static inline vf mish_backward_fast(vf x, vf dy, const fast_constants *k, int wide) {
    static const float r[9] = {0x1.115accp-2f,  0x1.a34a26p-3f,  0x1.574f06p-5f,
                               -0x1.4c235ep-6f, -0x1.033572p-6f, -0x1.b7e84ep-9f,
                               0x1.1ea166p-10f, 0x1.f9d582p-11f, 0x1.e989bap-13f};
    vf one = vf_set1(1.0f), two = vf_set1(2.0f), four = vf_set1(4.0f);
    vf xc = at_most(at_least(x, -200.0f), 50.0f); /* NaN stays */
    split_exp e = exp_for_gradient(vf_minus_abs(xc), NULL, k, 1, wide);
    vf ev = exp_value(e, wide);
    mf negative = vf_lt(xc, vf_zero());
    vf four_x = vf_mul(xc, four);
    /* below 0 */
    vf inner = vf_fma(ev, vf_add(four, ev), vf_add(vf_set1(6.0f), four_x));
    vf m = vf_fma(ev, inner, vf_mul(vf_add(one, xc), four));
    /* from 0 up */
    vf big_w = vf_fma(ev, vf_fma(ev, two, two), one);
    vf e_squared = vf_mul(ev, ev);
    vf n = vf_fma(vf_mul(four_x, e_squared), vf_add(one, ev), vf_mul(vf_fma(ev, two, one), big_w));
    /* the denominator's root as c + e u (w or W) and its rounding error: u = 2 + e or 2 +
     * 2e by Fast2Sum, c - (c + e u) exact */
    vf c = vf_select(negative, two, one);
    vf e_part = vf_select(negative, ev, vf_add(ev, ev));
    vf u = vf_add(two, e_part), u_lo = vf_sub(e_part, vf_sub(u, two));
    vf root = vf_fma(ev, u, c);
    vf root_lo = vf_fma(ev, u_lo, vf_fma(ev, u, vf_sub(c, root)));
    vf g = quotient_over_square(negative, e.a, m, n, root, root_lo);
    /* g: f' from 0 up, f' / 2^floor(n) below */
    vf below =
        left_of_derivative_zero(xc, dy, e, g, 0x1p-8f, 8.0f, MISH_ZERO_HI, MISH_ZERO_LO, r, wide);
    below =
        vf_select(vf_lt(x, vf_set1(MISH_GRADIENT_ZERO_BELOW)), vf_mul(dy, vf_set1(-0.0f)), below);
    return vf_select(negative, below, vf_mul(dy, g)); /* NaN: through e */
}

/* dy above 0; u c e^z below (z = x, or x / alpha carried as z + z_lo; u = dy or dy
 * times a parameter). */
static inline vf exp_side_backward(vf x, vf dy, vf u, vf z, const vf *z_lo, float c,
                                   const fast_constants *k, int wide) {
    z = at_most(z, 0.0f); /* the lanes above 0 take dy */
    split_exp e = exp_for_gradient(z, z_lo, k, 0, wide);
    vf negative = times_zero_below(z, u, times_exp_scaled(u, e, c, 0.0f, wide));
    return vf_select(vf_gt(x, vf_zero()), dy, negative); /* NaN: through e */
}

/* elu'(x) = alpha e^x below 0 (alpha a factor of dy: it is a parameter, not a constant).
 * With one-instruction scaling, dy and alpha enter split (times_two_exp_scaled), so that
 * dy alpha beyond the floats costs nothing; elsewhere such vectors go to the reference. */
static inline vf elu_backward_fast(vf x, vf dy, const fast_constants *k, int wide) {
#if ALWAYS_WIDE
    (void)wide;
    vf z = at_most(x, 0.0f);
    /* dy alpha reaches 2^256: e^z is needed down to -400 (exp_for_gradient stops at -200,
     * enough for dy alone) */
    split_exp e;
    e.a = fast_exp_parts(at_least(z, -400.0f), NULL, &k->exp, 0, &e.n);
    vf zero_side = vf_mul(vf_mul(dy, vf_zero()), k->alpha); /* dy (alpha 0), NaN for inf dy */
    vf negative = vf_select(vf_lt(z, vf_set1(EXP_IS_ZERO_BELOW)), zero_side,
                            times_two_exp_scaled(dy, k->alpha, e, 1.0f));
    return vf_select(vf_gt(x, vf_zero()), dy, negative); /* NaN: through e */
#else
    return exp_side_backward(x, dy, vf_mul(dy, k->alpha), x, NULL, 1.0f, k, wide);
#endif
}

/* selu'(x) = scale alpha e^x below 0, scale above (dy scale rounded once, as forward,
 * with dy's sign at dy = -0 and inf at an infinite dy). */
static inline vf selu_backward_fast(vf x, vf dy, const fast_constants *k, int wide) {
    vf scaled = vf_fma(dy, vf_set1(SELU_SCALE_HI), vf_mul(dy, vf_set1(SELU_SCALE_LO)));
    vf negative = exp_side_backward(x, dy, dy, x, NULL, SELU_SCALE_ALPHA, k, wide);
    return vf_select(vf_gt(x, vf_zero()), scaled, negative);
}

/* celu'(x) = e^(x / alpha) below 0, alpha > 0 (as the forward): x / alpha carried as
 * z + z_lo, since e^z amplifies z's rounding by |z|. */
static inline vf celu_backward_fast(vf x, vf dy, const fast_constants *k, int wide) {
    vf z = vf_div(x, k->alpha);
    vf z_lo = vf_mul(vf_fnma(z, k->alpha, x), k->inverse_alpha);
    z_lo = vf_select(vf_lt(vf_abs(z), vf_set1(200.0f)), z_lo, vf_zero()); /* NaN, inf: 0 */
    return exp_side_backward(x, dy, dy, z, &z_lo, 1.0f, k, wide);
}

/* softplus'(x) = sigmoid(v), v = beta x (as v + v_lo, as the forward); 1 where v exceeds
 * threshold. */
static inline vf softplus_backward_fast(vf x, vf dy, const fast_constants *k, int wide) {
    vf v = vf_mul(k->beta, x);
    vf v_lo = vf_fma(k->beta, x, fm_neg(v));
    mf negative = vf_lt(v, vf_zero());
    mf in_range = mf_and(vf_ge(v, vf_set1(-200.0f)), vf_le(v, vf_set1(NORMAL_EXP_LIMIT)));
    vf z_lo = vf_select(in_range, vf_select(negative, v_lo, fm_neg(v_lo)), vf_zero());
    vf z = vf_minus_abs(v);
    split_exp e = exp_for_gradient(z, &z_lo, k, 0, wide);
    vf q = vf_div(dy, vf_add(vf_set1(1.0f), exp_value(e, wide)));
    vf below = times_zero_below(z, dy, times_exp_scaled(q, e, 1.0f, 0.0f, wide));
    vf dx = vf_select(negative, below, q); /* NaN: through e */
    return vf_select(vf_gt(v, k->threshold), dy, dx);
}

/* hardswish'(x) = (2x + 3) / 6 on [-3, 3] (PyTorch's choice at the kinks), 1 above, 0
 * below: dy g, g = (2x + 3) (1/6), 2x + 3 exact near its zero (-1.5); +0 where g is 0
 * or x < -3, whatever dy is (NaN or inf too), as the reference's masked gradient; a NaN
 * x passes the mask and gives NaN. */
static inline vf hardswish_backward_fast(vf x, vf dy, const fast_constants *k) {
    (void)k;
    vf g = vf_mul(vf_fma(x, vf_set1(2.0f), vf_set1(3.0f)), vf_set1(0x1.555556p-3f));
    g = vf_select(vf_gt(x, vf_set1(3.0f)), vf_set1(1.0f), g);
    mf zero = mf_or(vf_lt(x, vf_set1(-3.0f)), vf_eq(g, vf_zero())); /* not for a NaN x */
    return vf_select(zero, vf_zero(), vf_mul(dy, g));
}

#if ALWAYS_WIDE

/* A backward from body(x, dy, k, wide), every vector in the wide form. */
#define DEFINE_WIDE_FORM_BACKWARD_KERNEL(name, body, beyond, reference)                            \
    static inline vf body##_wide(vf x, vf dy, const fast_constants *k) {                           \
        return body(x, dy, k, 1);                                                                  \
    }                                                                                              \
    DEFINE_BACKWARD_KERNEL(name, body##_wide)

#else

/* The same, a vector with a lane where beyond(x, k) holds computed by the reference. */
#define DEFINE_WIDE_FORM_BACKWARD_KERNEL(name, body, beyond, reference)                            \
    static inline vf body##_narrow(vf x, vf dy, const fast_constants *k) {                         \
        return body(x, dy, k, 0);                                                                  \
    }                                                                                              \
    static inline mf body##_lanes_back(vf x, vf dy, const fast_constants *k) {                     \
        (void)dy;                                                                                  \
        return beyond(x, k);                                                                       \
    }                                                                                              \
    DEFINE_BACKWARD_KERNEL_WITH_FALLBACK(name, body##_narrow, body##_lanes_back, reference)

/* Lanes where e^-|x| (or e^-2|x|) leaves the normal floats, or NaN. */
static inline mf beyond_exp_limit(vf x, const fast_constants *k) {
    (void)k;
    return vf_not_le(vf_abs(x), vf_set1(NORMAL_EXP_LIMIT / 2));
}

static inline mf beyond_celu_limit(vf x, const fast_constants *k) {
    return vf_not_le(vf_abs(vf_mul(x, k->inverse_alpha)), vf_set1(NORMAL_EXP_LIMIT / 2));
}

/* x < -8.5, |v| > 58 (|v(8.5)| = 57.7): e^-|v| times M / (1 + e)^2 times 2^-14 stays a
 * normal float with 24 bits to spare (at the forward's 86.2 it rounded into the
 * subnormals: 18 ULP); or NaN. Above 8.5 the body gives dy. */
static inline mf beyond_gelu_tanh_limit(vf x, const fast_constants *k) {
    (void)k;
    return vf_not_le(vf_set1(-GELU_TANH_ONE_ABOVE), x);
}

/* x < -40 (e^x times M / w^2 times 2^-10 stays normal with bits to spare), or NaN */
static inline mf beyond_mish_limit(vf x, const fast_constants *k) {
    (void)k;
    return vf_not_le(vf_set1(-40.0f), x);
}

static inline mf beyond_softplus_limit(vf x, const fast_constants *k) {
    return vf_not_le(vf_abs(vf_mul(x, k->beta)), vf_set1(NORMAL_EXP_LIMIT / 2));
}

#endif

DEFINE_WIDE_FORM_BACKWARD_KERNEL(sigmoid_backward, sigmoid_backward_fast, beyond_exp_limit,
                                 sigmoid_backward)
DEFINE_WIDE_FORM_BACKWARD_KERNEL(tanh_backward, tanh_backward_fast, beyond_exp_limit, tanh_backward)
static inline vf elu_backward_any_form(vf x, vf dy, const fast_constants *k) {
    return elu_backward_fast(x, dy, k, ALWAYS_WIDE);
}
#if ALWAYS_WIDE
DEFINE_BACKWARD_KERNEL(elu_backward, elu_backward_any_form)
#else
/* elu: also the vectors where dy alpha leaves the floats for a finite dy (a huge alpha
 * or dy, while the result, times e^x, may not: fuzz_api found inf and NaN there) go to
 * the reference */
static inline mf elu_backward_lanes_back(vf x, vf dy, const fast_constants *k) {
    vf u = vf_abs(vf_mul(dy, k->alpha));
    mf far = mf_and(vf_eq(u, vf_set1(INFINITY)), vf_lt(vf_abs(dy), vf_set1(INFINITY)));
    return mf_or(far, beyond_exp_limit(x, k));
}
DEFINE_BACKWARD_KERNEL_WITH_FALLBACK(elu_backward, elu_backward_any_form, elu_backward_lanes_back,
                                     elu_backward)
#endif
DEFINE_WIDE_FORM_BACKWARD_KERNEL(selu_backward, selu_backward_fast, beyond_exp_limit, selu_backward)
DEFINE_WIDE_FORM_BACKWARD_KERNEL(celu_positive_alpha_backward, celu_backward_fast,
                                 beyond_celu_limit, celu_backward)
DEFINE_WIDE_FORM_BACKWARD_KERNEL(softplus_backward, softplus_backward_fast, beyond_softplus_limit,
                                 softplus_backward)
DEFINE_WIDE_FORM_BACKWARD_KERNEL(silu_backward, silu_backward_fast, beyond_exp_limit, silu_backward)
#if ALWAYS_WIDE
DEFINE_WIDE_FORM_BACKWARD_KERNEL(gelu_tanh_backward, gelu_tanh_backward_fast,
                                 beyond_gelu_tanh_limit, gelu_tanh_backward)
#else
/* gelu_tanh: the left tail beyond the narrow form (x < -8.5, 7.5 % of [-10, 10]) from the
 * accurate kernel (smooth.c), a vector a call: 8 calls of the scalar reference a vector
 * made the kernel 1.9x slower than without them on that range */
void ISA_FUNCTION(accurate_gelu_tanh_backward_f32)(const op_params *p, const void *x,
                                                   const void *dy, void *dx, size_t n);
static inline vf gelu_tanh_backward_narrow(vf x, vf dy, const fast_constants *k) {
    return gelu_tanh_backward_fast(x, dy, k, 0);
}
static inline mf gelu_tanh_backward_lanes_back(vf x, vf dy, const fast_constants *k) {
    (void)dy;
    return beyond_gelu_tanh_limit(x, k);
}
DEFINE_BACKWARD_KERNEL_WITH_KERNEL_FALLBACK(gelu_tanh_backward, gelu_tanh_backward_narrow,
                                            gelu_tanh_backward_lanes_back,
                                            ISA_FUNCTION(accurate_gelu_tanh_backward_f32))
#endif
DEFINE_WIDE_FORM_BACKWARD_KERNEL(mish_backward, mish_backward_fast, beyond_mish_limit,
                                 mish_backward)

DEFINE_BACKWARD_KERNEL(hardswish_backward, hardswish_backward_fast)
DEFINE_WIDE_FORM_KERNEL(sigmoid_forward, sigmoid_fast)
DEFINE_WIDE_FORM_KERNEL(gelu_tanh_forward, gelu_tanh_fast)
DEFINE_WIDE_FORM_KERNEL(softplus_usual_beta_forward, softplus_fast)
DEFINE_WIDE_FORM_KERNEL(softplus_unit_forward, softplus_unit_fast)
DEFINE_WIDE_FORM_KERNEL(logsigmoid_forward, logsigmoid_fast)
DEFINE_WIDE_FORM_KERNEL(silu_forward, silu_fast)
DEFINE_FORWARD_KERNEL(tanh_forward, tanh_fast)
DEFINE_FORWARD_KERNEL(elu_any_alpha_forward, elu_fast)
DEFINE_FORWARD_KERNEL(elu_positive_alpha_forward, elu_positive_alpha_fast)
DEFINE_FORWARD_KERNEL(selu_forward, selu_fast)
DEFINE_FORWARD_KERNEL(celu_positive_alpha_forward, celu_fast)
DEFINE_WIDE_FORM_KERNEL(mish_forward, mish_fast)
DEFINE_FORWARD_KERNEL(hardswish_forward, hardswish_fast)

/* celu with alpha < 0: torch allows it, nobody trains with it. softplus with beta below
 * 2^-20: e^v / beta, e^v far below the floats, is a float again, where the wide form's
 * clamp at e^-130 would show. softplus with a threshold below 20 (PyTorch's default)
 * and beta != 1: v = beta x rounded to float can fall on the other side of the threshold
 * than the exact product the reference compares, and below 20 the two sides differ by
 * more than the bound (at threshold 0, x against log(2) / beta: fuzz_api). */
DEFINE_PARTIAL_KERNEL(fast_celu_forward, celu_positive_alpha_forward,
                      fm_positive_with_safe_reciprocal(p->alpha), celu_forward)
DEFINE_PARTIAL_BACKWARD_KERNEL(fast_celu_backward, celu_positive_alpha_backward,
                               fm_positive_with_safe_reciprocal(p->alpha), celu_backward)
DEFINE_PARTIAL_KERNEL(fast_softplus_any_beta_forward, softplus_usual_beta_forward,
                      p->beta >= 0x1p-20 && p->threshold >= 20, softplus_forward)
DEFINE_PARTIAL_BACKWARD_KERNEL(fast_softplus_backward, softplus_backward,
                               p->beta == 1 || p->threshold >= 20, softplus_backward)

DEFINE_FORWARD_CHOICE(fast_elu_forward, p->alpha > 0, KERNEL(elu_positive_alpha_forward),
                      KERNEL(elu_any_alpha_forward))
DEFINE_FORWARD_CHOICE(fast_softplus_forward, p->beta == 1, KERNEL(softplus_unit_forward),
                      ISA_FUNCTION(fast_softplus_any_beta_forward))

void ISA_FUNCTION(fill_fast_lane_family)(kernel_table *table);
void ISA_FUNCTION(fill_fast_lane_family)(kernel_table *table) {
    table->backward[SLOT_F32_FAST][ACTFN_SIGMOID] = KERNEL(sigmoid_backward);
    table->backward[SLOT_F32_FAST][ACTFN_TANH] = KERNEL(tanh_backward);
    table->backward[SLOT_F32_FAST][ACTFN_ELU] = KERNEL(elu_backward);
    table->backward[SLOT_F32_FAST][ACTFN_SELU] = KERNEL(selu_backward);
    table->backward[SLOT_F32_FAST][ACTFN_CELU] = ISA_FUNCTION(fast_celu_backward);
    table->backward[SLOT_F32_FAST][ACTFN_SOFTPLUS] = ISA_FUNCTION(fast_softplus_backward);
    table->backward[SLOT_F32_FAST][ACTFN_SILU] = KERNEL(silu_backward);
    table->backward[SLOT_F32_FAST][ACTFN_HARDSWISH] = KERNEL(hardswish_backward);
    table->backward[SLOT_F32_FAST][ACTFN_GELU_TANH] = KERNEL(gelu_tanh_backward);
    table->backward[SLOT_F32_FAST][ACTFN_MISH] = KERNEL(mish_backward);
    table->forward[SLOT_F32_FAST][ACTFN_SIGMOID] = KERNEL(sigmoid_forward);
    table->forward[SLOT_F32_FAST][ACTFN_SILU] = KERNEL(silu_forward);
    table->forward[SLOT_F32_FAST][ACTFN_TANH] = KERNEL(tanh_forward);
    table->forward[SLOT_F32_FAST][ACTFN_ELU] = ISA_FUNCTION(fast_elu_forward);
    table->forward[SLOT_F32_FAST][ACTFN_SELU] = KERNEL(selu_forward);
    table->forward[SLOT_F32_FAST][ACTFN_CELU] = ISA_FUNCTION(fast_celu_forward);
    table->forward[SLOT_F32_FAST][ACTFN_MISH] = KERNEL(mish_forward);
    table->forward[SLOT_F32_FAST][ACTFN_GELU_TANH] = KERNEL(gelu_tanh_forward);
    table->forward[SLOT_F32_FAST][ACTFN_SOFTPLUS] = ISA_FUNCTION(fast_softplus_forward);
    table->forward[SLOT_F32_FAST][ACTFN_LOGSIGMOID] = KERNEL(logsigmoid_forward);
    table->forward[SLOT_F32_FAST][ACTFN_HARDSWISH] = KERNEL(hardswish_forward);
}

#else

void ISA_FUNCTION(fill_fast_lane_family)(kernel_table *table);
void ISA_FUNCTION(fill_fast_lane_family)(kernel_table *table) {
    (void)table; /* without a single-rounding fma the accurate kernels serve both tiers */
}

#endif
