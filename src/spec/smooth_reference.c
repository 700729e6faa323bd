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

/* r + c for a correction c far below r: where r + c rounds back to r and r has at most
 * 12 significant bits, as every midpoint between two f16 or bf16 values has, one double
 * ULP toward c instead. Where r is exact (a short dy times an exact power, say) and the
 * true value only a hair off it, this keeps the double on the true value's side of r:
 * rounded again to f16 or bf16, it goes the right way (at the cost of that ULP in f64). */
SPEC_HELPER double toward(double r, double c) {
    if (c == 0 || !isfinite(r)) return r; /* r's sign of zero kept */
    double sum = r + c;
    if (sum != r) return sum;
    int exponent;
    double significand = ldexp(frexp(r, &exponent), 12);
    if (significand != trunc(significand)) return r; /* more than 12 bits: not a tie */
    return nextafter(r, c > 0 ? HUGE_VAL : -HUGE_VAL);
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

/* x / (1 + |x|); +-1 at +-inf (where the quotient would be inf / inf). */
SPEC_FUNCTION double softsign_forward(double x, const op_params *p) {
    (void)p;
    if (isinf(x)) return copysign(1.0, x);
    return x / (1.0 + fabs(x));
}

/* dy / (1 + |x|)^2 with 1 + |x| = u + e and u^2 = q + f exactly: dy / q corrected to first
 * order by -(f / q + 2 e / u), so that only the division rounds (f64: 0.5 ULP, where the
 * plain formula reaches 3.5), and `toward` the correction where it vanishes next to an
 * exact dy / q (16-bit x and dy: u^2 is exact, and the quotient can be a 16-bit tie). Beyond |x| =
 * 2^500, where u^2 would overflow while the result is still a double, squared after the division.
 */
SPEC_FUNCTION double softsign_backward(double x, double dy, const op_params *p) {
    (void)p;
    double e, u = two_sum(1.0, fabs(x), &e);
    if (!(u < 0x1p500)) {
        double r = 1.0 / u; /* NaN stays */
        return dy * (r * r);
    }
    double q = u * u, f = fma(u, u, -q), r = dy / q;
    return isfinite(r) ? toward(r, -r * (f / q + 2.0 * e / u)) : r;
}

/* (1 - |y|)^2: 1 - |y| is exact for |y| in [1/2, 1]. */
SPEC_FUNCTION double softsign_backward_from_output(double y, double dy, const op_params *p) {
    (void)p;
    double r = 1.0 - fabs(y);
    return dy * (r * r);
}

/* log(logistic(x)) = min(x, 0) - log1p(exp(-|x|)): both terms <= 0, so no cancellation;
 * -inf at -inf, -0 at +inf (below 0 everywhere, so 0 is approached from below). */
SPEC_FUNCTION double logsigmoid_forward(double x, const op_params *p) {
    (void)p;
    if (x > 0) return -log1p(exp(-x)); /* -0 from 745 on */
    return x - log1p(exp(x));          /* NaN and -inf stay */
}

/* logistic(-x) = 1 - logistic(x), without the subtraction. */
SPEC_FUNCTION double logsigmoid_backward(double x, double dy, const op_params *p) {
    (void)p;
    return dy * logistic(-x);
}

/* 1 - exp(y) = -expm1(y): accurate as y nears 0 (large x). */
SPEC_FUNCTION double logsigmoid_backward_from_output(double y, double dy, const op_params *p) {
    (void)p;
    return dy * -expm1(y);
}

/* x - tanh(x) = x^3 / 3 - 2 x^5 / 15 + ... (from the Bernoulli numbers, generated by
 * tools/fits/tanhshrink_series.py): below |x| = 1, where x - tanh(x) would cancel, the
 * series to x^89 (terms shrink by (2/pi)^2 each; truncation below 2^-56 at 1); up to 2
 * as two positive terms, (|x| - 1) exact and 1 - tanh|x| = 2 / (expm1(2|x|) + 2). */
SPEC_FUNCTION double tanhshrink_forward(double x, const op_params *p) {
    (void)p;
    static const double series[44] = {TANHSHRINK_SERIES_LEADING, TANHSHRINK_SERIES_TRAILING};
    double magnitude = fabs(x);
    if (magnitude >= 1.0 && magnitude < 2.0) /* (|x| - 1) + (1 - tanh|x|): no cancellation */
        return copysign((magnitude - 1.0) + 2.0 / (expm1(2.0 * magnitude) + 2.0), x);
    if (!(magnitude < 1.0)) return x - tanh(x); /* NaN and +-inf too */
    if (x == 0) return x;                       /* -0 stays -0 */
    /* x^3 (c_1 + x^2 T(x^2)), T Horner's sum of c_2 .. c_44: the terms alternate in sign,
     * and the plain x (x^2 S(x^2)) lost up to 3.2 ULP to its roundings (x = -0.7518).
     * c_1 = 1/3, x^2, x^2 T and x^3 carried as two doubles each: it rounds about once. */
    double square = x * x, square_lo = fma(x, x, -square), tail = series[43];
    for (int k = 42; k >= 1; k--)
        tail = fma(tail, square, series[k]);
    double product = square * tail, product_lo = fma(square, tail, -product);
    double sum = series[0] + product; /* |product| < c_1 / 2: the fast two-sum holds */
    double sum_lo = (series[0] - sum) + product + (product_lo + TANHSHRINK_THIRD_LO);
    double cube = x * square, cube_lo = fma(x, square, -cube) + x * square_lo;
    return fma(cube, sum, fma(cube, sum_lo, cube_lo * sum));
}

/* tanh(x)^2; below 2^-26, where it is x^2 (1 - 2 x^2 / 3) and x^2 alone would be exact
 * (for float and 16-bit x, and a tie of those types at times), x^2 (1 - 2^-52): between
 * the two, on the true value's side of every tie, at the cost of an f64 ULP there. */
SPEC_FUNCTION double tanhshrink_backward(double x, double dy, const op_params *p) {
    (void)p;
    if (fabs(x) < 0x1p-26) return dy * (x * x * (1 - 0x1p-52));
    double t = tanh(x);
    return dy * (t * t);
}

/* s = sqrt(x^2 + b) as hypot(x, sqrt b), which neither overflows nor underflows; then
 * (x + s) / 2 for x >= 0 and, for x < 0, the same as b / (2 (s - x)), free of the
 * cancellation x + s suffers there. Beyond |x| = 2^600, b / x^2 < 2^-176 of 1 for any
 * finite b: s = |x| to double precision. b is divided, never first halved or quartered:
 * a fraction of a subnormal b would round. */
SPEC_FUNCTION double squareplus_forward(double x, const op_params *p) {
    if (isnan(x)) return x;
    double b = p->b, magnitude = fabs(x);
    if (magnitude > 0x1p600) return x > 0 ? x : 0.25 * (b / magnitude);
    double s = hypot(x, sqrt(b));
    if (x >= 0) return 0.5 * x + 0.5 * s;
    if (s == magnitude) { /* b / x^2 below 2^-53: f = b / (4|x|) (1 - b / (4 x^2)) */
        double r = b / (4 * magnitude);
        return toward(r, -r * (r / magnitude));
    }
    return b / (2 * (s + magnitude));
}

/* (1 + x / s) / 2, for x < 0 as b / (2 s (s - x)); 1 (x > 0) or b / (4 x^2) beyond 2^600.
 * f'(x; b) = f'(t x; t^2 b): a b below 2^-1000 is scaled up by 2^128 (x by 2^64, both
 * exactly) so that its quarter does not round. */
SPEC_FUNCTION double squareplus_backward(double x, double dy, const op_params *p) {
    if (isnan(x)) return x;
    double b = p->b, magnitude = fabs(x), derivative;
    if (magnitude > 0x1p600)
        derivative = x > 0 ? 1.0 : 0.25 * b / magnitude / magnitude;
    else {
        if (b < 0x1p-1000) b *= 0x1p128, x *= 0x1p64, magnitude *= 0x1p64;
        double s = hypot(x, sqrt(b));
        if (x < 0 && s == magnitude && magnitude < 0x1p500) {
            /* b / x^2 below 2^-53: f' = b / (4 x^2) (1 - 3 b / (4 x^2)), the product with dy
             * formed as one quotient and put on its side of a tie (`toward`) */
            double scaled = dy * (0.25 * b), square = x * x, r = scaled / square;
            if (isfinite(scaled)) return isfinite(r) ? toward(r, -r * (0.75 * b / square)) : r;
        }
        derivative = x >= 0 ? 0.5 + 0.5 * (x / s) : 0.5 * b / s / (s + magnitude);
    }
    return dy * derivative;
}

/* y = (x + s) / 2 > 0 and s - x = b / (2y), so s = y + b / (4y) and f' = y / s. */
SPEC_FUNCTION double squareplus_backward_from_output(double y, double dy, const op_params *p) {
    if (isnan(y)) return y;
    if (isinf(y)) return dy;
    return dy * (y / (y + 0.25 * (p->b / y)));
}
