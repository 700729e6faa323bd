/* SPDX-License-Identifier: MIT */
/* The 1-bit mask ops (actfn_mask_forward / _backward) and the activity counts of dead
 * units. */
#include "layers/layer_call.h"

#include "api/errors.h"
#include "api/op_descriptor.h"
#include "route/dispatch.h"
#include "route/run.h"
#include "spec/dtypes.h"
#include "spec/element_access.h"

#include <stdlib.h>

#define BODY_FILE "layers/mask_rows.h"
#include "layers/for_each_dtype.h"
#undef BODY_FILE

/* The mask backward streams dx from LAYER_STREAMING_MIN elements. bench_layers, 1 thread,
 * against the backward from x: 1.27-1.44x at 4M-64M elements with ordinary stores,
 * 1.26-1.88x streaming (two noisy runs each). */

actfn_status actfn_activity_init(actfn_activity *activity, size_t cols) {
    if (activity == NULL) return fail(ACTFN_ERR_NULL_POINTER, "actfn_activity_init: NULL");
    activity->cols = cols;
    activity->rows = 0;
    activity->active = cols == 0 ? NULL : calloc(cols, sizeof *activity->active);
    if (activity->active == NULL)
        return fail(ACTFN_ERR_BAD_PARAMETER, "actfn_activity_init: cannot count %zu features",
                    cols);
    return ACTFN_OK;
}

void actfn_activity_free(actfn_activity *activity) {
    if (activity == NULL) return;
    free(activity->active);
    activity->active = NULL;
    activity->cols = 0;
    activity->rows = 0;
}

double actfn_activity_dead_fraction(const actfn_activity *activity) {
    if (activity == NULL || activity->rows == 0 || activity->cols == 0) return 0;
    size_t dead = 0;
    for (size_t j = 0; j < activity->cols; j++)
        dead += activity->active[j] == 0;
    return (double)dead / (double)activity->cols;
}

/* relu, leaky_relu or relu6 with a grad_at_zero the mask can hold: 0 or 1 for relu and
 * relu6, the slope or 1 for leaky_relu. Sets *zero_bit to the bit at x == 0. */
actfn_status prepare_mask_op(const char *function, const actfn_op *op, actfn_dtype dtype,
                             op_params *params, bool *zero_bit) {
    const op_def *def;
    CHECK(op_prepare(op, dtype, &def, params));
    if (op->kind != ACTFN_RELU && op->kind != ACTFN_LEAKY_RELU && op->kind != ACTFN_RELU6)
        return fail(ACTFN_ERR_UNSUPPORTED, "%s: relu, leaky_relu or relu6 only, not %s", function,
                    def->name);
    double inactive = op->kind == ACTFN_LEAKY_RELU ? params->negative_slope : 0;
    if (params->grad_at_zero != 1 && params->grad_at_zero != inactive)
        return fail(ACTFN_ERR_UNSUPPORTED,
                    "%s: a mask holds 2 derivatives; grad_at_zero %g is neither 1 nor %g", function,
                    params->grad_at_zero, inactive);
    *zero_bit = params->grad_at_zero == 1 && inactive != 1;
    return ACTFN_OK;
}

size_t actfn_mask_row_bytes(size_t cols) {
    return (cols + 7) / 8;
}

static size_t mask_bytes(const actfn_batch *b) {
    return is_empty(b) ? 0 : b->rows * actfn_mask_row_bytes(b->cols);
}

/* The mask bits (and the activity counts of this part, in local) of rows [r0, r1),
 * element by element, where one_pass_rows does not serve; work is cols doubles of
 * scratch. */
static void mask_bits_rows(layer_call *c, size_t r0, size_t r1, uint64_t *local, char *work) {
    const actfn_batch *b = &c->batch;
    size_t row_bytes = actfn_mask_row_bytes(b->cols);
    uint8_t *mask = c->mask + r0 * row_bytes;
    if (dtype_is_narrow(c->dtype)) {
        double *wide = (double *)work;
        actfn_batch one = {1, b->cols, b->cols};
        for (size_t r = r0; r < r1; r++) {
            widen_row(c->dtype, row_of(c, c->x, r), wide, b->cols);
            mask_bits_f64(&one, wide, mask + (r - r0) * row_bytes, local, c->kind, c->zero_bit);
        }
        return;
    }
    actfn_batch part = {r1 - r0, b->cols, b->stride};
    if (c->dtype == ACTFN_F32)
        mask_bits_f32(&part, (const float *)row_of(c, c->x, r0), mask, local, c->kind, c->zero_bit);
    else
        mask_bits_f64(&part, (const double *)row_of(c, c->x, r0), mask, local, c->kind,
                      c->zero_bit);
}

