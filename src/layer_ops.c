/* The layer-level ops of actfn.h (mask forward/backward with activity counts, fused bias
 * + activation, PReLU, Maxout): validation here, element loops in layer_ops_body.h, the
 * activations themselves through the op kernels (run_forward / run_backward). */
#include "dtypes.h"
#include "dispatch.h"
#include "errors.h"
#include "kernels.h"
#include "op_descriptor.h"

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
    if (dtype == ACTFN_F32 || dtype == ACTFN_F64) return ACTFN_OK;
    if (dtype_is_known(dtype) || dtype_is_quantized(dtype))
        return fail(ACTFN_ERR_UNSUPPORTED, "%s: f32 and f64 only, not dtype %d", function,
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
    for (size_t j = 0; j < cols; j++) {
        if (dtype == ACTFN_F32)
            ((float *)out)[j] = (float)sums[j];
        else
            ((double *)out)[j] = sums[j];
    }
}

/* ---- mask ------------------------------------------------------------------------- */

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

actfn_status actfn_mask_forward(const actfn_op *op, actfn_dtype dtype, const actfn_batch *batch,
                                const void *x, void *y, uint8_t *mask, actfn_activity *activity) {
    static const char function[] = "actfn_mask_forward";
    op_params params;
    bool zero_bit;
    CHECK(check_dtype(function, dtype));
    CHECK(prepare_mask_op(function, op, dtype, &params, &zero_bit));
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
    uint64_t *active = activity != NULL ? activity->active : NULL;
    mask_bits_kernel kernel =
        active_kernels()->mask_forward[dtype == ACTFN_F32 ? SLOT_F32 : SLOT_F64];
    if (kernel == NULL || batch->rows >= ((size_t)1 << 24)) {
        if (dtype == ACTFN_F32)
            mask_bits_f32(batch, x, mask, active, op->kind, zero_bit);
        else
            mask_bits_f64(batch, x, mask, active, op->kind, zero_bit);
    } else {
        /* counts per call in the dtype (exact below 2^24 rows), then added to activity */
        void *counts = active != NULL ? calloc(batch->cols, dtype_size(dtype)) : NULL;
        if (active != NULL && counts == NULL)
            return fail(ACTFN_ERR_BAD_PARAMETER, "%s: out of memory for %zu counts", function,
                        batch->cols);
        size_t size = dtype_size(dtype), row_bytes = actfn_mask_row_bytes(batch->cols);
        for (size_t r = 0; r < batch->rows; r++)
            kernel((const char *)x + r * batch->stride * size, mask + r * row_bytes, counts,
                   batch->cols, op->kind == ACTFN_RELU6, zero_bit);
        for (size_t j = 0; active != NULL && j < batch->cols; j++)
            active[j] += dtype == ACTFN_F32 ? (uint64_t)((float *)counts)[j]
                                            : (uint64_t)((double *)counts)[j];
        free(counts);
    }
    if (activity != NULL) activity->rows += batch->rows;
    size_t size = dtype_size(dtype);
    for (size_t r = 0; r < batch->rows; r++)
        run_forward(op->kind, &params, dtype, (const char *)x + r * batch->stride * size,
                    (char *)y + r * batch->stride * size, batch->cols);
    return ACTFN_OK;
}

actfn_status actfn_mask_backward(const actfn_op *op, actfn_dtype dtype, const actfn_batch *batch,
                                 const uint8_t *mask, const void *dy, void *dx) {
    static const char function[] = "actfn_mask_backward";
    op_params params;
    bool zero_bit;
    CHECK(check_dtype(function, dtype));
    CHECK(prepare_mask_op(function, op, dtype, &params, &zero_bit));
    CHECK(check_batch(function, batch));
    if (is_empty(batch)) return ACTFN_OK;
    const void *arrays[] = {mask, dy, dx};
    CHECK(check_pointers(function, 3, arrays));
    size_t bytes = span(batch, dtype);
    CHECK(check_output(function, dx, bytes, dy, bytes, true));
    CHECK(check_output(function, dx, bytes, mask, mask_bytes(batch), false));
    double slope = op->kind == ACTFN_LEAKY_RELU ? params.negative_slope : 0;
    mask_kernel kernel = active_kernels()->mask_backward[dtype == ACTFN_F32 ? SLOT_F32 : SLOT_F64];
    size_t size = dtype_size(dtype), row_bytes = actfn_mask_row_bytes(batch->cols);
    for (size_t r = 0; r < batch->rows; r++) {
        const uint8_t *bits = mask + r * row_bytes;
        const char *g = (const char *)dy + r * batch->stride * size;
        char *out = (char *)dx + r * batch->stride * size;
        if (kernel != NULL)
            kernel(bits, g, out, batch->cols, slope);
        else if (dtype == ACTFN_F32)
            mask_backward_row_f32(bits, (const float *)g, (float *)out, batch->cols, (float)slope);
        else
            mask_backward_row_f64(bits, (const double *)g, (double *)out, batch->cols, slope);
    }
    return ACTFN_OK;
}

