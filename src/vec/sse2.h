/* SPDX-License-Identifier: MIT */
/* The vector layer on SSE2 (4 floats, 2 doubles), the x86-64 baseline. SSE2 has no
 * masked loads or stores: tails go through a small buffer, so that nothing past n is
 * read (a whole-vector load there could cross into an unmapped page, and is out of
 * bounds for the sanitizers). */
#include <emmintrin.h>
#include <string.h>
#include "vec/buffered_tail.h"
#include "spec/narrow_float.h"

#define VEC_ISA_SUFFIX     sse2
#define VF_LANES           4
#define VD_LANES           2
#define VEC_HAS_FMA        0 /* vf_fma rounds twice */
#define VEC_HAS_SCALE_EXP2 0

typedef __m128 vf;
typedef __m128 mf;
typedef __m128d vd;
typedef __m128d md;

static inline vf vf_load(const float *p) {
    return _mm_loadu_ps(p);
}
static inline void vf_store(float *p, vf v) {
    _mm_storeu_ps(p, v);
}
DEFINE_BUFFERED_TAIL(vf, float, vf, VF_LANES, _mm_loadu_ps, _mm_storeu_ps)
static inline vf vf_zero(void) {
    return _mm_setzero_ps();
}
static inline vf vf_set1(float x) {
    return _mm_set1_ps(x);
}
static inline vf vf_add(vf a, vf b) {
    return _mm_add_ps(a, b);
}
static inline vf vf_sub(vf a, vf b) {
    return _mm_sub_ps(a, b);
}
static inline vf vf_mul(vf a, vf b) {
    return _mm_mul_ps(a, b);
}
static inline vf vf_div(vf a, vf b) {
    return _mm_div_ps(a, b);
}
static inline vf vf_fma(vf a, vf b, vf c) {
    return _mm_add_ps(_mm_mul_ps(a, b), c);
}
static inline vf vf_fnma(vf a, vf b, vf c) {
    return _mm_sub_ps(c, _mm_mul_ps(a, b));
}
static inline mf vf_gt(vf a, vf b) {
    return _mm_cmpgt_ps(a, b);
}
static inline mf vf_lt(vf a, vf b) {
    return _mm_cmplt_ps(a, b);
}
static inline mf vf_ge(vf a, vf b) {
    return _mm_cmpge_ps(a, b);
}
static inline mf vf_le(vf a, vf b) {
    return _mm_cmple_ps(a, b);
}
static inline mf vf_eq(vf a, vf b) {
    return _mm_cmpeq_ps(a, b);
}
static inline mf vf_not_le(vf a, vf b) {
    return _mm_cmpnle_ps(a, b);
}
static inline mf vf_is_nan(vf a) {
    return _mm_cmpunord_ps(a, a);
}
static inline vf vf_select(mf m, vf a, vf b) {
    return _mm_or_ps(_mm_and_ps(m, a), _mm_andnot_ps(m, b));
}
static inline vf vf_positive_part(vf a) {
    /* maxps returns its second operand, a, where a is NaN (kept) or both are zeros (-0
     * kept, which adding +0 turns to +0): two instructions for a compare and three */
    return _mm_add_ps(_mm_max_ps(_mm_setzero_ps(), a), _mm_setzero_ps());
}
static inline mf mf_or(mf a, mf b) {
    return _mm_or_ps(a, b);
}
static inline mf mf_and(mf a, mf b) {
    return _mm_and_ps(a, b);
}
static inline mf mf_andnot(mf a, mf b) {
    return _mm_andnot_ps(b, a);
}

