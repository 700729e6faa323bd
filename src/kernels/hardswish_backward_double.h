/* SPDX-License-Identifier: MIT */
/* hardswish's backward, the reference's double operations on double lanes, bit for bit:
 * the f64 kernel as it is, the f32 kernel (and the GPU's lane) on the widened floats. */
#ifndef ACTFN_HARDSWISH_BACKWARD_DOUBLE_H
#define ACTFN_HARDSWISH_BACKWARD_DOUBLE_H

#include "vec/vec.h"

#include <math.h>

/* On doubles: the reference's operations as they are. */
VEC_FUNCTION vd hardswish_backward_double(vd x, vd dy) {
    vd three = vd_set1(3.0), zero = vd_zero();
    vd t = vd_add(vd_add(x, x), three);
    vd numerator = vd_mul(dy, t);
    md middle = md_and(vd_ge(x, vd_set1(-3.0)), vd_le(x, three));
    md usable = md_andnot(vd_lt(vd_abs(numerator), vd_set1(INFINITY)), vd_eq(numerator, zero));
    vd derivative = vd_select(vd_gt(x, three), vd_set1(1.0), x); /* above 3; NaN: x */
    derivative = vd_select(middle, vd_div(t, vd_set1(6.0)), derivative);
    derivative = vd_select(vd_lt(x, vd_set1(-3.0)), zero, derivative);
    vd masked = vd_select(vd_eq(derivative, zero), zero, vd_mul(dy, derivative));
    return vd_select(md_and(middle, usable), vd_div(numerator, vd_set1(6.0)), masked);
}

/* n / 6 rounded once, without a division: q = n r with r = RN(1/6), faithful, then one
 * correction by the exact residual n - 6q (an fma), which Markstein's theorem makes the
 * correctly rounded quotient wherever nothing underflows: for the widened floats'
 * numerators, |n| >= 2^-171 or 0, far from the double subnormals. */
VEC_FUNCTION vd hardswish_sixth_of_widened(vd n) {
#if VEC_HAS_FMA
    vd r = vd_set1(1.0 / 6.0);
    vd q = vd_mul(n, r);
    return vd_fma(vd_fma(q, vd_set1(-6.0), n), r, q);
#else
    return vd_div(n, vd_set1(6.0)); /* no single-rounding fma */
#endif
}

/* On floats widened to double, the same results in fewer operations: dy t can neither
 * overflow nor underflow there, so that on [-3, 3] dy (t / 6) and (dy t) / 6 differ only
 * where dy t is 0 (+0 where t is, the sign of dy t where dy is), inf (dy t itself) or
 * NaN; above 3 dy itself; below -3 +0; a NaN x gives NaN through t. No division (the f32
 * backward ran 1.2x faster for that alone). */
VEC_FUNCTION vd hardswish_backward_widened(vd x, vd dy) {
    vd t = vd_add(vd_add(x, x), vd_set1(3.0));
    vd numerator = vd_mul(dy, t);
    vd quotient = hardswish_sixth_of_widened(numerator);
    /* an infinite numerator: itself (the correction would make it NaN) */
    quotient = vd_select(vd_eq(vd_abs(numerator), vd_set1(INFINITY)), numerator, quotient);
    vd result = vd_select(vd_gt(x, vd_set1(3.0)), dy, quotient);
    md zero = md_or(vd_lt(x, vd_set1(-3.0)), vd_eq(t, vd_zero()));
    return vd_select(zero, vd_zero(), result);
}

#endif
