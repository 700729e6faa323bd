/* SPDX-License-Identifier: MIT */
/* The fused bias + activation (actfn_bias_forward / _backward). */
#include "layers/layer_call.h"

#include "api/errors.h"
#include "api/op_descriptor.h"
#include "route/dispatch.h"
#include "route/run.h"
#include "spec/dtypes.h"
#include "spec/element_access.h"

#include <stdlib.h>
#include <string.h>

#define BODY_FILE "layers/bias_rows.h"
#include "layers/for_each_dtype.h"
#undef BODY_FILE

/* z = x[r][c0 .. c0 + width) + bias[c0 ..]: in the dtype, or for 16-bit types in double
 * (exact) rounded once, as a 16-bit add would. z may be that row of x itself. */
static void add_bias_row(const layer_call *c, size_t r, size_t c0, size_t width, void *z) {
    const char *row = row_of(c, c->x, r) + c0 * c->size, *bias = c->vector + c0 * c->size;
    if (dtype_is_narrow(c->dtype)) {
        for (size_t j = 0; j < width; j++)
            element_store(c->dtype, z, j,
                          element_load(c->dtype, row, j) + element_load(c->dtype, bias, j));
        return;
    }
    add_kernel add = active_kernels()->add_rows[slot_of_wide_dtype(c->dtype)];
    actfn_batch one = {1, width, width};
    if (add != NULL)
        add(row, bias, z, width);
    else if (c->dtype == ACTFN_F32)
        add_bias_f32(&one, 0, (const float *)row, (const float *)bias, z);
    else
        add_bias_f64(&one, 0, (const double *)row, (const double *)bias, z);
}

static void bias_forward_rows(void *context, size_t r0, size_t r1) {
    layer_call *c = context;
    bias_forward_kernel fused =
        dtype_is_narrow(c->dtype)
            ? NULL
            : active_kernels()->bias_forward[slot_of_wide_dtype(c->dtype)][c->kind];
    if (fused != NULL) { /* the piecewise ops: x + b and the op in one pass */
        for (size_t r = r0; r < r1; r++)
            fused(&c->params, row_of(c, c->x, r), c->vector, mutable_row_of(c, c->y, r),
                  c->batch.cols, stream_of(c->stream, r, r1));
        return;
    }
    for (size_t r = r0; r < r1; r++) {
        char *row = mutable_row_of(c, c->y, r);
        add_bias_row(c, r, 0, c->batch.cols, row);
        run_forward(c->kind, &c->params, c->dtype, row, row, c->batch.cols); /* while in L1 */
    }
}

actfn_status actfn_bias_forward(const actfn_op *op, actfn_dtype dtype, const actfn_batch *batch,
                                const void *x, const void *bias, void *y) {
    static const char function[] = "actfn_bias_forward";
    const op_def *def;
    layer_call c = {.kind = op != NULL ? op->kind : ACTFN_RELU, .dtype = dtype};
    CHECK(check_dtype(function, dtype));
    CHECK(op_prepare(op, dtype, &def, &c.params));
    CHECK(check_batch(function, batch, dtype));
    if (is_empty(batch)) return ACTFN_OK;
    const void *arrays[] = {x, bias, y};
    CHECK(check_pointers(function, 3, arrays));
    size_t bytes = span(batch, dtype), size = dtype_size(dtype);
    CHECK(check_output(function, y, bytes, x, bytes, true));
    CHECK(check_output(function, y, bytes, bias, batch->cols * size, false));
    c.batch = *batch, c.size = size, c.x = x, c.vector = bias, c.y = y;
    c.stream = layer_streams(&c, x, y);
    return split(function, &c, false, bias_forward_rows);
}

static void bias_backward_columns(void *context, size_t c0, size_t c1) {
    layer_call *c = context;
    size_t width = c1 - c0;
    char *z = scratch_take(c);
    for (size_t r = 0; r < c->batch.rows; r++) {
        size_t offset = c0 * c->size;
        add_bias_row(c, r, c0, width, z);
        char *out = mutable_row_of(c, c->dx, r) + offset;
        run_backward(c->kind, false, &c->params, c->dtype, z, row_of(c, c->dy, r) + offset, out,
                     width);
        for (size_t j = 0; j < width; j++)
            c->sums[c0 + j] += element_load(c->dtype, out, j);
    }
    scratch_give(c, z);
}

actfn_status actfn_bias_backward(const actfn_op *op, actfn_dtype dtype, const actfn_batch *batch,
                                 const void *x, const void *bias, const void *dy, void *dx,
                                 void *dbias) {
    static const char function[] = "actfn_bias_backward";
    const op_def *def;
    layer_call c = {.kind = op != NULL ? op->kind : ACTFN_RELU, .dtype = dtype};
    CHECK(check_dtype(function, dtype));
    CHECK(op_prepare(op, dtype, &def, &c.params));
    CHECK(check_batch(function, batch, dtype));
    if (is_empty(batch)) {
        if (batch->cols > 0 && dbias != NULL) memset(dbias, 0, batch->cols * dtype_size(dtype));
        return ACTFN_OK;
    }
    const void *arrays[] = {x, bias, dy, dx, dbias};
    CHECK(check_pointers(function, 5, arrays));
    size_t bytes = span(batch, dtype), size = dtype_size(dtype), vector = batch->cols * size;
    CHECK(check_output(function, dx, bytes, x, bytes, true));
    CHECK(check_output(function, dx, bytes, dy, bytes, true));
    CHECK(check_output(function, dx, bytes, bias, vector, false));
    CHECK(check_feature_output(function, dbias, vector, x, dy, dx, bytes, bias));
    c.batch = *batch, c.size = size, c.x = x, c.vector = bias, c.dy = dy, c.dx = dx;
    c.scratch_bytes = vector; /* x + bias of the part's columns, one row at a time */
    return split_summing_columns(function, &c, bias_backward_columns, dbias);
}