static inline vd vd_load(const double *p) {
    return _mm_loadu_pd(p);
}
static inline void vd_store(double *p, vd v) {
    _mm_storeu_pd(p, v);
}
DEFINE_BUFFERED_TAIL(vd, double, vd, VD_LANES, _mm_loadu_pd, _mm_storeu_pd)
static inline vd vd_zero(void) {
    return _mm_setzero_pd();
}
static inline vd vd_set1(double x) {
    return _mm_set1_pd(x);
}
static inline vd vd_add(vd a, vd b) {
    return _mm_add_pd(a, b);
}
static inline vd vd_sub(vd a, vd b) {
    return _mm_sub_pd(a, b);
}
static inline vd vd_mul(vd a, vd b) {
    return _mm_mul_pd(a, b);
}
static inline vd vd_div(vd a, vd b) {
    return _mm_div_pd(a, b);
}
static inline vd vd_sqrt(vd a) {
    return _mm_sqrt_pd(a);
}
static inline vd vd_fma(vd a, vd b, vd c) {
    return _mm_add_pd(_mm_mul_pd(a, b), c);
}
static inline vd vd_fnma(vd a, vd b, vd c) {
    return _mm_sub_pd(c, _mm_mul_pd(a, b));
}
static inline md vd_gt(vd a, vd b) {
    return _mm_cmpgt_pd(a, b);
}
static inline md vd_lt(vd a, vd b) {
    return _mm_cmplt_pd(a, b);
}
static inline md vd_ge(vd a, vd b) {
    return _mm_cmpge_pd(a, b);
}
static inline md vd_le(vd a, vd b) {
    return _mm_cmple_pd(a, b);
}
static inline md vd_eq(vd a, vd b) {
    return _mm_cmpeq_pd(a, b);
}
static inline md vd_not_le(vd a, vd b) {
    return _mm_cmpnle_pd(a, b);
}
static inline md vd_is_nan(vd a) {
    return _mm_cmpunord_pd(a, a);
}
static inline vd vd_select(md m, vd a, vd b) {
    return _mm_or_pd(_mm_and_pd(m, a), _mm_andnot_pd(m, b));
}
static inline vd vd_positive_part(vd a) {
    return _mm_add_pd(_mm_max_pd(_mm_setzero_pd(), a), _mm_setzero_pd()); /* as above */
}
static inline md md_or(md a, md b) {
    return _mm_or_pd(a, b);
}
static inline md md_and(md a, md b) {
    return _mm_and_pd(a, b);
}
static inline md md_andnot(md a, md b) {
    return _mm_andnot_pd(b, a);
}

/* f16 and bf16 (whole vectors of VF_LANES 16-bit values): SSE2 has no F16C, so lane by
 * lane with the bit conversions of narrow_float.h. */
static inline vf vf_load_f16(const uint16_t *p) {
    return _mm_setr_ps(f16_to_float(p[0]), f16_to_float(p[1]), f16_to_float(p[2]),
                       f16_to_float(p[3]));
}
static inline void vf_store_f16(uint16_t *p, vf v) {
    float lanes[VF_LANES];
    _mm_storeu_ps(lanes, v);
    for (int i = 0; i < VF_LANES; i++)
        p[i] = float_to_f16(lanes[i]);
}
static inline vf vf_round_f16(vf v) {
    uint16_t bits[VF_LANES];
    vf_store_f16(bits, v);
    return vf_load_f16(bits);
}
static inline vf vf_load_bf16(const uint16_t *p) {
    return _mm_castsi128_ps(
        _mm_unpacklo_epi16(_mm_setzero_si128(), _mm_loadl_epi64((const __m128i *)p)));
}
static inline void vf_store_bf16(uint16_t *p, vf v) {
    float lanes[VF_LANES];
    _mm_storeu_ps(lanes, v);
    for (int i = 0; i < VF_LANES; i++)
        p[i] = float_to_bf16(lanes[i]);
}
static inline vf vf_round_bf16(vf v) {
    uint16_t bits[VF_LANES];
    vf_store_bf16(bits, v);
    return vf_load_bf16(bits);
}
/* y[i] = table[x[i]]: SSE2 has no byte shuffle, so one byte at a time. */
typedef struct byte_tables {
    uint8_t table[256];
} byte_tables;
static inline void byte_tables_init(byte_tables *t, const uint8_t table[256]) {
    memcpy(t->table, table, sizeof t->table);
}
static inline void bytes_lookup(const byte_tables *t, const uint8_t *x, uint8_t *y, int stream) {
    (void)stream; /* byte stores: the caches' */
    for (int i = 0; i < 16; i++)
        y[i] = t->table[x[i]];
}
#define BYTE_LANES 16
static inline mf vf_mask_from_bits(unsigned bits) {
    __m128i lanes = _mm_setr_epi32(1, 2, 4, 8);
    __m128i set = _mm_and_si128(_mm_set1_epi32((int)bits), lanes);
    return _mm_castsi128_ps(_mm_cmpeq_epi32(set, lanes));
}
static inline md vd_mask_from_bits(unsigned bits) {
    /* SSE2 has no 64-bit compare: each 64-bit lane is two equal 32-bit ones */
    __m128i lanes = _mm_setr_epi32(1, 1, 2, 2);
    __m128i set = _mm_and_si128(_mm_set1_epi32((int)bits), lanes);
    return _mm_castsi128_pd(_mm_cmpeq_epi32(set, lanes));
}
static inline unsigned mf_to_bits(mf m) {
    return (unsigned)_mm_movemask_ps(m);
}
static inline unsigned md_to_bits(md m) {
    return (unsigned)_mm_movemask_pd(m);
}
/* y[i] = min(max(x[i] ^ flip, low), high) ^ flip for BYTE_LANES bytes (unsigned order;
 * flip = 0x80 turns signed bytes into it). */
