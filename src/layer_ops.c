/* The layer-level ops of actfn.h (mask forward/backward with activity counts, fused bias
 * + activation, PReLU, Maxout): validation, then the work split over rows (or, for the
 * per-feature sums, columns) and threads; the f32/f64 element loops in layer_ops_body.h,
 * the 16-bit ones here in double, the activations through the op kernels. */
#include "dtypes.h"
#include "dispatch.h"
#include "element_access.h"
#include "errors.h"
#include "kernels.h"
#include "op_descriptor.h"
#include "threads.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define T       float
#define NAME(x) x##_f32
#include "layer_ops_body.h"
#undef T
#undef NAME
#define T       double
#define NAME(x) x##_f64
#include "layer_ops_body.h"
#undef T
#undef NAME

/* ---- argument checks -------------------------------------------------------------- */

static actfn_status check_dtype(const char *function, actfn_dtype dtype) {
    if (dtype_is_known(dtype)) return ACTFN_OK;
    if (dtype_is_quantized(dtype))
        return fail(ACTFN_ERR_UNSUPPORTED, "%s: floating-point dtypes only, not dtype %d", function,
                    (int)dtype);
    return fail(ACTFN_ERR_UNKNOWN_DTYPE, "%s: unknown dtype %d", function, (int)dtype);
}

static actfn_status check_batch(const char *function, const actfn_batch *b) {
    if (b == NULL) return fail(ACTFN_ERR_NULL_POINTER, "%s: batch is NULL", function);
    if (b->stride < b->cols)
        return fail(ACTFN_ERR_BAD_PARAMETER, "%s: stride %zu is less than cols %zu", function,
                    b->stride, b->cols);
    if (b->rows > 0 && b->stride > 0 && b->rows > SIZE_MAX / sizeof(double) / b->stride)
        return fail(ACTFN_ERR_BAD_PARAMETER, "%s: %zu rows of stride %zu do not fit in memory",
                    function, b->rows, b->stride);
    return ACTFN_OK;
}

static bool is_empty(const actfn_batch *b) {
    return b->rows == 0 || b->cols == 0;
}

/* The bytes from a batch array's first element to one past its last. */
static size_t span(const actfn_batch *b, actfn_dtype dtype) {
    return is_empty(b) ? 0 : ((b->rows - 1) * b->stride + b->cols) * dtype_size(dtype);
}

static bool overlap(const void *a, size_t a_bytes, const void *b, size_t b_bytes) {
    uintptr_t x = (uintptr_t)a, y = (uintptr_t)b;
    return a_bytes > 0 && b_bytes > 0 && x < y + b_bytes && y < x + a_bytes;
}

/* An output that overlaps an input without being it. */
static actfn_status check_output(const char *function, const void *output, size_t output_bytes,
                                 const void *input, size_t input_bytes, bool may_equal) {
    if (may_equal && output == input) return ACTFN_OK;
    if (overlap(output, output_bytes, input, input_bytes))
        return fail(ACTFN_ERR_OVERLAP, "%s: an output overlaps an input", function);
    return ACTFN_OK;
}

#define CHECK(expression)                                                                          \
    do {                                                                                           \
        actfn_status status_ = (expression);                                                       \
        if (status_ != ACTFN_OK) return status_;                                                   \
    } while (0)

static actfn_status check_pointers(const char *function, int count, const void *const *arrays) {
    for (int i = 0; i < count; i++)
        if (arrays[i] == NULL)
            return fail(ACTFN_ERR_NULL_POINTER, "%s: NULL array (argument %d of the arrays)",
                        function, i + 1);
    return ACTFN_OK;
}

/* Per-feature sums accumulated in double, rounded once to the dtype. */
static void store_sums(actfn_dtype dtype, const double *sums, void *out, size_t cols) {
    for (size_t j = 0; j < cols; j++)
        element_store(dtype, out, j, sums[j]);
}

