/* SPDX-License-Identifier: MIT */
/* 16-bit arithmetic for the lab's f16 training, held in f32 arrays: rounding to f16's
 * values, and a matrix product whose every multiply-add is rounded to f16 (a 16-bit
 * accumulator, where sums cancel to exact zeros far more often than in f32). */
#ifndef ACTFN_LAB_NARROW_H
#define ACTFN_LAB_NARROW_H

#include <stddef.h>

/* v rounded to the nearest f16 value (ties to even), as an f32: subnormals on f16's
 * grid, overflow to +-inf, NaN kept. */
float narrow_round_f16(float v);

/* n values rounded in place by narrow_round_f16. */
void narrow_round_all_f16(float *values, size_t n);

/* c (m x n, row stride ldc) = a (m x k, row stride lda) times b (k x n, row stride ldb), all
 * row-major and holding f16 values, accumulated in f16: each c = round(c + a b) with a b
 * exact in f32 and the f32 sum rounded to f16 (twice rounded: it differs from a fused f16
 * multiply-add only where the f32 sum falls exactly on an f16 tie). */
void narrow_gemm_f16(size_t m, size_t n, size_t k, const float *a, size_t lda, const float *b,
                     size_t ldb, float *c, size_t ldc);

#endif
