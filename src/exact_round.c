#include "exact_round.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

double div6_nearest(double hi, double lo)
{
    double quotient = hi / 6.0;
    /* The remainder of a correctly rounded division is exactly representable, so the
     * fma computes it without error; the correction below is then tiny against the
     * quotient and only decides its last bit. */
    double remainder = fma(-quotient, 6.0, hi);
    return quotient + (remainder + lo) / 6.0;
}

static int is_even(float f)
{
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    return (bits & 1u) == 0;
}

float nearest_float(double t, double (*excess)(double m, double a, double b), double a, double b)
{
    float nearest = (float)t;
    if ((double)nearest == t)
        return nearest; /* T is within 2^-50 of a float, far from any midpoint */
    float other = (double)nearest < t ? nextafterf(nearest, INFINITY)
                                      : nextafterf(nearest, -INFINITY);
    double midpoint = 0.5 * ((double)nearest + (double)other); /* exact in double */
    if (fabs(t - midpoint) > 0x1p-48 * fabs(t))
        return nearest; /* t's error cannot carry T across the midpoint */
    double sign = excess(midpoint, a, b);
    float above = nearest > other ? nearest : other;
    float below = nearest > other ? other : nearest;
    if (sign > 0)
        return above;
    if (sign < 0)
        return below;
    return is_even(above) ? above : below; /* an exact tie: to even */
}