/* ---- activity counts -------------------------------------------------------------- */

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
static actfn_status prepare_mask_op(const char *function, const actfn_op *op, actfn_dtype dtype,
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

/* ---- the work of one call, split over rows or columns ------------------------------ */

/* Below this many elements a layer op runs on the calling thread alone. Measured with
 * 1 against 2 threads on 256 features (2-core Zen): at 2^18 elements f32 mask forward
 * and bias + relu are slower on two threads (0.70x, 0.38x: waking a worker costs more
 * than the row work), at 2^20 1.7-1.9x faster; the 16-bit types, computed in double,
 * win from 2^18 (1.3x). */
#define LAYER_PARALLEL_MIN        ((size_t)1 << 20)
#define LAYER_PARALLEL_MIN_NARROW ((size_t)1 << 18)

/* From this many elements the mask backward writes dx with non-temporal stores (dx is
 * then too large to stay in cache, and not reading its lines first saves a third of the
 * traffic). bench_layers, 1 thread, against the backward from x: 1.27-1.44x at 4M-64M
 * elements with ordinary stores, 1.26-1.88x streaming (two noisy runs each). */
#define MASK_STREAMING_MIN ((size_t)1 << 22)

typedef struct layer_call {
    actfn_kind kind;
    op_params params;
    actfn_dtype dtype;
    actfn_batch batch;
    size_t size;                 /* bytes per element */
    const char *x, *vector, *dy; /* vector: bias or slopes */
    char *y, *dx;
    uint8_t *mask;    /* mask forward: written; mask backward: read */
    uint64_t *active; /* NULL or the activity counts */
    bool zero_bit;
    size_t k, grouped_stride;  /* maxout */
    double *sums;              /* per-feature reductions, cols entries */
    atomic_bool out_of_memory; /* a part could not get its scratch memory */
} layer_call;

static const char *row_of(const layer_call *c, const void *array, size_t r) {
    return (const char *)array + r * c->batch.stride * c->size;
}

static char *mutable_row_of(const layer_call *c, void *array, size_t r) {
    return (char *)array + r * c->batch.stride * c->size;
}

/* Runs range over the batch's rows (by_columns false) or columns, on more than one
 * thread when the batch is large. A column split keeps every per-feature sum on one
 * thread, so that a result does not depend on the number of threads. */
static actfn_status split(const char *function, layer_call *c, bool by_columns,
                          void (*range)(void *context, size_t begin, size_t end)) {
    size_t units = by_columns ? c->batch.cols : c->batch.rows;
    size_t granule = by_columns ? 64 / c->size : 1; /* whole cache lines per thread */
    atomic_init(&c->out_of_memory, false);
    size_t threshold = dtype_is_narrow(c->dtype) ? LAYER_PARALLEL_MIN_NARROW : LAYER_PARALLEL_MIN;
    if (c->batch.rows * c->batch.cols >= threshold && units > granule)
        parallel_for(units, granule, range, c);
    else
        range(c, 0, units);
    if (atomic_load(&c->out_of_memory))
        return fail(ACTFN_ERR_BAD_PARAMETER, "%s: out of memory for the scratch of %zu features",
                    function, c->batch.cols);
    return ACTFN_OK;
}

/* Scratch memory for one part of a call; NULL (and the call marked) if there is none. */
static void *scratch(layer_call *c, size_t count, size_t size) {
    void *memory = calloc(count, size);
    if (memory == NULL) atomic_store(&c->out_of_memory, true);
    return memory;
}

static void widen_row(actfn_dtype dtype, const void *row, double *wide, size_t cols) {
    for (size_t j = 0; j < cols; j++)
        wide[j] = element_load(dtype, row, j);
}

/* ---- mask ------------------------------------------------------------------------- */

/* The mask bits (and the activity counts of this part, in local) of rows [r0, r1). */
static void mask_bits_rows(layer_call *c, size_t r0, size_t r1, uint64_t *local) {
    const actfn_batch *b = &c->batch;
    size_t row_bytes = actfn_mask_row_bytes(b->cols);
    uint8_t *mask = c->mask + r0 * row_bytes;
    if (dtype_is_narrow(c->dtype)) {
        double *wide = scratch(c, b->cols, sizeof *wide);
        if (wide == NULL) return;
        actfn_batch one = {1, b->cols, b->cols};
        for (size_t r = r0; r < r1; r++) {
            widen_row(c->dtype, row_of(c, c->x, r), wide, b->cols);
            mask_bits_f64(&one, wide, mask + (r - r0) * row_bytes, local, c->kind, c->zero_bit);
        }
        free(wide);
        return;
    }
    mask_bits_kernel kernel =
        active_kernels()->mask_forward[c->dtype == ACTFN_F32 ? SLOT_F32 : SLOT_F64];
    actfn_batch part = {r1 - r0, b->cols, b->stride};
    if (kernel == NULL || part.rows >= ((size_t)1 << 24)) {
        if (c->dtype == ACTFN_F32)
            mask_bits_f32(&part, (const float *)row_of(c, c->x, r0), mask, local, c->kind,
                          c->zero_bit);
        else
            mask_bits_f64(&part, (const double *)row_of(c, c->x, r0), mask, local, c->kind,
                          c->zero_bit);
        return;
    }
    /* counts in the dtype (exact below 2^24 rows), then added to local */
    void *counts = local != NULL ? scratch(c, b->cols, c->size) : NULL;
    if (local != NULL && counts == NULL) return;
    for (size_t r = r0; r < r1; r++)
        kernel(row_of(c, c->x, r), mask + (r - r0) * row_bytes, counts, b->cols,
               c->kind == ACTFN_RELU6, c->zero_bit);
    for (size_t j = 0; local != NULL && j < b->cols; j++)
        local[j] += c->dtype == ACTFN_F32 ? (uint64_t)((float *)counts)[j]
                                          : (uint64_t)((double *)counts)[j];
    free(counts);
}

static void mask_forward_rows(void *context, size_t r0, size_t r1) {
    layer_call *c = context;
    uint64_t *local = c->active != NULL ? scratch(c, c->batch.cols, sizeof *local) : NULL;
    if (c->active != NULL && local == NULL) return;
    mask_bits_rows(c, r0, r1, local);
    for (size_t j = 0; local != NULL && j < c->batch.cols; j++)
        __atomic_fetch_add(&c->active[j], local[j], __ATOMIC_RELAXED); /* integers: any order */
    free(local);
    for (size_t r = r0; r < r1; r++) /* after the bits: y may be x */
        run_forward(c->kind, &c->params, c->dtype, row_of(c, c->x, r), mutable_row_of(c, c->y, r),
                    c->batch.cols);
}

actfn_status actfn_mask_forward(const actfn_op *op, actfn_dtype dtype, const actfn_batch *batch,
                                const void *x, void *y, uint8_t *mask, actfn_activity *activity) {
    static const char function[] = "actfn_mask_forward";
    layer_call c = {.kind = op != NULL ? op->kind : ACTFN_RELU, .dtype = dtype};
    CHECK(check_dtype(function, dtype));
    CHECK(prepare_mask_op(function, op, dtype, &c.params, &c.zero_bit));
    CHECK(check_batch(function, batch));
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
    mask_kernel kernel =
        active_kernels()->mask_backward[c->dtype == ACTFN_F32 ? SLOT_F32 : SLOT_F64];
    uint16_t *signs = NULL;
    if (dtype_is_narrow(c->dtype) && (signs = scratch(c, cols, sizeof *signs)) == NULL) return;
    double slope = c->kind == ACTFN_LEAKY_RELU ? c->params.negative_slope : 0;
    int stream = c->batch.rows * cols >= MASK_STREAMING_MIN;
    for (size_t r = r0; r < r1; r++) {
        const uint8_t *bits = c->mask + r * row_bytes;
        const char *g = row_of(c, c->dy, r);
        char *out = mutable_row_of(c, c->dx, r);
        if (signs != NULL) { /* the op's own correctly rounded backward at x = +-1 */
            x_of_bits(c->dtype, bits, signs, cols);
            run_backward(c->kind, false, &c->params, c->dtype, signs, g, out, cols);
        } else if (kernel != NULL)
            kernel(bits, g, out, cols, slope, stream);
        else if (c->dtype == ACTFN_F32)
            mask_backward_row_f32(bits, (const float *)g, (float *)out, cols, (float)slope);
        else
            mask_backward_row_f64(bits, (const double *)g, (double *)out, cols, slope);
    }
    free(signs);
}

actfn_status actfn_mask_backward(const actfn_op *op, actfn_dtype dtype, const actfn_batch *batch,
                                 const uint8_t *mask, const void *dy, void *dx) {
    static const char function[] = "actfn_mask_backward";
    layer_call c = {.kind = op != NULL ? op->kind : ACTFN_RELU, .dtype = dtype};
    CHECK(check_dtype(function, dtype));
    CHECK(prepare_mask_op(function, op, dtype, &c.params, &c.zero_bit));
    CHECK(check_batch(function, batch));
    if (is_empty(batch)) return ACTFN_OK;
    const void *arrays[] = {mask, dy, dx};
    CHECK(check_pointers(function, 3, arrays));
    size_t bytes = span(batch, dtype);
    CHECK(check_output(function, dx, bytes, dy, bytes, true));
    CHECK(check_output(function, dx, bytes, mask, mask_bytes(batch), false));
    c.batch = *batch, c.size = dtype_size(dtype), c.dy = dy, c.dx = dx;
    c.mask = (uint8_t *)(uintptr_t)mask; /* only read by the backward */
    return split(function, &c, false, mask_backward_rows);
}

/* ---- bias + activation ------------------------------------------------------------ */

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
    add_kernel add = active_kernels()->add_rows[c->dtype == ACTFN_F32 ? SLOT_F32 : SLOT_F64];
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
    CHECK(check_batch(function, batch));
    if (is_empty(batch)) return ACTFN_OK;
    const void *arrays[] = {x, bias, y};
    CHECK(check_pointers(function, 3, arrays));
    size_t bytes = span(batch, dtype), size = dtype_size(dtype);
    CHECK(check_output(function, y, bytes, x, bytes, true));
    CHECK(check_output(function, y, bytes, bias, batch->cols * size, false));
    c.batch = *batch, c.size = size, c.x = x, c.vector = bias, c.y = y;
    return split(function, &c, false, bias_forward_rows);
}

