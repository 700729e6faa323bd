/* SPDX-License-Identifier: MIT */
/* The op table: every activation defined once — its name, parameters with defaults
 * and ranges, its scalar forward and backward, and its documented accuracy. */
#include "spec/scalar_reference.h"
#include "spec/op_table.h"

#include <math.h>
#include <stddef.h>

static const char *check_finite(double value) {
    return isfinite(value) ? NULL : "must be finite";
}

static const char *check_not_nan(double value) {
    return isnan(value) ? "must not be NaN" : NULL;
}

static const char *check_positive(double value) {
    return value > 0 ? NULL : "must be > 0";
}

static const char *check_positive_finite(double value) {
    return value > 0 && isfinite(value) ? NULL : "must be finite and > 0";
}

static const char *check_nonzero_finite(double value) {
    return value != 0 && isfinite(value) ? NULL : "must be finite and != 0";
}

static const char *check_non_negative(double value) {
    return value >= 0 ? NULL : "must be >= 0";
}

static const char *check_unit_interval(double value) {
    return value >= 0 && value <= 1 ? NULL : "must be in [0, 1]";
}

/* NaN is leaky_relu's default ("equal to negative_slope"); the range check against the
 * slope is in check_leaky_relu, which sees both. */
static const char *check_nan_or_finite(double value) {
    return isinf(value) ? "must be finite (or NaN for the default)" : NULL;
}

static const char *check_leaky_relu(const actfn_op *op) {
    double slope = op->negative_slope, grad = op->grad_at_zero;
    if (isnan(grad)) return NULL;
    double low = slope < 1 ? slope : 1, high = slope < 1 ? 1 : slope;
    return grad >= low && grad <= high ? NULL
                                       : "grad_at_zero must lie between negative_slope and 1";
}

static const char *check_hardtanh(const actfn_op *op) {
    return op->min_val <= op->max_val ? NULL : "min_val must be <= max_val";
}

static const char *check_rrelu(const actfn_op *op) {
    return op->lower <= op->upper ? NULL : "lower must be <= upper";
}

static bool grad_at_zero_is_zero(const op_params *p) {
    return p->grad_at_zero == 0;
}

static bool slope_is_positive(const op_params *p) {
    return p->negative_slope > 0;
}

static bool alpha_is_not_negative(const op_params *p) {
    return p->alpha >= 0;
}

