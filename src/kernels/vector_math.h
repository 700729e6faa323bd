/* SPDX-License-Identifier: MIT */
/* exp, expm1 and log1p on double vectors, for the f32 ops computed in double. They aim
 * at a relative error below 2^-46, far under what a float result can show: the final
 * rounding to float then decides the result (docs/semantics.md). Inputs must be clamped
 * by the caller to the stated ranges; NaN is not handled here (kernels restore it). */
#ifndef ACTFN_VECTOR_MATH_H
#define ACTFN_VECTOR_MATH_H

#include "vec/vec.h"

/* Cody-Waite split of ln 2: LN2_HI has 32 significant bits, so k * LN2_HI is exact for
 * |k| < 2^21 even without a fused multiply-add (SSE2). */
#define VM_LOG2E  0x1.71547652b82fep+0
#define VM_LN2_HI 0x1.62e42feep-1
#define VM_LN2_LO 0x1.a39ef35793c76p-33

/* p0 + p1 x + ... evaluated by Estrin's scheme: pairs, then pairs of pairs, so that the
 * dependency chain is log2(degree) multiply-adds long instead of degree (these kernels are
 * bound by latency, not by the number of operations). */
VEC_FUNCTION vd vm_estrin(vd x, const double *p, int degree) {
    vd terms[8]; /* degree <= 15 */
    int count = (degree + 2) / 2;
    VEC_UNROLL(8)
    for (int k = 0; k < count; k++)
        terms[k] = 2 * k + 1 <= degree ? vd_fma(vd_set1(p[2 * k + 1]), x, vd_set1(p[2 * k]))
                                       : vd_set1(p[2 * k]);
    vd power = vd_mul(x, x);
    VEC_UNROLL(4)
    for (int level = 0; level < 3; level++) {
        if (count == 1) break;
        VEC_UNROLL(4)
        for (int k = 0; k < count / 2; k++)
            terms[k] = vd_fma(terms[2 * k + 1], power, terms[2 * k]);
        if (count % 2) terms[count / 2] = terms[count - 1];
        count = (count + 1) / 2;
        power = vd_mul(power, power);
    }
    return terms[0];
}

/* exp(x) for x in [-708, 709]. x = k ln2 + r, |r| <= ln2 / 2, and exp(r) by its Taylor
 * polynomial of degree 11 (truncation below 2^-46). */
VEC_FUNCTION vd vm_exp(vd x) {
    static const double taylor[12] = {1.0,         1.0,          1.0 / 2,       1.0 / 6,
                                      1.0 / 24,    1.0 / 120,    1.0 / 720,     1.0 / 5040,
                                      1.0 / 40320, 1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800};
    const vd magic = vd_set1(0x1.8p52);
    vd k = vd_sub(vd_add(vd_mul(x, vd_set1(VM_LOG2E)), magic), magic); /* round to nearest */
    vd r = vd_sub(x, vd_mul(k, vd_set1(VM_LN2_HI)));
    r = vd_sub(r, vd_mul(k, vd_set1(VM_LN2_LO)));
    return vd_mul(vm_estrin(r, taylor, 11), vd_exp2_integer(k));
}

/* exp(x) - 1 for x in [-708, 709], accurate relative to the result near 0 too: a Taylor
 * polynomial for |x| < 0.35, exp(x) - 1 beyond, where the subtraction loses at most
 * 2 bits. */
