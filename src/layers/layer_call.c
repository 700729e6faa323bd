/* SPDX-License-Identifier: MIT */
/* The shared part of the layer ops: argument checks and the split of a call's work. */
#include "layers/layer_call.h"

#include "api/errors.h"
#include "route/dispatch.h"
#include "route/threads.h"
#include "spec/dtypes.h"
#include "spec/element_access.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

actfn_status check_dtype(const char *function, actfn_dtype dtype) {
    if (dtype_is_known(dtype)) return ACTFN_OK;
    if (dtype_is_quantized(dtype))
        return fail(ACTFN_ERR_UNSUPPORTED, "%s: floating-point dtypes only, not dtype %d", function,
                    (int)dtype);
    return fail(ACTFN_ERR_UNKNOWN_DTYPE, "%s: unknown dtype %d", function, (int)dtype);
}

/* rows of stride elements, the last one cols long, within PTRDIFF_MAX bytes: an object's
 * largest size, so that no row offset or span computed from them wraps around */
actfn_status check_extent(const char *function, size_t rows, size_t stride, size_t cols,
                          actfn_dtype dtype) {
    size_t limit = PTRDIFF_MAX / dtype_size(dtype);
    if (cols > limit || (rows > 1 && stride > 0 && rows - 1 > (limit - cols) / stride))
        return fail(ACTFN_ERR_BAD_PARAMETER,
                    "%s: %zu rows of stride %zu and %zu columns do not fit in memory", function,
                    rows, stride, cols);
    return ACTFN_OK;
}

actfn_status check_batch(const char *function, const actfn_batch *b, actfn_dtype dtype) {
    if (b == NULL) return fail(ACTFN_ERR_NULL_POINTER, "%s: batch is NULL", function);
    if (b->stride < b->cols)
        return fail(ACTFN_ERR_BAD_PARAMETER, "%s: stride %zu is less than cols %zu", function,
                    b->stride, b->cols);
    return check_extent(function, b->rows, b->stride, b->cols, dtype);
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

/* Below this many elements a layer op runs on the calling thread alone (a call can ask
 * for more: parallel_min). Measured with 1 against 2 threads on 1024 features (2-core
 * Zen 5, bench_layers with the threshold lowered, medians of 3), the pool's workers
 * spinning between calls (route/threads.c): 2 threads against 1 at 16K / 64K / 256K / 1M
 * elements, f32: mask forward 0.94 / 1.32 / 1.70 / 1.91, bias + relu 1.02 / 1.61 / 1.82 /
 * 1.93, mask backward 1.15 / 1.63 / 1.87 / 1.95 (before the spinning pool, at 256K: 0.70,
 * 0.38). bf16 (computed in double) at 64K / 256K / 1M, two runs: bias + relu 1.93 and
 * 1.75 / 1.84 and 2.04 / 1.55 and 1.82, mask forward 1.64 and 1.51 / 1.93 and 2.00 / 1.71
 * and 1.86 (before: from 2^18). */
#define LAYER_PARALLEL_MIN ((size_t)1 << 16) /* every dtype */

bool layer_streams(const layer_call *c, const void *input, const void *output) {
    return c->batch.rows * c->batch.cols >= LAYER_STREAMING_MIN && input != output &&
           (uintptr_t)output % c->size == 0;
}

int stream_of(bool stream, size_t r, size_t r1) {
    return !stream ? STREAM_NONE : r + 1 == r1 ? STREAM_AND_FENCE : STREAM_ONLY;
}

const char *row_of(const layer_call *c, const void *array, size_t r) {
    return (const char *)array + r * c->batch.stride * c->size;
}

char *mutable_row_of(const layer_call *c, void *array, size_t r) {
    return (char *)array + r * c->batch.stride * c->size;
}

static actfn_status out_of_memory(const char *function, size_t bytes) {
    return fail(ACTFN_ERR_OUT_OF_MEMORY, "%s: out of memory for %zu bytes of scratch", function,
                bytes);
}

/* Runs range over the batch's rows (by_columns false) or columns, on more than one
 * thread when the batch is large. A column split keeps every per-feature sum on one
 * thread, so that a result does not depend on the number of threads. The scratch of
 * every part that can run at once is allocated first: a failure writes nothing. */
actfn_status split(const char *function, layer_call *c, bool by_columns,
                   void (*range)(void *context, size_t begin, size_t end)) {
    size_t units = by_columns ? c->batch.cols : c->batch.rows;
    size_t granule = by_columns ? 64 / c->size : 1; /* whole cache lines per thread */
    size_t threshold = c->parallel_min > LAYER_PARALLEL_MIN ? c->parallel_min : LAYER_PARALLEL_MIN;
    bool parallel = c->batch.rows * c->batch.cols >= threshold && units > granule;
    c->parallel = parallel;
    int slots = parallel ? thread_count() : 1;
    c->arena = NULL;
    atomic_init(&c->free_slots, slots >= 64 ? UINT64_MAX : ((uint64_t)1 << slots) - 1);
    if (c->scratch_bytes > 0) {
        if (c->scratch_bytes > SIZE_MAX / (size_t)slots ||
            (c->arena = malloc(c->scratch_bytes * (size_t)slots)) == NULL)
            return out_of_memory(function, c->scratch_bytes);
    }
    if (parallel)
        parallel_for(units, granule, range, c);
    else
        range(c, 0, units);
    free(c->arena);
    c->arena = NULL;
    return ACTFN_OK;
}

char *scratch_take(layer_call *c) {
    if (c->arena == NULL) return NULL;
    for (;;) { /* a part holds a slot only while it runs, so one comes free */
        uint64_t free_slots = atomic_load(&c->free_slots);
        while (free_slots != 0) {
            int slot = __builtin_ctzll(free_slots);
            if (atomic_compare_exchange_weak(&c->free_slots, &free_slots,
                                             free_slots & ~((uint64_t)1 << slot))) {
                char *memory = c->arena + (size_t)slot * c->scratch_bytes;
                memset(memory, 0, c->scratch_bytes);
                return memory;
            }
        }
    }
}

void scratch_give(layer_call *c, char *memory) {
    if (memory == NULL) return;
    size_t slot = (size_t)(memory - c->arena) / c->scratch_bytes;
    atomic_fetch_or(&c->free_slots, (uint64_t)1 << slot);
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
    if (c->sums == NULL) return out_of_memory(function, c->batch.cols * sizeof *c->sums);
    actfn_status status = split(function, c, true, range);
    if (status == ACTFN_OK) store_sums(c->dtype, c->sums, out, c->batch.cols);
    free(c->sums);
    c->sums = NULL;
    return status;
}
