/* SPDX-License-Identifier: MIT */
#include "spec/exact_round.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

SPEC_HELPER int float_is_even(float f) {
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    return (bits & 1u) == 0;
}

SPEC_HELPER int double_is_even(double d) {
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    return (bits & 1u) == 0;
}

SPEC_FUNCTION double_double exact_sum(double a, double b) {
    double_double r;
    r.hi = a + b;
    double b_part = r.hi - a;
    r.lo = (a - (r.hi - b_part)) + (b - b_part);
    return r;
}

SPEC_FUNCTION double_double exact_product(double a, double b) {
    double_double r;
    r.hi = a * b;
    r.lo = fma(a, b, -r.hi);
    return r;
}

SPEC_FUNCTION int sign_of_sum(const double *terms, int count) {
    /* The expansion: nonoverlapping components, in order of increasing magnitude, whose
     * exact sum is the terms' so far; each term is added with a chain of two-sums. Its
     * sign is the sign of its largest nonzero component. */
    double expansion[16];
    int length = 0;
    for (int t = 0; t < count; t++) {
        double q = terms[t];
        for (int i = 0; i < length; i++) {
            double_double s = exact_sum(q, expansion[i]);
            expansion[i] = s.lo;
            q = s.hi;
        }
        expansion[length++] = q;
    }
    for (int i = length - 1; i >= 0; i--)
        if (expansion[i] != 0) return expansion[i] > 0 ? 1 : -1;
    return 0;
}

SPEC_FUNCTION float nearest_float(double t, excess_f32_fn excess, double a, double b) {
    float nearest = (float)t;
    if ((double)nearest == t)
        return nearest; /* T is within 2^-50 of a float, far from any midpoint */
    float other =
        (double)nearest < t ? nextafterf(nearest, INFINITY) : nextafterf(nearest, -INFINITY);
    double midpoint = 0.5 * ((double)nearest + (double)other); /* exact in double */
    if (fabs(t - midpoint) > 0x1p-48 * fabs(t))
        return nearest; /* t's error cannot carry T across the midpoint */
    double sign = excess(midpoint, a, b);
    float above = nearest > other ? nearest : other;
    float below = nearest > other ? other : nearest;
    if (sign > 0) return above;
    if (sign < 0) return below;
    return float_is_even(above) ? above : below; /* an exact tie: to even */
}

SPEC_FUNCTION double nearest_double(double_double t, excess_f64_fn excess, double x) {
    double nearest = t.hi + t.lo;
    double rest = (t.hi - nearest) + t.lo; /* t - nearest, to a relative 2^-53 */
    if (rest == 0) return nearest;
    double other = rest > 0 ? nextafter(nearest, HUGE_VAL) : nextafter(nearest, -HUGE_VAL);
    double half_gap = 0.5 * (other - nearest); /* exact: the results are normal */
    if (fabs(rest - half_gap) > 0x1p-100 * fabs(nearest))
        return nearest; /* t's error cannot carry T across the midpoint */
    double above = nearest > other ? nearest : other;
    double below = nearest > other ? other : nearest;
    int sign = excess(below, above, x);
    if (sign > 0) return above;
    if (sign < 0) return below;
    return double_is_even(above) ? above : below;
}
