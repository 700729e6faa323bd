/* SPDX-License-Identifier: MIT */
/* The vector layer on AArch64 Advanced SIMD (4 floats, 2 doubles). NEON has no masked
 * loads or stores: tails go through a small buffer, as on SSE2. Comparisons give
 * all-ones lanes, as on x86, and every one is the ordered IEEE comparison. */
#include <arm_neon.h>
#include "vec/buffered_tail.h"

#define VEC_ISA_SUFFIX     neon
#define VF_LANES           4
#define VD_LANES           2
#define VEC_HAS_FMA        1
#define VEC_HAS_SCALE_EXP2 0

typedef float32x4_t vf;
typedef uint32x4_t mf;
typedef float64x2_t vd;
typedef uint64x2_t md;

static inline vf vf_load(const float *p) {
    return vld1q_f32(p);
}
static inline void vf_store(float *p, vf v) {
    vst1q_f32(p, v);
}
DEFINE_BUFFERED_TAIL(vf, float, vf, VF_LANES, vld1q_f32, vst1q_f32)
static inline vf vf_zero(void) {
    return vdupq_n_f32(0.0f);
}
static inline vf vf_set1(float x) {
    return vdupq_n_f32(x);
}
static inline vf vf_add(vf a, vf b) {
    return vaddq_f32(a, b);
}
static inline vf vf_sub(vf a, vf b) {
    return vsubq_f32(a, b);
}
static inline vf vf_mul(vf a, vf b) {
    return vmulq_f32(a, b);
}
static inline vf vf_div(vf a, vf b) {
    return vdivq_f32(a, b);
}
static inline vf vf_fma(vf a, vf b, vf c) {
    return vfmaq_f32(c, a, b);
}
static inline vf vf_fnma(vf a, vf b, vf c) {
    return vfmsq_f32(c, a, b);
}
static inline mf vf_gt(vf a, vf b) {
    return vcgtq_f32(a, b);
}
static inline mf vf_lt(vf a, vf b) {
    return vcltq_f32(a, b);
}
static inline mf vf_ge(vf a, vf b) {
    return vcgeq_f32(a, b);
}
static inline mf vf_le(vf a, vf b) {
    return vcleq_f32(a, b);
}
static inline mf vf_eq(vf a, vf b) {
    return vceqq_f32(a, b);
}
static inline mf vf_not_le(vf a, vf b) {
    return vmvnq_u32(vcleq_f32(a, b));
}
static inline mf vf_is_nan(vf a) {
    return vmvnq_u32(vceqq_f32(a, a));
}
static inline vf vf_select(mf m, vf a, vf b) {
    return vbslq_f32(m, a, b);
}
static inline vf vf_positive_part(vf a) {
    return vf_select(vf_not_le(a, vf_zero()), a, vf_zero());
}
static inline mf mf_or(mf a, mf b) {
    return vorrq_u32(a, b);
}
static inline mf mf_and(mf a, mf b) {
    return vandq_u32(a, b);
}
static inline mf mf_andnot(mf a, mf b) {
    return vbicq_u32(a, b);
}

static inline md md_not(md a) {
    return vreinterpretq_u64_u32(vmvnq_u32(vreinterpretq_u32_u64(a)));
}

static inline vd vd_load(const double *p) {
    return vld1q_f64(p);
}
static inline void vd_store(double *p, vd v) {
    vst1q_f64(p, v);
}
DEFINE_BUFFERED_TAIL(vd, double, vd, VD_LANES, vld1q_f64, vst1q_f64)
static inline vd vd_zero(void) {
    return vdupq_n_f64(0.0);
}
static inline vd vd_set1(double x) {
    return vdupq_n_f64(x);
}
static inline vd vd_add(vd a, vd b) {
    return vaddq_f64(a, b);
}
static inline vd vd_sub(vd a, vd b) {
    return vsubq_f64(a, b);
}
static inline vd vd_mul(vd a, vd b) {
    return vmulq_f64(a, b);
}
static inline vd vd_div(vd a, vd b) {
    return vdivq_f64(a, b);
}
static inline vd vd_sqrt(vd a) {
    return vsqrtq_f64(a);
}
static inline vd vd_fma(vd a, vd b, vd c) {
    return vfmaq_f64(c, a, b);
}
static inline vd vd_fnma(vd a, vd b, vd c) {
    return vfmsq_f64(c, a, b);
}
static inline md vd_gt(vd a, vd b) {
    return vcgtq_f64(a, b);
}
static inline md vd_lt(vd a, vd b) {
    return vcltq_f64(a, b);
}
static inline md vd_ge(vd a, vd b) {
    return vcgeq_f64(a, b);
}
static inline md vd_le(vd a, vd b) {
    return vcleq_f64(a, b);
}
static inline md vd_eq(vd a, vd b) {
    return vceqq_f64(a, b);
}
static inline md vd_not_le(vd a, vd b) {
    return md_not(vcleq_f64(a, b));
}
static inline md vd_is_nan(vd a) {
    return md_not(vceqq_f64(a, a));
}
static inline vd vd_select(md m, vd a, vd b) {
    return vbslq_f64(m, a, b);
}
static inline vd vd_positive_part(vd a) {
    return vd_select(vd_not_le(a, vd_zero()), a, vd_zero());
}
static inline md md_or(md a, md b) {
    return vorrq_u64(a, b);
}
static inline md md_and(md a, md b) {
    return vandq_u64(a, b);
}
static inline md md_andnot(md a, md b) {
    return vbicq_u64(a, b);
}