/* Rows [r0, r1) in one pass each (the ISA's mask_forward kernel): y, the bits and the
 * counts (in the dtype, exact below 2^24 rows, in work, then added to local). false,
 * with nothing done, where there is no such kernel (16-bit dtypes, no SIMD) or the part
 * has 2^24 rows or more. */
static bool one_pass_rows(layer_call *c, size_t r0, size_t r1, uint64_t *local, char *work) {
    if (dtype_is_narrow(c->dtype) || r1 - r0 >= ((size_t)1 << 24)) return false;
    int slot = slot_of_wide_dtype(c->dtype);
    mask_forward_kernel kernel = active_kernels()->mask_forward[slot][c->kind];
    if (kernel == NULL) return false;
    size_t cols = c->batch.cols, row_bytes = actfn_mask_row_bytes(cols);
    void *counts = local != NULL ? work : NULL;
    for (size_t r = r0; r < r1; r++)
        kernel(&c->params, row_of(c, c->x, r), mutable_row_of(c, c->y, r), c->mask + r * row_bytes,
               counts, cols, c->zero_bit, stream_of(c->stream, r, r1));
    for (size_t j = 0; local != NULL && j < cols; j++)
        local[j] += c->dtype == ACTFN_F32 ? (uint64_t)((float *)counts)[j]
                                          : (uint64_t)((double *)counts)[j];
    return true;
}

#define MASK_COUNTS_PARALLEL_MIN ((size_t)1 << 20)

static void mask_forward_rows(void *context, size_t r0, size_t r1) {
    layer_call *c = context;
    char *memory = scratch_take(c); /* [cols counts if counted][cols doubles of work] */
    /* the counts of this part: the shared ones themselves on one thread, else its own,
     * added atomically after */
    uint64_t *local = c->active == NULL ? NULL : c->parallel ? (uint64_t *)memory : c->active;
    char *work = c->active != NULL ? memory + c->batch.cols * sizeof *local : memory;
    bool done = one_pass_rows(c, r0, r1, local, work);
    if (!done) mask_bits_rows(c, r0, r1, local, work);
    for (size_t j = 0; local != NULL && c->parallel && j < c->batch.cols; j++)
        __atomic_fetch_add(&c->active[j], local[j], __ATOMIC_RELAXED); /* integers: any order */
    scratch_give(c, memory);
    for (size_t r = r0; !done && r < r1; r++) /* after the bits: y may be x */
        run_forward(c->kind, &c->params, c->dtype, row_of(c, c->x, r), mutable_row_of(c, c->y, r),
                    c->batch.cols);
}

actfn_status actfn_mask_forward(const actfn_op *op, actfn_dtype dtype, const actfn_batch *batch,
                                const void *x, void *y, uint8_t *mask, actfn_activity *activity) {
    static const char function[] = "actfn_mask_forward";
    layer_call c = {.kind = op != NULL ? op->kind : ACTFN_RELU, .dtype = dtype};
    CHECK(check_dtype(function, dtype));
    CHECK(prepare_mask_op(function, op, dtype, &c.params, &c.zero_bit));
    CHECK(check_batch(function, batch, dtype));
    if (activity != NULL && (activity->cols != batch->cols || activity->active == NULL))
        return fail(ACTFN_ERR_BAD_PARAMETER, "%s: activity counts %zu features, the batch %zu",
                    function, activity->cols, batch->cols);
    if (is_empty(batch)) return ACTFN_OK;
    const void *arrays[] = {x, y, mask};
    CHECK(check_pointers(function, 3, arrays));
    size_t bytes = span(batch, dtype);
    CHECK(check_output(function, y, bytes, x, bytes, true));
    CHECK(check_output(function, mask, mask_bytes(batch), x, bytes, false));
    CHECK(check_output(function, mask, mask_bytes(batch), y, bytes, false));
    c.batch = *batch, c.size = dtype_size(dtype), c.x = x, c.y = y, c.mask = mask;
    c.active = activity != NULL ? activity->active : NULL;
    /* y streamed past the caches as the plain forward's (run.c): large, out of place */
    c.stream = layer_streams(&c, x, y);
    size_t needs = (activity != NULL) + (activity != NULL || dtype_is_narrow(dtype));
    c.scratch_bytes = scratch_size(batch->cols, needs * sizeof(double));
    /* the counts: each part adds its own to the shared ones, atomically, a cost threads
     * repay only from 1M elements (2 threads against 1 at 256K: 0.52, at 1M: 1.15) */
    if (activity != NULL) c.parallel_min = MASK_COUNTS_PARALLEL_MIN;
    CHECK(split(function, &c, false, mask_forward_rows));
    if (activity != NULL) activity->rows += batch->rows;
    return ACTFN_OK;
}

