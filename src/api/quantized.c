/* SPDX-License-Identifier: MIT */
/* Quantized int8 / uint8 forwards: the op applied to the 256 possible inputs in double
 * through the op's f64 kernel, each result requantized (round to nearest, ties to even,
 * then clamped) into a table, and the table looked up. The table is built once per
 * prepared op (actfn_quantized_create), or, for actfn_forward_quantized, kept in a small
 * per-thread cache keyed by everything it depends on, so that a call with the same op,
 * parameters and quantizations as a recent one only looks up. */
#include "api/array_checks.h"
#include "api/errors.h"
#include "api/op_descriptor.h"
#include "api/quantization.h"
#include "route/dispatch.h"
#include "route/run.h"
#include "route/threads.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* What a lookup needs: the table, and where the table is a clamp of its index (relu,
 * relu6 and the like with one quantization on both sides), the clamp's bounds, so that
 * byte min/max runs instead of the lookup. Bytes are compared in unsigned order after
 * flipping the top bit of signed ones. */
typedef struct byte_table {
    uint8_t table[256]; /* indexed by the input byte */
    bool is_clamp;
    uint8_t low, high, flip;
} byte_table;

struct actfn_quantized_op {
    byte_table table;
};

/* A call's arguments as given, before validation, compared bit for bit: the op's kind,
 * accuracy and parameters, the dtype and both quantizations. A table is cached only
 * once its arguments have passed validation, and validation depends on nothing else, so
 * a call whose key is cached needs no validation of these again. */
enum { KEY_WORDS = 3 + OP_PARAMETER_COUNT + 4 };
typedef struct table_key {
    uint64_t words[KEY_WORDS];
} table_key;

/* The per-thread cache: a few tables, replaced round-robin. Per thread, so that no lock
 * is taken and no table changes while a call reads it; about 1.6 KB a thread. */
enum { CACHED_TABLES = 4 };
typedef struct table_cache {
    table_key keys[CACHED_TABLES];
    byte_table tables[CACHED_TABLES];
    unsigned filled, next;
} table_cache;
static _Thread_local table_cache cache;

typedef struct lookup {
    const byte_table *table;
    lookup_kernel kernel;
    clamp_kernel clamp;
    const uint8_t *x;
    uint8_t *y;
    int stream; /* y by non-temporal stores */
} lookup;

static void look_up(void *context, size_t begin, size_t end) {
    const lookup *l = context;
    const byte_table *t = l->table;
    if (t->is_clamp && l->clamp != NULL) {
        l->clamp(l->x + begin, l->y + begin, end - begin, t->low, t->high, t->flip, l->stream);
        return;
    }
    if (l->kernel != NULL) {
        l->kernel(t->table, l->x + begin, l->y + begin, end - begin, l->stream);
        return;
    }
    for (size_t i = begin; i < end; i++)
        l->y[i] = t->table[l->x[i]];
}

#define BYTE_STREAMING_MIN ((size_t)1 << 24)

static void run_lookup(const byte_table *table, const void *x, void *y, size_t n) {
    const kernel_table *kernels = active_kernels();
    /* y past the caches from 16 MB, out of place, as the f32 ops from 4M elements (route/run.c):
     * bench_narrow, one thread, relu s8 at 64M: 0.074 ns a byte with ordinary stores */
    lookup l = {table,
                kernels->lookup_bytes,
                kernels->clamp_bytes,
                x,
                y,
                n >= BYTE_STREAMING_MIN && x != y};
    /* a second thread from 256 KB: bench_narrow, relu s8, 1 thread against both cores, ns
     * a byte, at 64K 0.018-0.019 against 0.019-0.051 (no gain), at 256K 0.019-0.021
     * against 0.012 (was from 64 KB, as the memory-bound f32 ops' 16K floats) */
    if (n >= (size_t)1 << 18)
        parallel_for(n, 64, look_up, &l);
    else
        look_up(&l, 0, n);
}

static void mark_clamp_if_possible(byte_table *t, actfn_dtype dtype) {
    uint8_t flip = dtype == ACTFN_S8 ? 0x80 : 0;
    uint8_t low = (uint8_t)(t->table[(uint8_t)(0 ^ flip)] ^ flip);
    uint8_t high = (uint8_t)(t->table[(uint8_t)(255 ^ flip)] ^ flip);
    if (low > high) return;
    for (int u = 0; u < 256; u++) {
        uint8_t expected = (uint8_t)(u < low ? low : u > high ? high : u);
        if ((uint8_t)(t->table[(uint8_t)(u ^ flip)] ^ flip) != expected) return;
    }
    t->is_clamp = true;
    t->low = low, t->high = high, t->flip = flip;
}

/* Validates everything but the arrays; on success stores the op's parameters as the f64
 * kernel takes them. */
static actfn_status check_op(const char *function, const actfn_op *op, actfn_dtype dtype,
                             const actfn_quantization *input, const actfn_quantization *output,
                             op_params *params) {
    const op_def *def;
    actfn_status status = check_quantized_dtype(function, dtype);
    if (status == ACTFN_OK) status = op_prepare(op, ACTFN_F64, &def, params);
    if (status == ACTFN_OK) status = check_quantization(function, "input", dtype, input);
    if (status == ACTFN_OK) status = check_quantization(function, "output", dtype, output);
    return status;
}