/* f16 and bf16 (whole vectors of VF_LANES 16-bit values): NEON's conversions for f16
 * (round to nearest even under the default FPCR); bf16 by integer shifts, rounded to
 * nearest even, NaN kept quiet. */
static inline vf vf_load_f16(const uint16_t *p) {
    return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(p)));
}
static inline void vf_store_f16(uint16_t *p, vf v) {
    vst1_u16(p, vreinterpret_u16_f16(vcvt_f16_f32(v)));
}
static inline vf vf_round_f16(vf v) {
    return vcvt_f32_f16(vcvt_f16_f32(v));
}
static inline vf vf_load_bf16(const uint16_t *p) {
    return vreinterpretq_f32_u32(vshll_n_u16(vld1_u16(p), 16));
}
static inline uint32x4_t vf_bf16_high_bits(vf v) {
    uint32x4_t bits = vreinterpretq_u32_f32(v);
    uint32x4_t odd = vandq_u32(vshrq_n_u32(bits, 16), vdupq_n_u32(1));
    uint32x4_t rounded = vaddq_u32(bits, vaddq_u32(vdupq_n_u32(0x7fff), odd));
    uint32x4_t quiet = vorrq_u32(bits, vdupq_n_u32(0x400000));
    uint32x4_t number = vceqq_f32(v, v);
    return vandq_u32(vbslq_u32(number, rounded, quiet), vdupq_n_u32(0xffff0000u));
}
static inline void vf_store_bf16(uint16_t *p, vf v) {
    vst1_u16(p, vshrn_n_u32(vf_bf16_high_bits(v), 16));
}
static inline vf vf_round_bf16(vf v) {
    return vreinterpretq_f32_u32(vf_bf16_high_bits(v));
}
/* y[i] = table[x[i]] for 16 bytes: four 64-entry tbl lookups over the index minus 64k
 * (tbl gives 0 for an index past 64). */
typedef struct byte_tables {
    uint8x16x4_t quarter[4];
} byte_tables;
static inline void byte_tables_init(byte_tables *t, const uint8_t table[256]) {
    for (int q = 0; q < 4; q++)
        t->quarter[q] = vld1q_u8_x4(table + 64 * q);
}
static inline void bytes_lookup(const byte_tables *t, const uint8_t *x, uint8_t *y, int stream) {
    (void)stream; /* ordinary stores on NEON, as vf_store_stream */
    uint8x16_t index = vld1q_u8(x), sixty_four = vdupq_n_u8(64);
    uint8x16_t result = vqtbl4q_u8(t->quarter[0], index);
    for (int q = 1; q < 4; q++) {
        index = vsubq_u8(index, sixty_four);
        result = vorrq_u8(result, vqtbl4q_u8(t->quarter[q], index));
    }
    vst1q_u8(y, result);
}
#define BYTE_LANES 16
static inline mf vf_mask_from_bits(unsigned bits) {
    const uint32_t lanes[4] = {1, 2, 4, 8};
    return vtstq_u32(vdupq_n_u32(bits), vld1q_u32(lanes));
}
static inline md vd_mask_from_bits(unsigned bits) {
    const uint64_t lanes[2] = {1, 2};
    return vtstq_u64(vdupq_n_u64(bits), vld1q_u64(lanes));
}
static inline unsigned mf_to_bits(mf m) {
    const uint32_t lanes[4] = {1, 2, 4, 8};
    return vaddvq_u32(vandq_u32(m, vld1q_u32(lanes)));
}
static inline unsigned md_to_bits(md m) {
    const uint64_t lanes[2] = {1, 2};
    return (unsigned)vaddvq_u64(vandq_u64(m, vld1q_u64(lanes)));
}
/* y[i] = min(max(x[i] ^ flip, low), high) ^ flip for BYTE_LANES bytes (unsigned order;
 * flip = 0x80 turns signed bytes into it). */
