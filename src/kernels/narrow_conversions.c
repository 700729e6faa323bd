/* SPDX-License-Identifier: MIT */
/* The f16 and bf16 conversions of one ISA, on whole vectors (narrow_loops.c pads its
 * blocks): widening is exact; narrowing rounds to nearest even and flags each vector
 * holding a value within about `margin` float ULPs of a 16-bit midpoint, whose rounding
 * narrow_loops.c then settles in double. bf16: the low 16 bits of the float within
 * margin of 0x8000 (exactly margin ULPs). f16: rounding the value nudged down and up by
 * margin 2^-23 relative (at least margin float ULPs) gives two different f16 values.
 * Either: a float subnormal (there the nudge would vanish). With flagged
 * NULL nothing is checked (results known to be 16-bit values). */
#include "kernels/kernel_template.h"

/* Each loop is written once, for a format chosen by a constant the compiler folds: the
 * f16 and bf16 entry points below are the same code with another load and store. */
enum narrow_format { F16, BF16 };

#if !defined(VEC_HAS_BF16_PAIR) /* the AVX512-BF16 build has only narrow_bf16 */
static inline void widen(const uint16_t *in, float *out, size_t n, enum narrow_format format) {
    for (size_t i = 0; i < n; i += VF_LANES)
        vf_store(out + i, format == F16 ? vf_load_f16(in + i) : vf_load_bf16(in + i));
}
#endif

static inline vf round_to(vf v, enum narrow_format format) {
    return format == F16 ? vf_round_f16(v) : vf_round_bf16(v);
}

/* The entry of the vector at offset i if any of its lanes is flagged (kernel_table.h). */
static inline size_t flag(uint32_t *flagged, size_t count, size_t i, mf lanes) {
    uint32_t bits = (uint32_t)mf_to_bits(lanes);
    if (bits != 0) flagged[count++] = (uint32_t)i | bits << 16;
    return count;
}

/* bf16's suspects: the low 16 bits within margin of 0x8000, or a float subnormal. */
static inline mf bf16_suspects(vf v, int margin) {
    vf magnitude = vf_abs(v);
    mf subnormal = mf_and(vf_gt(magnitude, vf_zero()), vf_lt(magnitude, vf_set1(0x1p-126f)));
    return mf_or(vf_low_bits_near_half(v, (uint32_t)margin), subnormal);
}

/* bf16 with the check, two vectors a step: one store of both (one instruction where the
 * CPU has AVX512-BF16, whose flushed subnormals are suspects anyway) and one test. */
static inline size_t narrow_bf16_checked(const float *in, uint16_t *out, size_t n,
                                         uint32_t *flagged, int margin) {
    size_t count = 0, i = 0;
    for (; i + 2 * VF_LANES <= n; i += 2 * VF_LANES) {
        vf a = vf_load(in + i), b = vf_load(in + i + VF_LANES);
        vf_store_bf16_pair_flushing(out + i, a, b);
        mf in_a = bf16_suspects(a, margin), in_b = bf16_suspects(b, margin);
        if (mf_any(mf_or(in_a, in_b))) {
            count = flag(flagged, count, i, in_a);
            count = flag(flagged, count, i + VF_LANES, in_b);
        }
    }
    if (i < n) { /* one vector left */
        vf v = vf_load(in + i);
        vf_store_bf16(out + i, v);
        count = flag(flagged, count, i, bf16_suspects(v, margin));
    }
    return count;
}

static inline size_t narrow(const float *in, uint16_t *out, size_t n, uint32_t *flagged, int margin,
                            enum narrow_format format) {
    if (format == BF16 && flagged != NULL) return narrow_bf16_checked(in, out, n, flagged, margin);
    size_t count = 0;
    const vf down = vf_set1(1 - (float)margin * 0x1p-23f),
             up = vf_set1(1 + (float)margin * 0x1p-23f);
    for (size_t i = 0; i < n; i += VF_LANES) {
        vf v = vf_load(in + i);
        if (format == F16)
            vf_store_f16(out + i, v);
        else
            vf_store_bf16(out + i, v);
        if (flagged == NULL) continue;
        vf magnitude = vf_abs(v); /* f16 (bf16's check is above) */
        vf below = round_to(vf_mul(magnitude, down), format);
        vf above = round_to(vf_mul(magnitude, up), format);
        mf near = vf_lt(below, above);
        mf subnormal = mf_and(vf_gt(magnitude, vf_zero()), vf_lt(magnitude, vf_set1(0x1p-126f)));
        count = flag(flagged, count, i, mf_or(near, subnormal));
    }
    return count;
}

#if !defined(VEC_HAS_BF16_PAIR)
static void ISA_FUNCTION(widen_f16)(const uint16_t *in, float *out, size_t n) {
    widen(in, out, n, F16);
}

static void ISA_FUNCTION(widen_bf16)(const uint16_t *in, float *out, size_t n) {
    widen(in, out, n, BF16);
}

static size_t ISA_FUNCTION(narrow_f16)(const float *in, uint16_t *out, size_t n, uint32_t *flagged,
                                       int margin) {
    return narrow(in, out, n, flagged, margin, F16);
}

#endif

static size_t ISA_FUNCTION(narrow_bf16)(const float *in, uint16_t *out, size_t n, uint32_t *flagged,
                                        int margin) {
    return narrow(in, out, n, flagged, margin, BF16);
}

#if defined(VEC_HAS_BF16_PAIR)
/* the AVX512-BF16 build: only its bf16 narrowing differs */
void ISA_FUNCTION(fill_narrow_conversions)(kernel_table *table);
void ISA_FUNCTION(fill_narrow_conversions)(kernel_table *table) {
    table->narrow[NARROW_BF16] = ISA_FUNCTION(narrow_bf16);
}
#else
void ISA_FUNCTION(fill_narrow_conversions)(kernel_table *table);
void ISA_FUNCTION(fill_narrow_conversions)(kernel_table *table) {
    table->widen[NARROW_F16] = ISA_FUNCTION(widen_f16);
    table->widen[NARROW_BF16] = ISA_FUNCTION(widen_bf16);
    table->narrow[NARROW_F16] = ISA_FUNCTION(narrow_f16);
    table->narrow[NARROW_BF16] = ISA_FUNCTION(narrow_bf16);
}
#endif
