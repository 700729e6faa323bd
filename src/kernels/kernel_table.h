/* SPDX-License-Identifier: MIT */
/* What a set of SIMD kernels for one ISA provides: for each dtype and op, a forward, a
 * backward from x and a backward from y, or NULL where the scalar reference serves.
 * Kernels do arithmetic only; the API has validated everything before they run. */
#ifndef ACTFN_KERNEL_TABLE_H
#define ACTFN_KERNEL_TABLE_H

#include "spec/op_table.h"

#include <stdint.h>

typedef void (*forward_kernel)(const op_params *p, const void *x, void *y, size_t n);
typedef void (*backward_kernel)(const op_params *p, const void *v, const void *dy, void *dx,
                                size_t n);

/* The op kernels have a slot per dtype and accuracy tier (actfn_accuracy): f32, f64, and
 * f32 at ACTFN_FAST; the layer kernels one per dtype. */
enum { SLOT_F32 = 0, SLOT_F64 = 1, DTYPE_SLOTS = 2, SLOT_F32_FAST = 2, KERNEL_SLOTS = 3 };

/* The slot of f32 or f64 (the callers' 16-bit types take other paths before a slot). */
static inline int slot_of_wide_dtype(actfn_dtype dtype) {
    return dtype == ACTFN_F64 ? SLOT_F64 : SLOT_F32;
}

/* f16 / bf16 to and from float, on whole vectors (n a multiple of the ISA's float lanes;
 * at most 16; n below 2^16). narrow stores, for each vector holding a value within about
 * margin float ULPs of a 16-bit midpoint (see narrow_conversions.c), one entry: the
 * vector's offset in the low 16 bits, its flagged lanes above (FLAGGED_OFFSET, _LANES),
 * and returns how many; with flagged NULL it only converts. */
#define FLAGGED_OFFSET(entry) ((entry)&0xffffu)
#define FLAGGED_LANES(entry)  ((entry) >> 16)
typedef void (*widen_kernel)(const uint16_t *in, float *out, size_t n);
typedef size_t (*narrow_kernel)(const float *in, uint16_t *out, size_t n, uint32_t *flagged,
                                int margin);
enum { NARROW_F16 = 0, NARROW_BF16 = 1, NARROW_TYPES = 2 };
/* One row of the mask backward (actfn_mask_backward): dx[j] = dy[j] where bit j of bits
 * is set, else +0 (slope 0) or dy[j] * slope; dx may equal dy. */
typedef void (*mask_kernel)(const uint8_t *bits, const void *dy, void *dx, size_t n, double slope,
                            int stream);
/* The row kernels' stream argument: ordinary stores; non-temporal ones; non-temporal ones
 * and then the fence that orders them before later stores. A part of a batch fences
 * once, after its last row: a fence costs about as much as streaming a row. */
enum { STREAM_NONE = 0, STREAM_ONLY = 1, STREAM_AND_FENCE = 2 };
/* One row of the mask forward (actfn_mask_forward) of relu, leaky_relu or relu6 in one
 * pass: y = f(x) (y may equal x); bit j of bits set where the derivative is the active
 * one (0 < x, and x < 6 for relu6, or x == 0 where zero_bit); with counts not NULL,
 * counts[j] += (x > 0) in the dtype. stream (STREAM_*): y by non-temporal stores (y
 * aligned to its elements, not x). */
typedef void (*mask_forward_kernel)(const op_params *p, const void *x, void *y, uint8_t *bits,
                                    void *counts, size_t n, int zero_bit, int stream);
/* One row of PReLU: y = x > 0 ? x : slopes * x (y may equal x); its backward: dx = x > 0
 * ? dy : slopes * dy (dx may equal dy) and sums[j] += x > 0 ? 0 : x * dy in double. */
typedef void (*prelu_kernel)(const void *x, const void *slopes, void *y, size_t n);
typedef void (*prelu_backward_kernel)(const void *x, const void *slopes, const void *dy, void *dx,
                                      double *sums, size_t n);
/* One row of the fused bias + activation in one pass: y = f(x + b), the sum rounded to
 * the dtype first (y may equal x); stream as mask_forward_kernel's. */
typedef void (*bias_forward_kernel)(const op_params *p, const void *x, const void *bias, void *y,
                                    size_t n, int stream);
/* out[r] = a[r] + b elementwise for count rows, a's a_stride elements apart, out's
 * out_stride (the bias add of the fused bias + activation). */
typedef void (*add_kernel)(const void *a, size_t a_stride, const void *b, void *out,
                           size_t out_stride, size_t count, size_t n);
/* sums[j] += rows[r][j] for each of count rows (stride elements apart) in turn, in double
 * (the bias gradient's column sums). */
typedef void (*sum_kernel)(const void *rows, size_t stride, size_t count, double *sums, size_t n);
/* y[i] = table[x[i]] (the quantized ops); y may equal x; stream (out of place only): y by
 * non-temporal stores, fenced before the return. */
typedef void (*lookup_kernel)(const uint8_t table[256], const uint8_t *x, uint8_t *y, size_t n,
                              int stream);
/* y[i] = min(max(x[i] ^ flip, low), high) ^ flip; y may equal x; stream as lookup_kernel's. */
typedef void (*clamp_kernel)(const uint8_t *x, uint8_t *y, size_t n, uint8_t low, uint8_t high,
                             uint8_t flip, int stream);
/* rrelu's training pass over n elements whose slopes are those of indices index ..
 * (key: rrelu_mix(seed)); dy NULL: the forward into out, else the backward */
typedef void (*rrelu_train_kernel)(double lower, double upper, uint64_t key, uint64_t index,
                                   const void *x, const void *dy, void *out, size_t n);