/* A 16-bit x whose derivative is the one the mask bit stands for: +1 (bit 1) or -1. */
static void x_of_bits(actfn_dtype dtype, const uint8_t *bits, uint16_t *x, size_t cols) {
    uint16_t one = dtype == ACTFN_F16 ? 0x3c00 : 0x3f80;
    for (size_t j = 0; j < cols; j++)
        x[j] = (uint16_t)(one | ((bits[j >> 3] >> (j & 7) & 1) ? 0 : 0x8000));
}

static void mask_backward_rows(void *context, size_t r0, size_t r1) {
    layer_call *c = context;
    size_t cols = c->batch.cols, row_bytes = actfn_mask_row_bytes(cols);
    mask_kernel kernel = active_kernels()->mask_backward[slot_of_wide_dtype(c->dtype)];
    uint16_t *signs = (uint16_t *)scratch_take(c); /* NULL unless 16-bit */
    double slope = c->kind == ACTFN_LEAKY_RELU ? c->params.negative_slope : 0;
    /* streaming stores start at a vector boundary, which a byte-misaligned dx never reaches */
    int stream = c->batch.rows * cols >= LAYER_STREAMING_MIN && (uintptr_t)c->dx % c->size == 0;
    for (size_t r = r0; r < r1; r++) {
        const uint8_t *bits = c->mask + r * row_bytes;
        const char *g = row_of(c, c->dy, r);
        char *out = mutable_row_of(c, c->dx, r);
        if (signs != NULL) { /* the op's own correctly rounded backward at x = +-1 */
            x_of_bits(c->dtype, bits, signs, cols);
            run_backward(c->kind, false, &c->params, c->dtype, signs, g, out, cols);
        } else if (kernel != NULL)
            kernel(bits, g, out, cols, slope, stream_of(stream, r, r1));
        else if (c->dtype == ACTFN_F32)
            mask_backward_row_f32(bits, (const float *)g, (float *)out, cols, (float)slope);
        else
            mask_backward_row_f64(bits, (const double *)g, (double *)out, cols, slope);
    }
    scratch_give(c, (char *)signs);
}

actfn_status actfn_mask_backward(const actfn_op *op, actfn_dtype dtype, const actfn_batch *batch,
                                 const uint8_t *mask, const void *dy, void *dx) {
    static const char function[] = "actfn_mask_backward";
    layer_call c = {.kind = op != NULL ? op->kind : ACTFN_RELU, .dtype = dtype};
    CHECK(check_dtype(function, dtype));
    CHECK(prepare_mask_op(function, op, dtype, &c.params, &c.zero_bit));
    CHECK(check_batch(function, batch, dtype));
    if (is_empty(batch)) return ACTFN_OK;
    const void *arrays[] = {mask, dy, dx};
    CHECK(check_pointers(function, 3, arrays));
    size_t bytes = span(batch, dtype);
    CHECK(check_output(function, dx, bytes, dy, bytes, true));
    CHECK(check_output(function, dx, bytes, mask, mask_bytes(batch), false));
    c.batch = *batch, c.size = dtype_size(dtype), c.dy = dy, c.dx = dx;
    c.mask = (uint8_t *)(uintptr_t)mask; /* only read by the backward */
    c.scratch_bytes = dtype_is_narrow(dtype) ? scratch_size(batch->cols, sizeof(uint16_t)) : 0;
    return split(function, &c, false, mask_backward_rows);
}
