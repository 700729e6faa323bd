/* SPDX-License-Identifier: MIT */
/* The smooth ops' f32 bodies in double lanes, forward and f'(x): each float widened to
 * double, the op evaluated with vector_math.h (relative error below 2^-46), the result
 * rounded to float once by the caller, the scheme of the scalar reference, whose formulas
 * and tail guards these mirror (measured 0.5 ULP). Written against the vector layer once:
 * smooth.c makes the SIMD kernels of them, src/cuda/lane_ops.cuh the GPU's (one lane a
 * thread). */
#ifndef ACTFN_SMOOTH_DOUBLE_BODY_H
#define ACTFN_SMOOTH_DOUBLE_BODY_H

#include "spec/smooth_constants.h"
#include "kernels/vector_math.h"

typedef struct smooth_constants {
    vd alpha, beta, threshold, b;
} smooth_constants;

VEC_FUNCTION smooth_constants make_smooth_constants(const op_params *p) {
    smooth_constants k = {vd_set1(p->alpha), vd_set1(p->beta), vd_set1(p->threshold),
                          vd_set1(p->b)};
    return k;
}

VEC_FUNCTION vd at_least(vd x, double low) {
    return vd_select(vd_lt(x, vd_set1(low)), vd_set1(low), x);
}

VEC_FUNCTION vd at_most(vd x, double high) {
    return vd_select(vd_gt(x, vd_set1(high)), vd_set1(high), x);
}

/* NaN in gives NaN out, whatever the clamps did to it. */
VEC_FUNCTION vd keep_nan(vd x, vd result) {
    return vd_select(vd_is_nan(x), x, result);
}

VEC_FUNCTION vd sigmoid_body(vd x, const smooth_constants *k) {
    (void)k;
    return keep_nan(x, vm_logistic(x));
}

/* Below -200 every result of silu, mish and gelu_tanh is below half the smallest float
 * subnormal: clamping there keeps -inf * 0 out and gives the reference's -0. */
VEC_FUNCTION vd silu_body(vd x, const smooth_constants *k) {
    (void)k;
    vd clamped = at_least(x, -200);
    return keep_nan(x, vd_mul(clamped, vm_logistic(clamped)));
}

VEC_FUNCTION vd elu_body(vd x, const smooth_constants *k) {
    vd negative = vd_mul(k->alpha, vm_expm1(at_least(x, -708)));
    /* elu(+-0) = alpha (+-0), as the reference: -0 and +0 for alpha > 0, flipped below */
    negative = vd_select(vd_eq(x, vd_zero()), vd_mul(k->alpha, x), negative);
    return keep_nan(x, vd_select(vd_gt(x, vd_zero()), x, negative));
}

VEC_FUNCTION vd selu_body(vd x, const smooth_constants *k) {
    (void)k;
    vd negative = vd_mul(vd_set1(SELU_SCALE_ALPHA), vm_expm1(at_least(x, -708)));
    negative = vd_select(vd_eq(x, vd_zero()), x, negative); /* selu(-0) = -0 */
    vd positive = vd_mul(vd_set1(SELU_SCALE), x);
    return keep_nan(x, vd_select(vd_gt(x, vd_zero()), positive, negative));
}

VEC_FUNCTION vd celu_body(vd x, const smooth_constants *k) {
    vd scaled = at_most(at_least(vd_div(x, k->alpha), -708), 709);
    vd negative = vd_mul(k->alpha, vm_expm1(scaled));
    /* celu(+-0) as the reference's signed-zero arithmetic has it: x + alpha 0, which is +0
     * for alpha > 0 and x itself below */
    negative = vd_select(vd_eq(x, vd_zero()), vd_add(x, vd_mul(k->alpha, vd_zero())), negative);
    return keep_nan(x, vd_select(vd_gt(x, vd_zero()), x, negative));
}

/* log(1 + exp(v)) = max(v, 0) + log1p(exp(-|v|)), |v| clamped to 708. */
VEC_FUNCTION vd softplus_double_unit(vd v) {
    vd magnitude = at_most(vd_abs(v), 708);
    vd positive_part = vd_select(vd_gt(v, vd_zero()), v, vd_zero());
    return vd_add(positive_part, vm_log1p_unit(vm_exp(vd_sub(vd_zero(), magnitude))));
}

VEC_FUNCTION vd softplus_body(vd x, const smooth_constants *k) {
    vd scaled = vd_mul(k->beta, x);
    vd smooth = vd_div(softplus_double_unit(scaled), k->beta);
    return keep_nan(x, vd_select(vd_gt(scaled, k->threshold), x, smooth));
}

