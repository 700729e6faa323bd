/* exp, expm1 and log1p on double vectors, for the f32 ops computed in double. They aim
 * at a relative error below 2^-46, far under what a float result can show: the final
 * rounding to float then decides the result (docs/semantics.md). Inputs must be clamped
 * by the caller to the stated ranges; NaN is not handled here (kernels restore it). */
#ifndef ACTFN_VECTOR_MATH_H
#define ACTFN_VECTOR_MATH_H

#include "../vec/vec.h"

/* Cody-Waite split of ln 2: LN2_HI has 32 significant bits, so k * LN2_HI is exact for
 * |k| < 2^21 even without a fused multiply-add (SSE2). */
#define VM_LOG2E  0x1.71547652b82fep+0
#define VM_LN2_HI 0x1.62e42feep-1
#define VM_LN2_LO 0x1.a39ef35793c76p-33

/* exp(x) for x in [-708, 709]. x = k ln2 + r, |r| <= ln2 / 2, and exp(r) by its Taylor
 * polynomial of degree 12 (truncation below 2^-52). */
static inline vd vm_exp(vd x) {
    const vd magic = vd_set1(0x1.8p52);
    vd k = vd_sub(vd_add(vd_mul(x, vd_set1(VM_LOG2E)), magic), magic); /* round to nearest */
    vd r = vd_sub(x, vd_mul(k, vd_set1(VM_LN2_HI)));
    r = vd_sub(r, vd_mul(k, vd_set1(VM_LN2_LO)));
    vd p = vd_set1(1.0 / 479001600);
    p = vd_fma(p, r, vd_set1(1.0 / 39916800));
    p = vd_fma(p, r, vd_set1(1.0 / 3628800));
    p = vd_fma(p, r, vd_set1(1.0 / 362880));
    p = vd_fma(p, r, vd_set1(1.0 / 40320));
    p = vd_fma(p, r, vd_set1(1.0 / 5040));
    p = vd_fma(p, r, vd_set1(1.0 / 720));
    p = vd_fma(p, r, vd_set1(1.0 / 120));
    p = vd_fma(p, r, vd_set1(1.0 / 24));
    p = vd_fma(p, r, vd_set1(1.0 / 6));
    p = vd_fma(p, r, vd_set1(0.5));
    p = vd_fma(p, r, vd_set1(1.0));
    p = vd_fma(p, r, vd_set1(1.0));
    return vd_mul(p, vd_exp2_integer(k));
}

/* exp(x) - 1 for x in [-708, 709], accurate relative to the result near 0 too: a Taylor
 * polynomial for |x| < 0.35, exp(x) - 1 beyond, where the subtraction loses at most
 * 2 bits. */
static inline vd vm_expm1(vd x) {
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
static inline vd vm_log1p_unit(vd e) {
    vd s = vd_div(e, vd_add(vd_set1(2.0), e));
    vd s2 = vd_mul(s, s);
    vd p = vd_set1(1.0 / 29);
    for (int k = 13; k >= 0; k--)
        p = vd_fma(p, s2, vd_set1(1.0 / (2 * k + 1)));
    return vd_mul(vd_add(s, s), p);
}

/* 1 / (1 + exp(-v)), any v (|v| is clamped to 708, where the result is 0 or 1 in any
 * format the kernels round to). */
static inline vd vm_logistic(vd v) {
    vd magnitude = vd_abs(v);
    magnitude = vd_select(vd_gt(magnitude, vd_set1(708)), vd_set1(708), magnitude);
    vd e = vm_exp(vd_sub(vd_zero(), magnitude));
    vd positive = vd_div(vd_set1(1.0), vd_add(vd_set1(1.0), e));
    return vd_select(vd_ge(v, vd_zero()), positive, vd_mul(e, positive));
}

/* erfc(t) for t in [0, 10.5]: exp(-t^2) G(t), G a Chebyshev series of degree 14 in
 * s = 9/7 (u + 1) - 1, u = (t - 3) / (t + 3), fitted by tools/fits/erfc_chebyshev.py
 * (relative error 6e-12), summed by Clenshaw's recurrence. */
static inline vd vm_erfc(vd t) {
    static const double coefficients[15] = {
        0.3913763252660569,      -0.4436239611766067,     0.13062987084693894,
        -0.029150496531444327,   0.0047280749084203525,   -0.00048391444368110293,
        1.2134649499173915e-05,  4.360108601371135e-06,   -4.6408872283229277e-07,
        -3.857785227720079e-08,  8.438876771517962e-09,   5.052481800765501e-10,
        -1.5039904524153943e-10, -1.1298382024936331e-11, 2.687435806714857e-12};
    vd three = vd_set1(3.0);
    vd u = vd_div(vd_sub(t, three), vd_add(t, three));
    vd s = vd_sub(vd_mul(vd_set1(9.0 / 7.0), vd_add(u, vd_set1(1.0))), vd_set1(1.0));
    vd two_s = vd_add(s, s);
    vd b1 = vd_zero(), b2 = vd_zero();
    for (int k = 14; k >= 1; k--) {
        vd b0 = vd_sub(vd_fma(two_s, b1, vd_set1(coefficients[k])), b2);
        b2 = b1;
        b1 = b0;
    }
    vd series = vd_sub(vd_fma(s, b1, vd_set1(coefficients[0])), b2);
    return vd_mul(series, vm_exp(vd_sub(vd_zero(), vd_mul(t, t))));
}

#endif
