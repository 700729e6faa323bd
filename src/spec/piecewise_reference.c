#include "spec/exact_round.h"
#include "spec/scalar_reference.h"

#include <float.h>
#include <math.h>

/* Piecewise ops have derivatives that are exactly 0 on whole intervals. There the
 * unit took no part in the output, so the gradient is +0 even when dy is inf or NaN
 * (a product would give NaN); elsewhere it is the product dy * d. */
static double masked_gradient(double dy, double derivative) {
    return derivative == 0 ? 0.0 : dy * derivative;
}

double identity_forward(double x, const op_params *p) {
    (void)p;
    return x;
}

double identity_backward(double x, double dy, const op_params *p) {
    (void)p;
    return isnan(x) ? x : dy;
}

/* max(0, x) with relu(-0) = +0 and NaN kept: `x > 0 ? x : 0` alone would turn NaN into 0. */
static double clamp_below_at_zero(double x, double cap) {
    if (x > 0) return x < cap ? x : cap;
    return isnan(x) ? x : 0.0;
}

/* The derivative of clamp_below_at_zero: 1 inside (0, cap), grad_at_zero at x == 0, 0
 * elsewhere (at the cap too, as PyTorch's hardtanh_backward). */
static double clamp_derivative(double x, double cap, double grad_at_zero) {
    if (x > 0 && x < cap) return 1.0;
    if (x == 0) return grad_at_zero;
    return isnan(x) ? x : 0.0;
}

double relu_forward(double x, const op_params *p) {
    (void)p;
    return clamp_below_at_zero(x, INFINITY);
}

double relu_backward(double x, double dy, const op_params *p) {
    /* relu'(+inf) is 1: the interval is (0, inf], unlike the clamps' (0, cap). */
    double derivative = x == INFINITY ? 1.0 : clamp_derivative(x, INFINITY, p->grad_at_zero);
    return masked_gradient(dy, derivative);
}

double leaky_relu_forward(double x, const op_params *p) {
    return x > 0 ? x : x * p->negative_slope;
}

double leaky_relu_backward(double x, double dy, const op_params *p) {
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

double relu6_forward(double x, const op_params *p) {
    (void)p;
    return clamp_below_at_zero(x, 6.0);
}

double relu6_backward(double x, double dy, const op_params *p) {
    return masked_gradient(dy, clamp_derivative(x, 6.0, p->grad_at_zero));
}

double clipped_relu_forward(double x, const op_params *p) {
    return clamp_below_at_zero(x, p->cap);
}

double clipped_relu_backward(double x, double dy, const op_params *p) {
    return masked_gradient(dy, clamp_derivative(x, p->cap, p->grad_at_zero));
}

double hardtanh_forward(double x, const op_params *p) {
    if (x < p->min_val) return p->min_val;
    if (x > p->max_val) return p->max_val;
    return x;
}

double hardtanh_backward(double x, double dy, const op_params *p) {
    double derivative = (x > p->min_val && x < p->max_val) ? 1.0 : (isnan(x) ? x : 0.0);
    return masked_gradient(dy, derivative);
}

/* Below these magnitudes x + 3 no longer matters: (x + 3) / 6 rounds to 1/2 and
 * x (x + 3) / 6 to x / 2 (bar the subnormal tie, handled below), since x / 3 is far
 * below half an ULP. Above TINY_F32, x + 3 is exact in double. */
#define TINY_F32 0x1p-28
#define TINY_F64 0x1p-60

static int sign_of(wide_double value) {
    return (value > 0) - (value < 0);
}

/* sign((x + 3) - 6 m), m = (below + above) / 2: every term is exact in wide_double. */
static int hardsigmoid_excess_f64(double below, double above, double x) {
    wide_double six_m = 3 * ((wide_double)below + (wide_double)above);
    return sign_of(((wide_double)x + 3) - six_m);
}

double hardsigmoid_forward(double x, const op_params *p) {
    (void)p;
    if (!(x > -3)) return isnan(x) ? x : 0.0;
    if (x >= 3) return 1.0;
    if (fabs(x) < TINY_F64) return 0.5;
    return nearest_double(((wide_double)x + 3) / 6, hardsigmoid_excess_f64, x);
}

static double hardsigmoid_excess(double m, double sum, double unused) {
    (void)unused;
    return sum - 6.0 * m; /* x + 3 and 6 m are exact doubles: the sign is exact */
}

float hardsigmoid_forward_f32(float x, const op_params *p) {
    (void)p;
    if (!(x > -3.0f)) return isnan(x) ? x : 0.0f;
    if (x >= 3.0f) return 1.0f;
    if (fabsf(x) < TINY_F32) return 0.5f;
    double sum = (double)x + 3.0; /* exact: x has no bits below 2^-51 */
    return nearest_float(sum / 6.0, hardsigmoid_excess, sum, 0);
}

double hardsigmoid_backward(double x, double dy, const op_params *p) {
    (void)p;
    if (x > -3 && x < 3) return dy / 6.0; /* a division, not dy * (1/6): correctly rounded */
    return isnan(x) ? x : 0.0;
}

/* x (x + 3) / 6 near zero: x / 2 plus a positive x^2 / 6 far below x's last bit. That
 * term only matters when x / 2 is not representable (x an odd multiple of the smallest
 * subnormal, `quantum`): the exact value then lies just above the tie, toward +inf. */
static double half_plus_tiny_square(double x, double quantum) {
    return copysign((x + quantum) * 0.5, x);
}

/* sign(x (x + 3) - 6 m) as (3x - 6m) + x^2: 3x - 6m is exact in wide_double (the two
 * are close, with at most 57 bits each), x^2 has 106 bits and is exact too, and the last
 * rounding keeps the sign. */
static int hardswish_excess_f64(double below, double above, double x) {
    wide_double wide_x = x;
    wide_double six_m = 3 * ((wide_double)below + (wide_double)above);
    return sign_of((3 * wide_x - six_m) + wide_x * wide_x);
}

double hardswish_forward(double x, const op_params *p) {
    (void)p;
    if (!(x > -3)) return isnan(x) ? x : 0.0;
    if (x >= 3) return x;
    if (fabs(x) < TINY_F64) {
        double half = x * 0.5;
        return half * 2.0 == x ? half : half_plus_tiny_square(x, 0x1p-1074);
    }
    wide_double wide_x = x;
    return nearest_double(wide_x * (wide_x + 3) / 6, hardswish_excess_f64, x);
}

static double hardswish_excess(double m, double x, double sum) {
    return fma(x, sum, -6.0 * m); /* one rounding of the exact x (x + 3) - 6 m: exact sign */
}

float hardswish_forward_f32(float x, const op_params *p) {
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

double hardswish_backward(double x, double dy, const op_params *p) {
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
double squared_relu_forward(double x, const op_params *p) {
    (void)p;
    return x > 0 ? x * x : clamp_below_at_zero(x, INFINITY);
}

/* dy * 2x, rounded once: 2 * (dy * x) is that, except where dy * x is at most the
 * smallest normal (then it was rounded to fewer bits, and (2 dy) * x is the single
 * rounding). Neither form overflows where the exact result does not. +0 for x <= 0. */
double squared_relu_backward(double x, double dy, const op_params *p) {
    (void)p;
    if (!(x > 0)) return isnan(x) ? x : 0.0;
    double product = dy * x;
    return fabs(product) <= DBL_MIN ? (dy + dy) * x : 2 * product;
}
