/* SPDX-License-Identifier: MIT */
#include "spec/scalar_reference.h"
#include "spec/smooth_constants.h"

#include <math.h>

/* log(1 + exp(x)) without overflow, and without cancellation for large x. */
SPEC_HELPER double softplus_unit(double x) {
    return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));
}

/* 1 / (1 + exp(-x)); for x < 0 as e / (1 + e) so that exp never overflows. */
SPEC_HELPER double logistic(double x) {
    if (x >= 0) return 1.0 / (1.0 + exp(-x));
    double e = exp(x);
    return e / (1.0 + e);
}

/* logistic(x) * logistic(-x), the logistic's derivative, without 1 - logistic(x). */
SPEC_HELPER double logistic_derivative(double x) {
    double e = exp(-fabs(x));
    double one_plus_e = 1.0 + e;
    return e / (one_plus_e * one_plus_e);
}

/* a + b = sum + *error exactly (Knuth's two-sum). */
SPEC_HELPER double two_sum(double a, double b, double *error) {
    double sum = a + b;
    double b_part = sum - a;
    *error = (a - (sum - b_part)) + (b - b_part);
    return sum;
}

/* 64 ln 2 as hi + lo */
#define LN2_TIMES_64_HI 0x1.62e42fefa39efp+5
#define LN2_TIMES_64_LO 0x1.abc9e3b39803fp-50

/* exp(hi + lo) * 2^64, for hi + lo between about -810 and -600, where exp itself would
 * be subnormal and lose bits that a later product needs: the caller multiplies, then
 * scales by 2^-64 with ldexp, which rounds once. */
SPEC_HELPER double exp_times_2_to_64(double hi, double lo) {
    double error;
    double shifted = two_sum(hi, LN2_TIMES_64_HI, &error);
    error += lo + LN2_TIMES_64_LO;
    return exp(shifted) * (1.0 + error);
}

/* (x + shift) exp(x) for x far below -700, where exp(x) alone is subnormal or zero but
 * the product is not. There x logistic(x) and x tanh(softplus(x)) equal x exp(x), and
 * their derivatives (1 + x) exp(x), to double precision. */
SPEC_HELPER double linear_times_exp_far_left(double x, double shift) {
    return ldexp((x + shift) * exp_times_2_to_64(x, 0.0), -64);
}

SPEC_FUNCTION double elu_forward(double x, const op_params *p) {
    return x > 0 ? x : p->alpha * expm1(x);
}

SPEC_FUNCTION double elu_backward(double x, double dy, const op_params *p) {
    return x > 0 ? dy : dy * (p->alpha * exp(x));
}

SPEC_FUNCTION double elu_backward_from_output(double y, double dy, const op_params *p) {
    /* alpha exp(x) = alpha expm1(x) + alpha = y + alpha, on the side where y <= 0. */
    return y > 0 ? dy : dy * (y + p->alpha);
}

SPEC_FUNCTION double selu_forward(double x, const op_params *p) {
    (void)p;
    return x > 0 ? SELU_SCALE * x : SELU_SCALE_ALPHA * expm1(x);
}

SPEC_FUNCTION double selu_backward(double x, double dy, const op_params *p) {
    (void)p;
    return x > 0 ? dy * SELU_SCALE : dy * (SELU_SCALE_ALPHA * exp(x));
}

SPEC_FUNCTION double selu_backward_from_output(double y, double dy, const op_params *p) {
    (void)p;
    return y > 0 ? dy * SELU_SCALE : dy * (y + SELU_SCALE_ALPHA);
}

/* x / alpha as quotient + *error: exp magnifies the quotient's rounding error by |x / alpha|.
 * Beyond |x / alpha| = 2^10, exp is 0 or inf in double and the error (up to 2^-44 |x /
 * alpha|, no longer small) means nothing: 0 there, and for an infinite quotient. */
SPEC_HELPER double divide_exactly(double x, double alpha, double *error) {
    double quotient = x / alpha;
    *error = fabs(quotient) < 0x1p10 ? fma(-quotient, alpha, x) / alpha : 0.0; /* exact */
    return quotient;
}