static inline void bytes_clamp(const uint8_t *x, uint8_t *y, uint8_t low, uint8_t high,
                               uint8_t flip, int stream) {
    __m128i f = _mm_set1_epi8((char)flip);
    __m128i v = _mm_xor_si128(_mm_loadu_si128((const __m128i *)x), f);
    v = _mm_min_epu8(_mm_max_epu8(v, _mm_set1_epi8((char)low)), _mm_set1_epi8((char)high));
    if (stream)
        _mm_stream_si128((__m128i *)y, _mm_xor_si128(v, f));
    else
        _mm_storeu_si128((__m128i *)y, _mm_xor_si128(v, f));
}
static inline int mf_any(mf a) {
    return _mm_movemask_ps(a) != 0;
}
static inline vf vf_neg(vf a) {
    return -a;
}
static inline vf vf_abs(vf a) {
    return _mm_andnot_ps(_mm_set1_ps(-0.0f), a);
}
static inline vf vf_minus_abs(vf a) {
    return _mm_or_ps(a, _mm_set1_ps(-0.0f));
}
/* SSE2 has no lane permute: a table is the caller's array, read lane by lane. */
typedef const float *vf_table8;
typedef const float *vf_table16;
typedef const float *vf_table32;
static inline vf lookup_through_memory(const float *table, uint32_t mask, vf index) {
    uint32_t bits[4];
    float out[4];
    _mm_storeu_si128((__m128i *)bits, _mm_castps_si128(index));
    for (int j = 0; j < 4; j++)
        out[j] = table[bits[j] & mask];
    return _mm_loadu_ps(out);
}
static inline vf_table8 vf_table8_load(const float *table) {
    return table;
}
static inline vf vf_lookup8(vf_table8 table, vf index) {
    return lookup_through_memory(table, 7, index);
}
static inline vf_table16 vf_table16_load(const float *table) {
    return table;
}
static inline vf vf_lookup16(vf_table16 table, vf index) {
    return lookup_through_memory(table, 15, index);
}
static inline vf_table32 vf_table32_load(const float *table) {
    return table;
}
static inline vf vf_lookup32(vf_table32 table, vf index) {
    return lookup_through_memory(table, 31, index);
}
#define vf_bits_shift_left(a, count)  _mm_castsi128_ps(_mm_slli_epi32(_mm_castps_si128(a), (count)))
#define vf_bits_shift_right(a, count) _mm_castsi128_ps(_mm_srli_epi32(_mm_castps_si128(a), (count)))
/* Lanes whose bit pattern's low 16 bits lie within margin of 0x8000: a float that far
 * (in float ULPs) from a midpoint between two bf16 values. */
static inline mf vf_low_bits_near_half(vf a, uint32_t margin) {
    /* the low 16 bits are non-negative as int32: two signed compares */
    __m128i low = _mm_and_si128(_mm_castps_si128(a), _mm_set1_epi32(0xffff));
    __m128i below = _mm_cmplt_epi32(low, _mm_set1_epi32((int)(0x8000 - margin)));
    __m128i above = _mm_cmpgt_epi32(low, _mm_set1_epi32((int)(0x8000 + margin)));
    return _mm_castsi128_ps(_mm_andnot_si128(_mm_or_si128(below, above), _mm_set1_epi32(-1)));
}
static inline vf vf_bits_add(vf a, vf b) {
    return _mm_castsi128_ps(_mm_add_epi32(_mm_castps_si128(a), _mm_castps_si128(b)));
}
static inline vf vf_from_bits(uint32_t bits) {
    return _mm_castsi128_ps(_mm_set1_epi32((int)bits));
}
static inline vf vf_with_sign_of(vf a, vf s) {
    __m128 sign = _mm_set1_ps(-0.0f);
    return _mm_or_ps(_mm_andnot_ps(sign, a), _mm_and_ps(sign, s));
}
static inline vf vf_reciprocal_estimate(vf a) {
    /* rcpps (relative error 1.5 * 2^-12) and one Newton step */
    __m128 r = _mm_rcp_ps(a);
    return _mm_mul_ps(r, _mm_sub_ps(_mm_set1_ps(2.0f), _mm_mul_ps(a, r)));
}
/* maxps and minps return their second operand where either is NaN: a NaN a stays. */
/* x < low ? low : x > high ? high : x, as those selects (a NaN x, and x's own zero
 * where x equals a bound: max and min return their second operand there). */