/* tanh(|x|) = -expm1(-2|x|) / (2 + expm1(-2|x|)), |x| clamped to 20 where tanh is 1 to
 * 2^-57; the sign restored after, and tanh(+-0) = +-0 kept. */
VEC_FUNCTION vd tanh_body(vd x, const smooth_constants *k) {
    (void)k;
    vd magnitude = at_most(vd_abs(x), 20);
    vd m = vm_expm1(vd_mul(vd_set1(-2.0), magnitude));
    vd t = vd_div(vd_sub(vd_zero(), m), vd_add(vd_set1(2.0), m));
    vd result = vd_select(vd_lt(x, vd_zero()), vd_sub(vd_zero(), t), t);
    result = vd_select(vd_eq(x, vd_zero()), x, result);
    return keep_nan(x, result);
}

/* x tanh(softplus(x)) = x n / (n + 2) with n = e (e + 2), e = exp(x); above 20 the
 * factor is 1 to 2^-57. */
VEC_FUNCTION vd mish_body(vd x, const smooth_constants *k) {
    (void)k;
    vd clamped = at_least(x, -200);
    vd e = vm_exp(at_most(clamped, 20));
    vd n = vd_mul(e, vd_add(e, vd_set1(2.0)));
    vd factor = vd_div(n, vd_add(n, vd_set1(2.0)));
    vd result = vd_select(vd_gt(clamped, vd_set1(20)), clamped, vd_mul(clamped, factor));
    return keep_nan(x, result);
}

/* x logistic(2u), 2u = 2 sqrt(2/pi) x (1 + 0.044715 x^2), with x clamped to [-20, 20]
 * inside u (logistic is 0 or 1 beyond, in float). */
VEC_FUNCTION vd gelu_tanh_body(vd x, const smooth_constants *k) {
    (void)k;
    vd clamped = at_most(at_least(x, -20), 20);
    vd square = vd_mul(clamped, clamped);
    vd inner = vd_fma(vd_set1(0.044715), square, vd_set1(1.0));
    vd two_u = vd_mul(vd_mul(vd_set1(2 * SQRT_2_OVER_PI_HI), clamped), inner);
    vd result = vd_mul(at_least(x, -20), vm_logistic(two_u));
    return keep_nan(x, result);
}

/* Phi(x), the normal CDF, from erfc(|x| / sqrt 2) / 2 on the side where it is small:
 * accurate relative to Phi in the left tail, where gelu needs it. |x| is clamped to 14.8,
 * beyond which Phi is 0 or 1 in float. */
VEC_FUNCTION vd normal_cdf(vd x) {
    vd t = at_most(vd_mul(vd_abs(x), vd_set1(0x1.6a09e667f3bcdp-1)), 10.5);
    vd half_erfc = vd_mul(vd_set1(0.5), vm_erfc(t));
    return vd_select(vd_gt(x, vd_zero()), vd_sub(vd_set1(1.0), half_erfc), half_erfc);
}

VEC_FUNCTION vd gelu_body(vd x, const smooth_constants *k) {
    (void)k;
    return keep_nan(x, vd_mul(at_least(x, -20), normal_cdf(x)));
}

/* x / (1 + |x|), the reference's two roundings; |x| clamped to 1e300, where the quotient
 * is +-1 (inf / inf would be NaN). */
VEC_FUNCTION vd softsign_body(vd x, const smooth_constants *k) {
    (void)k;
    vd clamped = at_most(at_least(x, -1e300), 1e300);
    return keep_nan(x, vd_div(clamped, vd_add(vd_set1(1.0), vd_abs(clamped))));
}

/* min(x, 0) - log1p(exp(-|x|)), |x| clamped to 708 inside the logarithm (beyond, it is
 * below 2^-1000: nothing next to x, and -0 at +inf as the reference). */
VEC_FUNCTION vd logsigmoid_body(vd x, const smooth_constants *k) {
    (void)k;
    vd negative_part = vd_select(vd_lt(x, vd_zero()), x, vd_zero());
    vd e = vm_exp(vd_sub(vd_zero(), at_most(vd_abs(x), 708)));
    return keep_nan(x, vd_sub(negative_part, vm_log1p_unit(e)));
}

/* x - tanh(x): below |x| = 1/2 its series x^3 (1/3 - 2 x^2 / 15 + ...) to x^33
 * (tools/fits/tanhshrink_series.py; the next term is below 2^-50 of the sum), where the
 * subtraction would cancel; beyond, it loses at most 12x (at 1/2) of tanh's 2^-46. */