/* Maxout over pairs (k = 2) on one row of groups pairs: y[g] from x[2g], x[2g + 1]; the
 * backward dx from x and dy (layers/maxout_rows.h's rule; no overlap). */
typedef void (*maxout_pairs_kernel)(const void *x, void *y, size_t groups);
typedef void (*maxout_pairs_backward_kernel)(const void *x, const void *dy, void *dx,
                                             size_t groups);

typedef struct kernel_table {
    forward_kernel forward[KERNEL_SLOTS][ACTFN_KIND_COUNT];
    /* The forward with non-temporal stores, for out-of-place calls on large arrays. */
    forward_kernel forward_stream[KERNEL_SLOTS][ACTFN_KIND_COUNT];
    backward_kernel backward[KERNEL_SLOTS][ACTFN_KIND_COUNT];
    backward_kernel backward_from_output[KERNEL_SLOTS][ACTFN_KIND_COUNT];
    /* A forward straight on f16 / bf16 bit patterns (relu); NULL: through float. */
    forward_kernel forward_narrow[NARROW_TYPES][ACTFN_KIND_COUNT];
    widen_kernel widen[NARROW_TYPES]; /* NULL: the scalar conversions */
    narrow_kernel narrow[NARROW_TYPES];
    lookup_kernel lookup_bytes;             /* NULL: byte by byte */
    clamp_kernel clamp_bytes;               /* NULL: the lookup */
    mask_kernel mask_backward[DTYPE_SLOTS]; /* NULL: bit by bit */
    add_kernel add_rows[DTYPE_SLOTS];       /* NULL: element by element */
    sum_kernel add_to_sums[DTYPE_SLOTS];    /* NULL: element by element */
    /* the piecewise ops (piecewise.c); NULL: the add, then the op's forward on the row */
    bias_forward_kernel bias_forward[DTYPE_SLOTS][ACTFN_KIND_COUNT];
    /* relu, leaky_relu, relu6 (piecewise.c); NULL: the bits, then the forward */
    mask_forward_kernel mask_forward[DTYPE_SLOTS][ACTFN_KIND_COUNT];
    /* gated linear units y = a g(b) with g(b) and the product rounded once, called as
     * kernel(p, b, a, y, n): f32 in double lanes (smooth.c), and for the gates that only
     * select (relu, hardtanh, ...) a float or double product (piecewise.c); NULL:
     * through the gate's f64 kernel (layers/glu.c) */
    backward_kernel glu_forward[DTYPE_SLOTS][ACTFN_KIND_COUNT];
    prelu_kernel prelu_forward[DTYPE_SLOTS]; /* NULL: element by element */
    prelu_backward_kernel prelu_backward[DTYPE_SLOTS];
    rrelu_train_kernel rrelu_train[DTYPE_SLOTS];           /* NULL: element by element (rrelu.c) */
    maxout_pairs_kernel maxout_pairs_forward[DTYPE_SLOTS]; /* NULL: the scalar rows */
    maxout_pairs_backward_kernel maxout_pairs_backward[DTYPE_SLOTS];
} kernel_table;

/* The families of op kernels, each from its own source: which one serves an op, dtype
 * and direction on an ISA is declared in that ISA's kernel_choice (isa_table.c). */
typedef enum kernel_family {
    FAMILY_REFERENCE,    /* no kernel: the scalar reference, element by element */
    FAMILY_PIECEWISE,    /* piecewise.c: compares and selects, bit-exact */
    FAMILY_DOUBLE_LANES, /* smooth.c: f32 widened to double lanes, rounded once */
    FAMILY_FLOAT_LANES,  /* smooth_f32.c, gelu_f32.c: float lanes, where the fma rounds once */
    FAMILY_FAST_LANES,   /* fast_f32.c: float lanes at ACTFN_FAST, where the fma rounds once */
    FAMILY_F64_LANES,    /* smooth_f64.c: f64 in double lanes, where the fma rounds once */
    FAMILY_COUNT
} kernel_family;

/* In the SLOT_F32_FAST row, an op whose family is not FAMILY_FAST_LANES runs the kernel
 * that family has for SLOT_F32: the accurate kernel, within the fast bound too. */
typedef struct kernel_choice {
    kernel_family forward[KERNEL_SLOTS][ACTFN_KIND_COUNT];  /* and its streaming form */
    kernel_family backward[KERNEL_SLOTS][ACTFN_KIND_COUNT]; /* and from the output */
} kernel_choice;

/* One set per ISA, each defined by the kernel sources compiled for that ISA: the table
 * that ISA runs with, built from its declared choice; the choice itself; and every
 * kernel of one family (for the test that the table holds what the choice says). */
#define DECLARE_ISA_KERNELS(isa)                                                                   \
    void fill_kernel_table_##isa(kernel_table *table);                                             \
    const kernel_choice *kernel_choice_##isa(void);                                                \
    void fill_kernel_family_##isa(kernel_family family, kernel_table *table);
DECLARE_ISA_KERNELS(sse2)
DECLARE_ISA_KERNELS(avx2)
DECLARE_ISA_KERNELS(avx512)
DECLARE_ISA_KERNELS(neon)
#undef DECLARE_ISA_KERNELS
/* byte_lookup.c and narrow_relu.c built again for AVX-512 with VBMI and BW: replace the
 * AVX-512 table's lookup_bytes, clamp_bytes and 16-bit relu on CPUs that have them. */
void fill_byte_lookup_avx512vbmi(kernel_table *table);
void fill_narrow_relu_avx512vbmi(kernel_table *table);
/* narrow_conversions.c built again with AVX512-BF16: replaces the bf16 narrowing */
void fill_narrow_conversions_avx512bf16(kernel_table *table);

#endif
