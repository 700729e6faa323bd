/* SPDX-License-Identifier: MIT */
/* Typed entry points for the everyday cases. Each is the generic call with default
 * parameters, minus the generic call's op validation, which is what costs the most at
 * small n: their parameters are known to be valid. */
#include "api/array_checks.h"
#include "api/errors.h"
#include "route/run.h"

#include <math.h>

static const op_params defaults = {.grad_at_zero = 0};

static actfn_status forward(const char *function, actfn_kind kind, const op_params *params,
                            actfn_dtype dtype, const void *x, void *y, size_t n) {
    if (n == 0) return ACTFN_OK;
    actfn_status status = check_arrays(function, dtype, n, x, x, y);
    if (status == ACTFN_OK) run_forward(kind, params, dtype, x, y, n);
    return status;
}

static actfn_status backward(const char *function, actfn_kind kind, actfn_dtype dtype,
                             const void *x, const void *dy, void *dx, size_t n) {
    if (n == 0) return ACTFN_OK;
    actfn_status status = check_arrays(function, dtype, n, x, dy, dx);
    if (status == ACTFN_OK) run_backward(kind, false, &defaults, dtype, x, dy, dx, n);
    return status;
}

actfn_status actfn_relu_f32(const float *x, float *y, size_t n) {
    return forward("actfn_relu_f32", ACTFN_RELU, &defaults, ACTFN_F32, x, y, n);
}

actfn_status actfn_relu_backward_f32(const float *x, const float *dy, float *dx, size_t n) {
    return backward("actfn_relu_backward_f32", ACTFN_RELU, ACTFN_F32, x, dy, dx, n);
}

actfn_status actfn_relu_f64(const double *x, double *y, size_t n) {
    return forward("actfn_relu_f64", ACTFN_RELU, &defaults, ACTFN_F64, x, y, n);
}

actfn_status actfn_relu_backward_f64(const double *x, const double *dy, double *dx, size_t n) {
    return backward("actfn_relu_backward_f64", ACTFN_RELU, ACTFN_F64, x, dy, dx, n);
}

actfn_status actfn_relu_f16(const uint16_t *x, uint16_t *y, size_t n) {
    return forward("actfn_relu_f16", ACTFN_RELU, &defaults, ACTFN_F16, x, y, n);
}

actfn_status actfn_relu_backward_f16(const uint16_t *x, const uint16_t *dy, uint16_t *dx,
                                     size_t n) {
    return backward("actfn_relu_backward_f16", ACTFN_RELU, ACTFN_F16, x, dy, dx, n);
}

actfn_status actfn_relu_bf16(const uint16_t *x, uint16_t *y, size_t n) {
    return forward("actfn_relu_bf16", ACTFN_RELU, &defaults, ACTFN_BF16, x, y, n);
}

actfn_status actfn_relu_backward_bf16(const uint16_t *x, const uint16_t *dy, uint16_t *dx,
                                      size_t n) {
    return backward("actfn_relu_backward_bf16", ACTFN_RELU, ACTFN_BF16, x, dy, dx, n);
}

actfn_status actfn_leaky_relu_f32(const float *x, float *y, size_t n, float negative_slope) {
    if (!isfinite(negative_slope))
        return fail(ACTFN_ERR_BAD_PARAMETER, "leaky_relu: negative_slope must be finite, got %g",
                    (double)negative_slope);
    const op_params params = {.negative_slope = negative_slope, .grad_at_zero = negative_slope};
    return forward("actfn_leaky_relu_f32", ACTFN_LEAKY_RELU, &params, ACTFN_F32, x, y, n);
}

actfn_status actfn_sigmoid_f32(const float *x, float *y, size_t n) {
    return forward("actfn_sigmoid_f32", ACTFN_SIGMOID, &defaults, ACTFN_F32, x, y, n);
}

actfn_status actfn_tanh_f32(const float *x, float *y, size_t n) {
    return forward("actfn_tanh_f32", ACTFN_TANH, &defaults, ACTFN_F32, x, y, n);
}
