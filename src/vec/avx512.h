/* SPDX-License-Identifier: MIT */
/* The vector layer on AVX-512 F and DQ (16 floats, 8 doubles); masks are k-registers, and
 * the tails are masked loads and stores, which do not touch the masked-off lanes. */
#include <immintrin.h>
#include <stdint.h>
/* The byte lookups: 64 at a time where the compiler targets VBMI and BW (a second build
 * of byte_lookup.c and narrow_relu.c, with their own names), else AVX2's 32. */
#if defined(__AVX512VBMI__) && defined(__AVX512BW__)
#include "vec/x86_bytes_vbmi.h"
#define VEC_ISA_SUFFIX avx512vbmi
#elif defined(__AVX512BF16__) && defined(__AVX512BW__)
/* a third build, of narrow_conversions.c alone: bf16 rounding in one instruction */
#include "vec/x86_bytes.h"
#define VEC_ISA_SUFFIX avx512bf16
#else
#include "vec/x86_bytes.h"
#define VEC_ISA_SUFFIX avx512
#endif

#define VF_LANES           16
#define VD_LANES           8
#define VEC_HAS_FMA        1
#define VEC_HAS_SCALE_EXP2 1

typedef __m512 vf;
typedef __mmask16 mf;
typedef __m512d vd;
typedef __mmask8 md;

static inline mf vf_tail_mask(size_t n) {
    return (mf)((1u << n) - 1u);
}
static inline md vd_tail_mask(size_t n) {
    return (md)((1u << n) - 1u);
}

static inline vf vf_load(const float *p) {
    return _mm512_loadu_ps(p);
}
static inline void vf_store(float *p, vf v) {
    _mm512_storeu_ps(p, v);
}
static inline vf vf_load_tail(const float *p, size_t n) {
    return _mm512_maskz_loadu_ps(vf_tail_mask(n), p);
}
static inline void vf_store_tail(float *p, vf v, size_t n) {
    _mm512_mask_storeu_ps(p, vf_tail_mask(n), v);
}
static inline vf vf_zero(void) {
    return _mm512_setzero_ps();
}
static inline vf vf_set1(float x) {
    return _mm512_set1_ps(x);
}
static inline vf vf_add(vf a, vf b) {
    return _mm512_add_ps(a, b);
}
static inline vf vf_sub(vf a, vf b) {
    return _mm512_sub_ps(a, b);
}
static inline vf vf_mul(vf a, vf b) {
    return _mm512_mul_ps(a, b);
}
static inline vf vf_div(vf a, vf b) {
    return _mm512_div_ps(a, b);
}
static inline vf vf_fma(vf a, vf b, vf c) {
    return _mm512_fmadd_ps(a, b, c);
}
static inline vf vf_fnma(vf a, vf b, vf c) {
    return _mm512_fnmadd_ps(a, b, c);
}
static inline mf vf_gt(vf a, vf b) {
    return _mm512_cmp_ps_mask(a, b, _CMP_GT_OQ);
}
static inline mf vf_lt(vf a, vf b) {
    return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ);
}
static inline mf vf_ge(vf a, vf b) {
    return _mm512_cmp_ps_mask(a, b, _CMP_GE_OQ);
}
static inline mf vf_le(vf a, vf b) {
    return _mm512_cmp_ps_mask(a, b, _CMP_LE_OQ);
}
static inline mf vf_eq(vf a, vf b) {
    return _mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ);
}
static inline mf vf_not_le(vf a, vf b) {
    return _mm512_cmp_ps_mask(a, b, _CMP_NLE_UQ);
}
static inline mf vf_is_nan(vf a) {
    return _mm512_cmp_ps_mask(a, a, _CMP_UNORD_Q);
}
/* vfixupimm by a's class (4 bits a class, classes QNaN, SNaN, +-0, +1, -inf, +inf,
 * negative, positive): a itself (response 1) or +0 (response 8); one instruction. */
#define VEC_POSITIVE_PART_CLASSES 0x18181811
static inline vf vf_positive_part(vf a) {
    return _mm512_fixupimm_ps(a, a, _mm512_set1_epi32(VEC_POSITIVE_PART_CLASSES), 0);
}
static inline vf vf_select(mf m, vf a, vf b) {
    return _mm512_mask_blend_ps(m, b, a);
}
static inline mf mf_or(mf a, mf b) {
    return (mf)(a | b);
}
static inline mf mf_and(mf a, mf b) {
    return (mf)(a & b);
}
static inline mf mf_andnot(mf a, mf b) {
    return (mf)(a & (mf)~b);
}

