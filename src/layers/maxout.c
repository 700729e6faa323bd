/* SPDX-License-Identifier: MIT */
/* Maxout: the maximum of each group of k features (actfn_maxout_forward / _backward). */
#include "layers/layer_call.h"

#include "api/errors.h"
#include "api/op_descriptor.h"
#include "route/dispatch.h"
#include "route/run.h"
#include "spec/dtypes.h"
#include "spec/element_access.h"

#include <stdlib.h>
#include <string.h>

#define BODY_FILE "layers/maxout_rows.h"
#include "layers/for_each_dtype.h"
#undef BODY_FILE

static actfn_status check_maxout(const char *function, const actfn_batch *batch, size_t k,
                                 size_t other_stride, actfn_dtype dtype) {
    if (k == 0 || batch->cols % k != 0)
        return fail(ACTFN_ERR_BAD_PARAMETER, "%s: k = %zu does not divide cols = %zu", function, k,
                    batch->cols);
    if (other_stride < batch->cols / k)
        return fail(ACTFN_ERR_BAD_PARAMETER, "%s: the grouped stride %zu is less than %zu",
                    function, other_stride, batch->cols / k);
    return check_extent(function, batch->rows, other_stride, batch->cols / k, dtype);
}

static size_t grouped_span(const actfn_batch *batch, size_t k, size_t stride, size_t size) {
    return is_empty(batch) ? 0 : ((batch->rows - 1) * stride + batch->cols / k) * size;
}

/* The ISA's kernels for pairs (k = 2, f32 and f64), NULL where the scalar rows serve. */
static maxout_pairs_kernel pairs_forward_kernel(const layer_call *c) {
    if (c->k != 2 || dtype_is_narrow(c->dtype)) return NULL;
    return active_kernels()->maxout_pairs_forward[slot_of_wide_dtype(c->dtype)];
}

static maxout_pairs_backward_kernel pairs_backward_kernel(const layer_call *c) {
    if (c->k != 2 || dtype_is_narrow(c->dtype)) return NULL;
    return active_kernels()->maxout_pairs_backward[slot_of_wide_dtype(c->dtype)];
}

static void maxout_forward_rows(void *context, size_t r0, size_t r1) {
    layer_call *c = context;
    actfn_batch part = {r1 - r0, c->batch.cols, c->batch.stride};
    const char *x = row_of(c, c->x, r0);
    char *y = c->y + r0 * c->grouped_stride * c->size;
    maxout_pairs_kernel pairs = pairs_forward_kernel(c);
    if (pairs != NULL)
        for (size_t r = 0; r < part.rows; r++)
            pairs(row_of(c, x, r), y + r * c->grouped_stride * c->size, part.cols / 2);
    else if (c->dtype == ACTFN_F32)
        maxout_forward_f32(&part, c->k, (const float *)x, (float *)y, c->grouped_stride);
    else if (c->dtype == ACTFN_F64)
        maxout_forward_f64(&part, c->k, (const double *)x, (double *)y, c->grouped_stride);
    else { /* 16 bits: the groups widened (exactly) to double, the element copied */
        double *wide = (double *)scratch_take(c);
        for (size_t r = 0; wide != NULL && r < part.rows; r++) {
            const uint16_t *row = (const uint16_t *)row_of(c, x, r);
            uint16_t *out = (uint16_t *)y + r * c->grouped_stride;
            widen_row(c->dtype, row, wide, part.cols);
            for (size_t g = 0; g < part.cols / c->k; g++)
                out[g] = row[g * c->k + arg_max_f64(wide + g * c->k, c->k)];
        }
        scratch_give(c, (char *)wide);
    }
}