static inline void bytes_clamp(const uint8_t *x, uint8_t *y, uint8_t low, uint8_t high,
                               uint8_t flip, int stream) {
    (void)stream;
    uint8x16_t f = vdupq_n_u8(flip);
    uint8x16_t v = veorq_u8(vld1q_u8(x), f);
    v = vminq_u8(vmaxq_u8(v, vdupq_n_u8(low)), vdupq_n_u8(high));
    vst1q_u8(y, veorq_u8(v, f));
}
static inline int mf_any(mf a) {
    return vmaxvq_u32(a) != 0;
}
static inline vf vf_neg(vf a) {
    return vnegq_f32(a);
}
static inline vf vf_abs(vf a) {
    return vabsq_f32(a);
}
static inline vf vf_minus_abs(vf a) {
    return vreinterpretq_f32_u32(vorrq_u32(vreinterpretq_u32_f32(a), vdupq_n_u32(0x80000000u)));
}
/* An 8-float table as 32 bytes for tbl: lane index j reads bytes 4j .. 4j + 3. */
typedef uint8x16x2_t vf_table8;
static inline vf_table8 vf_table8_load(const float *table) {
    const uint8_t *bytes = (const uint8_t *)table;
    vf_table8 t = {{vld1q_u8(bytes), vld1q_u8(bytes + 16)}};
    return t;
}
static inline vf vf_lookup8(vf_table8 table, vf index) {
    uint32x4_t j = vandq_u32(vreinterpretq_u32_f32(index), vdupq_n_u32(7));
    uint32x4_t bytes = vmlaq_u32(vdupq_n_u32(0x03020100u), j, vdupq_n_u32(0x04040404u));
    return vreinterpretq_f32_u8(vqtbl2q_u8(table, vreinterpretq_u8_u32(bytes)));
}
/* A 16-float table as 64 bytes for tbl: lane index j reads bytes 4j .. 4j + 3. */
typedef uint8x16x4_t vf_table16;
static inline vf_table16 vf_table16_load(const float *table) {
    const uint8_t *bytes = (const uint8_t *)table;
    vf_table16 t = {
        {vld1q_u8(bytes), vld1q_u8(bytes + 16), vld1q_u8(bytes + 32), vld1q_u8(bytes + 48)}};
    return t;
}
static inline vf vf_lookup16(vf_table16 table, vf index) {
    uint32x4_t j = vandq_u32(vreinterpretq_u32_f32(index), vdupq_n_u32(15));
    uint32x4_t bytes = vmlaq_u32(vdupq_n_u32(0x03020100u), j, vdupq_n_u32(0x04040404u));
    return vreinterpretq_f32_u8(vqtbl4q_u8(table, vreinterpretq_u8_u32(bytes)));
}
#define vf_bits_shift_left(a, count)                                                               \
    vreinterpretq_f32_u32(vshlq_n_u32(vreinterpretq_u32_f32(a), (count)))
#define vf_bits_shift_right(a, count)                                                              \
    vreinterpretq_f32_u32(vshrq_n_u32(vreinterpretq_u32_f32(a), (count)))
/* Lanes whose bit pattern's low 16 bits lie within margin of 0x8000: a float that far
 * (in float ULPs) from a midpoint between two bf16 values. */
static inline mf vf_low_bits_near_half(vf a, uint32_t margin) {
    uint32x4_t low = vandq_u32(vreinterpretq_u32_f32(a), vdupq_n_u32(0xffff));
    uint32x4_t offset = vsubq_u32(low, vdupq_n_u32(0x8000 - margin));
    return vcleq_u32(offset, vdupq_n_u32(2 * margin));
}
static inline vf vf_bits_add(vf a, vf b) {
    return vreinterpretq_f32_u32(vaddq_u32(vreinterpretq_u32_f32(a), vreinterpretq_u32_f32(b)));
}
/* 32 floats as two 64-byte halves: tbl on each, bit 4 of the index picks. */
typedef struct vf_table32 {
    vf_table16 low, high;
} vf_table32;
static inline vf_table32 vf_table32_load(const float *table) {
    vf_table32 t = {vf_table16_load(table), vf_table16_load(table + 16)};
    return t;
}
static inline vf vf_lookup32(vf_table32 table, vf index) {
    uint32x4_t high = vtstq_u32(vreinterpretq_u32_f32(index), vdupq_n_u32(16));
    return vbslq_f32(high, vf_lookup16(table.high, index), vf_lookup16(table.low, index));
}
static inline vf vf_from_bits(uint32_t bits) {
    return vreinterpretq_f32_u32(vdupq_n_u32(bits));
}
static inline vf vf_with_sign_of(vf a, vf s) {
    return vbslq_f32(vdupq_n_u32(0x80000000u), s, a);
}
static inline vf vf_reciprocal_estimate(vf a) {
    /* vrecpe (8 bits) and two Newton steps */
    vf r = vrecpeq_f32(a);
    r = vmulq_f32(vrecpsq_f32(a, r), r);
    return vmulq_f32(vrecpsq_f32(a, r), r);
}
/* fmax and fmin return NaN where either operand is NaN. */
/* x < low ? low : x > high ? high : x, as those selects (a NaN x, and x's own zero
 * where x equals a bound: FMAX and FMIN order -0 below +0, so compares and selects). */
