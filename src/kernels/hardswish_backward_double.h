/* SPDX-License-Identifier: MIT */
/* hardswish's backward, the reference's double operations on double lanes, bit for bit:
 * the f64 kernel as it is, the f32 kernel (and the GPU's lane) on the widened floats. */
#ifndef ACTFN_HARDSWISH_BACKWARD_DOUBLE_H
#define ACTFN_HARDSWISH_BACKWARD_DOUBLE_H

#include "vec/vec.h"

#include <math.h>

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

#endif
