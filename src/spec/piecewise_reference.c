/* SPDX-License-Identifier: MIT */
#include "spec/exact_round.h"
#include "spec/scalar_reference.h"
#include "spec/spec_function.h"

#include <float.h>
#include <math.h>

/* Piecewise ops have derivatives that are exactly 0 on whole intervals. There the
 * unit took no part in the output, so the gradient is +0 even when dy is inf or NaN
 * (a product would give NaN); elsewhere it is the product dy * d. */
SPEC_HELPER double masked_gradient(double dy, double derivative) {
    return derivative == 0 ? 0.0 : dy * derivative;
}

SPEC_FUNCTION double identity_forward(double x, const op_params *p) {
    (void)p;
    return x;
}

SPEC_FUNCTION double identity_backward(double x, double dy, const op_params *p) {
    (void)p;
    return isnan(x) ? x : dy;
}

/* max(0, x) with relu(-0) = +0 and NaN kept: `x > 0 ? x : 0` alone would turn NaN into 0. */
SPEC_HELPER double clamp_below_at_zero(double x, double cap) {
    if (x > 0) return x < cap ? x : cap;
    return isnan(x) ? x : 0.0;
}

/* The derivative of clamp_below_at_zero: 1 inside (0, cap), grad_at_zero at x == 0, 0
 * elsewhere (at the cap too, as PyTorch's hardtanh_backward). */
SPEC_HELPER double clamp_derivative(double x, double cap, double grad_at_zero) {
    if (x > 0 && x < cap) return 1.0;
    if (x == 0) return grad_at_zero;
    return isnan(x) ? x : 0.0;
}

SPEC_FUNCTION double relu_forward(double x, const op_params *p) {
    (void)p;
    return clamp_below_at_zero(x, INFINITY);
}

SPEC_FUNCTION double relu_backward(double x, double dy, const op_params *p) {
    /* relu'(+inf) is 1: the interval is (0, inf], unlike the clamps' (0, cap). */
    double derivative = x == INFINITY ? 1.0 : clamp_derivative(x, INFINITY, p->grad_at_zero);
    return masked_gradient(dy, derivative);
}

SPEC_FUNCTION double leaky_relu_forward(double x, const op_params *p) {
    return x > 0 ? x : x * p->negative_slope;
}

SPEC_FUNCTION double leaky_relu_backward(double x, double dy, const op_params *p) {
    double derivative;
    if (x > 0)
        derivative = 1.0;
    else if (x < 0)
        derivative = p->negative_slope;
    else if (x == 0)
        derivative = p->grad_at_zero;
    else
        derivative = x;
    return masked_gradient(dy, derivative);
}

SPEC_FUNCTION double relu6_forward(double x, const op_params *p) {
    (void)p;
    return clamp_below_at_zero(x, 6.0);
}

SPEC_FUNCTION double relu6_backward(double x, double dy, const op_params *p) {
    return masked_gradient(dy, clamp_derivative(x, 6.0, p->grad_at_zero));
}

SPEC_FUNCTION double clipped_relu_forward(double x, const op_params *p) {
    return clamp_below_at_zero(x, p->cap);
}

SPEC_FUNCTION double clipped_relu_backward(double x, double dy, const op_params *p) {
    return masked_gradient(dy, clamp_derivative(x, p->cap, p->grad_at_zero));
}

SPEC_FUNCTION double hardtanh_forward(double x, const op_params *p) {
    if (x < p->min_val) return p->min_val;
    if (x > p->max_val) return p->max_val;
    return x;
}

SPEC_FUNCTION double hardtanh_backward(double x, double dy, const op_params *p) {
    double derivative = (x > p->min_val && x < p->max_val) ? 1.0 : (isnan(x) ? x : 0.0);
    return masked_gradient(dy, derivative);
}

/* Below these magnitudes x + 3 no longer matters: (x + 3) / 6 rounds to 1/2 and
 * x (x + 3) / 6 to x / 2 (bar the subnormal tie, handled below), since x / 3 is far
 * below half an ULP. Above TINY_F32, x + 3 is exact in double. */
#define TINY_F32 0x1p-28
#define TINY_F64 0x1p-60

/* (hi + lo) / 6 as a double-double, to a relative 2^-104: the quotient q of hi, the
 * exact remainder hi - 6 q (one fused multiply-add), and the rest divided after. */
