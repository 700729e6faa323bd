/* SPDX-License-Identifier: MIT */
/* libFuzzer: the layer ops' argument space. Every array of a call points into one arena
 * at offsets the input picks (so arrays may overlap, or be NULL), with rows, cols, strides and k
 * small enough for the arena or anywhere up to SIZE_MAX. The contract checked: no access outside
 * the arena (AddressSanitizer); a refusal writes nothing; a success writes nothing outside the
 * outputs' spans, and its results are those of the definition, computed here from the element-wise
 * API. */
#include "actfn.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"

enum { ARENA = 1 << 14, ARRAYS = 6 };

/* A size: mostly small, sometimes huge (the checks must refuse what memory cannot hold). */
static size_t next_size(reader *r, size_t small) {
    uint8_t kind = next_byte(r);
    if (kind < 232) return next_byte(r) % (small + 1);
    static const size_t huge[] = {SIZE_MAX,         SIZE_MAX / 2,     SIZE_MAX / 4,
                                  SIZE_MAX / 4 + 1, SIZE_MAX / 8 + 3, (size_t)PTRDIFF_MAX,
                                  (size_t)1 << 40,  (size_t)1 << 62,  (size_t)1 << 31};
    return huge[kind % (sizeof huge / sizeof *huge)];
}

static uint8_t arena[ARENA], before[ARENA];

/* A pointer into the arena at an element boundary (the contract's alignment), or NULL. */
static void *next_pointer(reader *r, size_t element) {
    uint8_t kind = next_byte(r);
    if (kind == 255) return NULL;
    size_t at = ((size_t)next_byte(r) << 8 | next_byte(r)) % (ARENA / 2);
    return arena + at / element * element;
}

static bool inside(const void *p, size_t bytes) {
    uintptr_t a = (uintptr_t)p, start = (uintptr_t)arena;
    return p != NULL && a >= start && bytes <= ARENA && a - start <= ARENA - bytes;
}

static double at(actfn_dtype dtype, const void *array, size_t i) {
    double v;
    actfn_convert((const char *)array + i * actfn_dtype_size(dtype), dtype, &v, ACTFN_F64, 1);
    return v;
}

static bool same(double a, double b) {
    return (isnan(a) && isnan(b)) || (a == b && signbit(a) == signbit(b));
}

/* The outputs' spans outside which nothing may change, as byte ranges of the arena. */
typedef struct written {
    const void *p;
    size_t bytes;
} written;

static void check_untouched(const written *outputs, int count) {
    for (size_t i = 0; i < ARENA; i++) {
        if (arena[i] == before[i]) continue;
        bool allowed = false;
        for (int k = 0; k < count && !allowed; k++) {
            uintptr_t a = (uintptr_t)(arena + i), p = (uintptr_t)outputs[k].p;
            allowed = outputs[k].p != NULL && a >= p && a - p < outputs[k].bytes;
        }
        if (!allowed) abort();
    }
}

