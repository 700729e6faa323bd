#include "spec/exact_round.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

static int float_is_even(float f) {
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    return (bits & 1u) == 0;
}

static int double_is_even(double d) {
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    return (bits & 1u) == 0;
}

float nearest_float(double t, excess_f32_fn excess, double a, double b) {
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

double nearest_double(wide_double t, excess_f64_fn excess, double x) {
    double nearest = (double)t;
    if ((wide_double)nearest == t) return nearest;
    double other =
        (wide_double)nearest < t ? nextafter(nearest, INFINITY) : nextafter(nearest, -INFINITY);
    wide_double midpoint = ((wide_double)nearest + (wide_double)other) / 2;
    wide_double distance = t > midpoint ? t - midpoint : midpoint - t;
    wide_double magnitude = t > 0 ? t : -t;
    if (distance > magnitude * (wide_double)0x1p-100) return nearest;
    double above = nearest > other ? nearest : other;
    double below = nearest > other ? other : nearest;
    int sign = excess(below, above, x);
    if (sign > 0) return above;
    if (sign < 0) return below;
    return double_is_even(above) ? above : below;
}