static inline vf vf_clamp(vf x, vf low, vf high) {
    vf y = vbslq_f32(vcltq_f32(x, low), low, x);
    return vbslq_f32(vcgtq_f32(x, high), high, y);
}
static inline vd vd_clamp(vd x, vd low, vd high) {
    vd y = vbslq_f64(vcltq_f64(x, low), low, x);
    return vbslq_f64(vcgtq_f64(x, high), high, y);
}
static inline vf vf_at_least(vf a, vf low) {
    return vmaxq_f32(a, low);
}
static inline vf vf_at_most(vf a, vf high) {
    return vminq_f32(a, high);
}
static inline vd vd_at_least(vd a, vd low) {
    return vmaxq_f64(a, low);
}
static inline vd vd_at_most(vd a, vd high) {
    return vminq_f64(a, high);
}
static inline vf vf_exp2_integer(vf k) {
    /* k + 1.5 * 2^23 holds k in its low mantissa bits; move it into the exponent. */
    const vf magic = vdupq_n_f32(0x1.8p23f);
    int32x4_t bits =
        vsubq_s32(vreinterpretq_s32_f32(vaddq_f32(k, magic)), vreinterpretq_s32_f32(magic));
    return vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(bits, vdupq_n_s32(127)), 23));
}
static inline vd vd_neg(vd a) {
    return vnegq_f64(a);
}
static inline vd vd_abs(vd a) {
    return vabsq_f64(a);
}
static inline vd vd_exp2_integer(vd k) {
    /* k + 1.5 * 2^52 holds k in its low mantissa bits; move it into the exponent. */
    const vd magic = vdupq_n_f64(0x1.8p52);
    int64x2_t bits = vreinterpretq_s64_f64(vaddq_f64(k, magic));
    bits = vsubq_s64(bits, vreinterpretq_s64_f64(magic));
    return vreinterpretq_f64_s64(vshlq_n_s64(vaddq_s64(bits, vdupq_n_s64(1023)), 52));
}

/* Pairs (Maxout with k = 2): the even and odd elements of a then b, and the inverse. */
static inline void vf_deinterleave(vf a, vf b, vf *even, vf *odd) {
    *even = vuzp1q_f32(a, b);
    *odd = vuzp2q_f32(a, b);
}
static inline void vf_interleave(vf even, vf odd, vf *low, vf *high) {
    *low = vzip1q_f32(even, odd);
    *high = vzip2q_f32(even, odd);
}
static inline void vd_deinterleave(vd a, vd b, vd *even, vd *odd) {
    *even = vuzp1q_f64(a, b);
    *odd = vuzp2q_f64(a, b);
}
static inline void vd_interleave(vd even, vd odd, vd *low, vd *high) {
    *low = vzip1q_f64(even, odd);
    *high = vzip2q_f64(even, odd);
}

/* 32-double tables (the f64 gelu's coefficients): a lane's column, and the lookup. */
typedef uint64x2_t vd_column;
static inline vd_column vd_column_of(vd a, int shift) {
    return vandq_u64(vshlq_u64(vreinterpretq_u64_f64(a), vdupq_n_s64(-shift)), vdupq_n_u64(31));
}
static inline vd vd_lookup32(const double *row, vd_column column) {
    vd r = vdupq_n_f64(row[vgetq_lane_u64(column, 0)]);
    return vsetq_lane_f64(row[vgetq_lane_u64(column, 1)], r, 1);
}
static inline vd vf_widen_low(vf v) {
    return vcvt_f64_f32(vget_low_f32(v));
}
static inline vd vf_widen_high(vf v) {
    return vcvt_high_f64_f32(v);
}
static inline vf vf_narrow(vd low, vd high) {
    return vcvt_high_f32_f64(vcvt_f32_f64(low), high);
}

/* AArch64 has non-temporal pair stores (STNP) but no intrinsic for them: ordinary stores. */
#define VEC_BYTES 16
static inline void vf_store_stream(float *p, vf v) {
    vst1q_f32(p, v);
}
static inline void vd_store_stream(double *p, vd v) {
    vst1q_f64(p, v);
}
static inline void stream_fence(void) {}