static inline vd vd_load(const double *p) {
    return _mm512_loadu_pd(p);
}
static inline void vd_store(double *p, vd v) {
    _mm512_storeu_pd(p, v);
}
static inline vd vd_load_tail(const double *p, size_t n) {
    return _mm512_maskz_loadu_pd(vd_tail_mask(n), p);
}
static inline void vd_store_tail(double *p, vd v, size_t n) {
    _mm512_mask_storeu_pd(p, vd_tail_mask(n), v);
}
static inline vd vd_zero(void) {
    return _mm512_setzero_pd();
}
static inline vd vd_set1(double x) {
    return _mm512_set1_pd(x);
}
static inline vd vd_add(vd a, vd b) {
    return _mm512_add_pd(a, b);
}
static inline vd vd_sub(vd a, vd b) {
    return _mm512_sub_pd(a, b);
}
static inline vd vd_mul(vd a, vd b) {
    return _mm512_mul_pd(a, b);
}
static inline vd vd_div(vd a, vd b) {
    return _mm512_div_pd(a, b);
}
static inline vd vd_sqrt(vd a) {
    return _mm512_sqrt_pd(a);
}
static inline vd vd_fma(vd a, vd b, vd c) {
    return _mm512_fmadd_pd(a, b, c);
}
static inline vd vd_fnma(vd a, vd b, vd c) {
    return _mm512_fnmadd_pd(a, b, c);
}
static inline md vd_gt(vd a, vd b) {
    return _mm512_cmp_pd_mask(a, b, _CMP_GT_OQ);
}
static inline md vd_lt(vd a, vd b) {
    return _mm512_cmp_pd_mask(a, b, _CMP_LT_OQ);
}
static inline md vd_ge(vd a, vd b) {
    return _mm512_cmp_pd_mask(a, b, _CMP_GE_OQ);
}
static inline md vd_le(vd a, vd b) {
    return _mm512_cmp_pd_mask(a, b, _CMP_LE_OQ);
}
static inline md vd_eq(vd a, vd b) {
    return _mm512_cmp_pd_mask(a, b, _CMP_EQ_OQ);
}
static inline md vd_not_le(vd a, vd b) {
    return _mm512_cmp_pd_mask(a, b, _CMP_NLE_UQ);
}
static inline md vd_is_nan(vd a) {
    return _mm512_cmp_pd_mask(a, a, _CMP_UNORD_Q);
}
static inline vd vd_positive_part(vd a) {
    return _mm512_fixupimm_pd(a, a, _mm512_set1_epi64(VEC_POSITIVE_PART_CLASSES), 0);
}
static inline vd vd_select(md m, vd a, vd b) {
    return _mm512_mask_blend_pd(m, b, a);
}
static inline md md_or(md a, md b) {
    return (md)(a | b);
}
static inline md md_and(md a, md b) {
    return (md)(a & b);
}
static inline md md_andnot(md a, md b) {
    return (md)(a & (md)~b);
}

/* f16 and bf16 (whole vectors of VF_LANES 16-bit values): AVX-512F conversions for
 * f16; bf16 by integer shifts, rounded to nearest even, NaN kept quiet. */