SPEC_FUNCTION double celu_forward(double x, const op_params *p) {
    if (x > 0) return x;
    double error;
    double quotient = divide_exactly(x, p->alpha, &error);
    /* expm1(q + e) = expm1(q) + e exp(q) to first order; where exp(q) overflows, expm1(q)
     * is inf and takes no correction (not inf - inf) */
    double growth = exp(quotient);
    double correction = isfinite(growth) ? error * growth : 0.0;
    return p->alpha * (expm1(quotient) + correction);
}

SPEC_FUNCTION double celu_backward(double x, double dy, const op_params *p) {
    if (x > 0) return dy;
    double error;
    double quotient = divide_exactly(x, p->alpha, &error);
    return dy * (exp(quotient) * (1.0 + error)); /* 1 + error > 0: exp's sign stays */
}

SPEC_FUNCTION double celu_backward_from_output(double y, double dy, const op_params *p) {
    /* exp(x / alpha) = y / alpha + 1; y > 0 exactly where x > 0, whatever alpha's sign. */
    return y > 0 ? dy : dy * (y / p->alpha + 1.0);
}

/* erfc(-x / sqrt(2)) = 2 Phi(x), with the argument's rounding error corrected to first
 * order: erfc's condition number grows as 2 t^2, which would cost ~10 bits at t = 27. */
SPEC_HELPER double twice_normal_cdf(double x) {
    double t = -x * SQRT1_2_HI;
    double t_error = fma(-x, SQRT1_2_HI, -t) - x * SQRT1_2_LO;
    return erfc(t) - t_error * TWO_OVER_SQRT_PI * exp(-t * t);
}

/* exp(-x^2 / 2) with x^2 carried as an exact sum, for the same reason. */
SPEC_HELPER double normal_kernel(double x) {
    double square = x * x;
    if (square > 1600) return 0.0;
    double square_error = fma(x, x, -square);
    return exp(-0.5 * square) * (1.0 - 0.5 * square_error);
}

/* Below this, x Phi(x) and its derivative are below half the smallest subnormal. */
#define GELU_ZERO_BELOW (-39.0)
/* Below this, erfc(-x / sqrt 2) is subnormal: the left tail uses the asymptotic series. */
#define GELU_TAIL_BELOW (-37.0)

/* Phi(x) / phi(x) * |x| = sum_k (-1)^k (2k-1)!! / x^2k for x -> -inf, to double
 * precision for x < -37 (the next term is below 2^-60). */
SPEC_HELPER double mills_series(double x) {
    double inverse_square = 1.0 / (x * x);
    double sum = 0.0;
    static const double double_factorials[] = {1, 1, 3, 15, 105, 945, 10395, 135135, 2027025};
    for (int k = 8; k >= 0; k--)
        sum = double_factorials[k] - sum * inverse_square;
    return sum;
}

/* phi(x) * 2^64 for the left tail: exp(-x^2 / 2) with x^2 as an exact sum. */
SPEC_HELPER double normal_density_times_2_to_64(double x) {
    double square = x * x;
    double square_error = fma(x, x, -square);
    return INV_SQRT_2PI * exp_times_2_to_64(-0.5 * square, -0.5 * square_error);
}

SPEC_FUNCTION double gelu_forward(double x, const op_params *p) {
    (void)p;
    if (x < GELU_ZERO_BELOW) return -0.0;
    if (x < GELU_TAIL_BELOW) /* x Phi(x) = -phi(x) S(x) */
        return ldexp(-normal_density_times_2_to_64(x) * mills_series(x), -64);
    if (x > 40) return x;
    return 0.5 * x * twice_normal_cdf(x);
}

SPEC_FUNCTION double gelu_backward(double x, double dy, const op_params *p) {
    (void)p;
    if (x < GELU_ZERO_BELOW) return dy * -0.0;
    if (x < GELU_TAIL_BELOW) { /* Phi + x phi = phi (x + S / |x|) */
        double factor = x - mills_series(x) / x;
        return dy * ldexp(normal_density_times_2_to_64(x) * factor, -64);
    }
    if (x > 40) return dy;
    double derivative = 0.5 * twice_normal_cdf(x) + x * normal_kernel(x) * INV_SQRT_2PI;
    return dy * derivative;
}

