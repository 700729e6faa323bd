/* SPDX-License-Identifier: MIT */
/* What the layer ops (mask.c, bias.c, prelu.c, maxout.c) share: the argument checks
 * every entry point makes, and one call's work split over rows or columns and threads.
 * No arithmetic: the ops' element loops are in their *_rows.h, their SIMD rows in
 * kernels/layer_rows.c. */
#ifndef ACTFN_LAYER_CALL_H
#define ACTFN_LAYER_CALL_H

#include "actfn.h"
#include "spec/op_table.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CHECK(expression)                                                                          \
    do {                                                                                           \
        actfn_status status_ = (expression);                                                       \
        if (status_ != ACTFN_OK) return status_;                                                   \
    } while (0)

/* Floating-point dtypes only: ACTFN_ERR_UNSUPPORTED for the quantized ones. */
actfn_status check_dtype(const char *function, actfn_dtype dtype);
/* batch non-NULL, stride >= cols, and the batch's span addressable (check_extent). */
actfn_status check_batch(const char *function, const actfn_batch *b, actfn_dtype dtype);
/* ACTFN_ERR_BAD_PARAMETER unless rows of stride elements, the last cols long, span at
 * most PTRDIFF_MAX bytes. */
actfn_status check_extent(const char *function, size_t rows, size_t stride, size_t cols,
                          actfn_dtype dtype);
bool is_empty(const actfn_batch *b);
/* The bytes from a batch array's first element to one past its last. */
size_t span(const actfn_batch *b, actfn_dtype dtype);
/* ACTFN_ERR_OVERLAP for an output that overlaps an input (unless it may be the input
 * itself and is). */
actfn_status check_output(const char *function, const void *output, size_t output_bytes,
                          const void *input, size_t input_bytes, bool may_equal);
/* ACTFN_ERR_NULL_POINTER naming the first NULL of count arrays. */
actfn_status check_pointers(const char *function, int count, const void *const *arrays);
/* A per-feature output (dbias, dslopes: bytes `vector`) that overlaps none of x, dy, dx
 * (bytes each) and the feature vector `parameter` (bias, slopes). */
actfn_status check_feature_output(const char *function, const void *out, size_t vector,
                                  const void *x, const void *dy, const void *dx, size_t bytes,
                                  const void *parameter);

/* The mask ops' op check (mask.c): relu, leaky_relu or relu6 with a grad_at_zero a mask
 * can hold; *zero_bit is the bit at x == 0. */
actfn_status prepare_mask_op(const char *function, const actfn_op *op, actfn_dtype dtype,
                             op_params *params, bool *zero_bit);

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
    bool stream;                 /* mask and bias forward: y by non-temporal stores */
    size_t k, grouped_stride;    /* maxout */
    double *sums;                /* per-feature reductions, cols entries */
    size_t scratch_bytes;        /* the scratch one part needs, set before split */
    size_t parallel_min;         /* 0, or the elements from which split uses threads */
    bool parallel;               /* split's: the parts may run at once */
    char *arena;                 /* split's: scratch_bytes for each part that can run at once */
    _Atomic uint64_t free_slots; /* the arena's slots not held by a running part */
} layer_call;

/* From this many elements the layer ops write their output with non-temporal stores
 * where they can (out of place, the output aligned to its elements), as the plain
 * forward does from the same size (route/run.c): it is then too large to stay in cache,
 * and not reading its lines first saves a third of the traffic. */
#define LAYER_STREAMING_MIN ((size_t)1 << 22)
bool layer_streams(const layer_call *c, const void *input, const void *output);
/* The row kernels' stream argument (STREAM_*) for row r of a part ending before r1:
 * streamed rows fence once, after the part's last. */
int stream_of(bool stream, size_t r, size_t r1);

const char *row_of(const layer_call *c, const void *array, size_t r);
char *mutable_row_of(const layer_call *c, void *array, size_t r);
/* Runs range over the batch's rows (by_columns false) or columns, on more than one
 * thread when the batch is large. A column split keeps every per-feature sum on one
 * thread, so that a result does not depend on the number of threads. The parts'
 * scratch (c->scratch_bytes each) is allocated before any part runs: ACTFN_ERR_OUT_OF_MEMORY
 * with nothing written if it cannot be. */
actfn_status split(const char *function, layer_call *c, bool by_columns,
                   void (*range)(void *context, size_t begin, size_t end));
/* A backward with a per-feature reduction: c->sums (cols doubles, zeroed) accumulated by
 * range over columns, then rounded once to the dtype into out. */
actfn_status split_summing_columns(const char *function, layer_call *c,
                                   void (*range)(void *context, size_t begin, size_t end),
                                   void *out);
/* A part's scratch, c->scratch_bytes zeroed bytes (NULL if scratch_bytes is 0), held
 * until scratch_give. */
char *scratch_take(layer_call *c);
/* count * size, or SIZE_MAX (which no allocation gets) if that overflows */
static inline size_t scratch_size(size_t count, size_t size) {
    return size != 0 && count > SIZE_MAX / size ? SIZE_MAX : count * size;
}
void scratch_give(layer_call *c, char *memory);
/* A row of any dtype widened, exactly, to double. */
void widen_row(actfn_dtype dtype, const void *row, double *wide, size_t cols);

#endif