SPEC_HELPER double_double divided_by_6(double_double v) {
    double_double r;
    r.hi = v.hi / 6.0;
    r.lo = (fma(-r.hi, 6.0, v.hi) + v.lo) / 6.0;
    return r;
}

/* sign((x + 3) - 6 m), m = (below + above) / 2: the sign of x + 3 - 3 below - 3 above,
 * each product exact as two doubles. */
SPEC_HELPER int hardsigmoid_excess_f64(double below, double above, double x) {
    double_double b = exact_product(-3.0, below), a = exact_product(-3.0, above);
    double terms[6] = {x, 3.0, b.hi, b.lo, a.hi, a.lo};
    return sign_of_sum(terms, 6);
}

SPEC_FUNCTION double hardsigmoid_forward(double x, const op_params *p) {
    (void)p;
    if (!(x > -3)) return isnan(x) ? x : 0.0;
    if (x >= 3) return 1.0;
    if (fabs(x) < TINY_F64) return 0.5;
    return nearest_double(divided_by_6(exact_sum(x, 3.0)), hardsigmoid_excess_f64, x);
}

SPEC_HELPER double hardsigmoid_excess(double m, double sum, double unused) {
    (void)unused;
    return sum - 6.0 * m; /* x + 3 and 6 m are exact doubles: the sign is exact */
}

SPEC_FUNCTION float hardsigmoid_forward_f32(float x, const op_params *p) {
    (void)p;
    if (!(x > -3.0f)) return isnan(x) ? x : 0.0f;
    if (x >= 3.0f) return 1.0f;
    if (fabsf(x) < TINY_F32) return 0.5f;
    double sum = (double)x + 3.0; /* exact: x has no bits below 2^-51 */
    return nearest_float(sum / 6.0, hardsigmoid_excess, sum, 0);
}

SPEC_FUNCTION double hardsigmoid_backward(double x, double dy, const op_params *p) {
    (void)p;
    if (x > -3 && x < 3) return dy / 6.0; /* a division, not dy * (1/6): correctly rounded */
    return isnan(x) ? x : 0.0;
}

/* x (x + 3) / 6 near zero: x / 2 plus a positive x^2 / 6 far below x's last bit. That
 * term only matters when x / 2 is not representable (x an odd multiple of the smallest
 * subnormal, `quantum`): the exact value then lies just above the tie, toward +inf. */
SPEC_HELPER double half_plus_tiny_square(double x, double quantum) {
    return copysign((x + quantum) * 0.5, x);
}

/* sign(x (x + 3) - 6 m) = sign(x^2 + 3x - 3 below - 3 above), each product exact as two
 * doubles (|x| >= 2^-60 here: nothing underflows). */
SPEC_HELPER int hardswish_excess_f64(double below, double above, double x) {
    double_double square = exact_product(x, x), triple = exact_product(3.0, x);
    double_double b = exact_product(-3.0, below), a = exact_product(-3.0, above);
    double terms[8] = {square.hi, square.lo, triple.hi, triple.lo, b.hi, b.lo, a.hi, a.lo};
    return sign_of_sum(terms, 8);
}

SPEC_FUNCTION double hardswish_forward(double x, const op_params *p) {
    (void)p;
    if (!(x > -3)) return isnan(x) ? x : 0.0;
    if (x >= 3) return x;
    if (fabs(x) < TINY_F64) {
        double half = x * 0.5;
        return half * 2.0 == x ? half : half_plus_tiny_square(x, 0x1p-1074);
    }
    /* x (x + 3) as a double-double: x + 3 = s.hi + s.lo exactly, x s.hi exactly, and
     * x s.lo (below 2^-52 of the rest) rounded once */
    double_double sum = exact_sum(x, 3.0), product = exact_product(x, sum.hi);
    double_double t = exact_sum(product.hi, product.lo + x * sum.lo);
    return nearest_double(divided_by_6(t), hardswish_excess_f64, x);
}

SPEC_HELPER double hardswish_excess(double m, double x, double sum) {
    return fma(x, sum, -6.0 * m); /* one rounding of the exact x (x + 3) - 6 m: exact sign */
}

SPEC_FUNCTION float hardswish_forward_f32(float x, const op_params *p) {
    (void)p;
    if (!(x > -3.0f)) return isnan(x) ? x : 0.0f;
    if (x >= 3.0f) return x;
    if (fabsf(x) < TINY_F32) {
        double half = (double)x * 0.5;
        return (double)(float)half == half ? (float)half
                                           : (float)half_plus_tiny_square(x, 0x1p-149);
    }
    double sum = (double)x + 3.0;
    return nearest_float((double)x * sum / 6.0, hardswish_excess, x, sum);
}

