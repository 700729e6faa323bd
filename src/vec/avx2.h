/* SPDX-License-Identifier: MIT */
/* The vector layer on AVX2 + FMA (8 floats, 4 doubles); masks are all-ones lanes, and
 * the tails are vmaskmov loads and stores, which do not touch the masked-off lanes. */
#include <immintrin.h>
#include "vec/x86_bytes.h"

#define VEC_ISA_SUFFIX     avx2
#define VF_LANES           8
#define VD_LANES           4
#define VEC_HAS_FMA        1
#define VEC_HAS_SCALE_EXP2 0

typedef __m256 vf;
typedef __m256 mf;
typedef __m256d vd;
typedef __m256d md;

static inline __m256i vf_tail_mask(size_t n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
static inline __m256i vd_tail_mask(size_t n) {
    return _mm256_cmpgt_epi64(_mm256_set1_epi64x((long long)n), _mm256_setr_epi64x(0, 1, 2, 3));
}

static inline vf vf_load(const float *p) {
    return _mm256_loadu_ps(p);
}
static inline void vf_store(float *p, vf v) {
    _mm256_storeu_ps(p, v);
}
static inline vf vf_load_tail(const float *p, size_t n) {
    return _mm256_maskload_ps(p, vf_tail_mask(n));
}
static inline void vf_store_tail(float *p, vf v, size_t n) {
    _mm256_maskstore_ps(p, vf_tail_mask(n), v);
}
static inline vf vf_zero(void) {
    return _mm256_setzero_ps();
}
static inline vf vf_set1(float x) {
    return _mm256_set1_ps(x);
}
static inline vf vf_add(vf a, vf b) {
    return _mm256_add_ps(a, b);
}
static inline vf vf_sub(vf a, vf b) {
    return _mm256_sub_ps(a, b);
}
static inline vf vf_mul(vf a, vf b) {
    return _mm256_mul_ps(a, b);
}
static inline vf vf_div(vf a, vf b) {
    return _mm256_div_ps(a, b);
}
static inline vf vf_fma(vf a, vf b, vf c) {
    return _mm256_fmadd_ps(a, b, c);
}
static inline vf vf_fnma(vf a, vf b, vf c) {
    return _mm256_fnmadd_ps(a, b, c);
}
static inline mf vf_gt(vf a, vf b) {
    return _mm256_cmp_ps(a, b, _CMP_GT_OQ);
}
static inline mf vf_lt(vf a, vf b) {
    return _mm256_cmp_ps(a, b, _CMP_LT_OQ);
}
static inline mf vf_ge(vf a, vf b) {
    return _mm256_cmp_ps(a, b, _CMP_GE_OQ);
}
static inline mf vf_le(vf a, vf b) {
    return _mm256_cmp_ps(a, b, _CMP_LE_OQ);
}
static inline mf vf_eq(vf a, vf b) {
    return _mm256_cmp_ps(a, b, _CMP_EQ_OQ);
}
static inline mf vf_not_le(vf a, vf b) {
    return _mm256_cmp_ps(a, b, _CMP_NLE_UQ);
}
static inline mf vf_is_nan(vf a) {
    return _mm256_cmp_ps(a, a, _CMP_UNORD_Q);
}
static inline vf vf_select(mf m, vf a, vf b) {
    return _mm256_blendv_ps(b, a, m);
}
static inline vf vf_positive_part(vf a) {
    /* vmaxps returns its second operand, a, where a is NaN (kept) or both are zeros
     * (-0 kept, which adding +0 turns to +0) */
    return _mm256_add_ps(_mm256_max_ps(_mm256_setzero_ps(), a), _mm256_setzero_ps());
}
static inline mf mf_or(mf a, mf b) {
    return _mm256_or_ps(a, b);
}
static inline mf mf_and(mf a, mf b) {
    return _mm256_and_ps(a, b);
}
static inline mf mf_andnot(mf a, mf b) {
    return _mm256_andnot_ps(b, a);
}

static inline vd vd_load(const double *p) {
    return _mm256_loadu_pd(p);
}
static inline void vd_store(double *p, vd v) {
    _mm256_storeu_pd(p, v);
}
static inline vd vd_load_tail(const double *p, size_t n) {
    return _mm256_maskload_pd(p, vd_tail_mask(n));
}
static inline void vd_store_tail(double *p, vd v, size_t n) {
    _mm256_maskstore_pd(p, vd_tail_mask(n), v);
}
static inline vd vd_zero(void) {
    return _mm256_setzero_pd();
}
static inline vd vd_set1(double x) {
    return _mm256_set1_pd(x);
}
static inline vd vd_add(vd a, vd b) {
    return _mm256_add_pd(a, b);
}
static inline vd vd_sub(vd a, vd b) {
    return _mm256_sub_pd(a, b);
}
static inline vd vd_mul(vd a, vd b) {
    return _mm256_mul_pd(a, b);
}
static inline vd vd_div(vd a, vd b) {
    return _mm256_div_pd(a, b);
}
static inline vd vd_sqrt(vd a) {
    return _mm256_sqrt_pd(a);
}
static inline vd vd_fma(vd a, vd b, vd c) {
    return _mm256_fmadd_pd(a, b, c);
}
static inline vd vd_fnma(vd a, vd b, vd c) {
    return _mm256_fnmadd_pd(a, b, c);
}
static inline md vd_gt(vd a, vd b) {
    return _mm256_cmp_pd(a, b, _CMP_GT_OQ);
}
static inline md vd_lt(vd a, vd b) {
    return _mm256_cmp_pd(a, b, _CMP_LT_OQ);
}
static inline md vd_ge(vd a, vd b) {
    return _mm256_cmp_pd(a, b, _CMP_GE_OQ);
}
static inline md vd_le(vd a, vd b) {
    return _mm256_cmp_pd(a, b, _CMP_LE_OQ);
}
static inline md vd_eq(vd a, vd b) {
    return _mm256_cmp_pd(a, b, _CMP_EQ_OQ);
}
static inline md vd_not_le(vd a, vd b) {
    return _mm256_cmp_pd(a, b, _CMP_NLE_UQ);
}
static inline md vd_is_nan(vd a) {
    return _mm256_cmp_pd(a, a, _CMP_UNORD_Q);
}
static inline vd vd_select(md m, vd a, vd b) {
    return _mm256_blendv_pd(b, a, m);
}
static inline vd vd_positive_part(vd a) {
    /* as vf_positive_part */
    return _mm256_add_pd(_mm256_max_pd(_mm256_setzero_pd(), a), _mm256_setzero_pd());
}
static inline md md_or(md a, md b) {
    return _mm256_or_pd(a, b);
}
static inline md md_and(md a, md b) {
    return _mm256_and_pd(a, b);
}
static inline md md_andnot(md a, md b) {
    return _mm256_andnot_pd(b, a);
}

/* f16 and bf16 (whole vectors of VF_LANES 16-bit values): F16C conversions for f16;
 * bf16 by integer shifts, rounded to nearest even, NaN kept quiet. */
static inline vf vf_load_f16(const uint16_t *p) {
    return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p));
}
static inline __m128i vf_to_f16_bits(vf v) {
    return _mm256_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
}
static inline void vf_store_f16(uint16_t *p, vf v) {
    _mm_storeu_si128((__m128i *)p, vf_to_f16_bits(v));
}
static inline vf vf_round_f16(vf v) {
    return _mm256_cvtph_ps(vf_to_f16_bits(v));
}
static inline vf vf_load_bf16(const uint16_t *p) {
    __m256i wide = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)p));
    return _mm256_castsi256_ps(_mm256_slli_epi32(wide, 16));
}
/* the bf16 value of each lane in the high half of a 32-bit lane, low half zero */
static inline __m256i vf_bf16_high_bits(vf v) {
    __m256i bits = _mm256_castps_si256(v);
    __m256i odd = _mm256_and_si256(_mm256_srli_epi32(bits, 16), _mm256_set1_epi32(1));
    __m256i rounded = _mm256_add_epi32(bits, _mm256_add_epi32(_mm256_set1_epi32(0x7fff), odd));
    __m256i quiet = _mm256_or_si256(bits, _mm256_set1_epi32(0x400000));
    __m256i nan = _mm256_castps_si256(_mm256_cmp_ps(v, v, _CMP_UNORD_Q));
    return _mm256_and_si256(_mm256_blendv_epi8(rounded, quiet, nan),
                            _mm256_set1_epi32((int)0xffff0000));
}
static inline void vf_store_bf16(uint16_t *p, vf v) {
    __m256i shifted = _mm256_srli_epi32(vf_bf16_high_bits(v), 16);
    __m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi32(shifted, shifted), 0x08);
    _mm_storeu_si128((__m128i *)p, _mm256_castsi256_si128(packed));
}
static inline vf vf_round_bf16(vf v) {
    return _mm256_castsi256_ps(vf_bf16_high_bits(v));
}
static inline mf vf_mask_from_bits(unsigned bits) {
    __m256i lanes = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
    __m256i set = _mm256_and_si256(_mm256_set1_epi32((int)bits), lanes);
    return _mm256_castsi256_ps(_mm256_cmpeq_epi32(set, lanes));
}
static inline md vd_mask_from_bits(unsigned bits) {
    __m256i lanes = _mm256_setr_epi64x(1, 2, 4, 8);
    __m256i set = _mm256_and_si256(_mm256_set1_epi64x((long long)bits), lanes);
    return _mm256_castsi256_pd(_mm256_cmpeq_epi64(set, lanes));
}
static inline unsigned mf_to_bits(mf m) {
    return (unsigned)_mm256_movemask_ps(m);
}
static inline unsigned md_to_bits(md m) {
    return (unsigned)_mm256_movemask_pd(m);
}
static inline int mf_any(mf a) {
    return _mm256_movemask_ps(a) != 0;
}
static inline vf vf_neg(vf a) {
    return -a;
}
static inline vf vf_abs(vf a) {
    return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a);
}
static inline vf vf_minus_abs(vf a) {
    return _mm256_or_ps(a, _mm256_set1_ps(-0.0f));
}
/* An 8-float table in one register: vpermps reads the low 3 bits of the index. A third
 * of vf_lookup16's cost (two vpermps and a blend). */
