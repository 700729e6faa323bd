/* SPDX-License-Identifier: MIT */
#include "mpfr_reference.h"

#include <math.h>
#include <stdlib.h>

#define RND MPFR_RNDN

typedef struct scratch {
    mpfr_t a, b, c, d;
} scratch;

mpfr_prec_t reference_precision(actfn_kind kind) {
    return kind == ACTFN_HARDSIGMOID || kind == ACTFN_HARDSWISH ? 2 * 1100 + 64
                                                                : REFERENCE_PRECISION;
}

static void scratch_init(scratch *s, mpfr_prec_t precision) {
    mpfr_inits2(precision, s->a, s->b, s->c, s->d, (mpfr_ptr)0);
}

static void scratch_clear(scratch *s) {
    mpfr_clears(s->a, s->b, s->c, s->d, (mpfr_ptr)0);
}

/* out = 1 / (1 + exp(-v)) */
static void logistic(mpfr_t out, const mpfr_t v, mpfr_t tmp) {
    mpfr_neg(tmp, v, RND);
    mpfr_exp(tmp, tmp, RND);
    mpfr_add_ui(tmp, tmp, 1, RND);
    mpfr_ui_div(out, 1, tmp, RND);
}

/* out = log(1 + exp(v)) */
static void softplus_unit(mpfr_t out, const mpfr_t v) {
    mpfr_exp(out, v, RND);
    mpfr_log1p(out, out, RND);
}

/* out = 1 / cosh(v)^2 */
static void sech_squared(mpfr_t out, const mpfr_t v) {
    mpfr_sech(out, v, RND);
    mpfr_sqr(out, out, RND);
}

static void set_selu_constants(mpfr_t scale, mpfr_t alpha) {
    mpfr_set_str(scale, "1.0507009873554804934193349852946", 10, RND);
    mpfr_set_str(alpha, "1.6732632423543772848170429916717", 10, RND);
}

/* 2u = 2 sqrt(2/pi) (x + 0.044715 x^3) and du/dx, for gelu_tanh. */
static void gelu_tanh_argument(const mpfr_t x, mpfr_t two_u, mpfr_t du_dx, scratch *s) {
    mpfr_set_str(s->a, "0.044715", 10, RND);
    mpfr_const_pi(s->b, RND);
    mpfr_ui_div(s->b, 2, s->b, RND);
    mpfr_sqrt(s->b, s->b, RND); /* sqrt(2/pi) */
    mpfr_sqr(s->c, x, RND);
    mpfr_mul(s->c, s->c, s->a, RND); /* 0.044715 x^2 */
    mpfr_mul_ui(du_dx, s->c, 3, RND);
    mpfr_add_ui(du_dx, du_dx, 1, RND);
    mpfr_mul(du_dx, du_dx, s->b, RND);
    mpfr_add_ui(s->c, s->c, 1, RND);
    mpfr_mul(s->c, s->c, x, RND);
    mpfr_mul(two_u, s->c, s->b, RND);
    mpfr_mul_ui(two_u, two_u, 2, RND);
}

/* Phi(x) = erfc(-x / sqrt 2) / 2 */
static void normal_cdf(mpfr_t out, const mpfr_t x, mpfr_t tmp) {
    mpfr_sqrt_ui(tmp, 2, RND);
    mpfr_div(out, x, tmp, RND);
    mpfr_neg(out, out, RND);
    mpfr_erfc(out, out, RND);
    mpfr_div_ui(out, out, 2, RND);
}

/* x - tanh(x), with the precision raised by the bits that cancel near 0 (x^3 / 3). */
static void tanhshrink(mpfr_t out, const mpfr_t x) {
    mpfr_exp_t exponent = mpfr_zero_p(x) ? 0 : mpfr_get_exp(x);
    mpfr_prec_t extra = exponent < 0 ? 2 * (mpfr_prec_t)(-exponent) + 16 : 16;
    mpfr_t t;
    mpfr_init2(t, mpfr_get_prec(out) + extra);
    mpfr_tanh(t, x, RND);
    mpfr_sub(t, x, t, RND);
    mpfr_set(out, t, RND);
    mpfr_clear(t);
}

/* sqrt(x^2 + b) */
static void squareplus_root(mpfr_t out, const mpfr_t x, double b) {
    mpfr_sqr(out, x, RND);
    mpfr_add_d(out, out, b, RND);
    mpfr_sqrt(out, out, RND);
}

