/* SPDX-License-Identifier: MIT */
/* relu directly on f16 and bf16 bit patterns: off (+0) where the sign bit is set and the
 * value is not NaN, else the input unchanged. Bit for bit the float path's result (widen,
 * relu, narrow) except that a NaN passes without being quieted (its payload is
 * unspecified, docs/semantics.md). Plain C that the compiler vectorises for each ISA
 * this file is compiled for: blocks of 256 with no dependence between elements (y may
 * equal x, never overlap it otherwise), then the tail. */
#include "kernels/kernel_template.h"

/* whole blocks: a trip count gcc -O2's cheap vectoriser takes (no epilogue); long enough
 * that the block's bookkeeping is small next to its vectors (AVX-512 BW: 8 of 32) */
enum { BLOCK = 256 };

/* Read as signed 16-bit integers, the patterns to switch off (sign set, -0 to -inf) are
 * exactly those at or below -inf's: -0 is the most negative, -inf's pattern the largest of
 * them, and the negative NaNs lie above it. So one signed compare per element. */
static inline uint16_t relu_bits(uint16_t h, int16_t negative_infinity) {
    return (int16_t)h > negative_infinity ? h : 0;
}

static inline void relu_narrow(const uint16_t *x, uint16_t *y, size_t n,
                               int16_t negative_infinity) {
    size_t i = 0;
    for (; i + BLOCK <= n; i += BLOCK) {
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC ivdep
#pragma GCC unroll 4
#endif
        for (size_t j = i; j < i + BLOCK; j++)
            y[j] = relu_bits(x[j], negative_infinity);
    }
    for (; i < n; i++)
        y[i] = relu_bits(x[i], negative_infinity);
}

static void ISA_FUNCTION(relu_f16)(const op_params *p, const void *x, void *y, size_t n) {
    (void)p;
    relu_narrow(x, y, n, (int16_t)-1024); /* 0xfc00, f16's -inf */
}

static void ISA_FUNCTION(relu_bf16)(const op_params *p, const void *x, void *y, size_t n) {
    (void)p;
    relu_narrow(x, y, n, (int16_t)-128); /* 0xff80, bf16's -inf */
}

void ISA_FUNCTION(fill_narrow_relu)(kernel_table *table);
void ISA_FUNCTION(fill_narrow_relu)(kernel_table *table) {
    table->forward_narrow[NARROW_F16][ACTFN_RELU] = ISA_FUNCTION(relu_f16);
    table->forward_narrow[NARROW_BF16][ACTFN_RELU] = ISA_FUNCTION(relu_bf16);
}