VEC_FUNCTION vd tanhshrink_body(vd x, const smooth_constants *k) {
    static const double series[16] = {TANHSHRINK_SERIES_LEADING};
    vd square = vd_mul(x, x);
    vd small = vd_mul(x, vd_mul(square, vm_estrin(square, series, 15)));
    vd large = vd_sub(x, tanh_body(x, k));
    return keep_nan(x, vd_select(vd_lt(vd_abs(x), vd_set1(0.5)), small, large));
}

/* s = sqrt(x^2 + b) (x^2 of a float is exact and finite); (x + s) / 2 from 0 up, and
 * b / (2 (s + |x|)) below, where x + s would cancel (b over a doubled sum: half of a
 * subnormal b would round). */
VEC_FUNCTION vd squareplus_root(vd x, const smooth_constants *k) {
    return vd_sqrt(vd_fma(x, x, k->b));
}

VEC_FUNCTION vd squareplus_body(vd x, const smooth_constants *k) {
    vd s = squareplus_root(x, k), half = vd_set1(0.5);
    vd positive = vd_add(vd_mul(half, x), vd_mul(half, s));
    vd sum = vd_add(s, vd_abs(x)), negative = vd_div(k->b, vd_add(sum, sum));
    return keep_nan(x, vd_select(vd_ge(x, vd_zero()), positive, negative));
}

/* ---- backwards: dx = dy * f'(x), f'(x) in double lanes and the product rounded once to
 * float, as the reference does (smooth_reference.c, whose formulas these mirror). */

/* exp(-m) for m >= 0, NaN passing through, as the reference's exp: beyond 700 through
 * exp(44.36... - m) * 2^-64, so that its subnormal results stay nonzero as there, and 0
 * from 746 on (where exp(-m) is below half the smallest subnormal): an infinite dy then
 * gives the reference's inf (or NaN). */
VEC_FUNCTION vd exp_negative(vd m) {
    vd t = at_most(m, 746);
    md scaled = vd_gt(t, vd_set1(700));
    vd argument = vd_sub(vd_select(scaled, vd_set1(0x1.62e42fefa39efp+5), vd_zero()), t);
    vd e = vd_mul(vm_exp(argument), vd_select(scaled, vd_set1(0x1p-64), vd_set1(1.0)));
    return vd_select(vd_ge(m, vd_set1(746)), vd_zero(), e);
}

/* e / (1 + e)^2 with e = exp(-|v|): the logistic's derivative (sigmoid), and tanh's
 * 4 e / (1 + e)^2 with e = exp(-2|x|). */
VEC_FUNCTION vd bell(vd e) {
    vd one_plus_e = vd_add(vd_set1(1.0), e);
    return vd_div(e, vd_mul(one_plus_e, one_plus_e));
}

VEC_FUNCTION vd sigmoid_derivative(vd x, const smooth_constants *k) {
    (void)k;
    return bell(exp_negative(vd_abs(x)));
}

VEC_FUNCTION vd tanh_derivative(vd x, const smooth_constants *k) {
    (void)k;
    return vd_mul(vd_set1(4.0), bell(exp_negative(vd_mul(vd_set1(2.0), vd_abs(x)))));
}

/* logistic(x) (1 + x logistic(-x)); 1 above 50, -0 below -760 (as the reference). */
VEC_FUNCTION vd silu_derivative(vd x, const smooth_constants *k) {
    (void)k;
    vd e = exp_negative(vd_abs(x)), one_plus_e = vd_add(vd_set1(1.0), e);
    vd positive = vd_div(vd_add(vd_set1(1.0), vd_div(vd_mul(x, e), one_plus_e)), one_plus_e);
    vd negative = vd_mul(vd_div(e, one_plus_e), vd_add(vd_set1(1.0), vd_div(x, one_plus_e)));
    vd d = vd_select(vd_ge(x, vd_zero()), positive, negative);
    d = vd_select(vd_gt(x, vd_set1(50)), vd_set1(1.0), d);
    return vd_select(vd_lt(x, vd_set1(-760)), vd_set1(-0.0), d);
}

/* logistic(beta x), 1 where beta x > threshold. */
VEC_FUNCTION vd softplus_derivative(vd x, const smooth_constants *k) {
    vd scaled = vd_mul(k->beta, x);
    vd e = exp_negative(vd_abs(scaled)), positive = vd_div(vd_set1(1.0), vd_add(vd_set1(1.0), e));
    vd logistic = vd_select(vd_ge(scaled, vd_zero()), positive, vd_mul(e, positive));
    return vd_select(vd_gt(scaled, k->threshold), vd_set1(1.0), logistic);
}