SPEC_FUNCTION double hardswish_backward(double x, double dy, const op_params *p) {
    (void)p;
    /* PyTorch's choice at the kinks: x / 3 + 1/2 on the closed [-3, 3]. */
    double derivative;
    if (x < -3)
        derivative = 0.0;
    else if (x <= 3) {
        /* dy (2x + 3) is exact for float and 16-bit inputs, so one division rounds the
         * product once: dy (2x + 3) / 6 can be exactly a tie of the narrower type, which
         * dy * ((2x + 3) / 6), rounded twice, would miss. */
        double numerator = dy * (2.0 * x + 3.0);
        if (isfinite(numerator) && numerator != 0) return numerator / 6.0;
        derivative = (2.0 * x + 3.0) / 6.0;
    } else if (x > 3)
        derivative = 1.0;
    else
        derivative = x;
    return masked_gradient(dy, derivative);
}

/* x * x for x > 0: one rounding, so correctly rounded in every dtype (for f32 the
 * double product of two floats is exact). NaN stays, and x <= 0 (-0 too) gives +0. */
SPEC_FUNCTION double squared_relu_forward(double x, const op_params *p) {
    (void)p;
    return x > 0 ? x * x : clamp_below_at_zero(x, INFINITY);
}

/* dy * 2x, rounded once: 2 * (dy * x) is that, except where dy * x is at most the
 * smallest normal (then it was rounded to fewer bits, and (2 dy) * x is the single
 * rounding). Neither form overflows where the exact result does not. +0 for x <= 0. */
SPEC_FUNCTION double squared_relu_backward(double x, double dy, const op_params *p) {
    (void)p;
    if (!(x > 0)) return isnan(x) ? x : 0.0;
    double product = dy * x;
    return fabs(product) <= DBL_MIN ? (dy + dy) * x : 2 * product;
}

/* x outside [-lambd, lambd], else +0 (at +-lambd too, as PyTorch). NaN stays. */
SPEC_FUNCTION double hardshrink_forward(double x, const op_params *p) {
    if (x >= -p->lambd && x <= p->lambd) return 0.0;
    return x;
}

/* 1 outside [-lambd, lambd] and 0 on it, the ends included (PyTorch's choice). With
 * lambd >= 0 (its range) y = f(x) lies outside exactly where x does, and is 0 elsewhere:
 * the same function serves the backward from the output. */
SPEC_FUNCTION double hardshrink_backward(double x, double dy, const op_params *p) {
    if (x >= -p->lambd && x <= p->lambd) return 0.0;
    return isnan(x) ? x : dy;
}

/* x - lambd above lambd, x + lambd below -lambd, +0 between (ends included), NaN kept.
 * One rounding: correctly rounded in every dtype. For f32 the double difference of two
 * floats is exact unless their exponents lie more than 29 apart, and then the result is
 * within 1/64 of an ULP of x, far from a tie, so rounding it twice changes nothing. */
SPEC_FUNCTION double softshrink_forward(double x, const op_params *p) {
    if (x > p->lambd) return x - p->lambd;
    if (x < -p->lambd) return x + p->lambd;
    return isnan(x) ? x : 0.0;
}

SPEC_FUNCTION double softshrink_backward(double x, double dy, const op_params *p) {
    if (x > p->lambd || x < -p->lambd) return dy;
    return isnan(x) ? x : 0.0;
}

/* From y: y is nonzero exactly where |x| > lambd (x - lambd > 0 for x > lambd >= 0,
 * rounded or not: gradual underflow keeps it nonzero). */
SPEC_FUNCTION double softshrink_backward_from_output(double y, double dy, const op_params *p) {
    (void)p;
    if (y == 0) return 0.0;
    return isnan(y) ? y : dy;
}

/* torch.nn.Threshold: x above threshold, value at or below it; NaN stays. */
SPEC_FUNCTION double threshold_forward(double x, const op_params *p) {
    return x <= p->threshold ? p->value : x;
}

SPEC_FUNCTION double threshold_backward(double x, double dy, const op_params *p) {
    if (x <= p->threshold) return 0.0;
    return isnan(x) ? x : dy;
}