/* count * element, saturated far above any object's size */
static unsigned __int128 times(unsigned __int128 count, size_t element) {
    const unsigned __int128 far = (unsigned __int128)1 << 100;
    return count > far ? far : count * element;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    reader r = {data, size, 0};
    static const actfn_dtype dtypes[] = {ACTFN_F32,  ACTFN_F64, ACTFN_F16,
                                         ACTFN_BF16, ACTFN_S8,  (actfn_dtype)77};
    static const actfn_kind kinds[] = {ACTFN_RELU,    ACTFN_LEAKY_RELU, ACTFN_RELU6,
                                       ACTFN_SIGMOID, ACTFN_GELU,       (actfn_kind)1000};
    uint8_t which = next_byte(&r) % 9;
    uint8_t d = next_byte(&r);
    actfn_dtype dtype = dtypes[d % 16 < 14 ? d % 4 : 4 + d % 2];
    actfn_op op = actfn_op_init(kinds[next_byte(&r) % 6]);
    if (op.kind == ACTFN_LEAKY_RELU && next_byte(&r) & 1) op.negative_slope = 0.25;
    if (op.kind == ACTFN_RELU && next_byte(&r) & 1) op.grad_at_zero = 1;
    size_t element = actfn_dtype_size(dtype) ? actfn_dtype_size(dtype) : 4;
    actfn_batch batch = {next_size(&r, 12), next_size(&r, 24), 0};
    batch.stride = next_byte(&r) < 240 ? batch.cols + next_byte(&r) % 4 : next_size(&r, 40);
    size_t k = next_size(&r, 4), other_stride = next_size(&r, 30);
    void *p[ARRAYS];
    for (int i = 0; i < ARRAYS; i++)
        p[i] = next_pointer(&r, element);
    bool use_batch = next_byte(&r) < 250;
    bool with_activity = next_byte(&r) & 1;
    for (size_t i = 0; i < ARENA; i++) /* values: the input's bytes, then a pattern */
        arena[i] = r.at < r.size ? next_byte(&r) : (uint8_t)(i * 131 + 7);
    memcpy(before, arena, ARENA);
    uint64_t counts[32] = {0};
    actfn_activity activity = {batch.cols, 0, counts};
    const actfn_batch *b = use_batch ? &batch : NULL;
    /* the extents in bytes, without overflow: beyond PTRDIFF_MAX the call must be refused;
     * within it, arrays reaching past the arena are not called (the library cannot know
     * the arena's size, so a write there would be the harness's fault) */
    typedef unsigned __int128 wide;
    wide rows = batch.rows, cols = batch.cols, stride = batch.stride;
    wide bytes = rows == 0 || cols == 0 ? 0 : times((rows - 1) * stride + cols, element);
    wide vector = times(cols, element);
    size_t groups = k != 0 ? batch.cols / k : 0;
    wide grouped =
        rows == 0 || groups == 0 ? 0 : times((rows - 1) * other_stride + groups, element);
    wide mask_bytes = rows == 0 || cols == 0 ? 0 : rows * ((cols + 7) / 8);
    wide elements = times(rows * cols, element);
    if (which == 8 && rows * cols > SIZE_MAX) return 0; /* n itself would wrap */
    wide extent[ARRAYS] = {0};
    int outputs[2] = {-1, -1};
    switch (which) {
    case 0:
        extent[0] = extent[1] = bytes, extent[2] = mask_bytes, outputs[0] = 1, outputs[1] = 2;
        break;
    case 1:
        extent[0] = mask_bytes, extent[1] = extent[2] = bytes, outputs[0] = 2;
        break;
    case 2:
    case 4:
        extent[0] = extent[2] = bytes, extent[1] = vector, outputs[0] = 2;
        break;
    case 3:
    case 5:
        extent[0] = extent[2] = extent[3] = bytes, extent[1] = extent[4] = vector;
        outputs[0] = 3, outputs[1] = 4;
        break;
    case 6:
        extent[0] = bytes, extent[1] = grouped, outputs[0] = 1;
        break;
    case 7:
        extent[0] = extent[2] = bytes, extent[1] = grouped, outputs[0] = 2;
        break;
    default:
        extent[0] = extent[1] = elements, outputs[0] = 1;
        break;
    }
    bool must_refuse = false, reaches_out = false;
    for (int i = 0; i < ARRAYS; i++) {
        if (extent[i] > (wide)PTRDIFF_MAX)
            must_refuse = true;
        else if (p[i] != NULL && extent[i] > 0 && !inside(p[i], (size_t)extent[i]))
            reaches_out = true;
    }
    if (!must_refuse && reaches_out) return 0;
    actfn_status status;
    switch (which) {
    case 0:
        status = actfn_mask_forward(&op, dtype, b, p[0], p[1], p[2],
                                    with_activity && batch.cols <= 32 ? &activity : NULL);
        break;
    case 1:
        status = actfn_mask_backward(&op, dtype, b, p[0], p[1], p[2]);
        break;
    case 2:
        status = actfn_bias_forward(&op, dtype, b, p[0], p[1], p[2]);
        break;
    case 3:
        status = actfn_bias_backward(&op, dtype, b, p[0], p[1], p[2], p[3], p[4]);
        break;
    case 4:
        status = actfn_prelu_forward(dtype, b, p[0], p[1], p[2]);
        break;
    case 5:
        status = actfn_prelu_backward(dtype, b, p[0], p[1], p[2], p[3], p[4]);
        break;
    case 6:
        status = actfn_maxout_forward(dtype, b, k, p[0], p[1], other_stride);
        break;
    case 7:
        status = actfn_maxout_backward(dtype, b, k, p[0], p[1], other_stride, p[2]);
        break;
    default:
        status = actfn_forward(&op, dtype, p[0], p[1], batch.rows * batch.cols);
        break;
    }
    if (must_refuse && use_batch && status == ACTFN_OK) abort();
    written out[2] = {{NULL, 0}, {NULL, 0}};
    for (int i = 0; i < 2; i++)
        if (outputs[i] >= 0) out[i] = (written){p[outputs[i]], (size_t)extent[outputs[i]]};
    if (status != ACTFN_OK) {
        if (memcmp(arena, before, ARENA) != 0) abort(); /* a refusal writes nothing */
        return 0;
    }
    check_untouched(out, 2); /* a success changed nothing outside its outputs */
    /* the values, where the outputs overlap no input (else the inputs are gone): PReLU and
     * bias + activation forward from their definitions */
    if ((which == 2 || which == 4) && dtype != ACTFN_S8 && batch.rows > 0 && batch.cols > 0) {
        const uint8_t *x0 = before + ((uint8_t *)p[0] - arena);
        const uint8_t *v0 = before + ((uint8_t *)p[1] - arena);
        static uint8_t z[32 * 8], y[32 * 8]; /* a row of x + bias, and its activation */
        for (size_t row = 0; row < batch.rows; row++) {
            if (which == 2) { /* the op on the whole row, as a separate add and call would */
                for (size_t j = 0; j < batch.cols; j++) {
                    double x = at(dtype, x0, row * batch.stride + j), v = at(dtype, v0, j);
                    double sum = x + v;
                    actfn_convert(&sum, ACTFN_F64, z + j * element, dtype, 1);
                    if (dtype == ACTFN_F32) ((float *)(void *)z)[j] = (float)x + (float)v;
                }
                if (actfn_forward(&op, dtype, z, y, batch.cols) != ACTFN_OK) abort();
            }
            for (size_t j = 0; j < batch.cols; j++) {
                size_t i = row * batch.stride + j;
                double x = at(dtype, x0, i), v = at(dtype, v0, j), want;
                if (which == 4) {
                    double slope = v;
                    /* the product rounded once to the dtype, as the op does */
                    double product = x > 0 || isnan(x) ? x : slope * x;
                    uint8_t rounded[8];
                    actfn_convert(&product, ACTFN_F64, rounded, dtype, 1);
                    want = at(dtype, rounded, 0);
                    if (dtype == ACTFN_F32) want = x > 0 || isnan(x) ? x : (float)slope * (float)x;
                } else {
                    want = at(dtype, y, j);
                }
                double got = at(dtype, p[2], i);
                /* an input that the output overlapped was read before or after its write:
                 * only disjoint (or in-place x) calls are compared */
                if (!same(got, want)) {
                    uintptr_t o = (uintptr_t)p[2], in_x = (uintptr_t)p[0], in_v = (uintptr_t)p[1];
                    size_t length = (size_t)bytes, v_length = (size_t)vector;
                    bool disjoint_v = o + length <= in_v || in_v + v_length <= o;
                    bool x_ok = o == in_x || o + length <= in_x || in_x + length <= o;
                    if (disjoint_v && x_ok) { /* a mismatch the inputs cannot explain */
                        fprintf(stderr,
                                "op %d dtype %d which %d rows %zu cols %zu stride %zu i %zu x %a v "
                                "%a: %a, want %a\n",
                                (int)op.kind, (int)dtype, which, batch.rows, batch.cols,
                                batch.stride, i, x, v, got, want);
                        abort();
                    }
                }
            }
        }
    }
    return 0;
}
