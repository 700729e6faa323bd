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

static inline void widen(const uint16_t *in, float *out, size_t n, enum narrow_format format) {
    for (size_t i = 0; i < n; i += VF_LANES)
        vf_store(out + i, format == F16 ? vf_load_f16(in + i) : vf_load_bf16(in + i));
}

static inline vf round_to(vf v, enum narrow_format format) {
    return format == F16 ? vf_round_f16(v) : vf_round_bf16(v);
}

static inline size_t narrow(const float *in, uint16_t *out, size_t n, uint32_t *flagged, int margin,
                            enum narrow_format format) {
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
        vf magnitude = vf_abs(v);
        mf near;
        if (format == BF16) { /* bf16 keeps the high 16 bits: the low ones say it all */
            near = vf_low_bits_near_half(magnitude, (uint32_t)margin);
        } else {
            vf below = round_to(vf_mul(magnitude, down), format);
            vf above = round_to(vf_mul(magnitude, up), format);
            near = vf_lt(below, above);
        }
        mf subnormal = mf_and(vf_gt(magnitude, vf_zero()), vf_lt(magnitude, vf_set1(0x1p-126f)));
        if (mf_any(mf_or(near, subnormal))) flagged[count++] = (uint32_t)i;
    }
    return count;
}

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

static size_t ISA_FUNCTION(narrow_bf16)(const float *in, uint16_t *out, size_t n, uint32_t *flagged,
                                        int margin) {
    return narrow(in, out, n, flagged, margin, BF16);
}

void ISA_FUNCTION(fill_narrow_conversions)(kernel_table *table);
void ISA_FUNCTION(fill_narrow_conversions)(kernel_table *table) {
    table->widen[NARROW_F16] = ISA_FUNCTION(widen_f16);
    table->widen[NARROW_BF16] = ISA_FUNCTION(widen_bf16);
    table->narrow[NARROW_F16] = ISA_FUNCTION(narrow_f16);
    table->narrow[NARROW_BF16] = ISA_FUNCTION(narrow_bf16);
}
