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

static inline uint16_t relu_bits(uint16_t h, uint16_t infinity) {
    return (h & 0x8000) && (h & 0x7fff) <= infinity ? 0 : h;
}

static inline void relu_narrow(const uint16_t *x, uint16_t *y, size_t n, uint16_t infinity) {
    size_t i = 0;
    for (; i + BLOCK <= n; i += BLOCK) {
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC ivdep
#endif
        for (size_t j = i; j < i + BLOCK; j++)
            y[j] = relu_bits(x[j], infinity);
    }
    for (; i < n; i++)
        y[i] = relu_bits(x[i], infinity);
}

static void ISA_FUNCTION(relu_f16)(const op_params *p, const void *x, void *y, size_t n) {
    (void)p;
    relu_narrow(x, y, n, 0x7c00);
}

static void ISA_FUNCTION(relu_bf16)(const op_params *p, const void *x, void *y, size_t n) {
    (void)p;
    relu_narrow(x, y, n, 0x7f80);
}

void ISA_FUNCTION(fill_narrow_relu)(kernel_table *table);
void ISA_FUNCTION(fill_narrow_relu)(kernel_table *table) {
    table->forward_narrow[NARROW_F16][ACTFN_RELU] = ISA_FUNCTION(relu_f16);
    table->forward_narrow[NARROW_BF16][ACTFN_RELU] = ISA_FUNCTION(relu_bf16);
}