/* The table of a validated op: the op on the 256 dequantized inputs, through the f64
 * kernels (the accurate tier: the table is built once, so it may as well be exact). */
static void build_table(actfn_kind kind, const op_params *params, actfn_dtype dtype,
                        const actfn_quantization *input, const actfn_quantization *output,
                        byte_table *t) {
    op_params accurate = *params;
    accurate.accuracy = ACTFN_ACCURATE;
    double reals[256];
    dequantized_bytes(dtype, input, reals);
    run_forward(kind, &accurate, ACTFN_F64, reals, reals, 256);
    memset(t, 0, sizeof *t);
    for (int byte = 0; byte < 256; byte++)
        t->table[byte] = (uint8_t)requantize(dtype, output, reals[byte]);
    mark_clamp_if_possible(t, dtype);
}

static uint64_t bits_of(double v) {
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    return bits;
}

static table_key make_key(const actfn_op *op, actfn_dtype dtype, const actfn_quantization *input,
                          const actfn_quantization *output) {
    table_key key;
    int w = 0;
    key.words[w++] = (uint64_t)op->kind;
    key.words[w++] = (uint64_t)op->accuracy;
    key.words[w++] = (uint64_t)dtype;
#define OP_KEY_FIELD(name) key.words[w++] = bits_of(op->name);
    OP_PARAMETER_FIELDS(OP_KEY_FIELD)
#undef OP_KEY_FIELD
    key.words[w++] = bits_of(input->scale);
    key.words[w++] = (uint64_t)input->zero_point;
    key.words[w++] = bits_of(output->scale);
    key.words[w++] = (uint64_t)output->zero_point;
    return key;
}

static bool same_key(const table_key *a, const table_key *b) {
    uint64_t difference = 0;
    for (int w = 0; w < KEY_WORDS; w++)
        difference |= a->words[w] ^ b->words[w];
    return difference == 0;
}

/* The calling thread's cached table for these arguments; on a miss they are validated
 * and the table built into the cache (NULL, with the error in *status, if they fail). */
static const byte_table *cached_table(const char *function, const actfn_op *op, actfn_dtype dtype,
                                      const actfn_quantization *input,
                                      const actfn_quantization *output, actfn_status *status) {
    op_params params;
    *status = ACTFN_OK;
    if (op == NULL || input == NULL || output == NULL) { /* the errors, as on any miss */
        *status = check_op(function, op, dtype, input, output, &params);
        return NULL;
    }
    table_key key = make_key(op, dtype, input, output);
    for (unsigned i = 0; i < cache.filled; i++)
        if (same_key(&cache.keys[i], &key)) return &cache.tables[i];
    *status = check_op(function, op, dtype, input, output, &params);
    if (*status != ACTFN_OK) return NULL;
    unsigned slot = cache.next;
    cache.next = (cache.next + 1) % CACHED_TABLES;
    if (cache.filled < CACHED_TABLES) cache.filled++;
    build_table(op->kind, &params, dtype, input, output, &cache.tables[slot]);
    cache.keys[slot] = key;
    return &cache.tables[slot];
}

actfn_status actfn_forward_quantized(const actfn_op *op, actfn_dtype dtype,
                                     const actfn_quantization *input,
                                     const actfn_quantization *output, const void *x, void *y,
                                     size_t n) {
    static const char function[] = "actfn_forward_quantized";
    actfn_status status;
    const byte_table *table = cached_table(function, op, dtype, input, output, &status);
    if (table == NULL || n == 0) return status;
    status = check_arrays(function, dtype, n, x, x, y);
    if (status != ACTFN_OK) return status;
    run_lookup(table, x, y, n);
    return ACTFN_OK;
}

actfn_status actfn_quantized_create(const actfn_op *op, actfn_dtype dtype,
                                    const actfn_quantization *input,
                                    const actfn_quantization *output,
                                    actfn_quantized_op **created) {
    static const char function[] = "actfn_quantized_create";
    if (created == NULL)
        return fail(ACTFN_ERR_NULL_POINTER, "%s: the result pointer is NULL", function);
    *created = NULL;
    op_params params;
    actfn_status status = check_op(function, op, dtype, input, output, &params);
    if (status != ACTFN_OK) return status;
    actfn_quantized_op *q = malloc(sizeof *q);
    if (q == NULL) return fail(ACTFN_ERR_OUT_OF_MEMORY, "%s: no memory for the table", function);
    build_table(op->kind, &params, dtype, input, output, &q->table);
    *created = q;
    return ACTFN_OK;
}

actfn_status actfn_quantized_run(const actfn_quantized_op *q, const void *x, void *y, size_t n) {
    static const char function[] = "actfn_quantized_run";
    if (q == NULL) return fail(ACTFN_ERR_NULL_POINTER, "%s: the prepared op is NULL", function);
    if (n == 0) return ACTFN_OK;
    /* the element size is what matters here: S8 and U8 both take one byte */
    actfn_status status = check_arrays(function, ACTFN_U8, n, x, x, y);
    if (status != ACTFN_OK) return status;
    run_lookup(&q->table, x, y, n);
    return ACTFN_OK;
}

void actfn_quantized_destroy(actfn_quantized_op *q) {
    free(q);
}