#define VEC_PREFERS_LOOKUP8 1
typedef __m256 vf_table8;
static inline vf_table8 vf_table8_load(const float *table) {
    return _mm256_loadu_ps(table);
}
static inline vf vf_lookup8(vf_table8 table, vf index) {
    return _mm256_permutevar8x32_ps(table, _mm256_castps_si256(index));
}
/* A 16-float table in two registers: vpermps on each half (it reads the low 3 bits of
 * the index), then bit 3, moved to the sign, picks the half. */
typedef struct vf_table16 {
    __m256 low, high;
} vf_table16;
static inline vf_table16 vf_table16_load(const float *table) {
    vf_table16 t = {_mm256_loadu_ps(table), _mm256_loadu_ps(table + 8)};
    return t;
}
static inline vf vf_lookup16(vf_table16 table, vf index) {
    __m256i i = _mm256_castps_si256(index);
    __m256 low = _mm256_permutevar8x32_ps(table.low, i);
    __m256 high = _mm256_permutevar8x32_ps(table.high, i);
    return _mm256_blendv_ps(low, high, _mm256_castsi256_ps(_mm256_slli_epi32(i, 28)));
}
#define vf_bits_shift_left(a, count)                                                               \
    _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_castps_si256(a), (count)))
#define vf_bits_shift_right(a, count)                                                              \
    _mm256_castsi256_ps(_mm256_srli_epi32(_mm256_castps_si256(a), (count)))
