/* SPDX-License-Identifier: MIT */
/* IEEE binary16 (f16) and bfloat16 (bf16) to and from double, bit by bit: widening is
 * exact; narrowing rounds to nearest, ties to even, once, with subnormals kept (no
 * flush), overflow to infinity, and NaN kept NaN (quiet, sign and top payload bits
 * kept). Narrowing from double rather than float avoids a double rounding. */
#ifndef ACTFN_NARROW_FLOAT_H
#define ACTFN_NARROW_FLOAT_H

#include <stdint.h>
#include <string.h>

#if !defined(__CUDACC__) &&                                                                        \
    !defined(ACTFN_CUDA_ON_HOST) /* there narrow_float.c is included, its functions static */
double f16_to_double(uint16_t h);
uint16_t double_to_f16(double x);
double bf16_to_double(uint16_t b);
uint16_t double_to_bf16(double x);
#endif

/* The same conversions to and from float, by bit manipulation, inline for the kernels
 * (narrowing from a float is a second rounding where the float was itself rounded:
 * narrow_loops.c checks for that). Checked against F16C on all 2^32 floats. */
static inline uint32_t float_bits(float x) {
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static inline float float_of(uint32_t u) {
    float x;
    memcpy(&x, &u, sizeof x);
    return x;
}

static inline float f16_to_float(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, rest = h & 0x7fff;
    if (rest >= 0x7c00) return float_of(sign | 0x7f800000 | ((rest & 0x3ff) << 13)); /* inf, NaN */
    if (rest >= 0x0400) return float_of(sign | ((rest << 13) + ((127 - 15) << 23)));
    return float_of(sign | float_bits((float)rest * 0x1p-24f)); /* subnormal, exact */
}

static inline uint16_t float_to_f16(float x) {
    uint32_t u = float_bits(x), sign = (u >> 16) & 0x8000, rest = u & 0x7fffffff;
    if (rest > 0x7f800000) return (uint16_t)(sign | 0x7e00 | ((rest >> 13) & 0x3ff)); /* NaN */
    if (rest >= 0x477ff000) return (uint16_t)(sign | 0x7c00); /* >= 65520 rounds to inf */
    if (rest < 0x38800000) {
        /* below 2^-14, a subnormal result: adding 0.5, whose ULP is the f16 subnormal
         * quantum 2^-24, rounds to nearest even in hardware */
        return (uint16_t)(sign | (float_bits(float_of(rest) + 0.5f) - float_bits(0.5f)));
    }
    uint32_t odd = (rest >> 13) & 1;
    return (uint16_t)(sign | ((rest + ((uint32_t)(15 - 127) << 23) + 0xfff + odd) >> 13));
}

static inline float bf16_to_float(uint16_t b) {
    return float_of((uint32_t)b << 16);
}

static inline uint16_t float_to_bf16(float x) {
    uint32_t u = float_bits(x);
    if ((u & 0x7fffffff) > 0x7f800000) return (uint16_t)((u >> 16) | 0x40); /* quiet NaN */
    return (uint16_t)((u + 0x7fff + ((u >> 16) & 1)) >> 16);
}

#endif