/* clamp into [low, high] */
static void clamp(mpfr_t out, const mpfr_t x, double low, double high) {
    if (mpfr_cmp_d(x, low) < 0)
        mpfr_set_d(out, low, RND);
    else if (mpfr_cmp_d(x, high) > 0)
        mpfr_set_d(out, high, RND);
    else
        mpfr_set(out, x, RND);
}

void exact_forward(const actfn_op *op, mpfr_t out, const mpfr_t x) {
    scratch s;
    scratch_init(&s, mpfr_get_prec(out));
    switch (op->kind) {
    case ACTFN_IDENTITY:
        mpfr_set(out, x, RND);
        break;
    case ACTFN_RELU:
        clamp(out, x, 0, 1.0 / 0.0);
        break;
    case ACTFN_LEAKY_RELU:
    case ACTFN_RRELU: /* eval mode: the mean slope, which op_as_applied put in negative_slope */
        if (mpfr_sgn(x) > 0)
            mpfr_set(out, x, RND);
        else
            mpfr_mul_d(out, x, op->negative_slope, RND);
        break;
    case ACTFN_RELU6:
        clamp(out, x, 0, 6);
        break;
    case ACTFN_CLIPPED_RELU:
        clamp(out, x, 0, op->cap);
        break;
    case ACTFN_HARDTANH:
        clamp(out, x, op->min_val, op->max_val);
        break;
    case ACTFN_ELU:
    case ACTFN_CELU:
    case ACTFN_SELU: {
        double alpha = op->kind == ACTFN_SELU ? 1.0 : op->alpha;
        if (mpfr_sgn(x) > 0) {
            mpfr_set(out, x, RND);
        } else {
            if (op->kind == ACTFN_CELU)
                mpfr_div_d(s.a, x, alpha, RND);
            else
                mpfr_set(s.a, x, RND);
            mpfr_expm1(out, s.a, RND);
            mpfr_mul_d(out, out, alpha, RND);
        }
        if (op->kind == ACTFN_SELU) {
            set_selu_constants(s.b, s.c);
            if (mpfr_sgn(x) <= 0) mpfr_mul(out, out, s.c, RND);
            mpfr_mul(out, out, s.b, RND);
        }
        break;
    }
    case ACTFN_GELU:
        normal_cdf(s.a, x, s.b);
        mpfr_mul(out, x, s.a, RND);
        break;
    case ACTFN_GELU_TANH:
        /* x/2 (1 + tanh u) = x logistic(2u): the same number, free of cancellation */
        gelu_tanh_argument(x, s.d, out, &s);
        logistic(s.a, s.d, s.b);
        mpfr_mul(out, x, s.a, RND);
        break;
    case ACTFN_SILU:
        logistic(s.a, x, s.b);
        mpfr_mul(out, x, s.a, RND);
        break;
    case ACTFN_MISH:
        softplus_unit(s.a, x);
        mpfr_tanh(s.a, s.a, RND);
        mpfr_mul(out, x, s.a, RND);
        break;
    case ACTFN_SOFTPLUS:
        mpfr_mul_d(s.a, x, op->beta, RND);
        if (mpfr_cmp_d(s.a, op->threshold) > 0) {
            mpfr_set(out, x, RND);
        } else {
            softplus_unit(s.b, s.a);
            mpfr_div_d(out, s.b, op->beta, RND);
        }
        break;
    case ACTFN_SIGMOID:
        logistic(out, x, s.a);
        break;
    case ACTFN_TANH:
        mpfr_tanh(out, x, RND);
        break;
    case ACTFN_HARDSIGMOID:
        mpfr_add_ui(s.a, x, 3, RND);
        clamp(s.a, s.a, 0, 6);
        mpfr_div_ui(out, s.a, 6, RND);
        break;
    case ACTFN_HARDSWISH:
        mpfr_add_ui(s.a, x, 3, RND);
        clamp(s.a, s.a, 0, 6);
        mpfr_mul(s.a, s.a, x, RND);
        mpfr_div_ui(out, s.a, 6, RND);
        break;
    case ACTFN_SQUARED_RELU:
        clamp(s.a, x, 0, 1.0 / 0.0);
        mpfr_sqr(out, s.a, RND);
        break;
    case ACTFN_SOFTSIGN: /* x / (1 + |x|) */
        mpfr_abs(s.a, x, RND);
        mpfr_add_ui(s.a, s.a, 1, RND);
        mpfr_div(out, x, s.a, RND);
        break;
    case ACTFN_LOGSIGMOID: /* min(x, 0) - log(1 + exp(-|x|)): exp cannot overflow */
        mpfr_abs(s.a, x, RND);
        mpfr_neg(s.a, s.a, RND);
        softplus_unit(out, s.a);
        if (mpfr_sgn(x) < 0)
            mpfr_sub(out, x, out, RND);
        else
            mpfr_neg(out, out, RND);
        break;
    case ACTFN_HARDSHRINK:
        if (mpfr_cmp_d(x, op->lambd) > 0 || mpfr_cmp_d(x, -op->lambd) < 0)
            mpfr_set(out, x, RND);
        else
            mpfr_set_ui(out, 0, RND);
        break;
    case ACTFN_SOFTSHRINK:
        if (mpfr_cmp_d(x, op->lambd) > 0)
            mpfr_sub_d(out, x, op->lambd, RND);
        else if (mpfr_cmp_d(x, -op->lambd) < 0)
            mpfr_add_d(out, x, op->lambd, RND);
        else
            mpfr_set_ui(out, 0, RND);
        break;
    case ACTFN_TANHSHRINK:
        tanhshrink(out, x);
        break;
    case ACTFN_THRESHOLD:
        if (mpfr_cmp_d(x, op->threshold) > 0)
            mpfr_set(out, x, RND);
        else
            mpfr_set_d(out, op->value, RND);
        break;
    case ACTFN_SQUAREPLUS: /* (x + s) / 2, s = sqrt(x^2 + b); b / (2 (s - x)) below 0 */
        squareplus_root(s.a, x, op->b);
        if (mpfr_sgn(x) >= 0) {
            mpfr_add(out, s.a, x, RND);
            mpfr_div_ui(out, out, 2, RND);
        } else {
            mpfr_sub(s.b, s.a, x, RND);
            mpfr_mul_ui(s.b, s.b, 2, RND);
            mpfr_d_div(out, op->b, s.b, RND);
        }
        break;
    case ACTFN_KIND_COUNT: /* not an op: -Wswitch makes a missing kind a compile error */
        abort();
    }
    scratch_clear(&s);
}

