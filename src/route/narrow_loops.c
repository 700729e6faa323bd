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
    uint16_t (*from_double)(double);
    int kept_bits;            /* the float mantissa bits a normal value keeps */
    uint32_t min_normal_bits; /* the float bits of the type's smallest normal */
    double min_normal, limit; /* rounded by integers between these (round_double) */
} narrow_type;

static const narrow_type f16 = {NARROW_F16, double_to_f16, 10, 0x38800000, 0x1p-14, 0x1p16};
static const narrow_type bf16 = {NARROW_BF16, double_to_bf16, 7, 0x00800000, 0x1p-126, 0x1p127};

/* The float conversions, inlined: each loop below is instantiated once per type. */
static inline float to_float(const narrow_type *t, uint16_t h) {
    return t == &f16 ? f16_to_float(h) : bf16_to_float(h);
}

static inline uint16_t from_float(const narrow_type *t, float x) {
    return t == &f16 ? float_to_f16(x) : float_to_bf16(x);
}

/* A double rounded to the type, nearest even: within the type's normal range by adding
 * half a unit (less one, plus the kept last bit) to the double's bits and dropping the
 * rest, which leaves a value float holds exactly (a carry into the next binade, past
 * the largest finite value to inf, included); elsewhere (subnormals, NaN, inf, huge)
 * by the reference conversion. The suspects' results take this path: frexp and ldexp
 * cost more than the f64 kernel that computed them. */
static inline uint16_t round_double(const narrow_type *t, double d) {
    double magnitude = fabs(d);
    if (!(magnitude >= t->min_normal && magnitude < t->limit)) return t->from_double(d);
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    int dropped = 52 - t->kept_bits;
    u += ((uint64_t)1 << (dropped - 1)) - 1 + ((u >> dropped) & 1);
    u &= ~(((uint64_t)1 << dropped) - 1);
    memcpy(&d, &u, sizeof d);
    return from_float(t, (float)d);
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
    bool whole = m % MAX_LANES == 0; /* the usual case: straight into out, no copy */
    size_t vectors = narrow(in, whole ? out : padded, whole_vectors(m), flagged, margin);
    if (!whole) memcpy(out, padded, m * sizeof *out);
    /* the kernel's flagged lanes are the suspects (its test is at least as wide as
     * near_a_midpoint's), in order */
    for (size_t k = 0; k < vectors; k++) {
        uint32_t lanes = FLAGGED_LANES(flagged[k]);
        for (; lanes != 0; lanes &= lanes - 1) {
            size_t j = FLAGGED_OFFSET(flagged[k]) + (size_t)__builtin_ctz(lanes);
            if (j < m) suspects[count++] = (uint32_t)j;
        }
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

/* Whether n values at a and at b share any byte. */
static inline bool overlaps(const uint16_t *a, const uint16_t *b, size_t n) {
    return (uintptr_t)a < (uintptr_t)(b + n) && (uintptr_t)b < (uintptr_t)(a + n);
}

static inline void forward_blocks(const narrow_type *t, const kernel_table *table,
                                  const op_def *def, forward_kernel f32_kernel, int margin,
                                  const op_params *params, const uint16_t *x, uint16_t *y,
                                  size_t n) {
    float values[BLOCK];
    uint32_t suspects[BLOCK];
    uint16_t copies[BLOCK];
    double wide[BLOCK], results[BLOCK];
    /* the suspects again in double: by the f64 kernel where the op has one (far below a
     * float ULP from the truth, as the reference), a batch at a time */
    forward_kernel f64_kernel = table->forward[SLOT_F64][def - actfn_op_table];
    /* the inputs are read again for the suspects: kept aside where y overlaps x */
    bool overlap = overlaps(y, x, n);
    for (size_t i = 0; i < n; i += BLOCK) {
        size_t m = n - i < BLOCK ? n - i : BLOCK;
        const uint16_t *source = x + i, *inputs = source;
        if (!def->selects_only && overlap) {
            memcpy(copies, source, m * sizeof *x);
            source = inputs = copies;
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
        if (count == 0) continue;
        for (size_t k = 0; k < count; k++)
            wide[k] = to_float(t, inputs[suspects[k]]); /* exact */
        if (f64_kernel != NULL)
            f64_kernel(params, wide, results, count);
        else
            for (size_t k = 0; k < count; k++)
                results[k] = def->forward(wide[k], params);
        for (size_t k = 0; k < count; k++) {
            double result = results[k];
            if (def->above_half_x_near_zero) result = nudge_half_x(wide[k], result);
            y[i + suspects[k]] = round_double(t, result);
        }
    }
}

static inline void backward_blocks(const narrow_type *t, const kernel_table *table,
                                   backward_kernel f32_kernel, int margin,
                                   scalar_backward_fn reference, const op_params *params,
                                   const uint16_t *v, const uint16_t *dy, uint16_t *dx, size_t n) {
    float values[BLOCK], gradients[BLOCK];
    uint32_t suspects[BLOCK];
    uint16_t copies[BLOCK], gradient_copies[BLOCK];
    /* the inputs are read again for the suspects: kept aside where dx overlaps them */
    bool overlap = overlaps(dx, v, n) || overlaps(dx, dy, n);
    for (size_t i = 0; i < n; i += BLOCK) {
        size_t m = n - i < BLOCK ? n - i : BLOCK;
        const uint16_t *inputs = v + i, *input_gradients = dy + i;
        if (overlap) {
            memcpy(copies, inputs, m * sizeof *v);
            memcpy(gradient_copies, input_gradients, m * sizeof *dy);
            inputs = copies, input_gradients = gradient_copies;
        }
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
                reference(to_float(t, inputs[j]), to_float(t, input_gradients[j]), params);
            dx[i + j] = round_double(t, result);
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
