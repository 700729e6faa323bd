/* SPDX-License-Identifier: MIT */
/* f16 and bf16. Each block of 16-bit values is widened to float (exactly), an f32
 * kernel (or the f32 reference) applied there, and each result rounded to the 16-bit
 * type. The f32 result is within the kernel's bound of the exact value: 1 float ULP for
 * the accurate kernels, at most 4.5 for the fast ones (their stated bounds, plus half an
 * ULP for dy in a backward; docs/accuracy.md). So the rounding is the correct one unless
 * the f32 result lies within `margin` float ULPs of a midpoint between two 16-bit values
 * (margin: 2 after an accurate kernel, 6 after a fast one): those few results (about 1
 * in 2^11 of the bf16 results, 1 in 2^8 of the f16 ones after a fast kernel) are
 * computed again from the input in double, whose error is far below a float ULP, and
 * rounded once from there (docs/semantics.md). */
#include "route/dispatch.h"
#include "route/run.h"
#include "spec/narrow_float.h"

#include <math.h>
#include <string.h>

enum { BLOCK = 256, MAX_LANES = 16 };

/* m rounded up to whole vectors of any ISA (BLOCK is a multiple of MAX_LANES). */
static inline size_t whole_vectors(size_t m) {
    return (m + MAX_LANES - 1) / MAX_LANES * MAX_LANES;
}

typedef struct narrow_type {
    int slot; /* in kernel_table's widen and narrow */
    double (*to_double)(uint16_t);
    uint16_t (*from_double)(double);
    int kept_bits;            /* the float mantissa bits a normal value keeps */
    uint32_t min_normal_bits; /* the float bits of the type's smallest normal */
} narrow_type;

static const narrow_type f16 = {NARROW_F16, f16_to_double, double_to_f16, 10, 0x38800000};
static const narrow_type bf16 = {NARROW_BF16, bf16_to_double, double_to_bf16, 7, 0x00800000};

/* The float conversions, inlined: each loop below is instantiated once per type. */
static inline float to_float(const narrow_type *t, uint16_t h) {
    return t == &f16 ? f16_to_float(h) : bf16_to_float(h);
}

static inline uint16_t from_float(const narrow_type *t, float x) {
    return t == &f16 ? float_to_f16(x) : float_to_bf16(x);
}

/* Whether rounding the float y to the type could differ from rounding the exact value
 * that y approximates: y within margin float ULPs of a midpoint. */
static inline bool near_a_midpoint(const narrow_type *t, float y, int margin) {
    uint32_t bits;
    memcpy(&bits, &y, sizeof bits);
    bits &= 0x7fffffff;
    if (bits >= 0x7f800000 || bits == 0) return false; /* inf, NaN, zero */
    int dropped = 23 - t->kept_bits;
    if (bits < t->min_normal_bits) {
        if (bits < 0x00800000) return true; /* float subnormal: rare, decide in double */
        /* a subnormal of the type: one more bit dropped per binade below its normals */
        dropped += (int)((t->min_normal_bits >> 23) - (bits >> 23));
        if (dropped > 23) return true;
        bits = (bits & 0x7fffff) | 0x800000;
    }
    uint32_t rest = bits & ((1u << dropped) - 1), half = 1u << (dropped - 1);
    return rest + (uint32_t)margin >= half && rest <= half + (uint32_t)margin;
}

/* For the ops with f(x) = x/2 + c x^2 + ..., c > 0: where |x| < 2^-60 the double result
 * is x/2, which can be a tie of the 16-bit type (bf16 subnormals); the exact value lies
 * just above it, so one double ULP up breaks the tie the right way and moves nothing
 * else (x/2 is either a tie or far from one). */
static double nudge_half_x(double x, double y) {
    if (x != 0 && fabs(x) < 0x1p-60 && y == x / 2) return nextafter(y, INFINITY);
    return y;
}

/* A block's 16-bit values widened to float: by the ISA's vector conversion over whole
 * vectors (the block padded with zeros), else one by one. */
static inline void widen_block(const narrow_type *t, widen_kernel widen, const uint16_t *in,
                               float *out, size_t m) {
    if (widen == NULL) {
        for (size_t j = 0; j < m; j++)
            out[j] = to_float(t, in[j]);
        return;
    }
    if (m % MAX_LANES == 0) {
        widen(in, out, m);
        return;
    }
    uint16_t padded[BLOCK] = {0};
    memcpy(padded, in, m * sizeof *in);
    widen(padded, out, whole_vectors(m));
}

/* f32 results rounded to the type; those near a midpoint are left for the caller, which
 * recomputes them: their positions are returned in suspects (how many: the result). */
static inline size_t narrow_block(const narrow_type *t, narrow_kernel narrow, const float *in,
                                  uint16_t *out, size_t m, uint32_t *suspects, int margin) {
    size_t count = 0;
    if (narrow == NULL) {
        for (size_t j = 0; j < m; j++) {
            out[j] = from_float(t, in[j]);
            if (near_a_midpoint(t, in[j], margin)) suspects[count++] = (uint32_t)j;
        }
        return count;
    }
    uint16_t padded[BLOCK];
    uint32_t flagged[BLOCK];
    size_t vectors = narrow(in, padded, whole_vectors(m), flagged, margin);
    memcpy(out, padded, m * sizeof *out);
    size_t next = 0; /* flagged vectors are in order; MAX_LANES may span two */
    for (size_t k = 0; k < vectors; k++) {
        size_t j = flagged[k] > next ? flagged[k] : next;
        for (; j < flagged[k] + MAX_LANES && j < m; j++)
            if (near_a_midpoint(t, in[j], margin)) suspects[count++] = (uint32_t)j;
        next = j;
    }
    return count;
}

