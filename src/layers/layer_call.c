/* The shared part of the layer ops: argument checks and the split of a call's work. */
#include "layers/layer_call.h"

#include "api/errors.h"
#include "route/threads.h"
#include "spec/dtypes.h"
#include "spec/element_access.h"

#include <stdlib.h>

actfn_status check_dtype(const char *function, actfn_dtype dtype) {
    if (dtype_is_known(dtype)) return ACTFN_OK;
    if (dtype_is_quantized(dtype))
        return fail(ACTFN_ERR_UNSUPPORTED, "%s: floating-point dtypes only, not dtype %d", function,
                    (int)dtype);
    return fail(ACTFN_ERR_UNKNOWN_DTYPE, "%s: unknown dtype %d", function, (int)dtype);
}

actfn_status check_batch(const char *function, const actfn_batch *b) {
    if (b == NULL) return fail(ACTFN_ERR_NULL_POINTER, "%s: batch is NULL", function);
    if (b->stride < b->cols)
        return fail(ACTFN_ERR_BAD_PARAMETER, "%s: stride %zu is less than cols %zu", function,
                    b->stride, b->cols);
    if (b->rows > 0 && b->stride > 0 && b->rows > SIZE_MAX / sizeof(double) / b->stride)
        return fail(ACTFN_ERR_BAD_PARAMETER, "%s: %zu rows of stride %zu do not fit in memory",
                    function, b->rows, b->stride);
    return ACTFN_OK;
}

bool is_empty(const actfn_batch *b) {
    return b->rows == 0 || b->cols == 0;
}

/* The bytes from a batch array's first element to one past its last. */
size_t span(const actfn_batch *b, actfn_dtype dtype) {
    return is_empty(b) ? 0 : ((b->rows - 1) * b->stride + b->cols) * dtype_size(dtype);
}

static bool overlap(const void *a, size_t a_bytes, const void *b, size_t b_bytes) {
    uintptr_t x = (uintptr_t)a, y = (uintptr_t)b;
    return a_bytes > 0 && b_bytes > 0 && x < y + b_bytes && y < x + a_bytes;
}

/* An output that overlaps an input without being it. */
actfn_status check_output(const char *function, const void *output, size_t output_bytes,
                          const void *input, size_t input_bytes, bool may_equal) {
    if (may_equal && output == input) return ACTFN_OK;
    if (overlap(output, output_bytes, input, input_bytes))
        return fail(ACTFN_ERR_OVERLAP, "%s: an output overlaps an input", function);
    return ACTFN_OK;
}

actfn_status check_pointers(const char *function, int count, const void *const *arrays) {
    for (int i = 0; i < count; i++)
        if (arrays[i] == NULL)
            return fail(ACTFN_ERR_NULL_POINTER, "%s: NULL array (argument %d of the arrays)",
                        function, i + 1);
    return ACTFN_OK;
}

/* Below this many elements a layer op runs on the calling thread alone. Measured with
 * 1 against 2 threads on 256 features (2-core Zen): at 2^18 elements f32 mask forward
 * and bias + relu are slower on two threads (0.70x, 0.38x: waking a worker costs more
 * than the row work), at 2^20 1.7-1.9x faster; the 16-bit types, computed in double,
 * win from 2^18 (1.3x). */
#define LAYER_PARALLEL_MIN        ((size_t)1 << 20)
#define LAYER_PARALLEL_MIN_NARROW ((size_t)1 << 18)

const char *row_of(const layer_call *c, const void *array, size_t r) {
    return (const char *)array + r * c->batch.stride * c->size;
}

char *mutable_row_of(const layer_call *c, void *array, size_t r) {
    return (char *)array + r * c->batch.stride * c->size;
}

/* Runs range over the batch's rows (by_columns false) or columns, on more than one
 * thread when the batch is large. A column split keeps every per-feature sum on one
 * thread, so that a result does not depend on the number of threads. */
actfn_status split(const char *function, layer_call *c, bool by_columns,
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
void *scratch(layer_call *c, size_t count, size_t size) {
    void *memory = calloc(count, size);
    if (memory == NULL) atomic_store(&c->out_of_memory, true);
    return memory;
}

void widen_row(actfn_dtype dtype, const void *row, double *wide, size_t cols) {
    for (size_t j = 0; j < cols; j++)
        wide[j] = element_load(dtype, row, j);
}

actfn_status check_feature_output(const char *function, const void *out, size_t vector,
                                  const void *x, const void *dy, const void *dx, size_t bytes,
                                  const void *parameter) {
    CHECK(check_output(function, out, vector, x, bytes, false));
    CHECK(check_output(function, out, vector, dy, bytes, false));
    CHECK(check_output(function, out, vector, dx, bytes, false));
    return check_output(function, out, vector, parameter, vector, false);
}

/* Per-feature sums accumulated in double, rounded once to the dtype. */
static void store_sums(actfn_dtype dtype, const double *sums, void *out, size_t cols) {
    for (size_t j = 0; j < cols; j++)
        element_store(dtype, out, j, sums[j]);
}

actfn_status split_summing_columns(const char *function, layer_call *c,
                                   void (*range)(void *context, size_t begin, size_t end),
                                   void *out) {
    c->sums = calloc(c->batch.cols, sizeof *c->sums);
    if (c->sums == NULL)
        return fail(ACTFN_ERR_BAD_PARAMETER, "%s: out of memory for %zu features", function,
                    c->batch.cols);
    actfn_status status = split(function, c, true, range);
    if (status == ACTFN_OK) store_sums(c->dtype, c->sums, out, c->batch.cols);
    free(c->sums);
    c->sums = NULL;
    return status;
}