static void bias_backward_columns(void *context, size_t c0, size_t c1) {
    layer_call *c = context;
    size_t width = c1 - c0;
    void *z = scratch(c, width, c->size);
    if (z == NULL) return;
    for (size_t r = 0; r < c->batch.rows; r++) {
        size_t offset = c0 * c->size;
        add_bias_row(c, r, c0, width, z);
        char *out = mutable_row_of(c, c->dx, r) + offset;
        run_backward(c->kind, false, &c->params, c->dtype, z, row_of(c, c->dy, r) + offset, out,
                     width);
        for (size_t j = 0; j < width; j++)
            c->sums[c0 + j] += element_load(c->dtype, out, j);
    }
    free(z);
}

actfn_status actfn_bias_backward(const actfn_op *op, actfn_dtype dtype, const actfn_batch *batch,
                                 const void *x, const void *bias, const void *dy, void *dx,
                                 void *dbias) {
    static const char function[] = "actfn_bias_backward";
    const op_def *def;
    layer_call c = {.kind = op != NULL ? op->kind : ACTFN_RELU, .dtype = dtype};
    CHECK(check_dtype(function, dtype));
    CHECK(op_prepare(op, dtype, &def, &c.params));
    CHECK(check_batch(function, batch));
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
    CHECK(check_output(function, dbias, vector, x, bytes, false));
    CHECK(check_output(function, dbias, vector, dy, bytes, false));
    CHECK(check_output(function, dbias, vector, dx, bytes, false));
    CHECK(check_output(function, dbias, vector, bias, vector, false));
    c.sums = calloc(batch->cols, sizeof *c.sums);
    if (c.sums == NULL)
        return fail(ACTFN_ERR_BAD_PARAMETER, "%s: out of memory for %zu features", function,
                    batch->cols);
    c.batch = *batch, c.size = size, c.x = x, c.vector = bias, c.dy = dy, c.dx = dx;
    actfn_status status = split(function, &c, true, bias_backward_columns);
    if (status == ACTFN_OK) store_sums(dtype, c.sums, dbias, batch->cols);
    free(c.sums);
    return status;
}