/* 1 inside (low, high), at_kink exactly at low, 0 elsewhere */
static void interval_indicator(mpfr_t out, const mpfr_t x, double low, double high, double at_low) {
    if (mpfr_cmp_d(x, low) > 0 && mpfr_cmp_d(x, high) < 0)
        mpfr_set_ui(out, 1, RND);
    else if (mpfr_cmp_d(x, low) == 0)
        mpfr_set_d(out, at_low, RND);
    else
        mpfr_set_ui(out, 0, RND);
}

void exact_derivative(const actfn_op *op, mpfr_t out, const mpfr_t x) {
    scratch s;
    scratch_init(&s, mpfr_get_prec(out));
    switch (op->kind) {
    case ACTFN_IDENTITY:
        mpfr_set_ui(out, 1, RND);
        break;
    case ACTFN_RELU:
        interval_indicator(out, x, 0, 1.0 / 0.0, op->grad_at_zero);
        break;
    case ACTFN_LEAKY_RELU:
    case ACTFN_RRELU:
        if (mpfr_sgn(x) > 0)
            mpfr_set_ui(out, 1, RND);
        else if (mpfr_sgn(x) < 0)
            mpfr_set_d(out, op->negative_slope, RND);
        else
            mpfr_set_d(out, op->grad_at_zero, RND);
        break;
    case ACTFN_RELU6:
        interval_indicator(out, x, 0, 6, op->grad_at_zero);
        break;
    case ACTFN_CLIPPED_RELU:
        interval_indicator(out, x, 0, op->cap, op->grad_at_zero);
        break;
    case ACTFN_HARDTANH:
        interval_indicator(out, x, op->min_val, op->max_val, 0);
        break;
    case ACTFN_ELU:
    case ACTFN_CELU:
    case ACTFN_SELU: {
        double alpha = op->kind == ACTFN_SELU ? 1.0 : op->alpha;
        if (mpfr_sgn(x) > 0) {
            mpfr_set_ui(out, 1, RND);
        } else if (op->kind == ACTFN_CELU) {
            mpfr_div_d(s.a, x, alpha, RND);
            mpfr_exp(out, s.a, RND);
        } else {
            mpfr_exp(out, x, RND);
            mpfr_mul_d(out, out, alpha, RND);
        }
        if (op->kind == ACTFN_SELU) {
            set_selu_constants(s.b, s.c);
            if (mpfr_sgn(x) <= 0) mpfr_mul(out, out, s.c, RND);
            mpfr_mul(out, out, s.b, RND);
        }
        break;
    }
    case ACTFN_GELU: /* Phi(x) + x phi(x) */
        normal_cdf(s.a, x, s.b);
        mpfr_sqr(s.b, x, RND);
        mpfr_div_si(s.b, s.b, -2, RND);
        mpfr_exp(s.b, s.b, RND);
        mpfr_const_pi(s.c, RND);
        mpfr_mul_ui(s.c, s.c, 2, RND);
        mpfr_sqrt(s.c, s.c, RND);
        mpfr_div(s.b, s.b, s.c, RND);
        mpfr_mul(s.b, s.b, x, RND);
        mpfr_add(out, s.a, s.b, RND);
        break;
    case ACTFN_GELU_TANH: { /* logistic(2u) + 2 x logistic(2u) logistic(-2u) u' */
        mpfr_t two_u, du_dx;
        mpfr_inits2(REFERENCE_PRECISION, two_u, du_dx, (mpfr_ptr)0);
        gelu_tanh_argument(x, two_u, du_dx, &s);
        logistic(s.a, two_u, s.b);
        mpfr_neg(two_u, two_u, RND);
        logistic(s.c, two_u, s.b);
        mpfr_mul(s.c, s.c, s.a, RND);
        mpfr_mul(s.c, s.c, x, RND);
        mpfr_mul(s.c, s.c, du_dx, RND);
        mpfr_mul_ui(s.c, s.c, 2, RND);
        mpfr_add(out, s.a, s.c, RND);
        mpfr_clears(two_u, du_dx, (mpfr_ptr)0);
        break;
    }
    case ACTFN_SILU: /* logistic(x) (1 + x logistic(-x)) */
        logistic(s.a, x, s.b);
        mpfr_neg(s.c, x, RND);
        logistic(s.c, s.c, s.b);
        mpfr_mul(s.c, s.c, x, RND);
        mpfr_add_ui(s.c, s.c, 1, RND);
        mpfr_mul(out, s.a, s.c, RND);
        break;
    case ACTFN_MISH: /* tanh(sp) + x sech^2(sp) logistic(x) */
        softplus_unit(s.a, x);
        mpfr_tanh(s.b, s.a, RND);
        sech_squared(s.c, s.a);
        logistic(s.a, x, s.d);
        mpfr_mul(s.c, s.c, s.a, RND);
        mpfr_mul(s.c, s.c, x, RND);
        mpfr_add(out, s.b, s.c, RND);
        break;
    case ACTFN_SOFTPLUS:
        mpfr_mul_d(s.a, x, op->beta, RND);
        if (mpfr_cmp_d(s.a, op->threshold) > 0)
            mpfr_set_ui(out, 1, RND);
        else
            logistic(out, s.a, s.b);
        break;
    case ACTFN_SIGMOID:
        logistic(s.a, x, s.b);
        mpfr_neg(s.c, x, RND);
        logistic(s.c, s.c, s.b);
        mpfr_mul(out, s.a, s.c, RND);
        break;
    case ACTFN_TANH:
        sech_squared(out, x);
        break;
    case ACTFN_HARDSIGMOID:
        if (mpfr_cmp_si(x, -3) > 0 && mpfr_cmp_si(x, 3) < 0)
            mpfr_set_ui(out, 1, RND), mpfr_div_ui(out, out, 6, RND);
        else
            mpfr_set_ui(out, 0, RND);
        break;
    case ACTFN_HARDSWISH: /* PyTorch's choice: (2x + 3) / 6 on the closed [-3, 3] */
        if (mpfr_cmp_si(x, -3) < 0) {
            mpfr_set_ui(out, 0, RND);
        } else if (mpfr_cmp_si(x, 3) <= 0) {
            mpfr_mul_ui(out, x, 2, RND);
            mpfr_add_ui(out, out, 3, RND);
            mpfr_div_ui(out, out, 6, RND);
        } else {
            mpfr_set_ui(out, 1, RND);
        }
        break;
    case ACTFN_SQUARED_RELU: /* 2x for x > 0, else 0 (smooth at 0: no subgradient) */
        if (mpfr_sgn(x) > 0)
            mpfr_mul_ui(out, x, 2, RND);
        else
            mpfr_set_ui(out, 0, RND);
        break;
    case ACTFN_SOFTSIGN: /* 1 / (1 + |x|)^2 */
        mpfr_abs(s.a, x, RND);
        mpfr_add_ui(s.a, s.a, 1, RND);
        mpfr_sqr(s.a, s.a, RND);
        mpfr_ui_div(out, 1, s.a, RND);
        break;
    case ACTFN_LOGSIGMOID: /* logistic(-x) */
        mpfr_neg(s.a, x, RND);
        logistic(out, s.a, s.b);
        break;
    case ACTFN_HARDSHRINK: /* PyTorch's choice: 0 at +-lambd */
    case ACTFN_SOFTSHRINK:
        if (mpfr_cmp_d(x, op->lambd) > 0 || mpfr_cmp_d(x, -op->lambd) < 0)
            mpfr_set_ui(out, 1, RND);
        else
            mpfr_set_ui(out, 0, RND);
        break;
    case ACTFN_TANHSHRINK: /* tanh(x)^2 */
        mpfr_tanh(out, x, RND);
        mpfr_sqr(out, out, RND);
        break;
    case ACTFN_THRESHOLD: /* 0 at the threshold, as PyTorch */
        mpfr_set_ui(out, mpfr_cmp_d(x, op->threshold) > 0 ? 1 : 0, RND);
        break;
    case ACTFN_SQUAREPLUS: /* (1 + x / s) / 2; b / (2 s (s - x)) below 0 */
        squareplus_root(s.a, x, op->b);
        if (mpfr_sgn(x) >= 0) {
            mpfr_div(out, x, s.a, RND);
            mpfr_add_ui(out, out, 1, RND);
            mpfr_div_ui(out, out, 2, RND);
        } else {
            mpfr_sub(s.b, s.a, x, RND);
            mpfr_mul(s.b, s.b, s.a, RND);
            mpfr_mul_ui(s.b, s.b, 2, RND);
            mpfr_d_div(out, op->b, s.b, RND);
        }
        break;
    case ACTFN_KIND_COUNT: /* not an op: -Wswitch makes a missing kind a compile error */
        abort();
    }
    scratch_clear(&s);
}