VEC_FUNCTION vd vm_expm1(vd x) {
    vd p = vd_set1(1.0 / 6227020800);
    p = vd_fma(p, x, vd_set1(1.0 / 479001600));
    p = vd_fma(p, x, vd_set1(1.0 / 39916800));
    p = vd_fma(p, x, vd_set1(1.0 / 3628800));
    p = vd_fma(p, x, vd_set1(1.0 / 362880));
    p = vd_fma(p, x, vd_set1(1.0 / 40320));
    p = vd_fma(p, x, vd_set1(1.0 / 5040));
    p = vd_fma(p, x, vd_set1(1.0 / 720));
    p = vd_fma(p, x, vd_set1(1.0 / 120));
    p = vd_fma(p, x, vd_set1(1.0 / 24));
    p = vd_fma(p, x, vd_set1(1.0 / 6));
    p = vd_fma(p, x, vd_set1(0.5));
    vd small = vd_fma(vd_mul(p, x), x, x);
    vd large = vd_sub(vm_exp(x), vd_set1(1.0));
    return vd_select(vd_lt(vd_abs(x), vd_set1(0.35)), small, large);
}

/* log(1 + e) for e in [0, 1]: with s = e / (2 + e) <= 1/3, log(1 + e) = 2 atanh(s)
 * = 2 (s + s^3/3 + s^5/5 + ...), 15 terms (truncation below 2^-50). */
VEC_FUNCTION vd vm_log1p_unit(vd e) {
    static const double odd_reciprocals[15] = {1.0,      1.0 / 3,  1.0 / 5,  1.0 / 7,  1.0 / 9,
                                               1.0 / 11, 1.0 / 13, 1.0 / 15, 1.0 / 17, 1.0 / 19,
                                               1.0 / 21, 1.0 / 23, 1.0 / 25, 1.0 / 27, 1.0 / 29};
    vd s = vd_div(e, vd_add(vd_set1(2.0), e));
    return vd_mul(vd_add(s, s), vm_estrin(vd_mul(s, s), odd_reciprocals, 14));
}

/* 1 / (1 + exp(-v)), any v (|v| is clamped to 708, where the result is 0 or 1 in any
 * format the kernels round to), and 0 below ln 2^-1075, where the reference's exp(v)
 * is 0: there an infinite dy times it is NaN, as the reference's (fuzz_api found inf). */
#define VM_EXP_ZERO_BELOW (-745.1332191019412)

VEC_FUNCTION vd vm_logistic(vd v) {
    vd magnitude = vd_abs(v);
    magnitude = vd_select(vd_gt(magnitude, vd_set1(708)), vd_set1(708), magnitude);
    vd e = vm_exp(vd_sub(vd_zero(), magnitude));
    vd positive = vd_div(vd_set1(1.0), vd_add(vd_set1(1.0), e));
    vd negative = vd_select(vd_lt(v, vd_set1(VM_EXP_ZERO_BELOW)), vd_zero(), vd_mul(e, positive));
    return vd_select(vd_ge(v, vd_zero()), positive, negative);
}

/* erfc(t) for t in [0, 10.5]: exp(-t^2) G(t), G a polynomial of degree 14 in
 * s = 9/7 (u + 1) - 1, u = (t - 3) / (t + 3): a Chebyshev fit (tools/fits/erfc_chebyshev.py,
 * relative error 6e-12) turned into monomials (all below 0.36: well conditioned), summed
 * by Estrin's scheme. */
VEC_FUNCTION vd vm_erfc(vd t) {
    static const double coefficients[15] = {
        0.2654619219973531,      -0.35862291746616826,   0.22366884999256936,
        -0.10667478656099452,    0.037164375795943345,   -0.008248284261081278,
        0.0005171313525769477,   0.0003028033753206528,  -7.131691526527048e-05,
        -1.1486714134953908e-05, 5.350706110225142e-06,  6.677781979143401e-07,
        -3.8507140410480127e-07, -4.627817277413921e-08, 2.2015474128608107e-08};
    vd three = vd_set1(3.0);
    vd u = vd_div(vd_sub(t, three), vd_add(t, three));
    vd s = vd_sub(vd_mul(vd_set1(9.0 / 7.0), vd_add(u, vd_set1(1.0))), vd_set1(1.0));
    return vd_mul(vm_estrin(s, coefficients, 14), vm_exp(vd_sub(vd_zero(), vd_mul(t, t))));
}

#endif