/* exp(x) on the side x <= 0 (x > 0 selects the positive side's constant). */
VEC_FUNCTION vd elu_derivative(vd x, const smooth_constants *k) {
    vd negative = vd_mul(k->alpha, exp_negative(vd_sub(vd_zero(), x)));
    return vd_select(vd_gt(x, vd_zero()), vd_set1(1.0), negative);
}

VEC_FUNCTION vd selu_derivative(vd x, const smooth_constants *k) {
    (void)k;
    vd negative = vd_mul(vd_set1(SELU_SCALE_ALPHA), exp_negative(vd_sub(vd_zero(), x)));
    return vd_select(vd_gt(x, vd_zero()), vd_set1(SELU_SCALE), negative);
}

/* e^(x / alpha) below 0, for alpha > 0 (x / alpha's rounding moves e^q by |q| 2^-53 at
 * most, 2^-43 relative at q = -745: far below a float ULP). */
VEC_FUNCTION vd celu_derivative(vd x, const smooth_constants *k) {
    vd negative = exp_negative(vd_sub(vd_zero(), vd_div(x, k->alpha)));
    return vd_select(vd_gt(x, vd_zero()), vd_set1(1.0), negative);
}

/* mish'(x) = tanh(sp) + x logistic(x) sech^2(sp), sp = softplus(x). With e = e^x and
 * n = e (e + 2) = (1 + e)^2 - 1: tanh(sp) = n / (n + 2), sech^2(sp) = 4 (1 + e)^2 /
 * (n + 2)^2, so mish' = (n (n + 2) + 4 x e (1 + e)) / (n + 2)^2, one division (two
 * until 2026-12-06: 1.11x faster with one; vrcp14pd and two Newton steps in its place
 * were slower than the division); 1 above 50 (as the reference; (n + 2)^2 stays below
 * 2^300 up to there). For x from -700 up (the kernel leaves the rest to the reference). */
VEC_FUNCTION vd mish_derivative(vd x, const smooth_constants *k) {
    (void)k;
    vd e = vm_exp(at_most(at_least(x, -700), 50)); /* NaN stays */
    vd one_plus_e = vd_add(vd_set1(1.0), e);
    vd n = vd_mul(e, vd_add(e, vd_set1(2.0)));
    vd n_plus_2 = vd_add(n, vd_set1(2.0));
    vd second = vd_mul(vd_mul(vd_set1(4.0), vd_mul(x, e)), one_plus_e);
    vd d = vd_div(vd_fma(n, n_plus_2, second), vd_mul(n_plus_2, n_plus_2));
    return vd_select(vd_gt(x, vd_set1(50)), vd_set1(1.0), d);
}

/* gelu_tanh'(x) = logistic(v) + x v' logistic'(v), v = 2u = 2 sqrt(2/pi) (x + 0.044715 x^3),
 * v' = 2 sqrt(2/pi) (1 + 3 0.044715 x^2), logistic'(v) = e / (1 + e)^2, e = e^-|v|. x is
 * clamped to [-20, 20] (beyond, f' is 1, or below 2^-800: 0 or -0 once times a float dy;
 * the kernel leaves x < -20 to the reference, where an infinite dy must give NaN), so
 * that e^-|v| is a normal double without exp_negative's range handling, and e q is
 * shared by both terms (1.22x faster than before 2026-12-06, the same results' maximum). */
VEC_FUNCTION vd gelu_tanh_derivative(vd x, const smooth_constants *k) {
    (void)k;
    vd clamped = at_most(at_least(x, -20), 20);
    vd square = vd_mul(clamped, clamped);
    vd c = vd_set1(2 * SQRT_2_OVER_PI_HI); /* 2 sqrt(2/pi) */
    vd v = vd_mul(vd_mul(c, clamped), vd_fma(vd_set1(0.044715), square, vd_set1(1.0)));
    vd slope = vd_mul(c, vd_fma(vd_set1(3 * 0.044715), square, vd_set1(1.0)));
    vd e = vm_exp(vd_sub(vd_zero(), vd_abs(v))); /* |v| <= 603 at |x| <= 20: normal */
    vd q = vd_div(vd_set1(1.0), vd_add(vd_set1(1.0), e));
    vd eq = vd_mul(e, q);
    vd logistic = vd_select(vd_ge(v, vd_zero()), q, eq);
    vd d = vd_fma(vd_mul(clamped, slope), vd_mul(eq, q), logistic);
    return vd_select(vd_gt(x, vd_set1(20)), vd_set1(1.0), d);
}