static inline vf vf_load_f16(const uint16_t *p) {
    return _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)p));
}
static inline __m256i vf_to_f16_bits(vf v) {
    return _mm512_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
}
static inline void vf_store_f16(uint16_t *p, vf v) {
    _mm256_storeu_si256((__m256i *)p, vf_to_f16_bits(v));
}
static inline vf vf_round_f16(vf v) {
    return _mm512_cvtph_ps(vf_to_f16_bits(v));
}
static inline vf vf_load_bf16(const uint16_t *p) {
    __m512i wide = _mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)p));
    return _mm512_castsi512_ps(_mm512_slli_epi32(wide, 16));
}
static inline __m512i vf_bf16_high_bits(vf v) {
    __m512i bits = _mm512_castps_si512(v);
    __m512i odd = _mm512_and_si512(_mm512_srli_epi32(bits, 16), _mm512_set1_epi32(1));
    __m512i rounded = _mm512_add_epi32(bits, _mm512_add_epi32(_mm512_set1_epi32(0x7fff), odd));
    __m512i quiet = _mm512_or_si512(bits, _mm512_set1_epi32(0x400000));
    __mmask16 nan = _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
    return _mm512_and_si512(_mm512_mask_blend_epi32(nan, rounded, quiet),
                            _mm512_set1_epi32((int)0xffff0000));
}
static inline void vf_store_bf16(uint16_t *p, vf v) {
    __m512i shifted = _mm512_srli_epi32(vf_bf16_high_bits(v), 16);
    _mm256_storeu_si256((__m256i *)p, _mm512_cvtepi32_epi16(shifted));
}
static inline vf vf_round_bf16(vf v) {
    return _mm512_castsi512_ps(vf_bf16_high_bits(v));
}
#if defined(__AVX512BF16__)
#define VEC_HAS_BF16_PAIR 1
/* vcvtne2ps2bf16: nearest even, NaN quieted as vf_store_bf16 does; subnormals in as 0 */
static inline void vf_store_bf16_pair_flushing(uint16_t *p, vf a, vf b) {
    _mm512_storeu_si512((void *)p, (__m512i)_mm512_cvtne2ps_pbh(b, a));
}
#endif
static inline mf vf_mask_from_bits(unsigned bits) {
    return (mf)bits;
}
static inline md vd_mask_from_bits(unsigned bits) {
    return (md)bits;
}
static inline unsigned mf_to_bits(mf m) {
    return (unsigned)m;
}
static inline unsigned md_to_bits(md m) {
    return (unsigned)m;
}
static inline int mf_any(mf a) {
    return a != 0;
}
static inline vf vf_neg(vf a) {
    return -a;
}
static inline vf vf_abs(vf a) {
    return _mm512_abs_ps(a);
}
static inline vf vf_minus_abs(vf a) {
    return _mm512_castsi512_ps(
        _mm512_or_si512(_mm512_castps_si512(a), _mm512_set1_epi32(INT32_MIN)));
}
/* vrangeps: the operand of smaller magnitude, its sign bit set (imm 0b1110); a quiet NaN
 * operand loses to the other, as in IEEE minimumNumber. One instruction. */
static inline vf vf_minus_abs_at_least(vf a, float low) {
    return _mm512_range_ps(a, _mm512_set1_ps(-low), 0x0e);
}
/* vfixupimm by a's class (classes QNaN, SNaN, +-0, +1, -inf, +inf, negative, positive):
 * a quiet a (response 2), v (0) or +1 (10); one instruction. */
#define VEC_NEGATIVE_OR_ONE_CLASSES 0xa0a0aa22
static inline vf vf_where_negative_else_one(vf a, vf v) {
    return _mm512_fixupimm_ps(v, a, _mm512_set1_epi32((int)VEC_NEGATIVE_OR_ONE_CLASSES), 0);
}
/* An 8-float table held twice in one register (vpermps reads the low 4 bits of each
 * index, bit 3 then picks between the copies). */
typedef __m512 vf_table8;
static inline vf_table8 vf_table8_load(const float *table) {
    __m256 eight = _mm256_loadu_ps(table);
    return _mm512_insertf32x8(_mm512_castps256_ps512(eight), eight, 1);
}
static inline vf vf_lookup8(vf_table8 table, vf index) {
    return _mm512_permutexvar_ps(_mm512_castps_si512(index), table);
}
/* A 16-float table held in one register; vpermps reads the low 4 bits of each index. */
typedef __m512 vf_table16;
static inline vf_table16 vf_table16_load(const float *table) {
    return _mm512_loadu_ps(table);
}
static inline vf vf_lookup16(vf_table16 table, vf index) {
    return _mm512_permutexvar_ps(_mm512_castps_si512(index), table);
}
#define vf_bits_shift_left(a, count)                                                               \
    _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_castps_si512(a), (count)))
#define vf_bits_shift_right(a, count)                                                              \
    _mm512_castsi512_ps(_mm512_srli_epi32(_mm512_castps_si512(a), (count)))
/* Lanes whose bit pattern's low 16 bits lie within margin of 0x8000: a float that far
 * (in float ULPs) from a midpoint between two bf16 values. */
static inline mf vf_low_bits_near_half(vf a, uint32_t margin) {
    __m512i low = _mm512_and_si512(_mm512_castps_si512(a), _mm512_set1_epi32(0xffff));
    __m512i offset = _mm512_sub_epi32(low, _mm512_set1_epi32((int)(0x8000 - margin)));
    return _mm512_cmple_epu32_mask(offset, _mm512_set1_epi32((int)(2 * margin)));
}
static inline vf vf_bits_add(vf a, vf b) {
    return _mm512_castsi512_ps(_mm512_add_epi32(_mm512_castps_si512(a), _mm512_castps_si512(b)));
}
/* 32 floats in two registers: vpermt2ps reads the low 5 bits of each index, one
 * instruction. */