static int precision_of(actfn_dtype dtype) {
    return dtype == ACTFN_F64 ? 53 : dtype == ACTFN_F32 ? 24 : dtype == ACTFN_F16 ? 11 : 8;
}

/* the exponent of the dtype's smallest subnormal: its ULP below the normals */
static long min_ulp_exponent(actfn_dtype dtype) {
    return dtype == ACTFN_F64 ? -1074 : dtype == ACTFN_F32 ? -149 : dtype == ACTFN_F16 ? -24 : -133;
}

double round_to_dtype(actfn_dtype dtype, const mpfr_t exact) {
    if (dtype == ACTFN_F64) return mpfr_get_d(exact, RND);
    double value = (double)mpfr_get_flt(exact, RND);
    if (dtype == ACTFN_F32) return value;
    /* 16 bits: from the float, which holds every 16-bit value; a double rounding only
     * at an exact float tie, which the callers (the infinity check) do not meet */
    unsigned short narrow;
    if (actfn_convert(&value, ACTFN_F64, &narrow, dtype, 1) != ACTFN_OK) abort();
    if (actfn_convert(&narrow, dtype, &value, ACTFN_F64, 1) != ACTFN_OK) abort();
    return value;
}

double ulp_error(actfn_dtype dtype, double computed, const mpfr_t exact) {
    if (isnan(computed)) return INFINITY;
    if (isinf(computed)) return round_to_dtype(dtype, exact) == computed ? 0 : INFINITY;
    if (mpfr_zero_p(exact)) return computed == 0 ? 0 : INFINITY;
    long ulp_exponent = mpfr_get_exp(exact) - precision_of(dtype);
    if (ulp_exponent < min_ulp_exponent(dtype)) ulp_exponent = min_ulp_exponent(dtype);
    mpfr_t difference;
    mpfr_init2(difference, mpfr_get_prec(exact) + 64);
    mpfr_set_d(difference, computed, RND);
    mpfr_sub(difference, difference, exact, RND);
    mpfr_abs(difference, difference, RND);
    mpfr_mul_2si(difference, difference, -ulp_exponent, RND);
    double error = mpfr_get_d(difference, MPFR_RNDU);
    mpfr_clear(difference);
    return error;
}