#define PARAM(field, default_value, range, check)                                                  \
    { #field, offsetof(actfn_op, field), default_value, range, check }
#define GRAD_AT_ZERO PARAM(grad_at_zero, 0.0, "in [0, 1]", check_unit_interval)
#define LAMBD        PARAM(lambd, 0.5, ">= 0 (inf allowed)", check_non_negative)

/* Error bounds in ULP, asserted by tests/test_accuracy.c against MPFR. f32: the goal of
 * 1 ULP (measured: 0.5, gelu's backward 0.58). f64: the measured maxima over that test's
 * samples, rounded up with some margin; the backward bound holds outside +-0.25 of a
 * zero of f' (gelu, gelu_tanh, silu, mish), where the error is absolute, below 2^-51.
 * docs/semantics.md tabulates them. */
const op_def actfn_op_table[ACTFN_KIND_COUNT] = {
    [ACTFN_IDENTITY] = {.name = "identity",
                        .formula = "x",
                        .exact = true,
                        .selects_only = true,
                        .max_ulp_f32 = 0,
                        .max_ulp_f64 = 0,
                        .max_ulp_backward_f32 = 0,
                        .max_ulp_backward_f64 = 0,
                        .forward = identity_forward,
                        .backward = identity_backward,
                        .backward_from_output = identity_backward},
    [ACTFN_RELU] = {.name = "relu",
                    .formula = "max(0, x)",
                    .params = {GRAD_AT_ZERO},
                    .exact = true,
                    .selects_only = true,
                    .max_ulp_f32 = 0,
                    .max_ulp_f64 = 0,
                    .max_ulp_backward_f32 = 0,
                    .max_ulp_backward_f64 = 0,
                    .forward = relu_forward,
                    .backward = relu_backward,
                    .backward_from_output = relu_backward,
                    .output_backward_ok = grad_at_zero_is_zero},
    [ACTFN_LEAKY_RELU] = {.name = "leaky_relu",
                          .formula = "x > 0 ? x : negative_slope * x",
                          .params = {PARAM(negative_slope, 0.01, "finite", check_finite),
                                     PARAM(grad_at_zero, NAN,
                                           "between negative_slope and 1; NaN: negative_slope",
                                           check_nan_or_finite)},
                          .exact = true,
                          .max_ulp_f32 = 0.5,
                          .max_ulp_f64 = 0.5,
                          .max_ulp_backward_f32 = 0,
                          .max_ulp_backward_f64 = 0,
                          .forward = leaky_relu_forward,
                          .backward = leaky_relu_backward,
                          .backward_from_output = leaky_relu_backward,
                          .output_backward_ok = slope_is_positive,
                          .check_op = check_leaky_relu},
    [ACTFN_RELU6] = {.name = "relu6",
                     .formula = "min(max(0, x), 6)",
                     .params = {GRAD_AT_ZERO},
                     .exact = true,
                     .selects_only = true,
                     .max_ulp_f32 = 0,
                     .max_ulp_f64 = 0,
                     .max_ulp_backward_f32 = 0,
                     .max_ulp_backward_f64 = 0,
                     .forward = relu6_forward,
                     .backward = relu6_backward,
                     .backward_from_output = relu6_backward,
                     .output_backward_ok = grad_at_zero_is_zero},
    [ACTFN_CLIPPED_RELU] = {.name = "clipped_relu",
                            .formula = "min(max(0, x), cap)",
                            .params = {PARAM(cap, 6.0, "> 0 (inf allowed)", check_positive),
                                       GRAD_AT_ZERO},
                            .exact = true,
                            .selects_only = true,
                            .max_ulp_f32 = 0,
                            .max_ulp_f64 = 0,
                            .max_ulp_backward_f32 = 0,
                            .max_ulp_backward_f64 = 0,
                            .forward = clipped_relu_forward,
                            .backward = clipped_relu_backward,
                            .backward_from_output = clipped_relu_backward,
                            .output_backward_ok = grad_at_zero_is_zero},
    [ACTFN_HARDTANH] = {.name = "hardtanh",
                        .formula = "min(max(min_val, x), max_val)",
                        .params = {PARAM(min_val, -1.0, "not NaN, <= max_val", check_not_nan),
                                   PARAM(max_val, 1.0, "not NaN, >= min_val", check_not_nan)},
                        .exact = true,
                        .selects_only = true,
                        .max_ulp_f32 = 0,
                        .max_ulp_f64 = 0,
                        .max_ulp_backward_f32 = 0,
                        .max_ulp_backward_f64 = 0,
                        .forward = hardtanh_forward,
                        .backward = hardtanh_backward,
                        .backward_from_output = hardtanh_backward,
                        .check_op = check_hardtanh},
    [ACTFN_ELU] = {.name = "elu",
                   .formula = "x > 0 ? x : alpha * (exp(x) - 1)",
                   .params = {PARAM(alpha, 1.0, "finite", check_finite)},
                   .max_ulp_f32 = 1,
                   .max_ulp_f64 = 2,
                   .max_ulp_backward_f32 = 1,
                   .max_ulp_backward_f64 = 2,
                   .max_ulp_fast_f32 = 2, /* measured over alpha too: exhaustive --fast */
                   .max_ulp_fast_backward_f32 = 2.5, /* and --grad --fast: 2.09 at alpha 3.3 */
                   .forward = elu_forward,
                   .backward = elu_backward,
                   .backward_from_output = elu_backward_from_output,
                   .output_backward_ok = alpha_is_not_negative},
    [ACTFN_SELU] = {.name = "selu",
                    .formula = "1.0507009873554805 * (x > 0 ? x : 1.6732632423543772 * "
                               "(exp(x) - 1))",
                    .max_ulp_f32 = 1,
                    .max_ulp_f64 = 2,
                    .max_ulp_backward_f32 = 1,
                    .max_ulp_backward_f64 = 2,
                    .max_ulp_fast_f32 =
                        2.5, /* measured: tools exhaustive --fast, docs/accuracy.md */
                    .max_ulp_fast_backward_f32 = 2.5, /* and --grad --fast */
                    .forward = selu_forward,
                    .backward = selu_backward,
                    .backward_from_output = selu_backward_from_output},
    [ACTFN_CELU] = {.name = "celu",
                    .formula = "x > 0 ? x : alpha * (exp(x / alpha) - 1)",
                    .params = {PARAM(alpha, 1.0, "finite, != 0", check_nonzero_finite)},
                    .max_ulp_f32 = 1,
                    .max_ulp_f64 = 3,
                    .max_ulp_backward_f32 = 1,
                    .max_ulp_backward_f64 = 3,
                    .max_ulp_fast_f32 = 3, /* measured: tools exhaustive --fast, docs/accuracy.md */
                    .max_ulp_fast_backward_f32 = 1.5, /* and --grad --fast */
                    .forward = celu_forward,
                    .backward = celu_backward,
                    .backward_from_output = celu_backward_from_output},
    [ACTFN_GELU] = {.name = "gelu",
                    .formula = "x * Phi(x) = x / 2 * erfc(-x / sqrt(2))",
                    .max_ulp_f32 = 1,
                    .max_ulp_f64 = 4,
                    .max_ulp_backward_f32 = 1,
                    .max_ulp_backward_f64 = 16,
                    .max_ulp_fast_f32 = 4, /* measured: tools exhaustive --fast, docs/accuracy.md */
                    .max_ulp_fast_backward_f32 = 3, /* and --grad --fast */
                    .forward = gelu_forward,
                    .above_half_x_near_zero = true,
                    .backward = gelu_backward},
    [ACTFN_GELU_TANH] = {.name = "gelu_tanh",
                         .formula = "x / 2 * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))",
                         .max_ulp_f32 = 1,
                         .max_ulp_f64 = 4,
                         .max_ulp_backward_f32 = 1,
                         .max_ulp_backward_f64 = 24,
                         .max_ulp_fast_f32 =
                             4, /* measured: tools exhaustive --fast, docs/accuracy.md */
                         .max_ulp_fast_backward_f32 = 4, /* and --grad --fast */
                         .forward = gelu_tanh_forward,
                         .above_half_x_near_zero = true,
                         .backward = gelu_tanh_backward},
    [ACTFN_SILU] = {.name = "silu",
                    .formula = "x / (1 + exp(-x))",
                    .max_ulp_f32 = 1,
                    .max_ulp_f64 = 3,
                    .max_ulp_backward_f32 = 1,
                    .max_ulp_backward_f64 = 16,
                    .max_ulp_fast_f32 = 4, /* measured: tools exhaustive --fast, docs/accuracy.md */
                    .max_ulp_fast_backward_f32 = 4, /* and --grad --fast */
                    .forward = silu_forward,
                    .above_half_x_near_zero = true,
                    .backward = silu_backward},
    [ACTFN_MISH] = {.name = "mish",
                    .formula = "x * tanh(log(1 + exp(x)))",
                    .max_ulp_f32 = 1,
                    .max_ulp_f64 = 4,
                    .max_ulp_backward_f32 = 1,
                    .max_ulp_backward_f64 = 32,
                    .max_ulp_fast_f32 = 4, /* measured: tools exhaustive --fast, docs/accuracy.md */
                    .max_ulp_fast_backward_f32 = 4, /* and --grad --fast */
                    .forward = mish_forward,
                    .backward = mish_backward},
    [ACTFN_SOFTPLUS] = {.name = "softplus",
                        .formula = "beta * x > threshold ? x : log(1 + exp(beta * x)) / beta",
                        .params = {PARAM(beta, 1.0, "finite, > 0", check_positive_finite),
                                   PARAM(threshold, 20.0, "not NaN", check_not_nan)},
                        .max_ulp_f32 = 1,
                        .max_ulp_f64 = 2,
                        .max_ulp_backward_f32 = 1,
                        .max_ulp_backward_f64 = 3,
                        .max_ulp_fast_f32 =
                            4, /* measured: tools exhaustive --fast, docs/accuracy.md */
                        .max_ulp_fast_backward_f32 = 4, /* and --grad --fast */
                        .forward = softplus_forward,
                        .backward = softplus_backward},
    [ACTFN_SIGMOID] = {.name = "sigmoid",
                       .formula = "1 / (1 + exp(-x))",
                       .max_ulp_f32 = 1,
                       .max_ulp_f64 = 3,
                       .max_ulp_backward_f32 = 1,
                       .max_ulp_backward_f64 = 4,
                       .max_ulp_fast_f32 =
                           4, /* measured: tools exhaustive --fast, docs/accuracy.md */
                       .max_ulp_fast_backward_f32 = 3, /* and --grad --fast */
                       .forward = sigmoid_forward,
                       .backward = sigmoid_backward,
                       .backward_from_output = sigmoid_backward_from_output},
    [ACTFN_TANH] = {.name = "tanh",
                    .formula = "tanh(x)",
                    .max_ulp_f32 = 1,
                    .max_ulp_f64 = 3,
                    .max_ulp_backward_f32 = 1,
                    .max_ulp_backward_f64 = 5,
                    .max_ulp_fast_f32 =
                        3.5, /* measured: tools exhaustive --fast, docs/accuracy.md */
                    .max_ulp_fast_backward_f32 = 3, /* and --grad --fast */
                    .forward = tanh_forward,
                    .backward = tanh_backward,
                    .backward_from_output = tanh_backward_from_output},
    [ACTFN_HARDSIGMOID] = {.name = "hardsigmoid",
                           .formula = "min(max(0, x + 3), 6) / 6",
                           .exact = true,
                           .max_ulp_f32 = 0.5,
                           .max_ulp_f64 = 0.5,
                           .max_ulp_backward_f32 = 0.5,
                           .max_ulp_backward_f64 = 0.5,
                           .forward = hardsigmoid_forward,
                           .forward_f32 = hardsigmoid_forward_f32,
                           .backward = hardsigmoid_backward},
    [ACTFN_HARDSWISH] = {.name = "hardswish",
                         .formula = "x * min(max(0, x + 3), 6) / 6",
                         .exact = true,
                         .max_ulp_f32 = 0.5,
                         .max_ulp_f64 = 0.5,
                         .max_ulp_backward_f32 = 0.5,
                         .max_ulp_backward_f64 = 1,
                         .max_ulp_fast_f32 = 2.5,          /* measured: tools exhaustive --fast */
                         .max_ulp_fast_backward_f32 = 1.5, /* and --grad --fast */
                         .above_half_x_near_zero = true,
                         .forward = hardswish_forward,
                         .forward_f32 = hardswish_forward_f32,
                         .backward = hardswish_backward},
    [ACTFN_SQUARED_RELU] = {.name = "squared_relu",
                            .formula = "max(0, x)^2",
                            .exact = true,
                            .max_ulp_f32 = 0.5,
                            .max_ulp_f64 = 0.5,
                            .max_ulp_backward_f32 = 0.5,
                            .max_ulp_backward_f64 = 0.5,
                            .forward = squared_relu_forward,
                            .backward = squared_relu_backward},
    [ACTFN_SOFTSIGN] = {.name = "softsign",
                        .formula = "x / (1 + |x|)",
                        .max_ulp_f32 = 1,
                        .max_ulp_f64 = 2,
                        .max_ulp_backward_f32 = 1,
                        .max_ulp_backward_f64 = 2,
                        .forward = softsign_forward,
                        .backward = softsign_backward,
                        .backward_from_output = softsign_backward_from_output},
    [ACTFN_LOGSIGMOID] = {.name = "logsigmoid",
                          .formula = "log(1 / (1 + exp(-x)))",
                          .max_ulp_f32 = 1,
                          .max_ulp_f64 = 2,
                          .max_ulp_backward_f32 = 1,
                          .max_ulp_backward_f64 = 3,
                          .max_ulp_fast_f32 = 3.5, /* measured: exhaustive --fast, 3.32 */
                          .forward = logsigmoid_forward,
                          .backward = logsigmoid_backward,
                          .backward_from_output = logsigmoid_backward_from_output},
    [ACTFN_HARDSHRINK] = {.name = "hardshrink",
                          .formula = "|x| > lambd ? x : 0",
                          .params = {LAMBD},
                          .exact = true,
                          .selects_only = true,
                          .forward = hardshrink_forward,
                          .backward = hardshrink_backward,
                          .backward_from_output = hardshrink_backward},
    [ACTFN_SOFTSHRINK] = {.name = "softshrink",
                          .formula = "x > lambd ? x - lambd : (x < -lambd ? x + lambd : 0)",
                          .params = {LAMBD},
                          .exact = true,
                          .max_ulp_f32 = 0.5,
                          .max_ulp_f64 = 0.5,
                          .forward = softshrink_forward,
                          .backward = softshrink_backward,
                          .backward_from_output = softshrink_backward_from_output},
    [ACTFN_TANHSHRINK] = {.name = "tanhshrink",
                          .formula = "x - tanh(x)",
                          .max_ulp_f32 = 1,
                          .max_ulp_f64 = 3,
                          .max_ulp_backward_f32 = 1,
                          .max_ulp_backward_f64 = 5,
                          .forward = tanhshrink_forward,
                          .backward = tanhshrink_backward},
    [ACTFN_THRESHOLD] = {.name = "threshold",
                         .formula = "x > threshold ? x : value",
                         .params = {PARAM(threshold, 0.0, "not NaN", check_not_nan),
                                    PARAM(value, 0.0, "not NaN", check_not_nan)},
                         .exact = true,
                         .selects_only = true,
                         .forward = threshold_forward,
                         .backward = threshold_backward},
    [ACTFN_SQUAREPLUS] = {.name = "squareplus",
                          .formula = "(x + sqrt(x^2 + b)) / 2",
                          .params = {PARAM(b, 4.0, "finite, > 0", check_positive_finite)},
                          .max_ulp_f32 = 1,
                          .max_ulp_f64 = 3,
                          .max_ulp_backward_f32 = 1,
                          .max_ulp_backward_f64 = 4,
                          .forward = squareplus_forward,
                          .backward = squareplus_backward,
                          .backward_from_output = squareplus_backward_from_output},
    [ACTFN_RRELU] = {.name = "rrelu",
                     .formula =
                         "x > 0 ? x : (lower + upper) / 2 * x (training: actfn_rrelu_train_*)",
                     .params = {PARAM(lower, 0.125, "finite, <= upper", check_finite),
                                PARAM(upper, 1.0 / 3.0, "finite, >= lower", check_finite)},
                     .exact = true,
                     .max_ulp_f32 = 0.5,
                     .max_ulp_f64 = 0.5,
                     .forward = leaky_relu_forward, /* with the slope op_prepare derives */
                     .backward = leaky_relu_backward,
                     .backward_from_output = leaky_relu_backward,
                     .output_backward_ok = slope_is_positive,
                     .check_op = check_rrelu},
};