#define VEC_HAS_CHEAP_LOOKUP32 1
typedef struct vf_table32 {
    __m512 low, high;
} vf_table32;
static inline vf_table32 vf_table32_load(const float *table) {
    vf_table32 t = {_mm512_loadu_ps(table), _mm512_loadu_ps(table + 16)};
    return t;
}
static inline vf vf_lookup32(vf_table32 table, vf index) {
    return _mm512_permutex2var_ps(table.low, _mm512_castps_si512(index), table.high);
}
static inline vf vf_from_bits(uint32_t bits) {
    return _mm512_castsi512_ps(_mm512_set1_epi32((int)bits));
}
static inline vf vf_with_sign_of(vf a, vf s) {
    /* bit by bit: the sign bit from s, the others from a */
    return _mm512_castsi512_ps(_mm512_ternarylogic_epi32(
        _mm512_castps_si512(a), _mm512_castps_si512(s), _mm512_set1_epi32(INT32_MIN), 0xd8));
}
static inline vf vf_reciprocal_estimate(vf a) {
    return _mm512_rcp14_ps(a); /* relative error below 2^-14 */
}
/* maxps and minps return their second operand where either is NaN: a NaN a stays. */
/* x < low ? low : x > high ? high : x, as those selects (a NaN x, and x's own zero
 * where x equals a bound: max and min return their second operand there). */
static inline vf vf_clamp(vf x, vf low, vf high) {
    return _mm512_min_ps(high, _mm512_max_ps(low, x));
}
static inline vd vd_clamp(vd x, vd low, vd high) {
    return _mm512_min_pd(high, _mm512_max_pd(low, x));
}
static inline vf vf_at_least(vf a, vf low) {
    return _mm512_max_ps(low, a);
}
static inline vf vf_at_most(vf a, vf high) {
    return _mm512_min_ps(high, a);
}
static inline vd vd_at_least(vd a, vd low) {
    return _mm512_max_pd(low, a);
}
static inline vd vd_at_most(vd a, vd high) {
    return _mm512_min_pd(high, a);
}
static inline vf vf_scale_exp2(vf a, vf n) {
    return _mm512_scalef_ps(a, n); /* a 2^floor(n), rounded once, subnormals included */
}
/* a = vf_mantissa(a) 2^vf_exponent(a): the mantissa in [1, 2) with a's sign (+-1 for +-0
 * and +-inf), the exponent as a float (-inf for 0, +inf for inf), subnormals normalized;
 * vf_scale_exp2 puts them back together, 0 and inf included. */
static inline vf vf_mantissa(vf a) {
    return _mm512_getmant_ps(a, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_src);
}
static inline vf vf_exponent(vf a) {
    return _mm512_getexp_ps(a);
}
static inline vf vf_exp2_integer(vf k) {
    /* k + 1.5 * 2^23 holds k in its low mantissa bits; move it into the exponent. */
    const __m512 magic = _mm512_set1_ps(0x1.8p23f);
    __m512i bits =
        _mm512_sub_epi32(_mm512_castps_si512(_mm512_add_ps(k, magic)), _mm512_castps_si512(magic));
    return _mm512_castsi512_ps(
        _mm512_slli_epi32(_mm512_add_epi32(bits, _mm512_set1_epi32(127)), 23));
}
static inline vd vd_neg(vd a) {
    return -a;
}
static inline vd vd_abs(vd a) {
    return _mm512_abs_pd(a);
}
static inline vd vd_exp2_integer(vd k) {
    /* k + 1.5 * 2^52 holds k in its low mantissa bits; move it into the exponent. */
    const __m512d magic = _mm512_set1_pd(0x1.8p52);
    __m512i bits = _mm512_castpd_si512(_mm512_add_pd(k, magic));
    bits = _mm512_sub_epi64(bits, _mm512_castpd_si512(magic));
    return _mm512_castsi512_pd(
        _mm512_slli_epi64(_mm512_add_epi64(bits, _mm512_set1_epi64(1023)), 52));
}

