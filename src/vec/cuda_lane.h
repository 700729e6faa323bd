/* SPDX-License-Identifier: MIT */
/* The vector layer for CUDA device code: one lane per thread (VF_LANES = VD_LANES = 1),
 * so that the kernel bodies written for the SIMD ISAs (src/kernels/ headers ending in
 * _body.h, with float_math.h and vector_math.h) compile unchanged as the GPU's f32
 * kernels. Every operation has the meaning vec.h gives it, lane by lane: IEEE results
 * rounded to nearest by the _rn intrinsics (never contracted into an fma, whatever
 * --fmad says), fmaf / fma rounding once, no flush to zero, and the x86 answers where
 * vec.h leaves one to the ISA (at_least / at_most return a where a and the bound are
 * zeros, as maxps / minps do), so that a body's result is the AVX-512 kernel's but for
 * vf_reciprocal_estimate, which is the correctly rounded 1/a here (within 2^-14, as
 * vec.h asks). Only the vocabulary of the bodies is here: loads, stores, tails and the
 * 16-bit and byte conversions are the CUDA kernels' own (src/cuda/). */
#ifndef ACTFN_VEC_CUDA_LANE_H
#define ACTFN_VEC_CUDA_LANE_H

#if !defined(__CUDACC__) && !defined(ACTFN_CUDA_ON_HOST)
#error "vec/cuda_lane.h is device code: compile it with nvcc (or tests/cuda_on_host.h)"
#endif

#include <stdint.h>

#define VF_LANES           1
#define VD_LANES           1
#define VEC_HAS_FMA        1
#define VEC_HAS_SCALE_EXP2 0
#define VEC_FUNCTION       static inline __device__
#define VEC_TABLE          static __device__ const
#ifdef __CUDACC__
#define VEC_UNROLL(n) VEC_PRAGMA(unroll n)
#endif

typedef float vf;
typedef double vd;
typedef bool mf;
typedef bool md;

#define LANE static inline __device__

LANE vf vf_zero(void) {
    return 0.0f;
}
LANE vf vf_set1(float x) {
    return x;
}
LANE vf vf_add(vf a, vf b) {
    return __fadd_rn(a, b);
}
LANE vf vf_sub(vf a, vf b) {
    return __fsub_rn(a, b);
}
LANE vf vf_mul(vf a, vf b) {
    return __fmul_rn(a, b);
}
LANE vf vf_div(vf a, vf b) {
    return __fdiv_rn(a, b);
}
LANE vf vf_fma(vf a, vf b, vf c) {
    return __fmaf_rn(a, b, c);
}
LANE vf vf_fnma(vf a, vf b, vf c) {
    return __fmaf_rn(-a, b, c);
}
LANE mf vf_gt(vf a, vf b) {
    return a > b;
}
LANE mf vf_lt(vf a, vf b) {
    return a < b;
}
LANE mf vf_ge(vf a, vf b) {
    return a >= b;
}
LANE mf vf_le(vf a, vf b) {
    return a <= b;
}
LANE mf vf_eq(vf a, vf b) {
    return a == b;
}
LANE mf vf_not_le(vf a, vf b) {
    return !(a <= b);
}
LANE mf vf_is_nan(vf a) {
    return a != a;
}
LANE vf vf_select(mf m, vf a, vf b) {
    return m ? a : b;
}
LANE mf mf_or(mf a, mf b) {
    return a || b;
}
LANE mf mf_and(mf a, mf b) {
    return a && b;
}
LANE mf mf_andnot(mf a, mf b) {
    return a && !b;
}
LANE int mf_any(mf m) {
    return m;
}
LANE unsigned mf_to_bits(mf m) {
    return m ? 1u : 0u;
}

