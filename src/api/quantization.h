/* SPDX-License-Identifier: MIT */
/* What every quantized (int8 / uint8) entry point shares: the checks of a dtype and a
 * quantization, the real value of each of the 256 bytes, and the requantization of one
 * real result (round to nearest, ties to even, then clamp). quantized.c (the element-wise
 * ops), glu_quantized.c and rrelu.c use them, so that the three define one rounding. */
#ifndef ACTFN_QUANTIZATION_H
#define ACTFN_QUANTIZATION_H

#include "actfn.h"

#include <stdint.h>

/* The integer range of ACTFN_S8 (-128 .. 127) or ACTFN_U8 (0 .. 255). */
static inline int quantized_min(actfn_dtype dtype) {
    return dtype == ACTFN_S8 ? INT8_MIN : 0;
}
static inline int quantized_max(actfn_dtype dtype) {
    return dtype == ACTFN_S8 ? INT8_MAX : UINT8_MAX;
}

/* ACTFN_ERR_UNKNOWN_DTYPE (recorded) unless dtype is ACTFN_S8 or ACTFN_U8. */
actfn_status check_quantized_dtype(const char *function, actfn_dtype dtype);

/* ACTFN_ERR_NULL_POINTER for a NULL q, ACTFN_ERR_BAD_PARAMETER for a scale that is not
 * finite and positive or a zero point outside the type's range; `which` names q in the
 * message ("input", "output", ...). */
actfn_status check_quantization(const char *function, const char *which, actfn_dtype dtype,
                                const actfn_quantization *q);

/* reals[byte] = q->scale * (byte's integer - q->zero_point), for the 256 bytes. */
void dequantized_bytes(actfn_dtype dtype, const actfn_quantization *q, double reals[256]);

/* The integer for the real result: result / output->scale rounded to nearest (ties to
 * even), plus the zero point, clamped to the type's range; NaN gives the zero point.
 * Inline, as the GLU and rrelu loops call it per element: the quotient is clamped to a
 * range of integers first, where adding and subtracting 1.5 * 2^52 rounds it as
 * nearbyint does, without a call. */
static inline int requantize(actfn_dtype dtype, const actfn_quantization *output, double result) {
    double scaled = result / output->scale;
    int low = quantized_min(dtype), high = quantized_max(dtype);
    double below = low - output->zero_point - 1.0, above = high - output->zero_point + 1.0;
    /* without branches, so that the loops around it vectorize: NaN becomes 0 (the zero
     * point), then the clamp */
    scaled = scaled == scaled ? scaled : 0.0;
    scaled = scaled < below ? below : scaled;
    scaled = scaled > above ? above : scaled;
    /* (s + c) - c is not folded without -ffast-math, which the build never uses */
    int rounded = (int)((scaled + 0x1.8p52) - 0x1.8p52) + output->zero_point;
    rounded = rounded < low ? low : rounded;
    return rounded > high ? high : rounded;
}

#endif
