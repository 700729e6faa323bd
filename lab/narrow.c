/* SPDX-License-Identifier: MIT */
#include "narrow.h"

#include "wide_clones.h"

#include <stdint.h>
#include <string.h>

/* Written on the bits so that the product's loop vectorises: f16 keeps 11 of f32's 24
 * significant bits, so a normal value rounds by adding half of the dropped 13 bits' unit
 * (less one, plus the kept last bit: ties to even) and clearing them; a carry into the
 * exponent is the right result. Below 2^-14 (f16's subnormals, a fixed grid of 2^-24)
 * adding and taking away 0.75, whose f32 ULP is 2^-24, rounds to that grid. */
static inline float round_f16(float v) {
    uint32_t u, magnitude, rounded, tiny_bits;
    memcpy(&u, &v, sizeof u);
    magnitude = u & 0x7fffffffu;
    rounded = (magnitude + 0xfffu + ((magnitude >> 13) & 1u)) & ~0x1fffu;
    rounded = rounded > 0x477fe000u ? 0x7f800000u : rounded; /* above 65504: inf */
    float absolute, tiny;
    memcpy(&absolute, &magnitude, sizeof absolute);
    tiny = (absolute + 0.75f) - 0.75f;
    memcpy(&tiny_bits, &tiny, sizeof tiny_bits);
    rounded = magnitude < 0x38800000u ? tiny_bits : rounded;
    rounded = magnitude > 0x7f800000u ? magnitude : rounded; /* NaN */
    u = (u & 0x80000000u) | rounded;
    memcpy(&v, &u, sizeof v);
    return v;
}

float narrow_round_f16(float v) {
    return round_f16(v);
}

void narrow_round_all_f16(float *values, size_t n) {
    for (size_t i = 0; i < n; i++)
        values[i] = round_f16(values[i]);
}

/* One row of c: each step over k adds a row of b times one element of a, rounded. */
static inline void product_row(size_t n, size_t k, const float *a_row, const float *b, size_t ldb,
                               float *c_row) {
    for (size_t j = 0; j < n; j++)
        c_row[j] = 0;
    for (size_t p = 0; p < k; p++) {
        float scale = a_row[p];
        if (scale == 0) continue; /* + 0 x b changes nothing (b finite) */
        const float *b_row = b + p * ldb;
        for (size_t j = 0; j < n; j++)
            c_row[j] = round_f16(c_row[j] + round_f16(scale * b_row[j]));
    }
}

/* The product is the lab's hot loop in 16-bit-sum runs. */
WIDE_CLONES
void narrow_gemm_f16(size_t m, size_t n, size_t k, const float *a, size_t lda, const float *b,
                     size_t ldb, float *c, size_t ldc) {
    for (size_t i = 0; i < m; i++)
        product_row(n, k, a + i * lda, b, ldb, c + i * ldc);
}