actfn_status actfn_maxout_forward(actfn_dtype dtype, const actfn_batch *batch, size_t k,
                                  const void *x, void *y, size_t y_stride) {
    static const char function[] = "actfn_maxout_forward";
    CHECK(check_dtype(function, dtype));
    CHECK(check_batch(function, batch, dtype));
    CHECK(check_maxout(function, batch, k, y_stride, dtype));
    if (is_empty(batch)) return ACTFN_OK;
    const void *arrays[] = {x, y};
    CHECK(check_pointers(function, 2, arrays));
    CHECK(check_output(function, y, grouped_span(batch, k, y_stride, dtype_size(dtype)), x,
                       span(batch, dtype), false));
    layer_call c = {.dtype = dtype,
                    .batch = *batch,
                    .size = dtype_size(dtype),
                    .x = x,
                    .y = y,
                    .k = k,
                    .grouped_stride = y_stride,
                    .scratch_bytes =
                        dtype_is_narrow(dtype) ? scratch_size(batch->cols, sizeof(double)) : 0};
    return split(function, &c, false, maxout_forward_rows);
}

static void maxout_backward_rows(void *context, size_t r0, size_t r1) {
    layer_call *c = context;
    actfn_batch part = {r1 - r0, c->batch.cols, c->batch.stride};
    const char *x = row_of(c, c->x, r0), *dy = c->dy + r0 * c->grouped_stride * c->size;
    char *dx = mutable_row_of(c, c->dx, r0);
    maxout_pairs_backward_kernel pairs = pairs_backward_kernel(c);
    if (pairs != NULL)
        for (size_t r = 0; r < part.rows; r++)
            pairs(row_of(c, x, r), dy + r * c->grouped_stride * c->size, mutable_row_of(c, dx, r),
                  part.cols / 2);
    else if (c->dtype == ACTFN_F32)
        maxout_backward_f32(&part, c->k, (const float *)x, (const float *)dy, c->grouped_stride,
                            (float *)dx);
    else if (c->dtype == ACTFN_F64)
        maxout_backward_f64(&part, c->k, (const double *)x, (const double *)dy, c->grouped_stride,
                            (double *)dx);
    else {
        double *wide = (double *)scratch_take(c);
        for (size_t r = 0; wide != NULL && r < part.rows; r++) {
            const uint16_t *row = (const uint16_t *)row_of(c, x, r);
            const uint16_t *g = (const uint16_t *)dy + r * c->grouped_stride;
            uint16_t *out = (uint16_t *)mutable_row_of(c, dx, r);
            widen_row(c->dtype, row, wide, part.cols);
            memset(out, 0, part.cols * sizeof *out); /* +0 in both 16-bit formats */
            for (size_t group = 0; group < part.cols / c->k; group++)
                out[group * c->k + arg_max_f64(wide + group * c->k, c->k)] = g[group];
        }
        scratch_give(c, (char *)wide);
    }
}

actfn_status actfn_maxout_backward(actfn_dtype dtype, const actfn_batch *batch, size_t k,
                                   const void *x, const void *dy, size_t dy_stride, void *dx) {
    static const char function[] = "actfn_maxout_backward";
    CHECK(check_dtype(function, dtype));
    CHECK(check_batch(function, batch, dtype));
    CHECK(check_maxout(function, batch, k, dy_stride, dtype));
    if (is_empty(batch)) return ACTFN_OK;
    const void *arrays[] = {x, dy, dx};
    CHECK(check_pointers(function, 3, arrays));
    size_t bytes = span(batch, dtype);
    CHECK(check_output(function, dx, bytes, x, bytes, false));
    CHECK(check_output(function, dx, bytes, dy,
                       grouped_span(batch, k, dy_stride, dtype_size(dtype)), false));
    layer_call c = {.dtype = dtype,
                    .batch = *batch,
                    .size = dtype_size(dtype),
                    .x = x,
                    .dy = dy,
                    .dx = dx,
                    .k = k,
                    .grouped_stride = dy_stride,
                    .scratch_bytes =
                        dtype_is_narrow(dtype) ? scratch_size(batch->cols, sizeof(double)) : 0};
    return split(function, &c, false, maxout_backward_rows);
}
