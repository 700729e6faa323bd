/* SPDX-License-Identifier: MIT */
/* The 16-bit float conversions of narrow_float.h. Both formats are handled by one
 * narrowing routine parametrised by exponent and mantissa widths. */
#include "spec/narrow_float.h"
#include "spec/spec_function.h"

#include <math.h>
#include <string.h>

typedef struct narrow_format {
    int mantissa_bits, exponent_bits;
} narrow_format;

/* As functions, not constant structs: device code may not read a host variable. */
SPEC_HELPER narrow_format f16_format(void) {
    narrow_format f = {10, 5};
    return f;
}

SPEC_HELPER narrow_format bf16_format(void) {
    narrow_format f = {7, 8};
    return f;
}

SPEC_HELPER uint64_t bits_of(double x) {
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

SPEC_HELPER double widen(narrow_format f, uint16_t h) {
    int bias = (1 << (f.exponent_bits - 1)) - 1;
    unsigned exponent = (h >> f.mantissa_bits) & ((1u << f.exponent_bits) - 1);
    unsigned mantissa = h & ((1u << f.mantissa_bits) - 1);
    double sign = (h >> 15) ? -1.0 : 1.0;
    if (exponent == (1u << f.exponent_bits) - 1) {
        if (mantissa == 0) return sign * INFINITY;
        /* NaN: keep sign and payload in the top mantissa bits of the double. */
        uint64_t u = ((uint64_t)(h >> 15) << 63) | ((uint64_t)0x7ff << 52) |
                     ((uint64_t)mantissa << (52 - f.mantissa_bits));
        double d;
        memcpy(&d, &u, sizeof d);
        return d;
    }
    if (exponent == 0) return sign * ldexp((double)mantissa, 1 - bias - f.mantissa_bits);
    return sign * ldexp((double)((1u << f.mantissa_bits) | mantissa),
                        (int)exponent - bias - f.mantissa_bits);
}

/* Round-to-nearest-even of a double to the format, with gradual underflow: the value is
 * scaled so that the last mantissa bit of the result (normal or subnormal) has weight 1,
 * rounded to an integer by nearbyint (in round-to-nearest, which the library assumes),
 * and that integer, implicit bit included, added to the exponent field: a carry out of
 * the mantissa, and a subnormal rounding up to the smallest normal, then land in the
 * exponent by themselves. */
SPEC_HELPER uint16_t narrow(narrow_format f, double x) {
    uint64_t u = bits_of(x);
    uint16_t sign = (uint16_t)((u >> 63) << 15);
    unsigned all_ones = (1u << f.exponent_bits) - 1;
    unsigned infinity = all_ones << f.mantissa_bits;
    if (isnan(x)) {
        unsigned payload = (unsigned)(u >> (52 - f.mantissa_bits)) & ((1u << f.mantissa_bits) - 1);
        return (uint16_t)(sign | infinity | payload | (1u << (f.mantissa_bits - 1))); /* quiet */
    }
    double magnitude = fabs(x);
    if (magnitude == 0) return sign;
    if (isinf(magnitude)) return (uint16_t)(sign | infinity);
    int bias = (int)(all_ones >> 1);
    int min_exponent = 1 - bias; /* of the normal numbers */
    int exponent;
    frexp(magnitude, &exponent); /* 2^(exponent - 1) <= magnitude < 2^exponent */
    int unit_exponent = exponent - 1 < min_exponent ? min_exponent : exponent - 1;
    if (unit_exponent + bias >= (int)all_ones) return (uint16_t)(sign | infinity);
    double scaled = nearbyint(ldexp(magnitude, f.mantissa_bits - unit_exponent));
    unsigned bits = ((unsigned)(unit_exponent + bias - 1) << f.mantissa_bits) + (unsigned)scaled;
    return (uint16_t)(sign | (bits >= infinity ? infinity : bits));
}

SPEC_FUNCTION double f16_to_double(uint16_t h) {
    return widen(f16_format(), h);
}

SPEC_FUNCTION uint16_t double_to_f16(double x) {
    return narrow(f16_format(), x);
}

SPEC_FUNCTION double bf16_to_double(uint16_t b) {
    return widen(bf16_format(), b);
}

SPEC_FUNCTION uint16_t double_to_bf16(double x) {
    return narrow(bf16_format(), x);
}
