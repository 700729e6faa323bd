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

/* z[i] = x[r0 + i][c0 .. c0 + width) + bias[c0 ..] for count rows (z's z_stride elements
 * apart): in the dtype, or for 16-bit types in double (exact) rounded once, as a 16-bit
 * add would. z may be those rows of x themselves. */
static void add_bias_rows(const layer_call *c, size_t r0, size_t count, size_t c0, size_t width,
                          void *z, size_t z_stride) {
    const char *rows = row_of(c, c->x, r0) + c0 * c->size, *bias = c->vector + c0 * c->size;
    size_t x_bytes = c->batch.stride * c->size, z_bytes = z_stride * c->size;
    add_kernel add =
        dtype_is_narrow(c->dtype) ? NULL : active_kernels()->add_rows[slot_of_wide_dtype(c->dtype)];
    if (add != NULL) {
        add(rows, c->batch.stride, bias, z, z_stride, count, width);
        return;
    }
    actfn_batch one = {1, width, width};
    for (size_t r = 0; r < count; r++) {
        const char *row = rows + r * x_bytes;
        char *out = (char *)z + r * z_bytes;
        if (c->dtype == ACTFN_F32)
            add_bias_f32(&one, 0, (const float *)row, (const float *)bias, (float *)out);
        else if (c->dtype == ACTFN_F64)
            add_bias_f64(&one, 0, (const double *)row, (const double *)bias, (double *)out);
        else
            for (size_t j = 0; j < width; j++)
                element_store(c->dtype, out, j,
                              element_load(c->dtype, row, j) + element_load(c->dtype, bias, j));
    }
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
        add_bias_rows(c, r, 1, 0, c->batch.cols, row, c->batch.cols);
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

/* The backward goes a block of rows at a time (about BLOCK_BYTES of them): their x + b
 * into the scratch, the op's backward (one call when the block's rows follow one another),
 * then the block's dx added down the columns with the sums in registers, so that a narrow
 * batch (a convolution's 32 channels for 100,000 pixels) pays the calls once per block. */
enum { BLOCK_BYTES = 16384 };

static size_t rows_per_block(size_t row_bytes) {
    return row_bytes >= BLOCK_BYTES ? 1 : BLOCK_BYTES / row_bytes;
}

static void bias_backward_columns(void *context, size_t c0, size_t c1) {
    layer_call *c = context;
    size_t width = c1 - c0, offset = c0 * c->size, line = width * c->size;
    size_t block = rows_per_block(c->batch.cols * c->size);
    bool contiguous = width == c->batch.stride; /* whole rows, each after the last */
    sum_kernel add_to_sums = dtype_is_narrow(c->dtype)
                                 ? NULL
                                 : active_kernels()->add_to_sums[slot_of_wide_dtype(c->dtype)];
    char *z = scratch_take(c);
    for (size_t r0 = 0; r0 < c->batch.rows; r0 += block) {
        size_t count = c->batch.rows - r0 < block ? c->batch.rows - r0 : block;
        add_bias_rows(c, r0, count, c0, width, z, width);
        for (size_t r = 0; r < (contiguous ? 1 : count); r++)
            run_backward(c->kind, false, &c->params, c->dtype, z + r * line,
                         row_of(c, c->dy, r0 + r) + offset,
                         mutable_row_of(c, c->dx, r0 + r) + offset,
                         contiguous ? count * width : width);
        const char *out = row_of(c, c->dx, r0) + offset;
        if (add_to_sums != NULL) {
            add_to_sums(out, c->batch.stride, count, c->sums + c0, width);
            continue;
        }
        for (size_t r = 0; r < count; r++)
            for (size_t j = 0; j < width; j++)
                c->sums[c0 + j] += element_load(c->dtype, out + r * c->batch.stride * c->size, j);
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
    c.scratch_bytes = scratch_size(rows_per_block(vector), vector); /* a block's x + bias */
    return split_summing_columns(function, &c, bias_backward_columns, dbias);
}
