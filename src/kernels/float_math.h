/* exp and expm1 on float vectors with their rounding errors carried along, for the f32
 * smooth ops computed in float lanes (smooth_f32.c). Each result is an unevaluated sum
 * hi + lo that is exact to about 2^-30 relative, so that an op's last operation is its
 * only rounding that matters: sigmoid, silu, tanh, elu, selu and celu come out within
 * 0.77 ULP over all 2^32 inputs (docs/accuracy.md). Needs a fused multiply-add that
 * rounds once (VEC_HAS_FMA). Inputs must be clamped by the caller; NaN is not handled
 * here. */
#ifndef ACTFN_FLOAT_MATH_H
#define ACTFN_FLOAT_MATH_H

#include "../vec/vec.h"

/* ln 2 = FM_LN2_HI - FM_LN2_LO_NEG to 2^-50: FM_LN2_HI has 24 bits, so n * FM_LN2_HI
 * subtracted from z by a fused multiply-add is exact for the n in use (|n| < 256). */
#define FM_LOG2E      0x1.715476p0f
#define FM_LN2_HI     0x1.62e430p-1f
#define FM_LN2_LO_NEG 0x1.05c610p-29f

/* exp(z) = 2^n (w + wlo), with w = 1 + v rounded and wlo its remainder; exp(r) - 1 =
 * v + vlo, kept too for expm1 near 0, where w has rounded most of v away. */
typedef struct float_exp {
    vf w, wlo, v, vlo, n;
} float_exp;

/* Error-free sum of a and b with |a| >= |b| (Fast2Sum): a + b = sum + *error exactly. */
static inline vf fm_fast_two_sum(vf a, vf b, vf *error) {
    vf sum = vf_add(a, b);
    *error = vf_add(vf_sub(a, sum), b);
    return sum;
}

/* exp(z) for z in [-180, 1] as 2^n (w + wlo). z = n ln2 + r, |r| <= ln2 / 2, with
 * r = r1 + c: r1 exact, c = -n FM_LN2_LO small. The sum r1 + (c + r^2 P) is split
 * by Fast2Sum, exact unless |r1| is below about |c| <= 2^-21, where v is so small that
 * the error of the split stays below 2^-45. exp(r) = 1 + r + r^2 P(r), P a degree-5
 * least-squares fit to (exp(r) - 1 - r) / r^2 (relative error 2^-32 in exp(r); the fit
 * is in tools/fits/exp_float.py); the sum
 * 1 + r1 + (c + r^2 P) is kept as w + wlo without rounding. */
static inline float_exp fm_exp(vf z) {
    const vf magic = vf_set1(0x1.8p23f);
    float_exp e;
    e.n = vf_sub(vf_fma(z, vf_set1(FM_LOG2E), magic), magic); /* round to nearest */
    vf r1 = vf_fma(e.n, vf_set1(-FM_LN2_HI), z);
    vf c = vf_mul(e.n, vf_set1(FM_LN2_LO_NEG));
    vf r = vf_add(r1, c);
    vf p = vf_set1(0x1.a15178p-13f);
    p = vf_fma(p, r, vf_set1(0x1.6d4332p-10f));
    p = vf_fma(p, r, vf_set1(0x1.1110c6p-7f));
    p = vf_fma(p, r, vf_set1(0x1.5554e8p-5f));
    p = vf_fma(p, r, vf_set1(0x1.555556p-3f));
    p = vf_fma(p, r, vf_set1(0x1.000000p-1f));
    vf t = vf_mul(vf_mul(r, r), p);
    vf w_error;
    e.v = fm_fast_two_sum(r1, vf_add(c, t), &e.vlo);
    e.w = fm_fast_two_sum(vf_set1(1.0f), e.v, &w_error);
    e.wlo = vf_add(w_error, e.vlo);
    return e;
}

/* expm1(z) for z in [-30, 0] as hi + *lo: v + vlo where n = 0, else -1 + 2^n (w + wlo),
 * the -1 added without error (Fast2Sum: 2^n w <= 1). */
static inline vf fm_expm1_nonpositive(vf z, vf *lo) {
    float_exp e = fm_exp(z);
    vf scale = vf_exp2_integer(e.n);
    vf sum_error;
    vf hi = fm_fast_two_sum(vf_set1(-1.0f), vf_mul(e.w, scale), &sum_error);
    mf near_zero = vf_eq(e.n, vf_zero());
    *lo = vf_select(near_zero, e.vlo, vf_fma(e.wlo, scale, sum_error));
    return vf_select(near_zero, e.v, hi);
}

/* (n + n_lo) / (d + d_lo), rounded once up to a few units of 2^-46 relative: q0 = n / d
 * by one reciprocal, then one correction step with the exact residual n - q0 d. */
static inline vf fm_divide(vf n, vf n_lo, vf d, vf d_lo) {
    vf inverse = vf_div(vf_set1(1.0f), d);
    vf q0 = vf_mul(n, inverse);
    vf residual = vf_add(vf_fnma(q0, d, n), vf_fnma(q0, d_lo, n_lo));
    return vf_fma(residual, inverse, q0);
}

#endif
