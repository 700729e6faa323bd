/* SPDX-License-Identifier: MIT */
/* The scalar reference applied element by element: the slowest kernels and the ones
 * every other kernel must agree with. */
#include "route/run.h"

static void forward_f32(const op_def *def, const op_params *params, const float *x, float *y,
                        size_t n) {
    if (def->forward_f32 != NULL) {
        for (size_t i = 0; i < n; i++)
            y[i] = def->forward_f32(x[i], params);
        return;
    }
    for (size_t i = 0; i < n; i++)
        y[i] = (float)def->forward(x[i], params);
}

static void forward_f64(const op_def *def, const op_params *params, const double *x, double *y,
                        size_t n) {
    for (size_t i = 0; i < n; i++)
        y[i] = def->forward(x[i], params);
}

void reference_forward(const op_def *def, const op_params *params, actfn_dtype dtype, const void *x,
                       void *y, size_t n) {
    if (dtype == ACTFN_F32)
        forward_f32(def, params, x, y, n);
    else
        forward_f64(def, params, x, y, n);
}

void reference_backward(scalar_backward_fn backward, const op_params *params, actfn_dtype dtype,
                        const void *v, const void *dy, void *dx, size_t n) {
    if (dtype == ACTFN_F32) {
        const float *v32 = v, *dy32 = dy;
        float *dx32 = dx;
        for (size_t i = 0; i < n; i++)
            dx32[i] = (float)backward(v32[i], dy32[i], params);
    } else {
        const double *v64 = v, *dy64 = dy;
        double *dx64 = dx;
        for (size_t i = 0; i < n; i++)
            dx64[i] = backward(v64[i], dy64[i], params);
    }
}