/* 1 / (1 + |x|)^2: the square of a float's 1 + |x| is finite; 0 at +-inf. */
VEC_FUNCTION vd softsign_derivative(vd x, const smooth_constants *k) {
    (void)k;
    vd u = vd_add(vd_set1(1.0), vd_abs(x));
    return keep_nan(x, vd_div(vd_set1(1.0), vd_mul(u, u)));
}

/* logistic(-x) */
VEC_FUNCTION vd logsigmoid_derivative(vd x, const smooth_constants *k) {
    (void)k;
    return keep_nan(x, vm_logistic(vd_sub(vd_zero(), x)));
}

/* tanh(x)^2. Below |x| = 2^-26 tanh(x) is x in double and x^2 exact, a float tie at
 * times, while the true x^2 (1 - 2x^2/3) lies just below: x^2 (1 - 2^-52) lies between
 * the two, on the true value's side of any tie (the reference's `toward`). */
VEC_FUNCTION vd tanhshrink_derivative(vd x, const smooth_constants *k) {
    vd t = tanh_body(x, k), square = vd_mul(t, t);
    md tiny = vd_lt(vd_abs(x), vd_set1(0x1p-26));
    return vd_select(tiny, vd_mul(square, vd_set1(1 - 0x1p-52)), square);
}

/* (1 + x / s) / 2 from 0 up (1 above 1e300, where x / s would be inf / inf), and
 * b / (2 s (s + |x|)) below. */
VEC_FUNCTION vd squareplus_derivative(vd x, const smooth_constants *k) {
    vd s = squareplus_root(x, k), half = vd_set1(0.5);
    vd positive = vd_add(half, vd_mul(half, vd_div(x, s)));
    positive = vd_select(vd_gt(x, vd_set1(1e300)), vd_set1(1.0), positive);
    vd sum = vd_add(s, vd_abs(x)), negative = vd_div(vd_div(k->b, s), vd_add(sum, sum));
    return keep_nan(x, vd_select(vd_ge(x, vd_zero()), positive, negative));
}

/* gelu: Phi(x) + x phi(x). Two ranges go to the reference, element by element: below
 * -14, where Phi needs erfc beyond normal_cdf's clamp and the result (times a dy up to
 * 3.4e38) can still be a float; and [-0.8, -0.7], around the derivative's zero at
 * -0.7518, where Phi and -x phi cancel and double lanes' 2^-46 would cost float ULPs. */
VEC_FUNCTION vd gelu_derivative(vd x, const smooth_constants *k) {
    (void)k;
    vd density = vd_mul(vd_set1(INV_SQRT_2PI), exp_negative(vd_mul(vd_set1(0.5), vd_mul(x, x))));
    vd d = vd_add(normal_cdf(x), vd_mul(x, density));
    return vd_select(vd_gt(x, vd_set1(40)), vd_set1(1.0), d);
}

VEC_FUNCTION mf gelu_needs_reference(vf v) {
    mf near_zero = mf_and(vf_ge(v, vf_set1(-0.8f)), vf_le(v, vf_set1(-0.7f)));
    return mf_or(vf_lt(v, vf_set1(-14.0f)), near_zero);
}

/* gelu_tanh: below -20, and within 0.002 of its derivative's zero at -0.75246, where the
 * two terms cancel (by a factor up to 500 at the band's edge: 2^-41 left of the double
 * lanes' 2^-50). */
VEC_FUNCTION mf gelu_tanh_needs_reference(vf v) {
    mf near_zero = mf_and(vf_ge(v, vf_set1(-0.7545f)), vf_le(v, vf_set1(-0.7505f)));
    return mf_or(vf_lt(v, vf_set1(-20.0f)), near_zero);
}

/* mish: within 0.002 of its derivative's zero at -1.19243 (n (n + 2) and 4 x e (1 + e)
 * cancel), and below -700, where e^x leaves the normal doubles. */
VEC_FUNCTION mf mish_needs_reference(vf v) {
    mf near_zero = mf_and(vf_ge(v, vf_set1(-1.1945f)), vf_le(v, vf_set1(-1.1905f)));
    return mf_or(vf_lt(v, vf_set1(-700.0f)), near_zero);
}

/* silu: below -745, where e^x leaves the doubles but the reference's (1 + x) e^x, scaled,
 * does not until -751.75: an infinite dy gives inf there, not NaN. */
VEC_FUNCTION mf silu_needs_reference(vf v) {
    return vf_lt(v, vf_set1(-745.0f));
}

#endif