/* gelu_tanh's inner argument 2 u = 2 sqrt(2/pi) x (1 + 0.044715 x^2), with its two
 * constants and x^2 as double-double: for x < -10 the result is x exp(2u) and every
 * relative error in u is multiplied by |2u|. Also returns du/dx. */
SPEC_HELPER double gelu_tanh_argument(double x, double *du_dx, double *error) {
    double square = x * x;
    double square_error = fma(x, x, -square);
    double cubic_term = GELU_TANH_CUBIC_HI * square;
    double cubic_term_error = fma(GELU_TANH_CUBIC_HI, square, -cubic_term) +
                              GELU_TANH_CUBIC_HI * square_error + GELU_TANH_CUBIC_LO * square;
    double inner_error;
    double inner = two_sum(1.0, cubic_term, &inner_error);
    inner_error += cubic_term_error;
    double scaled = SQRT_2_OVER_PI_HI * x;
    double scaled_error = fma(SQRT_2_OVER_PI_HI, x, -scaled) + SQRT_2_OVER_PI_LO * x;
    double u = scaled * inner;
    double u_error = fma(scaled, inner, -u) + scaled * inner_error + scaled_error * inner;
    if (du_dx != NULL) *du_dx = SQRT_2_OVER_PI_HI * (1.0 + 3.0 * GELU_TANH_CUBIC_HI * square);
    *error = 2.0 * u_error;
    return 2.0 * u;
}

/* Below this, logistic(v) = exp(v) / (1 + exp(v)) equals exp(v) to double precision. */
#define LOGISTIC_IS_EXP_BELOW (-700.0)

SPEC_FUNCTION double gelu_tanh_forward(double x, const op_params *p) {
    (void)p;
    if (x > 1e10) return x;
    if (x < -1e10) return -0.0;
    /* x/2 (1 + tanh(u)) = x logistic(2u), which has no cancellation for x < 0; with
     * 2u = v + e, logistic(v + e) = logistic(v) (1 + e logistic(-v)) to first order. */
    double error;
    double two_u = gelu_tanh_argument(x, NULL, &error);
    if (two_u < LOGISTIC_IS_EXP_BELOW) /* logistic(v) = exp(v) here, and is subnormal */
        return two_u < -810 ? -0.0 : ldexp(x * exp_times_2_to_64(two_u, error), -64);
    return x * (logistic(two_u) * (1.0 + error * logistic(-two_u)));
}

SPEC_FUNCTION double gelu_tanh_backward(double x, double dy, const op_params *p) {
    (void)p;
    if (x > 1e10) return dy;
    if (x < -1e10) return dy * -0.0;
    double du_dx, error;
    double two_u = gelu_tanh_argument(x, &du_dx, &error);
    if (two_u < LOGISTIC_IS_EXP_BELOW) { /* (1 + 2 x u') exp(v) */
        double factor = 1.0 + 2.0 * x * du_dx;
        return dy * (two_u < -810 ? -0.0 : ldexp(factor * exp_times_2_to_64(two_u, error), -64));
    }
    double corrected_logistic = logistic(two_u) * (1.0 + error * logistic(-two_u));
    double derivative = corrected_logistic + 2.0 * x * logistic_derivative(two_u) *
                                                 (1.0 - error * tanh(two_u / 2)) * du_dx;
    return dy * derivative;
}

#define FAR_LEFT (-700.0)
/* Above this, silu' and mish' differ from 1 by less than x exp(-x) < 2^-60; stopping
 * here also keeps inf * 0 out of their formulas at x = +inf. */
#define DERIVATIVE_IS_ONE_ABOVE 50.0
#define ZERO_BELOW              (-760.0) /* x exp(x) < 2^-1075 here */

SPEC_FUNCTION double silu_forward(double x, const op_params *p) {
    (void)p;
    if (x >= 0) return x / (1.0 + exp(-x));
    if (x < FAR_LEFT) return x < ZERO_BELOW ? -0.0 : linear_times_exp_far_left(x, 0.0);
    double e = exp(x);
    return x * e / (1.0 + e);
}

