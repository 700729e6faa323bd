/* SPDX-License-Identifier: MIT */
/* PReLU: a learned slope per feature (actfn_prelu_forward / _backward). */
#include "layers/layer_call.h"

#include "api/errors.h"
#include "api/op_descriptor.h"
#include "route/dispatch.h"
#include "route/run.h"
#include "spec/dtypes.h"
#include "spec/element_access.h"

#include <stdlib.h>
#include <string.h>

#define BODY_FILE "layers/prelu_rows.h"
#include "layers/for_each_dtype.h"
#undef BODY_FILE

static void prelu_forward_rows(void *context, size_t r0, size_t r1) {
    layer_call *c = context;
    actfn_batch part = {r1 - r0, c->batch.cols, c->batch.stride};
    const char *x = row_of(c, c->x, r0);
    char *y = mutable_row_of(c, c->y, r0);
    prelu_kernel kernel = dtype_is_narrow(c->dtype)
                              ? NULL
                              : active_kernels()->prelu_forward[slot_of_wide_dtype(c->dtype)];
    if (kernel != NULL)
        for (size_t r = r0; r < r1; r++)
            kernel(row_of(c, c->x, r), c->vector, mutable_row_of(c, c->y, r), c->batch.cols);
    else if (c->dtype == ACTFN_F32)
        prelu_forward_f32(&part, (const float *)x, (const float *)c->vector, (float *)y);
    else if (c->dtype == ACTFN_F64)
        prelu_forward_f64(&part, (const double *)x, (const double *)c->vector, (double *)y);
    else /* 16 bits: the product exact in double, rounded once */
        for (size_t r = r0; r < r1; r++) {
            const char *in = row_of(c, c->x, r);
            char *out = mutable_row_of(c, c->y, r);
            for (size_t j = 0; j < c->batch.cols; j++) {
                double v = element_load(c->dtype, in, j);
                element_store(c->dtype, out, j,
                              v > 0 ? v : element_load(c->dtype, c->vector, j) * v);
            }
        }
}

actfn_status actfn_prelu_forward(actfn_dtype dtype, const actfn_batch *batch, const void *x,
                                 const void *slopes, void *y) {
    static const char function[] = "actfn_prelu_forward";
    CHECK(check_dtype(function, dtype));
    CHECK(check_batch(function, batch, dtype));
    if (is_empty(batch)) return ACTFN_OK;
    const void *arrays[] = {x, slopes, y};
    CHECK(check_pointers(function, 3, arrays));
    size_t bytes = span(batch, dtype);
    CHECK(check_output(function, y, bytes, x, bytes, true));
    CHECK(check_output(function, y, bytes, slopes, batch->cols * dtype_size(dtype), false));
    layer_call c = {.dtype = dtype,
                    .batch = *batch,
                    .size = dtype_size(dtype),
                    .x = x,
                    .vector = slopes,
                    .y = y};
    return split(function, &c, false, prelu_forward_rows);
}

static void prelu_backward_columns(void *context, size_t c0, size_t c1) {
    layer_call *c = context;
    actfn_batch part = {c->batch.rows, c1 - c0, c->batch.stride};
    size_t offset = c0 * c->size;
    const char *x = c->x + offset, *slopes = c->vector + offset, *dy = c->dy + offset;
    char *dx = c->dx + offset;
    prelu_backward_kernel kernel =
        dtype_is_narrow(c->dtype) ? NULL
                                  : active_kernels()->prelu_backward[slot_of_wide_dtype(c->dtype)];
    if (kernel != NULL)
        for (size_t r = 0; r < part.rows; r++)
            kernel(row_of(c, x, r), slopes, row_of(c, dy, r), mutable_row_of(c, dx, r),
                   c->sums + c0, part.cols);
    else if (c->dtype == ACTFN_F32)
        prelu_backward_f32(&part, (const float *)x, (const float *)slopes, (const float *)dy,
                           (float *)dx, c->sums + c0);
    else if (c->dtype == ACTFN_F64)
        prelu_backward_f64(&part, (const double *)x, (const double *)slopes, (const double *)dy,
                           (double *)dx, c->sums + c0);
    else
        for (size_t r = 0; r < part.rows; r++) {
            const char *in = row_of(c, x, r), *g = row_of(c, dy, r);
            char *out = mutable_row_of(c, dx, r);
            for (size_t j = 0; j < part.cols; j++) {
                double v = element_load(c->dtype, in, j), gradient = element_load(c->dtype, g, j);
                if (!(v > 0)) c->sums[c0 + j] += v * gradient;
                element_store(c->dtype, out, j,
                              v > 0 ? gradient : element_load(c->dtype, slopes, j) * gradient);
            }
        }
}

actfn_status actfn_prelu_backward(actfn_dtype dtype, const actfn_batch *batch, const void *x,
                                  const void *slopes, const void *dy, void *dx, void *dslopes) {
    static const char function[] = "actfn_prelu_backward";
    CHECK(check_dtype(function, dtype));
    CHECK(check_batch(function, batch, dtype));
    size_t size = dtype_size(dtype), vector = batch->cols * size;
    if (is_empty(batch)) {
        if (batch->cols > 0 && dslopes != NULL) memset(dslopes, 0, vector);
        return ACTFN_OK;
    }
    const void *arrays[] = {x, slopes, dy, dx, dslopes};
    CHECK(check_pointers(function, 5, arrays));
    size_t bytes = span(batch, dtype);
    CHECK(check_output(function, dx, bytes, dy, bytes, true));
    CHECK(check_output(function, dx, bytes, x, bytes, false));
    CHECK(check_output(function, dx, bytes, slopes, vector, false));
    CHECK(check_feature_output(function, dslopes, vector, x, dy, dx, bytes, slopes));
    layer_call c = {.dtype = dtype,
                    .batch = *batch,
                    .size = size,
                    .x = x,
                    .vector = slopes,
                    .dy = dy,
                    .dx = dx};
    return split_summing_columns(function, &c, prelu_backward_columns, dslopes);
}