/* Lanes whose bit pattern's low 16 bits lie within margin of 0x8000: a float that far
 * (in float ULPs) from a midpoint between two bf16 values. */
static inline mf vf_low_bits_near_half(vf a, uint32_t margin) {
    __m256i low = _mm256_and_si256(_mm256_castps_si256(a), _mm256_set1_epi32(0xffff));
    __m256i offset = _mm256_sub_epi32(low, _mm256_set1_epi32((int)(0x8000 - margin)));
    /* unsigned offset <= 2 margin: the minimum is the offset itself */
    __m256i limit = _mm256_set1_epi32((int)(2 * margin));
    return _mm256_castsi256_ps(_mm256_cmpeq_epi32(_mm256_min_epu32(offset, limit), offset));
}
static inline vf vf_bits_add(vf a, vf b) {
    return _mm256_castsi256_ps(_mm256_add_epi32(_mm256_castps_si256(a), _mm256_castps_si256(b)));
}
/* 32 floats in four registers: vpermps on each quarter, then bits 3 and 4 of the index,
 * each moved to the sign, pick among them. */
typedef struct vf_table32 {
    __m256 quarter[4];
} vf_table32;
static inline vf_table32 vf_table32_load(const float *table) {
    vf_table32 t;
    for (int q = 0; q < 4; q++)
        t.quarter[q] = _mm256_loadu_ps(table + 8 * q);
    return t;
}
static inline vf vf_lookup32(vf_table32 table, vf index) {
    __m256i i = _mm256_castps_si256(index);
    __m256 bit3 = _mm256_castsi256_ps(_mm256_slli_epi32(i, 28));
    __m256 low = _mm256_blendv_ps(_mm256_permutevar8x32_ps(table.quarter[0], i),
                                  _mm256_permutevar8x32_ps(table.quarter[1], i), bit3);
    __m256 high = _mm256_blendv_ps(_mm256_permutevar8x32_ps(table.quarter[2], i),
                                   _mm256_permutevar8x32_ps(table.quarter[3], i), bit3);
    return _mm256_blendv_ps(low, high, _mm256_castsi256_ps(_mm256_slli_epi32(i, 27)));
}
/* Up to 8 rows of 32-float tables read at one index (vec.h): stored by column, the 8 rows
 * of a column in 32 bytes, so that a lane's row values are one load and 8 lanes' a
 * transpose: 16 loads (8 into upper halves) and 16 in-lane shuffles for 8 rows, where 8
 * vf_lookup32's take 32 lane-crossing permutes and 24 blends. The columns are made at each
 * kernel call (an 8 x 8 transpose a block of 8 columns). At most 8 rows. */