/* ---- PReLU ------------------------------------------------------------------------ */

static void prelu_forward_rows(void *context, size_t r0, size_t r1) {
    layer_call *c = context;
    actfn_batch part = {r1 - r0, c->batch.cols, c->batch.stride};
    const char *x = row_of(c, c->x, r0);
    char *y = mutable_row_of(c, c->y, r0);
    prelu_kernel kernel =
        dtype_is_narrow(c->dtype)
            ? NULL
            : active_kernels()->prelu_forward[c->dtype == ACTFN_F32 ? SLOT_F32 : SLOT_F64];
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
    CHECK(check_batch(function, batch));
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
        dtype_is_narrow(c->dtype)
            ? NULL
            : active_kernels()->prelu_backward[c->dtype == ACTFN_F32 ? SLOT_F32 : SLOT_F64];
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
    CHECK(check_batch(function, batch));
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
    CHECK(check_output(function, dslopes, vector, x, bytes, false));
    CHECK(check_output(function, dslopes, vector, dy, bytes, false));
    CHECK(check_output(function, dslopes, vector, dx, bytes, false));
    CHECK(check_output(function, dslopes, vector, slopes, vector, false));
    layer_call c = {.dtype = dtype,
                    .batch = *batch,
                    .size = size,
                    .x = x,
                    .vector = slopes,
                    .dy = dy,
                    .dx = dx,
                    .sums = calloc(batch->cols, sizeof(double))};
    if (c.sums == NULL)
        return fail(ACTFN_ERR_BAD_PARAMETER, "%s: out of memory for %zu features", function,
                    batch->cols);
    actfn_status status = split(function, &c, true, prelu_backward_columns);
    if (status == ACTFN_OK) store_sums(dtype, c.sums, dslopes, batch->cols);
    free(c.sums);
    return status;
}