static inline vf vf_clamp(vf x, vf low, vf high) {
    return _mm_min_ps(high, _mm_max_ps(low, x));
}
static inline vd vd_clamp(vd x, vd low, vd high) {
    return _mm_min_pd(high, _mm_max_pd(low, x));
}
static inline vf vf_at_least(vf a, vf low) {
    return _mm_max_ps(low, a);
}
static inline vf vf_at_most(vf a, vf high) {
    return _mm_min_ps(high, a);
}
static inline vd vd_at_least(vd a, vd low) {
    return _mm_max_pd(low, a);
}
static inline vd vd_at_most(vd a, vd high) {
    return _mm_min_pd(high, a);
}
static inline vf vf_exp2_integer(vf k) {
    /* k + 1.5 * 2^23 holds k in its low mantissa bits; move it into the exponent. */
    const __m128 magic = _mm_set1_ps(0x1.8p23f);
    __m128i bits = _mm_sub_epi32(_mm_castps_si128(_mm_add_ps(k, magic)), _mm_castps_si128(magic));
    return _mm_castsi128_ps(_mm_slli_epi32(_mm_add_epi32(bits, _mm_set1_epi32(127)), 23));
}
static inline vd vd_neg(vd a) {
    return -a;
}
static inline vd vd_abs(vd a) {
    return _mm_andnot_pd(_mm_set1_pd(-0.0), a);
}
static inline vd vd_exp2_integer(vd k) {
    /* k + 1.5 * 2^52 holds k in its low mantissa bits; move it into the exponent. */
    const __m128d magic = _mm_set1_pd(0x1.8p52);
    __m128i bits = _mm_castpd_si128(_mm_add_pd(k, magic));
    bits = _mm_sub_epi64(bits, _mm_castpd_si128(magic));
    return _mm_castsi128_pd(_mm_slli_epi64(_mm_add_epi64(bits, _mm_set1_epi64x(1023)), 52));
}

/* Pairs (Maxout with k = 2): the even and odd elements of a then b, and the inverse. */
static inline void vf_deinterleave(vf a, vf b, vf *even, vf *odd) {
    *even = _mm_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
    *odd = _mm_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));
}
static inline void vf_interleave(vf even, vf odd, vf *low, vf *high) {
    *low = _mm_unpacklo_ps(even, odd);
    *high = _mm_unpackhi_ps(even, odd);
}
static inline void vd_deinterleave(vd a, vd b, vd *even, vd *odd) {
    *even = _mm_unpacklo_pd(a, b);
    *odd = _mm_unpackhi_pd(a, b);
}
static inline void vd_interleave(vd even, vd odd, vd *low, vd *high) {
    *low = _mm_unpacklo_pd(even, odd);
    *high = _mm_unpackhi_pd(even, odd);
}

/* 32-double tables (the f64 gelu's coefficients): a lane's column, and the lookup. */
typedef __m128i vd_column;
static inline vd_column vd_column_of(vd a, int shift) {
    return _mm_and_si128(_mm_srli_epi64(_mm_castpd_si128(a), shift), _mm_set1_epi64x(31));
}
static inline vd vd_lookup32(const double *row, vd_column column) {
    uint64_t c[2];
    _mm_storeu_si128((__m128i *)c, column);
    return _mm_set_pd(row[c[1]], row[c[0]]);
}
static inline vd vf_widen_low(vf v) {
    return _mm_cvtps_pd(v);
}
static inline vd vf_widen_high(vf v) {
    return _mm_cvtps_pd(_mm_movehl_ps(v, v));
}
static inline vf vf_narrow(vd low, vd high) {
    return _mm_movelh_ps(_mm_cvtpd_ps(low), _mm_cvtpd_ps(high));
}

#define VEC_BYTES 16
static inline void vf_store_stream(float *p, vf v) {
    _mm_stream_ps(p, v);
}
static inline void vd_store_stream(double *p, vd v) {
    _mm_stream_pd(p, v);
}
static inline void stream_fence(void) {
    _mm_sfence();
}
