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
#include "spec/smooth_constants.h"
#include "kernels/double_math.h"
#include "kernels/kernel_template.h"

#include <math.h>

#if VEC_HAS_FMA

#include "kernels/dtype_f64.h"
#define CONSTANTS double_constants

typedef struct double_constants {
    vd alpha, inverse_alpha, beta, threshold, b;
} double_constants;

static inline double_constants make_constants_f64(const op_params *p) {
    double_constants k = {vd_set1(p->alpha), vd_set1(1.0 / p->alpha), vd_set1(p->beta),
                          vd_set1(p->threshold), vd_set1(p->b)};
    return k;
}

/* Lanes below `low` or above `high` (NaN is neither: the formulas keep it). */
static inline md lanes_outside(vd x, double low, double high) {
    return md_or(vd_lt(x, vd_set1(low)), vd_gt(x, vd_set1(high)));
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

static inline md beyond_700_forward(vd x, const double_constants *k) {
    (void)k;
    return lanes_outside(x, -700.0, 700.0);
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

/* x / alpha = q + error (alpha > 0, x <= 0: q <= 0), as the reference's divide_exactly
 * but without a division: q = x (1 / alpha), within an ULP of the quotient, and the
 * remainder x - q alpha (exact, one fma) times 1 / alpha as error, so that q + error is
 * the quotient to about 2^-100 relative, which is all the formulas use; error 0 where
 * |q| >= 2^10, as the reference's. */
static inline vd quotient_and_error(vd x, vd alpha, vd inverse, vd *error) {
    vd q = vd_mul(x, inverse);
    vd e = vd_mul(vd_fnma(q, alpha, x), inverse);
    *error = vd_select(vd_lt(vd_abs(q), vd_set1(0x1p10)), e, vd_zero());
    return q;
}

/* alpha (expm1(q) + error exp(q)), q = x / alpha, as the reference; for q below -40,
 * where expm1 is -1 to double precision, q is clamped (the correction vanishes too).
 * For alpha > 0 (celu_forward). */
static inline vd celu_body(vd x, const double_constants *k) {
    vd error, q = quotient_and_error(x, k->alpha, k->inverse_alpha, &error);
    vd clamped = vd_select(vd_lt(q, vd_set1(-40.0)), vd_set1(-40.0), q);
    vd s, scale = dm_exp_parts(clamped, &s);
    vd expm1 = vd_fma(scale, s, vd_sub(scale, vd_set1(1.0)));
    vd growth = vd_fma(scale, s, scale);
    vd negative = vd_mul(k->alpha, vd_fma(error, growth, expm1));
    /* q = +-0 (x = +-0, or x / alpha underflowed): the reference's expm1(q) + error is q +
     * error, whose sign of zero dm_expm1 (+0 for -0) would lose */
    negative = vd_select(vd_eq(q, vd_zero()), vd_mul(k->alpha, vd_add(q, error)), negative);
    return vd_select(vd_gt(x, vd_zero()), x, negative);
}

/* 2u = 2 sqrt(2/pi) x (1 + 0.044715 x^2) = two_u + *error, as gelu_tanh_argument: the
 * constants and x^2 as double-double, every product's error from an fma. du/dx too. */
static inline vd gelu_tanh_argument_lanes(vd x, vd *error, vd *du_dx) {
    vd square_error, square = dm_two_product(x, x, &square_error);
    vd cubic_hi = vd_set1(GELU_TANH_CUBIC_HI);
    vd cubic = vd_mul(cubic_hi, square);
    vd cubic_error =
        vd_add(vd_add(vd_fma(cubic_hi, square, vd_neg(cubic)), vd_mul(cubic_hi, square_error)),
               vd_mul(vd_set1(GELU_TANH_CUBIC_LO), square));
    vd one = vd_set1(1.0);
    vd inner = vd_add(one, cubic); /* two-sum: 1 + cubic = inner + inner_error */
    vd cubic_part = vd_sub(inner, one);
    vd inner_error = vd_add(
        vd_add(vd_sub(one, vd_sub(inner, cubic_part)), vd_sub(cubic, cubic_part)), cubic_error);
    vd c_hi = vd_set1(SQRT_2_OVER_PI_HI);
    vd scaled = vd_mul(c_hi, x);
    vd scaled_error =
        vd_add(vd_fma(c_hi, x, vd_neg(scaled)), vd_mul(vd_set1(SQRT_2_OVER_PI_LO), x));
    vd u = vd_mul(scaled, inner);
    vd u_error = vd_add(vd_add(vd_fma(scaled, inner, vd_neg(u)), vd_mul(scaled, inner_error)),
                        vd_mul(scaled_error, inner));
    if (du_dx != NULL)
        *du_dx = vd_mul(c_hi, vd_fma(vd_set1(3.0 * GELU_TANH_CUBIC_HI), square, one));
    *error = vd_add(u_error, u_error);
    return vd_add(u, u);
}

/* exp(-|v|), |v| clamped to 700: beyond, e is 0 to double precision beside 1 (and
 * dm_exp_normal's argument stays normal). */
static inline vd exp_minus_magnitude(vd v) {
    vd a = vd_abs(v);
    return dm_exp_normal(vd_sub(vd_zero(), vd_select(vd_gt(a, vd_set1(700.0)), vd_set1(700.0), a)));
}

/* logistic(v) and logistic(-v), from e = exp(-|v|) (|v| clamped to 700, where e is 0 to
 * double precision beside 1); *e_out receives e and *one_plus 1 + e. */
static inline vd logistic_pair(vd v, vd *other, vd *e_out, vd *one_plus) {
    vd e = exp_minus_magnitude(v);
    vd sum = vd_add(vd_set1(1.0), e);
    vd big = vd_div(vd_set1(1.0), sum), small = vd_div(e, sum);
    vd positive = vd_select(vd_ge(v, vd_zero()), big, small);
    *other = vd_select(vd_ge(v, vd_zero()), small, big);
    *e_out = e, *one_plus = sum;
    return positive;
}

/* x logistic(2u) (1 + error logistic(-2u)), as the reference, for 2u >= -700 and |x| <=
 * 1e10 (beyond: the reference). */
static inline vd gelu_tanh_body(vd x, const double_constants *k) {
    (void)k;
    vd error, two_u = gelu_tanh_argument_lanes(x, &error, NULL);
    vd other, e, one_plus, logistic = logistic_pair(two_u, &other, &e, &one_plus);
    return vd_mul(x, vd_mul(logistic, vd_fma(error, other, vd_set1(1.0))));
}

/* Lanes the reference takes: x beyond +-1e10 (its early returns), 2u below -700 (x below
 * about -19.5, where logistic(2u) = exp(2u) is subnormal), NaN passes the formulas. */
static inline md gelu_tanh_outside(vd x, const double_constants *k) {
    (void)k;
    return lanes_outside(x, -19.0, 1e10);
}

/* beta x = v + error exactly, error 0 where v is not finite (product_error). */
static inline vd scaled_input(vd x, const double_constants *k, vd *error) {
    vd v = vd_mul(k->beta, x);
    vd e = vd_fma(k->beta, x, vd_neg(v));
    *error = vd_select(vd_lt(vd_abs(v), vd_set1(INFINITY)), e, vd_zero());
    return v;
}

/* softplus_unit(v) = max(v, 0) + log1p(exp(-|v|)); |v| clamped to 700 (beyond, log1p
 * vanishes beside v); *e receives exp(-|v|). */
static inline vd softplus_unit_lanes(vd v, vd *e) {
    *e = exp_minus_magnitude(v);
    return vd_add(vd_select(vd_gt(v, vd_zero()), v, vd_zero()), dm_log1p_unit(*e));
}

/* beta = 1 (the default, PyTorch's too): v = x exactly, no correction, no division. */
static inline vd softplus_unit_body(vd x, const double_constants *k) {
    vd e, unit = softplus_unit_lanes(x, &e);
    return vd_select(vd_gt(x, k->threshold), x, unit);
}

/* (softplus_unit(v) + error logistic(v)) / beta, v = beta x, as the reference; x itself
 * where v > threshold. For v >= -700 (below, the reference: exp(v) is subnormal). The
 * logistic only scales the first-order correction, so it is computed only where a
 * vector has one (beta x inexact). */
static inline vd softplus_body(vd x, const double_constants *k) {
    vd error, e, v = scaled_input(x, k, &error);
    vd sum = softplus_unit_lanes(v, &e);
    if (md_to_bits(md_or(vd_lt(error, vd_zero()), vd_gt(error, vd_zero()))) != 0) {
        vd reciprocal = vd_div(vd_set1(1.0), vd_add(vd_set1(1.0), e));
        vd logistic = vd_select(vd_ge(v, vd_zero()), reciprocal, vd_mul(e, reciprocal));
        sum = vd_fma(error, logistic, sum);
    }
    return vd_select(vd_gt(v, k->threshold), x, vd_div(sum, k->beta));
}

/* Lanes the reference takes: beta x below -700, and those where beta x is not below
 * -700 only because it is NaN are no matter (NaN passes the formula). */
static inline md softplus_outside(vd x, const double_constants *k) {
    return vd_lt(vd_mul(k->beta, x), vd_set1(-700.0));
}

/* logsigmoid(x) = min(x, 0) - log1p(exp(-|x|)), as the reference (its two branches in
 * one: both terms <= 0, no cancellation); above 700 (exp subnormal) the reference. */
static inline vd logsigmoid_body(vd x, const double_constants *k) {
    (void)k;
    vd negative_part = vd_select(vd_lt(x, vd_zero()), x, vd_zero());
    return vd_sub(negative_part, dm_log1p_unit(exp_minus_magnitude(x)));
}

static inline md above_700_forward(vd x, const double_constants *k) {
    (void)k;
    return lanes_outside(x, -INFINITY, 700.0);
}

/* x / (1 + |x|), the reference's two roundings; |x| clamped to 1e300, where the quotient
 * is +-1 (inf / inf would be NaN). */
static inline vd softsign_body(vd x, const double_constants *k) {
    (void)k;
    vd clamped = vd_select(vd_lt(x, vd_set1(-1e300)), vd_set1(-1e300), x);
    clamped = vd_select(vd_gt(clamped, vd_set1(1e300)), vd_set1(1e300), clamped);
    return vd_div(clamped, vd_add(vd_set1(1.0), vd_abs(clamped)));
}

/* squareplus: s = sqrt(x^2 + b) with x^2 + b rounded once (fma), (x + s) / 2 from 0 up
 * and b / (2 (s + |x|)) below, where x + s would cancel: about 2 ULP (bound 3). b is
 * divided by a doubled sum, never halved: half of a subnormal b would round. The
 * reference beyond |x| = 2^500 (x^2 near overflow) and where x^2 + b is below 2^-1022
 * (a tiny x with a subnormal b), where the fma would round to the subnormals' grid. */
static inline vd squareplus_root_f64(vd x, const double_constants *k) {
    return vd_sqrt(vd_fma(x, x, k->b));
}

static inline vd squareplus_body(vd x, const double_constants *k) {
    vd s = squareplus_root_f64(x, k), half = vd_set1(0.5);
    vd positive = vd_add(vd_mul(half, x), vd_mul(half, s));
    vd sum = vd_add(s, vd_abs(x)), negative = vd_div(k->b, vd_add(sum, sum));
    return vd_select(vd_ge(x, vd_zero()), positive, negative);
}

static inline md squareplus_coarse_root(vd x, const double_constants *k) {
    return vd_lt(vd_fma(x, x, k->b), vd_set1(0x1p-1022));
}

static inline md squareplus_forward_outside(vd x, const double_constants *k) {
    return md_or(lanes_outside(x, -0x1p500, 0x1p500), squareplus_coarse_root(x, k));
}

/* tanhshrink, x - tanh(x), over the reference's three ranges: below |x| = 1 its series,
 * x^3 (c_1 + x^2 T(x^2)) with c_1, x^2, x^2 T and x^3 as two doubles each (the terms
 * alternate in sign; smooth_reference.c says why), the same operations lane for lane;
 * from 1 to 2 (|x| - 1) + 2 / (expm1(2|x|) + 2), free of cancellation, expm1 as
 * 2^k s + (2^k - 1) in one fma; beyond, x - tanh(x) (tanh(x) < 0.97 |x|: no
 * cancellation). NaN and +-inf take the last, as the reference. */
static const double tanhshrink_coefficients[44] = {TANHSHRINK_SERIES_LEADING,
                                                   TANHSHRINK_SERIES_TRAILING};

static inline vd tanhshrink_series(vd x) {
    vd square_lo, square = dm_two_product(x, x, &square_lo);
    vd tail = vd_set1(tanhshrink_coefficients[43]);
    for (int k = 42; k >= 1; k--)
        tail = vd_fma(tail, square, vd_set1(tanhshrink_coefficients[k]));
    vd product = vd_mul(square, tail);
    vd product_lo = vd_fma(square, tail, vd_neg(product));
    vd first = vd_set1(tanhshrink_coefficients[0]), sum = vd_add(first, product);
    vd sum_lo = vd_add(vd_add(vd_sub(first, sum), product),
                       vd_add(product_lo, vd_set1(TANHSHRINK_THIRD_LO)));
    vd cube = vd_mul(x, square);
    vd cube_lo = vd_add(vd_fma(x, square, vd_neg(cube)), vd_mul(x, square_lo));
    vd result = vd_fma(cube, sum, vd_fma(cube, sum_lo, vd_mul(cube_lo, sum)));
    return vd_select(vd_eq(x, vd_zero()), x, result); /* -0 stays -0 */
}

static inline vd tanhshrink_body(vd x, const double_constants *k) {
    vd magnitude = vd_abs(x), small = tanhshrink_series(x);
    vd clamped = vd_select(vd_lt(magnitude, vd_set1(2.0)), magnitude, vd_set1(2.0));
    vd s, scale = dm_exp_parts(vd_add(clamped, clamped), &s);
    vd grown = vd_fma(scale, s, vd_sub(scale, vd_set1(1.0))); /* expm1(2|x|) */
    vd middle =
        vd_add(vd_sub(magnitude, vd_set1(1.0)), vd_div(vd_set1(2.0), vd_add(grown, vd_set1(2.0))));
    middle = vd_select(vd_lt(x, vd_zero()), vd_sub(vd_zero(), middle), middle);
    vd large = vd_sub(x, tanh_body(x, k));
    vd result = vd_select(vd_lt(magnitude, vd_set1(2.0)), middle, large);
    return vd_select(vd_lt(magnitude, vd_set1(1.0)), small, result);
}

/* tanh(softplus(x)) without tanh or log: with n = exp(x), e^softplus = 1 + n, so
 * tanh(softplus) = w / (w + 2), w = n (n + 2), no cancellation for x <= 0; for x > 0 with
 * m = exp(-x), (1 + 2m) / (1 + 2m + 2m^2). Returns it, and through *numerator, *denominator
 * and *small the pieces the derivative reuses (small: n or m). |x| is clamped to 700. */
static inline vd mish_tanh(vd x, vd *numerator, vd *denominator, vd *small) {
    vd e = exp_minus_magnitude(x);
    vd twice = vd_add(e, e);
    vd left_numerator = vd_fma(e, e, twice); /* n (n + 2) */
    vd left_denominator = vd_add(left_numerator, vd_set1(2.0));
    vd right_numerator = vd_add(vd_set1(1.0), twice); /* 1 + 2m */
    vd right_denominator = vd_fma(twice, e, right_numerator);
    md positive = vd_gt(x, vd_zero());
    *numerator = vd_select(positive, right_numerator, left_numerator);
    *denominator = vd_select(positive, right_denominator, left_denominator);
    *small = e;
    return vd_div(*numerator, *denominator);
}

/* x tanh(softplus(x)); below -700 (x exp(x) subnormal) the reference. */
static inline vd mish_body(vd x, const double_constants *k) {
    (void)k;
    vd numerator, denominator, e;
    return vd_mul(x, mish_tanh(x, &numerator, &denominator, &e));
}

static inline md below_700_forward(vd x, const double_constants *k) {
    (void)k;
    return lanes_outside(x, -700.0, INFINITY);
}

DEFINE_FORWARD_KERNEL_WITH_FALLBACK(sigmoid_forward, sigmoid_body, beyond_700_forward,
                                    sigmoid_forward)
DEFINE_FORWARD_KERNEL_WITH_FALLBACK(silu_forward, silu_body, beyond_700_forward, silu_forward)
DEFINE_LONG_FORWARD_KERNEL(tanh_forward, tanh_body)
DEFINE_LONG_FORWARD_KERNEL(elu_forward, elu_body)
DEFINE_LONG_FORWARD_KERNEL(selu_forward, selu_body)
DEFINE_LONG_FORWARD_KERNEL(celu_forward_positive_alpha, celu_body)
DEFINE_FORWARD_KERNEL_WITH_FALLBACK(gelu_tanh_forward, gelu_tanh_body, gelu_tanh_outside,
                                    gelu_tanh_forward)
DEFINE_FORWARD_KERNEL_WITH_FALLBACK(softplus_forward_any_beta, softplus_body, softplus_outside,
                                    softplus_forward)
DEFINE_FORWARD_KERNEL_WITH_FALLBACK(softplus_forward_unit_beta, softplus_unit_body,
                                    softplus_outside, softplus_forward)

DEFINE_FORWARD_CHOICE(f64_softplus_forward, p->beta == 1, KERNEL(softplus_forward_unit_beta),
                      KERNEL(softplus_forward_any_beta))
DEFINE_FORWARD_KERNEL_WITH_FALLBACK(mish_forward, mish_body, below_700_forward, mish_forward)
DEFINE_FORWARD_KERNEL_WITH_FALLBACK(logsigmoid_forward, logsigmoid_body, above_700_forward,
                                    logsigmoid_forward)
DEFINE_LONG_FORWARD_KERNEL(softsign_forward, softsign_body)
DEFINE_FORWARD_KERNEL_WITH_FALLBACK(squareplus_forward, squareplus_body, squareplus_forward_outside,
                                    squareplus_forward)
DEFINE_LONG_FORWARD_KERNEL(tanhshrink_forward, tanhshrink_body)

/* celu's kernels serve alpha in (2^-1000, 2^1000), where 1 / alpha is normal; alpha < 0
 * (where x / alpha > 0 and exp may overflow) and the extremes go to the reference. */
#define CELU_KERNEL_SERVES(p) ((p)->alpha > 0x1p-1000 && (p)->alpha < 0x1p1000)

DEFINE_PARTIAL_KERNEL(f64_celu_forward, celu_forward_positive_alpha, CELU_KERNEL_SERVES(p),
                      celu_forward)

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

/* logsigmoid'(x) = logistic(-x), the reference's dy times it. */
static inline vd logsigmoid_gradient(vd x, vd dy, const double_constants *k) {
    return vd_mul(dy, sigmoid_body(vd_sub(vd_zero(), x), k));
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
    /* c = +-0 (elu's alpha): c exp(x) is c itself, the fma would give it s's sign; a NaN
     * x keeps the fma's NaN (its scale may be a number times a zero c) */
    md zero = md_and(vd_eq(scaled, vd_zero()), vd_eq(x, x));
    vd slope = vd_select(zero, scaled, vd_fma(scaled, s, scaled));
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

/* dy exp(q) (1 + error) at x <= 0, q = x / alpha (alpha > 0), as the reference; dy above.
 * Lanes with q below -700 go to the reference (celu_backward_outside). */
static inline vd celu_gradient(vd x, vd dy, const double_constants *k) {
    vd error, q = quotient_and_error(vd_select(vd_gt(x, vd_zero()), vd_zero(), x), k->alpha,
                                     k->inverse_alpha, &error);
    vd growth = dm_exp_normal(q);
    vd negative = vd_mul(dy, vd_mul(growth, vd_add(vd_set1(1.0), error)));
    return vd_select(vd_gt(x, vd_zero()), dy, negative);
}

static inline md celu_backward_outside(vd x, vd dy, const double_constants *k) {
    (void)dy;
    return lanes_outside(vd_div(x, k->alpha), -700.0, INFINITY);
}

/* dy (L + 2 x L' (1 - error tanh(v/2)) u'), L = logistic(v) (1 + error logistic(-v)), L' =
 * e / (1 + e)^2, v = 2u, as the reference; tanh(v / 2) = (1 - e) / (1 + e) with v's sign. */
static inline vd gelu_tanh_gradient(vd x, vd dy, const double_constants *k) {
    (void)k;
    vd du_dx, error, two_u = gelu_tanh_argument_lanes(x, &error, &du_dx);
    vd other, e, one_plus, logistic = logistic_pair(two_u, &other, &e, &one_plus);
    vd corrected = vd_mul(logistic, vd_fma(error, other, vd_set1(1.0)));
    vd slope = vd_div(e, vd_mul(one_plus, one_plus));
    vd half_tanh = vd_div(vd_sub(vd_set1(1.0), e), one_plus);
    half_tanh = vd_select(vd_lt(two_u, vd_zero()), vd_sub(vd_zero(), half_tanh), half_tanh);
    vd factor = vd_fnma(error, half_tanh, vd_set1(1.0));
    vd second = vd_mul(vd_mul(vd_mul(vd_add(x, x), slope), factor), du_dx);
    return vd_mul(dy, vd_add(corrected, second));
}

static inline md gelu_tanh_backward_outside(vd x, vd dy, const double_constants *k) {
    (void)dy;
    return gelu_tanh_outside(x, k);
}

/* dy logistic(v) (1 + error logistic(-v)), v = beta x, as the reference; dy where v >
 * threshold. */
static inline vd softplus_gradient(vd x, vd dy, const double_constants *k) {
    vd error, v = scaled_input(x, k, &error);
    vd other, e, one_plus, logistic = logistic_pair(v, &other, &e, &one_plus);
    (void)e, (void)one_plus;
    vd result = vd_mul(dy, vd_mul(logistic, vd_fma(error, other, vd_set1(1.0))));
    return vd_select(vd_gt(v, k->threshold), dy, result);
}

static inline md softplus_backward_outside(vd x, vd dy, const double_constants *k) {
    (void)dy;
    return softplus_outside(x, k);
}

/* dy (tanh(sp) + x logistic(x) sech^2(sp)), sp = softplus(x), as the reference's formula,
 * from mish_tanh's pieces: x logistic(x) sech^2(sp) is 4 x n (1 + n) / (w + 2)^2 for x <= 0
 * and 4 x m^2 (1 + m) / (1 + 2m + 2m^2)^2 above; dy above 50, as the reference. */
static inline vd mish_gradient(vd x, vd dy, const double_constants *k) {
    (void)k;
    vd numerator, denominator, e, t = mish_tanh(x, &numerator, &denominator, &e);
    vd one_plus = vd_add(vd_set1(1.0), e);
    vd weight = vd_select(vd_gt(x, vd_zero()), vd_mul(e, e), e);
    vd second = vd_div(vd_mul(vd_mul(vd_set1(4.0), x), vd_mul(weight, one_plus)),
                       vd_mul(denominator, denominator));
    vd result = vd_mul(dy, vd_add(t, second));
    return vd_select(vd_gt(x, vd_set1(50.0)), dy, result);
}

/* Where exp's result is subnormal (it has lost bits the product needs), and at +-inf:
 * the reference. */
static inline md beyond_350(vd x, vd dy, const double_constants *k) {
    (void)dy, (void)k;
    return lanes_outside(x, -350.0, 350.0);
}

static inline md beyond_700(vd x, vd dy, const double_constants *k) {
    (void)dy, (void)k;
    return lanes_outside(x, -700.0, 700.0);
}

static inline md below_700(vd x, vd dy, const double_constants *k) {
    (void)dy, (void)k;
    return lanes_outside(x, -700.0, INFINITY);
}

/* softsign' times dy, the reference's way: 1 + |x| = u + e and u^2 = q + f exactly (a
 * two-sum and an fma), dy / q corrected to first order by -(f / q + 2 e / u) in one fma,
 * so that about only the division rounds. The reference where u reaches 2^500 (u^2 would
 * overflow) and where dy / q is not finite (NaN x or dy included). */
static inline vd softsign_gradient(vd x, vd dy, const double_constants *k) {
    (void)k;
    vd one = vd_set1(1.0), magnitude = vd_abs(x), u = vd_add(one, magnitude);
    vd back = vd_sub(u, one), e = vd_add(vd_sub(one, vd_sub(u, back)), vd_sub(magnitude, back));
    vd q = vd_mul(u, u), f = vd_fma(u, u, vd_neg(q)), r = vd_div(dy, q);
    vd relative = vd_add(vd_div(f, q), vd_div(vd_add(e, e), u));
    return vd_fnma(r, relative, r);
}

static inline md softsign_backward_outside(vd x, vd dy, const double_constants *k) {
    (void)k;
    vd u = vd_add(vd_set1(1.0), vd_abs(x)), r = vd_div(dy, vd_mul(u, u));
    md not_finite = md_or(vd_is_nan(r), vd_ge(vd_abs(r), vd_set1(INFINITY)));
    return md_or(not_finite, md_or(vd_is_nan(u), vd_ge(u, vd_set1(0x1p500))));
}

/* tanhshrink' = tanh(x)^2: from |x| = 2 on as 1 - 4e / (1 + e)^2, e = exp(-2|x|) (the
 * subtracted part below 0.07: about 0.7 ULP, where squaring a tanh near 1 doubled its
 * error: 5.05 ULP at x = -4.92); below, tanh(x)^2; below 2^-26 x^2 (1 - 2^-52), as the
 * reference (which keeps the result off 16-bit ties there). */
static inline vd tanhshrink_gradient(vd x, vd dy, const double_constants *k) {
    vd magnitude = vd_abs(x), t = tanh_body(x, k);
    vd far = vd_select(vd_lt(magnitude, vd_set1(2.0)), vd_set1(2.0), magnitude);
    vd e = dm_exp_normal(
        vd_mul(vd_set1(-2.0), vd_select(vd_gt(far, vd_set1(350.0)), vd_set1(350.0), far)));
    vd one_plus = vd_add(vd_set1(1.0), e);
    vd saturating =
        vd_sub(vd_set1(1.0), vd_div(vd_mul(vd_set1(4.0), e), vd_mul(one_plus, one_plus)));
    vd slope = vd_select(vd_lt(magnitude, vd_set1(2.0)), vd_mul(t, t), saturating);
    vd tiny = vd_mul(vd_mul(x, x), vd_set1(1 - 0x1p-52));
    return vd_mul(dy, vd_select(vd_lt(magnitude, vd_set1(0x1p-26)), tiny, slope));
}

/* squareplus': (1 + x / s) / 2 down to x = -s / 2 (no worse than a bit lost there),
 * b / (2 s (s + |x|)) below, where it would cancel (bound 4 with dy's product). The reference where
 * |x| > 2^500, where x^2 + b is below 2^-1022 (as in the forward) and where the left side's slope
 * falls below 2^-1000: there it forms dy b / (4 x^2) as one quotient, which a subnormal slope times
 * a large dy would not match. */
static inline vd squareplus_slope(vd x, const double_constants *k) {
    vd square = vd_fma(x, x, k->b), s = vd_sqrt(square), half = vd_set1(0.5);
    vd ratio = vd_div(x, s), near = vd_add(half, vd_mul(half, ratio));
    /* s (s + |x|) as s^2 + s |x|, with s^2 the rounded x^2 + b: one rounding fewer; b
     * over that doubled, not half of b (which rounds where b is subnormal) */
    vd product = vd_fma(s, vd_abs(x), square), far = vd_div(k->b, vd_add(product, product));
    return vd_select(vd_ge(ratio, vd_set1(-0.5)), near, far);
}

static inline vd squareplus_gradient(vd x, vd dy, const double_constants *k) {
    return vd_mul(dy, squareplus_slope(x, k));
}

static inline md squareplus_backward_outside(vd x, vd dy, const double_constants *k) {
    (void)dy;
    return md_or(md_or(lanes_outside(x, -0x1p500, 0x1p500), squareplus_coarse_root(x, k)),
                 vd_lt(squareplus_slope(x, k), vd_set1(0x1p-1000)));
}

DEFINE_BACKWARD_KERNEL_WITH_FALLBACK(sigmoid_backward, sigmoid_gradient, beyond_700,
                                     sigmoid_backward)
DEFINE_BACKWARD_KERNEL_WITH_FALLBACK(tanh_backward, tanh_gradient, beyond_350, tanh_backward)
DEFINE_BACKWARD_KERNEL_WITH_FALLBACK(silu_backward, silu_gradient, below_700, silu_backward)
DEFINE_BACKWARD_KERNEL_WITH_FALLBACK(elu_backward, elu_gradient, below_700, elu_backward)
DEFINE_BACKWARD_KERNEL_WITH_FALLBACK(selu_backward, selu_gradient, below_700, selu_backward)
DEFINE_BACKWARD_KERNEL_WITH_FALLBACK(celu_backward_positive_alpha, celu_gradient,
                                     celu_backward_outside, celu_backward)
DEFINE_BACKWARD_KERNEL_WITH_FALLBACK(gelu_tanh_backward, gelu_tanh_gradient,
                                     gelu_tanh_backward_outside, gelu_tanh_backward)
DEFINE_BACKWARD_KERNEL_WITH_FALLBACK(softplus_backward, softplus_gradient,
                                     softplus_backward_outside, softplus_backward)
DEFINE_BACKWARD_KERNEL_WITH_FALLBACK(mish_backward, mish_gradient, below_700, mish_backward)
DEFINE_BACKWARD_KERNEL_WITH_FALLBACK(logsigmoid_backward, logsigmoid_gradient, beyond_700,
                                     logsigmoid_backward)
DEFINE_BACKWARD_KERNEL_WITH_FALLBACK(squareplus_backward, squareplus_gradient,
                                     squareplus_backward_outside, squareplus_backward)
DEFINE_BACKWARD_KERNEL(tanhshrink_backward, tanhshrink_gradient)
DEFINE_BACKWARD_KERNEL_WITH_FALLBACK(softsign_backward, softsign_gradient,
                                     softsign_backward_outside, softsign_backward)

DEFINE_PARTIAL_BACKWARD_KERNEL(f64_celu_backward, celu_backward_positive_alpha,
                               CELU_KERNEL_SERVES(p), celu_backward)

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
    table->forward[SLOT_F64][ACTFN_CELU] = ISA_FUNCTION(f64_celu_forward);
    table->backward[SLOT_F64][ACTFN_CELU] = ISA_FUNCTION(f64_celu_backward);
    table->forward[SLOT_F64][ACTFN_GELU_TANH] = KERNEL(gelu_tanh_forward);
    table->backward[SLOT_F64][ACTFN_GELU_TANH] = KERNEL(gelu_tanh_backward);
    table->forward[SLOT_F64][ACTFN_SOFTPLUS] = ISA_FUNCTION(f64_softplus_forward);
    table->backward[SLOT_F64][ACTFN_SOFTPLUS] = KERNEL(softplus_backward);
    table->forward[SLOT_F64][ACTFN_MISH] = KERNEL(mish_forward);
    table->backward[SLOT_F64][ACTFN_MISH] = KERNEL(mish_backward);
    table->forward[SLOT_F64][ACTFN_LOGSIGMOID] = KERNEL(logsigmoid_forward);
    table->backward[SLOT_F64][ACTFN_LOGSIGMOID] = KERNEL(logsigmoid_backward);
    table->forward[SLOT_F64][ACTFN_SOFTSIGN] = KERNEL(softsign_forward);
    table->backward[SLOT_F64][ACTFN_SOFTSIGN] = KERNEL(softsign_backward);
    table->forward[SLOT_F64][ACTFN_SQUAREPLUS] = KERNEL(squareplus_forward);
    table->backward[SLOT_F64][ACTFN_SQUAREPLUS] = KERNEL(squareplus_backward);
    table->forward[SLOT_F64][ACTFN_TANHSHRINK] = KERNEL(tanhshrink_forward);
    table->backward[SLOT_F64][ACTFN_TANHSHRINK] = KERNEL(tanhshrink_backward);
#else
    (void)table;
#endif
}