/* Pairs (Maxout with k = 2): the even and odd elements of a then b, and the inverse. */
static inline void vf_deinterleave(vf a, vf b, vf *even, vf *odd) {
    const __m512i e = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
    const __m512i o = _mm512_set_epi32(31, 29, 27, 25, 23, 21, 19, 17, 15, 13, 11, 9, 7, 5, 3, 1);
    *even = _mm512_permutex2var_ps(a, e, b);
    *odd = _mm512_permutex2var_ps(a, o, b);
}
static inline void vf_interleave(vf even, vf odd, vf *low, vf *high) {
    const __m512i l = _mm512_set_epi32(23, 7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
    const __m512i h =
        _mm512_set_epi32(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8);
    *low = _mm512_permutex2var_ps(even, l, odd);
    *high = _mm512_permutex2var_ps(even, h, odd);
}
static inline void vd_deinterleave(vd a, vd b, vd *even, vd *odd) {
    *even = _mm512_permutex2var_pd(a, _mm512_set_epi64(14, 12, 10, 8, 6, 4, 2, 0), b);
    *odd = _mm512_permutex2var_pd(a, _mm512_set_epi64(15, 13, 11, 9, 7, 5, 3, 1), b);
}
static inline void vd_interleave(vd even, vd odd, vd *low, vd *high) {
    *low = _mm512_permutex2var_pd(even, _mm512_set_epi64(11, 3, 10, 2, 9, 1, 8, 0), odd);
    *high = _mm512_permutex2var_pd(even, _mm512_set_epi64(15, 7, 14, 6, 13, 5, 12, 4), odd);
}

/* 32-double tables (the f64 gelu's coefficients): a lane's column, and the lookup, by two
 * two-register permutes and a blend (a gather is 5x slower on AMD's Zen 4 and 5). */
typedef __m512i vd_column;
static inline vd_column vd_column_of(vd a, int shift) {
    return _mm512_and_si512(_mm512_srli_epi64(_mm512_castpd_si512(a), (unsigned)shift),
                            _mm512_set1_epi64(31));
}
static inline vd vd_lookup32(const double *row, vd_column column) {
    vd low = _mm512_permutex2var_pd(_mm512_loadu_pd(row), column, _mm512_loadu_pd(row + 8));
    vd high = _mm512_permutex2var_pd(_mm512_loadu_pd(row + 16), column, _mm512_loadu_pd(row + 24));
    return _mm512_mask_blend_pd(_mm512_test_epi64_mask(column, _mm512_set1_epi64(16)), low, high);
}
static inline vd vf_widen_low(vf v) {
    return _mm512_cvtps_pd(_mm512_castps512_ps256(v));
}
static inline vd vf_widen_high(vf v) {
    return _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
}
static inline vf vf_narrow(vd low, vd high) {
    __m512d low_half = _mm512_castps_pd(_mm512_castps256_ps512(_mm512_cvtpd_ps(low)));
    return _mm512_castpd_ps(
        _mm512_insertf64x4(low_half, _mm256_castps_pd(_mm512_cvtpd_ps(high)), 1));
}

/* VD_LANES unsigned 64-bit integers, for counter-based random numbers (rrelu's training
 * slopes): wrapping add, xor, shifts, the low half of a product (DQ's vpmullq), and
 * values below 2^53 to double (DQ's vcvtqq2pd). */
#define VEC_HAS_U64_LANES 1
typedef __m512i vq;
static inline vq vq_set1(uint64_t a) {
    return _mm512_set1_epi64((long long)a);
}
static inline vq vq_counter(uint64_t first) { /* first, first + 1, ... */
    return _mm512_add_epi64(_mm512_set1_epi64((long long)first),
                            _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0));
}
static inline vq vq_add(vq a, vq b) {
    return _mm512_add_epi64(a, b);
}
static inline vq vq_xor(vq a, vq b) {
    return _mm512_xor_si512(a, b);
}
static inline vq vq_shift_right(vq a, int bits) {
    return _mm512_srli_epi64(a, (unsigned)bits);
}
static inline vq vq_mul(vq a, vq b) {
    return _mm512_mullo_epi64(a, b);
}
static inline vd vq_to_double(vq a) { /* exact for a < 2^53 */
    return _mm512_cvtepi64_pd(a);
}

#define VEC_BYTES 64
static inline void vf_store_stream(float *p, vf v) {
    _mm512_stream_ps(p, v);
}
static inline void vd_store_stream(double *p, vd v) {
    _mm512_stream_pd(p, v);
}
static inline void stream_fence(void) {
    _mm_sfence();
}