LANE vd vd_zero(void) {
    return 0.0;
}
LANE vd vd_set1(double x) {
    return x;
}
LANE vd vd_add(vd a, vd b) {
    return __dadd_rn(a, b);
}
LANE vd vd_sub(vd a, vd b) {
    return __dsub_rn(a, b);
}
LANE vd vd_mul(vd a, vd b) {
    return __dmul_rn(a, b);
}
LANE vd vd_div(vd a, vd b) {
    return __ddiv_rn(a, b);
}
LANE vd vd_sqrt(vd a) {
    return __dsqrt_rn(a);
}
LANE vd vd_fma(vd a, vd b, vd c) {
    return __fma_rn(a, b, c);
}
LANE vd vd_fnma(vd a, vd b, vd c) {
    return __fma_rn(-a, b, c);
}
LANE md vd_gt(vd a, vd b) {
    return a > b;
}
LANE md vd_lt(vd a, vd b) {
    return a < b;
}
LANE md vd_ge(vd a, vd b) {
    return a >= b;
}
LANE md vd_le(vd a, vd b) {
    return a <= b;
}
LANE md vd_eq(vd a, vd b) {
    return a == b;
}
LANE md vd_not_le(vd a, vd b) {
    return !(a <= b);
}
LANE md vd_is_nan(vd a) {
    return a != a;
}
LANE vd vd_select(md m, vd a, vd b) {
    return m ? a : b;
}
LANE md md_or(md a, md b) {
    return a || b;
}
LANE md md_and(md a, md b) {
    return a && b;
}
LANE md md_andnot(md a, md b) {
    return a && !b;
}

/* ---- bit patterns ---- */
LANE vf vf_neg(vf a) {
    return -a;
}
LANE vf vf_abs(vf a) {
    return __uint_as_float(__float_as_uint(a) & 0x7fffffffu);
}
LANE vf vf_minus_abs(vf a) {
    return __uint_as_float(__float_as_uint(a) | 0x80000000u);
}
LANE vf vf_from_bits(uint32_t bits) {
    return __uint_as_float(bits);
}
LANE vf vf_bits_add(vf a, vf b) {
    return __uint_as_float(__float_as_uint(a) + __float_as_uint(b));
}
LANE vf vf_bits_shift_left(vf a, int count) {
    return __uint_as_float(__float_as_uint(a) << count);
}
LANE vf vf_bits_shift_right(vf a, int count) {
    return __uint_as_float(__float_as_uint(a) >> count);
}
LANE vf vf_with_sign_of(vf a, vf s) {
    return __uint_as_float((__float_as_uint(a) & 0x7fffffffu) | (__float_as_uint(s) & 0x80000000u));
}
LANE vf vf_reciprocal_estimate(vf a) {
    return __frcp_rn(a);
}
LANE vd vd_neg(vd a) {
    return -a;
}
LANE vd vd_abs(vd a) {
    return __longlong_as_double(__double_as_longlong(a) & 0x7fffffffffffffffLL);
}

/* maxps(low, a) and minps(high, a): a where a is NaN or equal to the bound. */
LANE vf vf_at_least(vf a, vf low) {
    return low > a ? low : a;
}
LANE vf vf_at_most(vf a, vf high) {
    return high < a ? high : a;
}
LANE vd vd_at_least(vd a, vd low) {
    return low > a ? low : a;
}
LANE vd vd_at_most(vd a, vd high) {
    return high < a ? high : a;
}

/* 2^k for integer-valued k, by the same bit arithmetic as the SIMD layers (k + 1.5 2^23
 * holds k in its low mantissa bits), so that any input gives their bits. */
LANE vf vf_exp2_integer(vf k) {
    unsigned bits = __float_as_uint(__fadd_rn(k, 0x1.8p23f)) - __float_as_uint(0x1.8p23f);
    return __uint_as_float((bits + 127u) << 23);
}
LANE vd vd_exp2_integer(vd k) {
    unsigned long long bits = (unsigned long long)__double_as_longlong(__dadd_rn(k, 0x1.8p52)) -
                              (unsigned long long)__double_as_longlong(0x1.8p52);
    return __longlong_as_double((long long)((bits + 1023ull) << 52));
}

/* Tables stay in global memory (VEC_TABLE is __device__), read through the read-only
 * cache: a warp's lanes reading one 64- or 128-byte table are served together. */
typedef const float *vf_table8;
typedef const float *vf_table16;
typedef const float *vf_table32;
LANE vf_table8 vf_table8_load(const float *table) {
    return table;
}
LANE vf vf_lookup8(vf_table8 table, vf index) {
    return __ldg(table + (__float_as_uint(index) & 7u));
}
LANE vf_table16 vf_table16_load(const float *table) {
    return table;
}
LANE vf vf_lookup16(vf_table16 table, vf index) {
    return __ldg(table + (__float_as_uint(index) & 15u));
}
LANE vf_table32 vf_table32_load(const float *table) {
    return table;
}
LANE vf vf_lookup32(vf_table32 table, vf index) {
    return __ldg(table + (__float_as_uint(index) & 31u));
}

#undef LANE

#endif