/* f32 results that are 16-bit values already (selects_only ops): converted, unchecked. */
static inline void narrow_exact_block(const narrow_type *t, narrow_kernel narrow, const float *in,
                                      uint16_t *out, size_t m, uint32_t *scratch) {
    if (narrow == NULL || m % MAX_LANES != 0) {
        for (size_t j = 0; j < m; j++)
            out[j] = from_float(t, in[j]);
        return;
    }
    (void)scratch;
    narrow(in, out, m, NULL, 0);
}

static inline void forward_blocks(const narrow_type *t, const kernel_table *table,
                                  const op_def *def, forward_kernel f32_kernel, int margin,
                                  const op_params *params, const uint16_t *x, uint16_t *y,
                                  size_t n) {
    float values[BLOCK];
    uint32_t suspects[BLOCK];
    uint16_t inputs[BLOCK]; /* y may be x */
    for (size_t i = 0; i < n; i += BLOCK) {
        size_t m = n - i < BLOCK ? n - i : BLOCK;
        const uint16_t *source = x + i;
        if (!def->selects_only) { /* kept for the recomputation: y may be x */
            memcpy(inputs, source, m * sizeof *x);
            source = inputs;
        }
        widen_block(t, table->widen[t->slot], source, values, m);
        if (f32_kernel != NULL)
            f32_kernel(params, values, values, m);
        else
            reference_forward(def, params, ACTFN_F32, values, values, m);
        if (def->selects_only) { /* the f32 results are 16-bit values: nothing to check */
            narrow_exact_block(t, table->narrow[t->slot], values, y + i, m, suspects);
            continue;
        }
        size_t count = narrow_block(t, table->narrow[t->slot], values, y + i, m, suspects, margin);
        for (size_t k = 0; k < count; k++) {
            double wide = t->to_double(inputs[suspects[k]]);
            double result = def->forward(wide, params);
            if (def->above_half_x_near_zero) result = nudge_half_x(wide, result);
            y[i + suspects[k]] = t->from_double(result);
        }
    }
}

static inline void backward_blocks(const narrow_type *t, const kernel_table *table,
                                   backward_kernel f32_kernel, int margin,
                                   scalar_backward_fn reference, const op_params *params,
                                   const uint16_t *v, const uint16_t *dy, uint16_t *dx, size_t n) {
    float values[BLOCK], gradients[BLOCK];
    uint32_t suspects[BLOCK];
    uint16_t inputs[BLOCK], input_gradients[BLOCK]; /* dx may be v or dy */
    for (size_t i = 0; i < n; i += BLOCK) {
        size_t m = n - i < BLOCK ? n - i : BLOCK;
        memcpy(inputs, v + i, m * sizeof *v);
        memcpy(input_gradients, dy + i, m * sizeof *dy);
        widen_block(t, table->widen[t->slot], inputs, values, m);
        widen_block(t, table->widen[t->slot], input_gradients, gradients, m);
        if (f32_kernel != NULL)
            f32_kernel(params, values, gradients, values, m);
        else
            reference_backward(reference, params, ACTFN_F32, values, gradients, values, m);
        size_t count = narrow_block(t, table->narrow[t->slot], values, dx + i, m, suspects, margin);
        for (size_t k = 0; k < count; k++) {
            size_t j = suspects[k];
            double result =
                reference(t->to_double(inputs[j]), t->to_double(input_gradients[j]), params);
            dx[i + j] = t->from_double(result);
        }
    }
}

static int margin_of(bool fast_kernel) {
    return fast_kernel ? NARROW_MARGIN_FAST : NARROW_MARGIN_ACCURATE;
}

void narrow_forward(const op_def *def, forward_kernel f32_kernel, bool fast_kernel,
                    const op_params *params, actfn_dtype dtype, const void *x, void *y, size_t n) {
    const kernel_table *table = active_kernels();
    int margin = margin_of(fast_kernel);
    if (dtype == ACTFN_F16)
        forward_blocks(&f16, table, def, f32_kernel, margin, params, x, y, n);
    else
        forward_blocks(&bf16, table, def, f32_kernel, margin, params, x, y, n);
}

void narrow_backward(backward_kernel f32_kernel, bool fast_kernel, scalar_backward_fn reference,
                     const op_params *params, actfn_dtype dtype, const void *v, const void *dy,
                     void *dx, size_t n) {
    const kernel_table *table = active_kernels();
    int margin = margin_of(fast_kernel);
    if (dtype == ACTFN_F16)
        backward_blocks(&f16, table, f32_kernel, margin, reference, params, v, dy, dx, n);
    else
        backward_blocks(&bf16, table, f32_kernel, margin, reference, params, v, dy, dx, n);
}
