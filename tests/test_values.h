/* SPDX-License-Identifier: MIT */
/* Small helpers the API tests share: a repeatable random stream, inputs that reach
 * every branch, and bit-level comparisons. */
#ifndef ACTFN_TEST_VALUES_H
#define ACTFN_TEST_VALUES_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t random_state = 0x853c49e6748fea9bULL;

static inline uint64_t next_random(void) {
    uint64_t x = random_state;
    x ^= x >> 12, x ^= x << 25, x ^= x >> 27;
    random_state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/* Values that exercise every branch: specials, subnormals, kinks, random magnitudes. */
static inline double interesting_value(size_t i) {
    static const double specials[] = {
        NAN, -NAN, INFINITY, -INFINITY, 0.0,   -0.0,  1e-310, -1e-310, 1e-40, -1e-40, 3.0,  -3.0,
        6.0, 1.0,  -1.0,     20.0,      -20.0, 1e308, -1e308, 3e38,    -3e38, 0.5,    -0.5, -1.5};
    /* NaNs with payloads in the bits a kernel might move into an exponent (as floats:
     * 0x7fc01230 and 0xfffffff0) */
    static const uint64_t payload_nans[] = {UINT64_C(0x7ff8024600000000),
                                            UINT64_C(0xfffffffe00000000)};
    size_t count = sizeof specials / sizeof *specials;
    if (i < count) return specials[i];
    if (i - count < sizeof payload_nans / sizeof *payload_nans) {
        double nan;
        memcpy(&nan, &payload_nans[i - count], sizeof nan);
        return nan;
    }
    double magnitude =
        exp2((double)(next_random() % 200) - 100.0) * ((double)(next_random() >> 11) * 0x1p-53);
    return (next_random() & 1) ? magnitude : -magnitude;
}

static inline int same_bits_f32(float a, float b) {
    return memcmp(&a, &b, sizeof a) == 0 || (isnan(a) && isnan(b));
}

static inline int same_bits_f64(double a, double b) {
    return memcmp(&a, &b, sizeof a) == 0 || (isnan(a) && isnan(b));
}

/* For the ops that are not exact, a kernel may round differently from the reference
 * in the last place (both stay within the MPFR-checked bound); zeros must still agree
 * in sign, and NaN with NaN. */
static inline int within_ulps_f32(float a, float b, int ulps) {
    if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
    if (a == 0 && b == 0) return same_bits_f32(a, b);
    if (a == 0 || b == 0) return fabsf(a - b) <= (float)ulps * 0x1p-149f;
    if (signbit(a) != signbit(b)) return 0;
    int32_t ia, ib;
    memcpy(&ia, &a, sizeof ia);
    memcpy(&ib, &b, sizeof ib);
    return abs(ia - ib) <= ulps;
}

/* The same in f64 (the f64 kernels of the smooth ops, within their bounds). */
static inline int within_ulps_f64(double a, double b, int ulps) {
    if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
    if (a == 0 && b == 0) return same_bits_f64(a, b);
    if (a == 0 || b == 0) return fabs(a - b) <= (double)ulps * 0x1p-1074;
    if (signbit(a) != signbit(b)) return 0;
    int64_t ia, ib;
    memcpy(&ia, &a, sizeof ia);
    memcpy(&ib, &b, sizeof ib);
    return (ia > ib ? ia - ib : ib - ia) <= ulps;
}

static inline int within_one_ulp_f32(float a, float b) {
    return within_ulps_f32(a, b, 1);
}

/* A value no op returns for the inputs the tests use: where it stays, nothing was written. */
static const float sentinel = 12345.0f;

static inline void fill_sentinel(float *y, size_t n) {
    for (size_t i = 0; i < n; i++)
        y[i] = sentinel;
}

static inline int all_sentinel(const float *y, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (y[i] != sentinel) return 0;
    return 1;
}

#endif