#define VEC_HAS_TABLE32_ROWS 1
typedef struct vf_table32_rows {
    _Alignas(32) float column[32][8];
} vf_table32_rows;
static inline vf_table32_rows vf_table32_rows_load(const float (*rows)[32], int count) {
    vf_table32_rows t;
    for (int block = 0; block < 4; block++) {
        __m256 r[8];
        for (int row = 0; row < 8; row++)
            r[row] = row < count ? _mm256_loadu_ps(rows[row] + 8 * block) : _mm256_setzero_ps();
        /* an 8 x 8 transpose: rows in, the block's 8 columns out */
        __m256 p[8], u[8];
        for (int i = 0; i < 4; i++) {
            p[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
            p[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
        }
        for (int i = 0; i < 2; i++) {
            u[4 * i] = _mm256_shuffle_ps(p[4 * i], p[4 * i + 2], 0x44);
            u[4 * i + 1] = _mm256_shuffle_ps(p[4 * i], p[4 * i + 2], 0xee);
            u[4 * i + 2] = _mm256_shuffle_ps(p[4 * i + 1], p[4 * i + 3], 0x44);
            u[4 * i + 3] = _mm256_shuffle_ps(p[4 * i + 1], p[4 * i + 3], 0xee);
        }
        for (int i = 0; i < 4; i++) {
            _mm256_store_ps(t.column[8 * block + i], _mm256_permute2f128_ps(u[i], u[4 + i], 0x20));
            _mm256_store_ps(t.column[8 * block + 4 + i],
                            _mm256_permute2f128_ps(u[i], u[4 + i], 0x31));
        }
    }
    return t;
}
/* 4 floats at low in the low half, 4 at high in the high half (both 16-byte aligned) */
static inline __m256 vf_halves_load(const float *low, const float *high) {
    return _mm256_insertf128_ps(_mm256_castps128_ps256(_mm_load_ps(low)), _mm_load_ps(high), 1);
}
static inline __attribute__((always_inline)) void vf_lookup32_rows(const vf_table32_rows *t,
                                                                   int count, vf index, vf *out) {
    _Alignas(32) uint32_t offset[8];
    __m256i column = _mm256_and_si256(_mm256_castps_si256(index), _mm256_set1_epi32(31));
    _mm256_store_si256((__m256i *)offset, _mm256_slli_epi32(column, 3)); /* floats */
    const float *c = t->column[0];
    /* a[i]: rows 0-3 of lane i, then of lane i + 4; b[i] rows 4-7 (written out: gcc kept
     * a loop of them in memory) */
    __m256 a[4] = {
        vf_halves_load(c + offset[0], c + offset[4]), vf_halves_load(c + offset[1], c + offset[5]),
        vf_halves_load(c + offset[2], c + offset[6]), vf_halves_load(c + offset[3], c + offset[7])};
    __m256 b[4] = {vf_halves_load(c + offset[0] + 4, c + offset[4] + 4),
                   vf_halves_load(c + offset[1] + 4, c + offset[5] + 4),
                   vf_halves_load(c + offset[2] + 4, c + offset[6] + 4),
                   vf_halves_load(c + offset[3] + 4, c + offset[7] + 4)};
    /* two 4 x 4 transposes in each 128-bit half (the rows a caller does not take are dead
     * code) */
    __m256 row[8];
    __m256 a01 = _mm256_unpacklo_ps(a[0], a[1]), a23 = _mm256_unpacklo_ps(a[2], a[3]);
    __m256 a01h = _mm256_unpackhi_ps(a[0], a[1]), a23h = _mm256_unpackhi_ps(a[2], a[3]);
    row[0] = _mm256_shuffle_ps(a01, a23, 0x44);
    row[1] = _mm256_shuffle_ps(a01, a23, 0xee);
    row[2] = _mm256_shuffle_ps(a01h, a23h, 0x44);
    row[3] = _mm256_shuffle_ps(a01h, a23h, 0xee);
    __m256 b01 = _mm256_unpacklo_ps(b[0], b[1]), b23 = _mm256_unpacklo_ps(b[2], b[3]);
    __m256 b01h = _mm256_unpackhi_ps(b[0], b[1]), b23h = _mm256_unpackhi_ps(b[2], b[3]);
    row[4] = _mm256_shuffle_ps(b01, b23, 0x44);
    row[5] = _mm256_shuffle_ps(b01, b23, 0xee);
    row[6] = _mm256_shuffle_ps(b01h, b23h, 0x44);
    row[7] = _mm256_shuffle_ps(b01h, b23h, 0xee);
    for (int r = 0; r < count; r++)
        out[r] = row[r];
}
static inline vf vf_from_bits(uint32_t bits) {
    return _mm256_castsi256_ps(_mm256_set1_epi32((int)bits));
}
static inline vf vf_with_sign_of(vf a, vf s) {
    __m256 sign = _mm256_set1_ps(-0.0f);
    return _mm256_or_ps(_mm256_andnot_ps(sign, a), _mm256_and_ps(sign, s));
}
static inline vf vf_reciprocal_estimate(vf a) {
    /* vrcpps (relative error 1.5 * 2^-12) and one Newton step: about 2^-22 */
    __m256 r = _mm256_rcp_ps(a);
    return _mm256_fmadd_ps(r, _mm256_fnmadd_ps(a, r, _mm256_set1_ps(1.0f)), r);
}
/* maxps and minps return their second operand where either is NaN: a NaN a stays. */
/* x < low ? low : x > high ? high : x, as those selects (a NaN x, and x's own zero
 * where x equals a bound: max and min return their second operand there). */
static inline vf vf_clamp(vf x, vf low, vf high) {
    return _mm256_min_ps(high, _mm256_max_ps(low, x));
}
static inline vd vd_clamp(vd x, vd low, vd high) {
    return _mm256_min_pd(high, _mm256_max_pd(low, x));
}
static inline vf vf_at_least(vf a, vf low) {
    return _mm256_max_ps(low, a);
}
static inline vf vf_at_most(vf a, vf high) {
    return _mm256_min_ps(high, a);
}
static inline vd vd_at_least(vd a, vd low) {
    return _mm256_max_pd(low, a);
}
static inline vd vd_at_most(vd a, vd high) {
    return _mm256_min_pd(high, a);
}
static inline vf vf_exp2_integer(vf k) {
    /* k + 1.5 * 2^23 holds k in its low mantissa bits; move it into the exponent. */
    const __m256 magic = _mm256_set1_ps(0x1.8p23f);
    __m256i bits =
        _mm256_sub_epi32(_mm256_castps_si256(_mm256_add_ps(k, magic)), _mm256_castps_si256(magic));
    return _mm256_castsi256_ps(
        _mm256_slli_epi32(_mm256_add_epi32(bits, _mm256_set1_epi32(127)), 23));
}
static inline vd vd_neg(vd a) {
    return -a;
}
static inline vd vd_abs(vd a) {
    return _mm256_andnot_pd(_mm256_set1_pd(-0.0), a);
}
static inline vd vd_exp2_integer(vd k) {
    /* k + 1.5 * 2^52 holds k in its low mantissa bits; move it into the exponent. */
    const __m256d magic = _mm256_set1_pd(0x1.8p52);
    __m256i bits = _mm256_castpd_si256(_mm256_add_pd(k, magic));
    bits = _mm256_sub_epi64(bits, _mm256_castpd_si256(magic));
    return _mm256_castsi256_pd(
        _mm256_slli_epi64(_mm256_add_epi64(bits, _mm256_set1_epi64x(1023)), 52));
}

/* Pairs (Maxout with k = 2): the even and odd elements of a then b, and the inverse. */
static inline void vf_deinterleave(vf a, vf b, vf *even, vf *odd) {
    /* per 128-bit half [a0 a2 b0 b2 | a4 a6 b4 b6], then the 64-bit quarters reordered */
    *even = _mm256_castpd_ps(_mm256_permute4x64_pd(
        _mm256_castps_pd(_mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0))), 0xd8));
    *odd = _mm256_castpd_ps(_mm256_permute4x64_pd(
        _mm256_castps_pd(_mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1))), 0xd8));
}
static inline void vf_interleave(vf even, vf odd, vf *low, vf *high) {
    vf l = _mm256_unpacklo_ps(even, odd), h = _mm256_unpackhi_ps(even, odd);
    *low = _mm256_permute2f128_ps(l, h, 0x20);
    *high = _mm256_permute2f128_ps(l, h, 0x31);
}
static inline void vd_deinterleave(vd a, vd b, vd *even, vd *odd) {
    *even = _mm256_permute4x64_pd(_mm256_unpacklo_pd(a, b), 0xd8);
    *odd = _mm256_permute4x64_pd(_mm256_unpackhi_pd(a, b), 0xd8);
}
static inline void vd_interleave(vd even, vd odd, vd *low, vd *high) {
    vd l = _mm256_unpacklo_pd(even, odd), h = _mm256_unpackhi_pd(even, odd);
    *low = _mm256_permute2f128_pd(l, h, 0x20);
    *high = _mm256_permute2f128_pd(l, h, 0x31);
}

/* 32-double tables (the f64 gelu's coefficients): a lane's column, and the gather. */
typedef __m256i vd_column;
static inline vd_column vd_column_of(vd a, int shift) {
    return _mm256_and_si256(_mm256_srli_epi64(_mm256_castpd_si256(a), shift),
                            _mm256_set1_epi64x(31));
}
static inline vd vd_lookup32(const double *row, vd_column column) {
    return _mm256_i64gather_pd(row, column, 8);
}
static inline vd vf_widen_low(vf v) {
    return _mm256_cvtps_pd(_mm256_castps256_ps128(v));
}
static inline vd vf_widen_high(vf v) {
    return _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1));
}
static inline vf vf_narrow(vd low, vd high) {
    return _mm256_set_m128(_mm256_cvtpd_ps(high), _mm256_cvtpd_ps(low));
}

#define VEC_BYTES 32
static inline void vf_store_stream(float *p, vf v) {
    _mm256_stream_ps(p, v);
}
static inline void vd_store_stream(double *p, vd v) {
    _mm256_stream_pd(p, v);
}
static inline void stream_fence(void) {
    _mm_sfence();
}