/* ---- Maxout ----------------------------------------------------------------------- */

static actfn_status check_maxout(const char *function, const actfn_batch *batch, size_t k,
                                 size_t other_stride) {
    if (k == 0 || batch->cols % k != 0)
        return fail(ACTFN_ERR_BAD_PARAMETER, "%s: k = %zu does not divide cols = %zu", function, k,
                    batch->cols);
    if (other_stride < batch->cols / k)
        return fail(ACTFN_ERR_BAD_PARAMETER, "%s: the grouped stride %zu is less than %zu",
                    function, other_stride, batch->cols / k);
    return ACTFN_OK;
}

static size_t grouped_span(const actfn_batch *batch, size_t k, size_t stride, size_t size) {
    return is_empty(batch) ? 0 : ((batch->rows - 1) * stride + batch->cols / k) * size;
}

static void maxout_forward_rows(void *context, size_t r0, size_t r1) {
    layer_call *c = context;
    actfn_batch part = {r1 - r0, c->batch.cols, c->batch.stride};
    const char *x = row_of(c, c->x, r0);
    char *y = c->y + r0 * c->grouped_stride * c->size;
    if (c->dtype == ACTFN_F32)
        maxout_forward_f32(&part, c->k, (const float *)x, (float *)y, c->grouped_stride);
    else if (c->dtype == ACTFN_F64)
        maxout_forward_f64(&part, c->k, (const double *)x, (double *)y, c->grouped_stride);
    else { /* 16 bits: the groups widened (exactly) to double, the element copied */
        double *wide = scratch(c, part.cols, sizeof *wide);
        for (size_t r = 0; wide != NULL && r < part.rows; r++) {
            const uint16_t *row = (const uint16_t *)row_of(c, x, r);
            uint16_t *out = (uint16_t *)y + r * c->grouped_stride;
            widen_row(c->dtype, row, wide, part.cols);
            for (size_t g = 0; g < part.cols / c->k; g++)
                out[g] = row[g * c->k + arg_max_f64(wide + g * c->k, c->k)];
        }
        free(wide);
    }
}

actfn_status actfn_maxout_forward(actfn_dtype dtype, const actfn_batch *batch, size_t k,
                                  const void *x, void *y, size_t y_stride) {
    static const char function[] = "actfn_maxout_forward";
    CHECK(check_dtype(function, dtype));
    CHECK(check_batch(function, batch));
    CHECK(check_maxout(function, batch, k, y_stride));
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
                    .grouped_stride = y_stride};
    return split(function, &c, false, maxout_forward_rows);
}

static void maxout_backward_rows(void *context, size_t r0, size_t r1) {
    layer_call *c = context;
    actfn_batch part = {r1 - r0, c->batch.cols, c->batch.stride};
    const char *x = row_of(c, c->x, r0), *dy = c->dy + r0 * c->grouped_stride * c->size;
    char *dx = mutable_row_of(c, c->dx, r0);
    if (c->dtype == ACTFN_F32)
        maxout_backward_f32(&part, c->k, (const float *)x, (const float *)dy, c->grouped_stride,
                            (float *)dx);
    else if (c->dtype == ACTFN_F64)
        maxout_backward_f64(&part, c->k, (const double *)x, (const double *)dy, c->grouped_stride,
                            (double *)dx);
    else {
        double *wide = scratch(c, part.cols, sizeof *wide);
        for (size_t r = 0; wide != NULL && r < part.rows; r++) {
            const uint16_t *row = (const uint16_t *)row_of(c, x, r);
            const uint16_t *g = (const uint16_t *)dy + r * c->grouped_stride;
            uint16_t *out = (uint16_t *)mutable_row_of(c, dx, r);
            widen_row(c->dtype, row, wide, part.cols);
            memset(out, 0, part.cols * sizeof *out); /* +0 in both 16-bit formats */
            for (size_t group = 0; group < part.cols / c->k; group++)
                out[group * c->k + arg_max_f64(wide + group * c->k, c->k)] = g[group];
        }
        free(wide);
    }
}

actfn_status actfn_maxout_backward(actfn_dtype dtype, const actfn_batch *batch, size_t k,
                                   const void *x, const void *dy, size_t dy_stride, void *dx) {
    static const char function[] = "actfn_maxout_backward";
    CHECK(check_dtype(function, dtype));
    CHECK(check_batch(function, batch));
    CHECK(check_maxout(function, batch, k, dy_stride));
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
                    .grouped_stride = dy_stride};
    return split(function, &c, false, maxout_backward_rows);
}