SPEC_FUNCTION double silu_backward(double x, double dy, const op_params *p) {
    (void)p;
    /* logistic(x) (1 + x logistic(-x)) */
    if (x > DERIVATIVE_IS_ONE_ABOVE) return dy;
    if (x >= 0) {
        double e = exp(-x);
        return dy * ((1.0 + x * e / (1.0 + e)) / (1.0 + e));
    }
    if (x < FAR_LEFT) return dy * (x < ZERO_BELOW ? -0.0 : linear_times_exp_far_left(x, 1.0));
    double e = exp(x);
    return dy * (e / (1.0 + e) * (1.0 + x / (1.0 + e)));
}

SPEC_FUNCTION double mish_forward(double x, const op_params *p) {
    (void)p;
    if (x < FAR_LEFT) return x < ZERO_BELOW || isinf(x) ? -0.0 : linear_times_exp_far_left(x, 0.0);
    return x * tanh(softplus_unit(x));
}

SPEC_FUNCTION double mish_backward(double x, double dy, const op_params *p) {
    (void)p;
    if (x > DERIVATIVE_IS_ONE_ABOVE) return dy;
    if (x < FAR_LEFT) /* (1 + x) exp(x) to double precision */
        return dy * (x < ZERO_BELOW ? -0.0 : linear_times_exp_far_left(x, 1.0));
    double softplus = softplus_unit(x);
    double hyperbolic_cosine = cosh(softplus);
    double sech_squared = 1.0 / (hyperbolic_cosine * hyperbolic_cosine);
    return dy * (tanh(softplus) + x * logistic(x) * sech_squared);
}

/* beta x's rounding error (none for a power-of-two beta), to first order: exp magnifies it
 * by |beta x|, up to 745 ULP in f64 where beta x nears -745. */
SPEC_HELPER double product_error(double beta, double x, double product) {
    return isfinite(product) ? fma(beta, x, -product) : 0.0;
}

SPEC_FUNCTION double softplus_forward(double x, const op_params *p) {
    double scaled = p->beta * x;
    if (scaled > p->threshold) /* PyTorch's switch to the identity, for stability */
        return x;
    /* softplus'(v) = logistic(v) */
    double error = product_error(p->beta, x, scaled);
    double correction = error != 0 ? error * logistic(scaled) : 0.0;
    return (softplus_unit(scaled) + correction) / p->beta;
}

SPEC_FUNCTION double softplus_backward(double x, double dy, const op_params *p) {
    double scaled = p->beta * x;
    if (scaled > p->threshold) return dy;
    /* logistic'(v) = logistic(v) logistic(-v) */
    double error = product_error(p->beta, x, scaled);
    double correction = error != 0 ? error * logistic(-scaled) : 0.0;
    return dy * (logistic(scaled) * (1.0 + correction));
}

SPEC_FUNCTION double sigmoid_forward(double x, const op_params *p) {
    (void)p;
    return logistic(x);
}

SPEC_FUNCTION double sigmoid_backward(double x, double dy, const op_params *p) {
    (void)p;
    return dy * logistic_derivative(x);
}

SPEC_FUNCTION double sigmoid_backward_from_output(double y, double dy, const op_params *p) {
    (void)p;
    return dy * (y * (1.0 - y));
}

SPEC_FUNCTION double tanh_forward(double x, const op_params *p) {
    (void)p;
    return tanh(x);
}

SPEC_FUNCTION double tanh_backward(double x, double dy, const op_params *p) {
    (void)p;
    /* 1 / cosh(x)^2 = 4 e / (1 + e)^2 with e = exp(-2 |x|): cosh(x)^2 would overflow
     * for |x| > 355 while the result is still a subnormal. */
    double e = exp(-2.0 * fabs(x));
    double one_plus_e = 1.0 + e;
    return dy * (4.0 * e / (one_plus_e * one_plus_e));
}

SPEC_FUNCTION double tanh_backward_from_output(double y, double dy, const op_params *p) {
    (void)p;
    /* 1 - y^2 as a product: 1 - y is exact for y in [1/2, 1], where y^2 would cancel. */
    return dy * ((1.0 - y) * (1.0 + y));
}