/* ---- bias + activation ------------------------------------------------------------ */

actfn_status actfn_bias_forward(const actfn_op *op, actfn_dtype dtype, const actfn_batch *batch,
                                const void *x, const void *bias, void *y) {
    static const char function[] = "actfn_bias_forward";
    const op_def *def;
    op_params params;
    CHECK(check_dtype(function, dtype));
    CHECK(op_prepare(op, dtype, &def, &params));
    CHECK(check_batch(function, batch));
    if (is_empty(batch)) return ACTFN_OK;
    const void *arrays[] = {x, bias, y};
    CHECK(check_pointers(function, 3, arrays));
    size_t bytes = span(batch, dtype), size = dtype_size(dtype);
    CHECK(check_output(function, y, bytes, x, bytes, true));
    CHECK(check_output(function, y, bytes, bias, batch->cols * size, false));
    add_kernel add = active_kernels()->add_rows[dtype == ACTFN_F32 ? SLOT_F32 : SLOT_F64];
    for (size_t r = 0; r < batch->rows; r++) {
        void *row = (char *)y + r * batch->stride * size;
        if (add != NULL)
            add((const char *)x + r * batch->stride * size, bias, row, batch->cols);
        else if (dtype == ACTFN_F32)
            add_bias_f32(batch, r, x, bias, row);
        else
            add_bias_f64(batch, r, x, bias, row);
        run_forward(op->kind, &params, dtype, row, row, batch->cols); /* while in L1 */
    }
    return ACTFN_OK;
}

actfn_status actfn_bias_backward(const actfn_op *op, actfn_dtype dtype, const actfn_batch *batch,
                                 const void *x, const void *bias, const void *dy, void *dx,
                                 void *dbias) {
    static const char function[] = "actfn_bias_backward";
    const op_def *def;
    op_params params;
    CHECK(check_dtype(function, dtype));
    CHECK(op_prepare(op, dtype, &def, &params));
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
    void *sums_memory = calloc(batch->cols, sizeof(double));
    void *z = malloc(vector);
    if (sums_memory == NULL || z == NULL) {
        free(sums_memory);
        free(z);
        return fail(ACTFN_ERR_BAD_PARAMETER, "%s: out of memory for %zu features", function,
                    batch->cols);
    }
    double *sums = sums_memory;
    for (size_t r = 0; r < batch->rows; r++) {
        size_t offset = r * batch->stride * size;
        if (dtype == ACTFN_F32)
            add_bias_f32(batch, r, x, bias, z);
        else
            add_bias_f64(batch, r, x, bias, z);
        void *out = (char *)dx + offset;
        run_backward(op->kind, false, &params, dtype, z, (const char *)dy + offset, out,
                     batch->cols);
        for (size_t j = 0; j < batch->cols; j++)
            sums[j] += dtype == ACTFN_F32 ? (double)((float *)out)[j] : ((double *)out)[j];
    }
    store_sums(dtype, sums, dbias, batch->cols);
    free(sums_memory);
    free(z);
    return ACTFN_OK;
}

/* ---- PReLU ------------------------------------------------------------------------ */

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
    if (dtype == ACTFN_F32)
        prelu_forward_f32(batch, x, slopes, y);
    else
        prelu_forward_f64(batch, x, slopes, y);
    return ACTFN_OK;
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
    double *sums = calloc(batch->cols, sizeof *sums);
    if (sums == NULL)
        return fail(ACTFN_ERR_BAD_PARAMETER, "%s: out of memory for %zu features", function,
                    batch->cols);
    if (dtype == ACTFN_F32)
        prelu_backward_f32(batch, x, slopes, dy, dx, sums);
    else
        prelu_backward_f64(batch, x, slopes, dy, dx, sums);
    store_sums(dtype, sums, dslopes, batch->cols);
    free(sums);
    return ACTFN_OK;
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
    if (dtype == ACTFN_F32)
        maxout_forward_f32(batch, k, x, y, y_stride);
    else
        maxout_forward_f64(batch, k, x, y, y_stride);
    return ACTFN_OK;
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
    if (dtype == ACTFN_F32)
        maxout_backward_f32(batch, k, x, dy, dy_stride, dx);
    else
        maxout_backward_f64(batch, k, x, dy, dy_stride, dx);
    return ACTFN_OK;
}
