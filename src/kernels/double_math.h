/* SPDX-License-Identifier: MIT */
/* exp and expm1 on double vectors to double precision, for the f64 ops (smooth_f64.c):
 * about 0.6 ULP where the result is normal (vector_math.h's versions, for the f32 ops
 * computed in double, stop at 2^-46). Need the fma to round once (VEC_HAS_FMA). NaN
 * passes through the arithmetic; the callers restore the reference's rules at the edges.
 *
 * x = k ln2 + r with |r| <= ln2 / 2 (Cody-Waite: k ln2's high part is exact), and
 * expm1(r) = r + r^2 q(r), q the Taylor polynomial of (e^r - 1 - r) / r^2 to degree 11
 * (truncation below 2^-60 relative): the small term r^2 q carries all the rounding,
 * and exp(x) = 2^k (1 + expm1(r)) rounds once more. */
#ifndef ACTFN_DOUBLE_MATH_H
#define ACTFN_DOUBLE_MATH_H

#include "kernels/vector_math.h"

/* a b = product + *error exactly (the fma's remainder; no underflow). */
static inline vd dm_two_product(vd a, vd b, vd *error) {
    vd product = vd_mul(a, b);
    *error = vd_fma(a, b, vd_neg(product));
    return product;
}

/* a + b = sum + *error exactly, whatever their magnitudes (TwoSum). */
static inline vd dm_two_sum(vd a, vd b, vd *error) {
    vd sum = vd_add(a, b), a_part = vd_sub(sum, b);
    *error = vd_add(vd_sub(a, a_part), vd_sub(b, vd_sub(sum, a_part)));
    return sum;
}

/* expm1(r + r_lo) for |r| <= 0.35 and r_lo below r's last bit: r + (r_lo + r^2 q(r)),
 * rounded once where the small terms meet r; expm1(+-0) = +0 (callers that need -0 keep
 * x). */
static inline vd dm_expm1_reduced(vd r, vd r_lo) {
    static const double taylor[12] = {1.0 / 2,        1.0 / 6,         1.0 / 24,
                                      1.0 / 120,      1.0 / 720,       1.0 / 5040,
                                      1.0 / 40320,    1.0 / 362880,    1.0 / 3628800,
                                      1.0 / 39916800, 1.0 / 479001600, 1.0 / 6227020800};
    return vd_add(r, vd_fma(vd_mul(r, r), vm_estrin(r, taylor, 11), r_lo));
}

/* k = round(x / ln 2) and x - k ln 2 = r + r_lo (r_lo the rounding error of r), for
 * |x| < 2^20. */
static inline vd dm_reduce(vd x, vd *r, vd *r_lo) {
    const vd magic = vd_set1(0x1.8p52);
    vd k = vd_sub(vd_fma(x, vd_set1(VM_LOG2E), magic), magic);
    vd reduced = vd_fma(k, vd_set1(-VM_LN2_HI), x); /* exact */
    vd low = vd_mul(k, vd_set1(-VM_LN2_LO));
    *r = vd_add(reduced, low);
    *r_lo = vd_add(vd_sub(reduced, *r), low); /* exact: |low| is far below |reduced| or 0 */
    return k;
}

/* exp(x) = 2^k (1 + s) for |x| <= 709 (the caller clamps): s = expm1 of the reduced
 * argument, so that c exp(x) = fma(c 2^k, s, c 2^k) rounds once. */
static inline vd dm_exp_parts(vd x, vd *s) {
    vd r, r_lo, k = dm_reduce(x, &r, &r_lo);
    *s = dm_expm1_reduced(r, r_lo);
    return vd_exp2_integer(k);
}

/* exp(a) for a in [-708, 709], where 2^k is one normal power of two: 2^k (1 + s) rounded
 * once (NaN stays NaN). The kernels send lanes beyond to the reference, where exp's
 * result is subnormal: a full-range exp would need clamps and a scaling in two steps, a
 * quarter of sigmoid's operations. */
static inline vd dm_exp_normal(vd a) {
    vd s, scale = dm_exp_parts(a, &s);
    return vd_fma(scale, s, scale);
}

/* expm1(x) for x <= 0 (-inf included; -0 gives +0, as dm_expm1_reduced): 2^k expm1(r) +
 * (2^k - 1) in one fma, 2^k - 1 exact for k >= -53; below x = -40, -1. */
static inline vd dm_expm1_nonpositive(vd x) {
    vd clamped = vd_select(vd_lt(x, vd_set1(-40.0)), vd_set1(-40.0), x);
    vd s, scale = dm_exp_parts(clamped, &s);
    return vd_fma(scale, s, vd_sub(scale, vd_set1(1.0)));
}

/* log(1 + e) for e in [0, 1] to double precision (the f64 softplus), without forming
 * 1 + e (whose rounding would need a correction): below e = 1/2, f = e itself; from 1/2
 * on, 1 + e = 2 (1 + f) with f = (e - 1) / 2, exact (e - 1 is, by Sterbenz), and ln 2
 * added. f is in [-1/4, 1/2); with s = f / (2 + f), log(1 + f) = 2 atanh(s) = f - f^2/2
 * + s (f^2/2 + R), R = 2 (s^2/3 + s^4/5 + ...) to s^24 (|s| <= 1/5: truncation below
 * 2^-56 relative). f is exact and the rest small beside it: the result rounds about
 * once. */
static inline vd dm_log1p_unit(vd e) {
    static const double series[12] = {2.0 / 3,  2.0 / 5,  2.0 / 7,  2.0 / 9,  2.0 / 11, 2.0 / 13,
                                      2.0 / 15, 2.0 / 17, 2.0 / 19, 2.0 / 21, 2.0 / 23, 2.0 / 25};
    md big = vd_ge(e, vd_set1(0.5));
    vd f = vd_select(big, vd_mul(vd_sub(e, vd_set1(1.0)), vd_set1(0.5)), e);
    vd k = vd_select(big, vd_set1(1.0), vd_zero());
    vd s = vd_div(f, vd_add(vd_set1(2.0), f));
    vd z = vd_mul(s, s);
    vd r = vd_mul(z, vm_estrin(z, series, 11));
    vd half_square = vd_mul(vd_mul(vd_set1(0.5), f), f);
    vd tail = vd_sub(half_square, vd_fma(s, vd_add(half_square, r), vd_mul(k, vd_set1(VM_LN2_LO))));
    return vd_fma(k, vd_set1(VM_LN2_HI), vd_sub(f, tail));
}

#endif
