/* SPDX-License-Identifier: MIT */
/* hardsigmoid's and hardswish's f32 bodies, correctly rounded (hard_f32.c says how), written
 * against the vector layer once: hard_f32.c makes the SIMD kernels of them,
 * src/cuda/lane_ops.cuh the GPU's. Needs VEC_HAS_FMA. */
#ifndef ACTFN_HARD_FLOAT_BODY_H
#define ACTFN_HARD_FLOAT_BODY_H

#include "kernels/float_math.h"

#include <math.h>

typedef struct hard_constants {
    vf sixth_up, sixth_down, six, three, minus_three; /* 1/6 rounded up and down */
} hard_constants;

VEC_FUNCTION hard_constants make_hard_constants(const op_params *p) {
    (void)p;
    hard_constants k = {vf_set1(0x1.555556p-3f), vf_set1(0x1.555554p-3f), vf_set1(6.0f),
                        vf_set1(3.0f), vf_set1(-3.0f)};
    return k;
}

/* (hi + lo) / 6 rounded to nearest, ties to even, for |lo| far below ulp(hi) and hi not
 * subnormal: q0 = hi / 6 to about an ULP, r = hi + lo - 6 q0 (the fma's remainder is
 * exact), and q0 + r / 6 rounded once, twice: with 1/6 rounded up and rounded down.
 * Away from a tie both give the correctly rounded quotient; at a tie they fall on either
 * side of it, and their sum, 2 (the tie), rounds to twice the even one. */
VEC_FUNCTION vf divided_by_six(vf hi, vf lo, const hard_constants *k) {
    vf q0 = vf_mul(hi, k->sixth_up);
    vf r = vf_add(vf_fnma(q0, k->six, hi), lo);
    vf above = vf_fma(r, k->sixth_up, q0), below = vf_fma(r, k->sixth_down, q0);
    return vf_mul(vf_add(above, below), vf_set1(0.5f));
}

/* xc = x clamped to [-3, 3] (NaN stays), and xc + 3 = s + s_lo exactly (Fast2Sum). */
VEC_FUNCTION vf clamped_plus_three(vf x, vf *xc, vf *s_lo, const hard_constants *k) {
    *xc = vf_at_most(vf_at_least(x, k->minus_three), k->three);
    vf s = vf_add(*xc, k->three);
    *s_lo = vf_sub(*xc, vf_sub(s, k->three));
    return s;
}

VEC_FUNCTION vf hardsigmoid_body(vf x, const hard_constants *k) {
    vf xc, s_lo;
    vf s = clamped_plus_three(x, &xc, &s_lo, k);
    return divided_by_six(s, s_lo, k); /* +0 at x <= -3, 1 at x >= 3, NaN through */
}

/* x / 2 for |x| < 2^-125, where x / 2 is subnormal: where it is not a float (x an odd
 * multiple of the smallest subnormal) the tie goes toward +inf, as (x + 2^-149) / 2 with
 * x's sign. */
VEC_FUNCTION vf half_tie_up(vf x) {
    vf half = vf_mul(x, vf_set1(0.5f));
    vf up = vf_with_sign_of(vf_mul(vf_add(x, vf_set1(0x1p-149f)), vf_set1(0.5f)), x);
    return vf_select(vf_eq(vf_add(half, half), x), half, up);
}

VEC_FUNCTION vf hardswish_body(vf x, const hard_constants *k) {
    vf xc, s_lo;
    vf s = clamped_plus_three(x, &xc, &s_lo, k);
    vf product = vf_mul(xc, s);
    vf product_lo = vf_fma(xc, s_lo, vf_fma(xc, s, fm_neg(product)));
    vf y = divided_by_six(product, product_lo, k);
    y = vf_select(vf_le(x, k->minus_three), vf_zero(), y); /* +0, and NaN through */
    y = vf_select(vf_ge(x, k->three), x, y);
    mf tiny = vf_lt(vf_abs(x), vf_set1(0x1p-125f)); /* where x / 2 is subnormal */
    if (mf_any(tiny)) y = vf_select(tiny, half_tie_up(x), y);
    return y;
}

VEC_FUNCTION vf hardsigmoid_backward_body(vf x, vf dy, const hard_constants *k) {
    mf inside = mf_and(vf_gt(x, k->minus_three), vf_lt(x, k->three));
    vf outside = vf_select(vf_is_nan(x), x, vf_zero());
    return vf_select(inside, vf_div(dy, k->six), outside);
}

/* The reference's hardswish backward on doubles, operation for operation. */
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
