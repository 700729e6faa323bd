/* SPDX-License-Identifier: MIT */
/* The exp-based smooth ops in f32 evaluated in float lanes, forward and backward bodies:
 * sigmoid, silu, tanh, elu, selu, celu, gelu_tanh, mish, softplus, logsigmoid (the
 * forwards of tanh, the elu family (AVX-512; elsewhere expm1 from the exp table), and
 * softplus's and logsigmoid's log(1 + e^-|x|) below |x| = 15 from tables of polynomials,
 * without exp). float_math.h carries exp with its
 * rounding error, and each op keeps its sums exact until one last rounding, so every
 * result is within 1 ULP of the exact value over all 2^32 inputs (0.81 at most but for
 * softplus and logsigmoid, 0.97; tests/exhaustive, docs/accuracy.md). Needs a fused
 * multiply-add that rounds once (VEC_HAS_FMA). Written against the vector layer once:
 * smooth_f32.c makes the SIMD kernels of them, src/cuda/lane_ops.cuh the GPU's. */
#ifndef ACTFN_SMOOTH_FLOAT_BODY_H
#define ACTFN_SMOOTH_FLOAT_BODY_H

#include "kernels/float_math.h"
#include "kernels/gelu_tanh_argument.h"
#include "kernels/silu_root.h"
#include "kernels/elu_float_table.h"
#include "kernels/log1p_exp_float_table.h"
#include "kernels/tanh_float_table.h"

#include <float.h>
#include <math.h>

/* selu's two constants, each as a float and the float nearest its remainder, so that a
 * product with either is rounded once. */
/* HI below the scale and LO > 0: x HI + x LO keeps x = -0's sign (dy's, in the backward) */
#define SELU_SCALE_HI       0x1.0cfabcp+0f /* + _LO = 0x1.0cfabd6a91132p+0, as smooth_reference.c */
#define SELU_SCALE_LO       0x1.6a9114p-24f
#define SELU_SCALE_ALPHA_HI 0x1.c212ccp+0f /* + _LO = 0x1.c212cc640f031p+0 */
#define SELU_SCALE_ALPHA_LO 0x1.903c0cp-26f

typedef struct float_constants {
    vf alpha, inverse_alpha, threshold;
    exp_tables exp;
    vf_table32_rows tanh;                /* tanh_float_table.h, rows 0-7 */
    vf_table32_rows elu;                 /* elu_float_table.h, rows 0-6 */
    vf_table32_rows log1p_exp;           /* log1p_exp_float_table.h, rows 0-7 */
    vf_table32_rows log1p_exp_last_rows; /* and its rows 8 and 9 */
} float_constants;

/* Which tables make_float_constants_with loads: a kernel's constants are copied onto the
 * stack at each call (the rare lanes' out-of-line path takes their address), so each
 * loads only the tables its body reads; the others stay unset. */
#define FLOAT_TABLES_NONE      0u
#define FLOAT_TABLES_TANH      1u
#define FLOAT_TABLES_ELU       2u
#define FLOAT_TABLES_LOG1P_EXP 4u
#define FLOAT_TABLES_ALL       7u

VEC_FUNCTION float_constants make_float_constants_with(const op_params *p, unsigned tables) {
    float_constants k;
    k.alpha = vf_set1((float)p->alpha);
    k.inverse_alpha = vf_set1(1.0f / (float)p->alpha);
    k.threshold = vf_set1((float)p->threshold);
    k.exp = fm_exp_tables();
    if (tables & FLOAT_TABLES_TANH) k.tanh = vf_table32_rows_load(tanh_coefficients, 8);
    if (tables & FLOAT_TABLES_ELU) k.elu = vf_table32_rows_load(elu_coefficients, 7);
    if (tables & FLOAT_TABLES_LOG1P_EXP) {
        k.log1p_exp = vf_table32_rows_load(log1p_exp_coefficients, 8);
        k.log1p_exp_last_rows = vf_table32_rows_load(log1p_exp_coefficients + 8, 2);
    }
    return k;
}

VEC_FUNCTION float_constants make_float_constants(const op_params *p) {
    return make_float_constants_with(p, FLOAT_TABLES_ALL);
}

VEC_FUNCTION vf fm_keep_nan(vf x, vf result) {
    return vf_select(vf_is_nan(x), x, result);
}

/* The quotient N / (1 + e^-|x|) with N = numerator for x >= 0 and numerator e^x below:
 * sigmoid (numerator 1, multiply 0) and silu (numerator x). e = e^-|x| is carried as
 * hi + lo. With wide_range 0 every lane must have |x| <= 80, where 2^n and e.lo are normal
 * floats (e.lo subnormal would lose the bits it carries).
 * With wide_range 1, |x| is clamped to 120 (exp(-120) is below every float result these
 * ops can round to a nonzero value) and 2^n scaled by 2^64 below n = -100; the quotient
 * is scaled back by one multiplication, its only rounding there. */
VEC_FUNCTION vf logistic_times(vf x, vf numerator, int multiply, int wide_range) {
    vf magnitude = vf_abs(x);
    if (wide_range)
        magnitude = vf_select(vf_gt(magnitude, vf_set1(120.0f)), vf_set1(120.0f), magnitude);
    float_exp e = fm_exp(fm_neg(magnitude));
    mf tiny = vf_lt(e.n, vf_set1(-100.0f));
    vf n = wide_range ? vf_select(tiny, vf_add(e.n, vf_set1(64.0f)), e.n) : e.n;
    vf scale = vf_exp2_integer(n);
    vf e_hi = vf_mul(e.w, scale), e_lo = vf_mul(e.wlo, scale);
    vf d_lo;
    vf d = fm_fast_two_sum(vf_set1(1.0f), e_hi, &d_lo);
    d_lo = vf_add(d_lo, e_lo);
    if (wide_range) {
        d = vf_select(tiny, vf_set1(1.0f), d);
        d_lo = vf_select(tiny, vf_zero(), d_lo);
    }
    mf positive = vf_ge(x, vf_zero());
    vf product = e_hi, product_lo = e_lo;
    if (multiply) {
        product = vf_mul(numerator, e_hi);
        product_lo = vf_fma(numerator, e_lo, vf_fma(numerator, e_hi, fm_neg(product)));
    }
    vf n_hi = vf_select(positive, numerator, product);
    vf n_lo = vf_select(positive, vf_zero(), product_lo);
    vf quotient = fm_divide_by(vf_div(vf_set1(1.0f), d), n_hi, &n_lo, d, d_lo);
    if (!wide_range) return quotient;
    mf unscale = mf_andnot(tiny, positive);
    return vf_mul(quotient, vf_select(unscale, vf_set1(0x1p-64f), vf_set1(1.0f)));
}

/* numerator / (1 + e^(z + z_lo)) for |z| <= 80 (z = -x, numerator 1 or x: sigmoid, silu;
 * z = -v, numerator x: gelu_tanh), from the table exp (fm_exp_table_plus): e^z = 2^k (t + l), and 1
 * + e^-x = d + d_lo by Fast2Sum of 1 and 2^k t taken in the order of their magnitudes. One form for
 * both signs: below 0 the divisor is large (up to e^80 < 2^116), the quotient small and still
 * normal. */
VEC_FUNCTION vf logistic_table_plus(vf z, const vf *z_lo, vf numerator, const exp_tables *tables) {
    table_exp e = fm_exp_table_plus(z, z_lo, tables);
    vf one = vf_set1(1.0f);
    vf s = vf_mul(e.t, e.scale);
    vf sum_error, d = fm_two_sum_nonnegative(s, one, &sum_error);
    return fm_divide_by(vf_reciprocal_estimate(d), numerator, NULL, d,
                        vf_fma(e.l, e.scale, sum_error));
}

/* numerator / (1 + e^-x), as above. */
VEC_FUNCTION vf logistic_table(vf x, vf numerator, const exp_tables *tables) {
    return logistic_table_plus(fm_neg(x), NULL, numerator, tables);
}

/* Lanes beyond |x| = 80 (the far tails, infinities) are rare: only a vector with one
 * computes the wide-range form too, for those lanes. */
#define FAR_LANE 80.0f

/* Lanes beyond FAR_LANE (or NaN): they take the wide form, the others the table form
 * whatever their neighbours are (the table form runs on them clamped, harmlessly). */
VEC_FUNCTION mf far_lanes(vf x) {
    return vf_not_le(vf_abs(x), vf_set1(FAR_LANE));
}

VEC_FUNCTION vf clamp_to_far_lane(vf x) {
    return vf_at_most(vf_at_least(x, vf_set1(-FAR_LANE)), vf_set1(FAR_LANE));
}

VEC_FUNCTION vf sigmoid_f32_body(vf x, const float_constants *k) {
    vf one = vf_set1(1.0f);
    mf far = far_lanes(x);
    if (!mf_any(far)) return logistic_table(x, one, &k->exp);
    vf y = logistic_table(clamp_to_far_lane(x), one, &k->exp);
    return vf_select(far, fm_keep_nan(x, logistic_times(x, one, 0, 1)), y);
}

/* Above 30, silu(x) = x (1 - e^-x) rounds to x; below -120 it rounds to -0. */
VEC_FUNCTION vf silu_f32_body(vf x, const float_constants *k) {
    /* silu(x) has x's sign: silu(-0) = -0; a NaN x made every step NaN */
    mf far = far_lanes(x);
    if (!mf_any(far)) return vf_with_sign_of(logistic_table(x, x, &k->exp), x);
    vf xc = clamp_to_far_lane(x);
    vf y = vf_with_sign_of(logistic_table(xc, xc, &k->exp), x);
    vf clamped = vf_select(vf_lt(x, vf_set1(-120.0f)), vf_set1(-120.0f), x);
    vf result = logistic_times(x, clamped, 1, 1);
    result = vf_select(vf_gt(x, vf_set1(30.0f)), x, result);
    result = vf_select(vf_eq(x, vf_zero()), x, result); /* silu(-0) = -0 */
    return vf_select(far, fm_keep_nan(x, result), y);
}

/* (scale_hi + scale_lo) * (m + m_lo) rounded once: m_lo and scale_lo only enter the
 * addend, where their own roundings are far below the result's last bit. */
VEC_FUNCTION vf scaled_sum(vf scale_hi, vf scale_lo, vf m, vf m_lo) {
    return vf_fma(scale_hi, m, vf_fma(scale_hi, m_lo, vf_mul(scale_lo, m)));
}

/* From a = 9.02 up tanh rounds to 1 (1 - tanh(a) < 2^-25 from 9.011): a is clamped there. */
#define TANH_ONE_FROM 9.02f

/* tanh(x) = a T(a) with x's sign, a = |x|: T = c0_hi + (c0_lo + h (c1 + h (...))) from the
 * table (tanh_float_table.h), the parenthesis at most 12 % of T, so its roundings stay
 * below 2^-27 of the result; then a c0_hi + a (...) in one fma, the one rounding that
 * matters. No exp, no division: 8 table lookups and 9 multiply-adds a vector. */
VEC_FUNCTION __attribute__((always_inline)) vf tanh_f32_body(vf x, const float_constants *k) {
    vf a = vf_at_most(vf_abs(x), vf_set1(TANH_ONE_FROM)); /* NaN stays */
    vf b, h, column = fm_piece(a, 1.0f, &b, &h);
    vf c[8];
    vf_lookup32_rows(&k->tanh, 8, column, c);
    vf q = fm_horner(c, 7, 1, h);
    vf y = vf_fma(a, c[0], vf_mul(a, q));
    y = vf_at_most(y, a); /* tanh(a) <= a: a subnormal a q's rounding would overshoot */
    /* y >= +0 (+0 at x = 0), x's sign makes tanh(-0) = -0; a NaN x made every step NaN */
    return vf_with_sign_of(y, x);
}

/* From a = 17.5 up c expm1(-a) rounds to -c (1 - e^-a > 1 - 2^-25 from 17.33): a is
 * clamped there. */
#define EXPM1_MINUS_ONE_FROM 17.5f

/* Above x = -2^-25 c expm1(x) rounds as c x (or within a quarter ULP of it): where x c0_hi
 * would be subnormal, its remainder is not a float. */
#define EXPM1_LINEAR_ABOVE -0x1p-25f

#if VEC_HAS_CHEAP_LOOKUP32
#define EXPM1_TABLES FLOAT_TABLES_ELU /* what expm1_of_negative reads */
/* expm1(x) = x E(-x) for x in [-17.5, -2^-25] (clamped below), as hi - *minus_lo (the
 * error term negated, which the callers' fnma take as it is), from the table without exp
 * (elu_float_table.h): E = c0_hi + q, q = c0_lo + h (c1 + h (...)) at most 7 % of E;
 * x c0_hi split exactly by an fma, x q added to its remainder. Lanes above -2^-25 give
 * garbage, which the callers do not use. */
VEC_FUNCTION __attribute__((always_inline)) vf expm1_of_negative(vf x, const float_constants *k,
                                                                 vf *minus_lo) {
    vf xc = vf_at_least(x, vf_set1(-EXPM1_MINUS_ONE_FROM)); /* NaN stays */
    vf b, h, column = fm_piece(fm_neg(xc), 2.0f, &b, &h);
    vf c[7];
    vf_lookup32_rows(&k->elu, 7, column, c);
    vf q = fm_horner(c, 6, 1, h);
    vf c0 = c[0];
    vf hi = vf_mul(xc, c0);
    *minus_lo = vf_fnma(xc, q, vf_fnma(xc, c0, hi));
    return hi;
}
#else
#define EXPM1_TABLES FLOAT_TABLES_NONE
/* The same from the table exp where a 32-entry lookup is not one instruction (AVX2: the
 * table's 7 rows cost 8 index extractions, 16 loads and 16 shuffles a vector, the exp's two
 * 8-entry tables two vpermps): e^x = 2^k (t + l) (fm_exp_table), expm1(x) = (2^k t - 1) +
 * 2^k l + 2^k t p_lo, 2^k t - 1 split exactly by Fast2Sum (|-1| >= 2^k t), and the sum
 * with 2^k l by Fast2Sum again (|2^k t - 1| >= |2^k l| unless it is 0, where k = 0 and
 * j = 0 and the sum is p's own, exact). */
VEC_FUNCTION __attribute__((always_inline)) vf expm1_of_negative(vf x, const float_constants *k,
                                                                 vf *minus_lo) {
    vf xc = vf_at_least(x, vf_set1(-EXPM1_MINUS_ONE_FROM)); /* NaN stays */
    table_exp e = fm_exp_table(xc, &k->exp);
    vf minus_one = vf_set1(-1.0f);
    vf s = vf_mul(e.t, e.scale); /* exact: 2^k */
    vf u = vf_add(minus_one, s);
    vf u_lo = vf_add(vf_sub(minus_one, u), s);
    vf hi = vf_fma(e.l, e.scale, u);
    /* -(s p_lo + (2^k l - (hi - u)) + u_lo) */
    *minus_lo = vf_fnma(s, e.p_lo, vf_sub(vf_fnma(e.l, e.scale, vf_sub(hi, u)), u_lo));
    return hi;
}
#endif

/* linear where expm1(z) rounds as z (z above -2^-25, +-0 included), positive above x = 0,
 * negative elsewhere */
VEC_FUNCTION vf elu_family_result(vf z, vf x, vf negative, vf linear, vf positive) {
    negative = vf_select(vf_gt(z, vf_set1(EXPM1_LINEAR_ABOVE)), linear, negative);
    return vf_select(vf_gt(x, vf_zero()), positive, negative); /* NaN x: NaN through */
}

VEC_FUNCTION __attribute__((always_inline)) vf elu_f32_body(vf x, const float_constants *k) {
    vf minus_lo, m = expm1_of_negative(x, k, &minus_lo);
    vf negative = vf_fma(k->alpha, m, vf_mul(fm_neg(k->alpha), minus_lo));
    /* elu(+-0) = alpha (+-0), as the reference */
    return elu_family_result(x, x, negative, vf_mul(k->alpha, x), x);
}

VEC_FUNCTION __attribute__((always_inline)) vf selu_f32_body(vf x, const float_constants *k) {
    vf hi = vf_set1(SELU_SCALE_ALPHA_HI), lo = vf_set1(SELU_SCALE_ALPHA_LO);
    vf minus_lo, m = expm1_of_negative(x, k, &minus_lo);
    vf negative = vf_fma(hi, m, vf_fnma(hi, minus_lo, vf_mul(lo, m)));
    vf positive = vf_fma(x, vf_set1(SELU_SCALE_HI), vf_mul(x, vf_set1(SELU_SCALE_LO)));
    positive = vf_select(vf_eq(x, vf_set1(INFINITY)), x, positive); /* not inf - inf */
    vf y = elu_family_result(x, x, negative, vf_fma(x, hi, vf_mul(x, lo)), positive);
    /* below 2^-100, where x times either constant's low part would fall below the
     * subnormals: x 2^64 (exact) times the constant, rounded, then 2^-64, the one rounding
     * into the subnormals (0.5 ULP where it was 1.0) */
    mf tiny = vf_lt(vf_abs(x), vf_set1(0x1p-100f));
    if (mf_any(tiny)) {
        mf above = vf_gt(x, vf_zero());
        vf c_hi = vf_select(above, vf_set1(SELU_SCALE_HI), hi);
        vf c_lo = vf_select(above, vf_set1(SELU_SCALE_LO), lo);
        vf scaled = vf_mul(x, vf_set1(0x1p64f));
        vf small = vf_mul(vf_fma(scaled, c_hi, vf_mul(scaled, c_lo)), vf_set1(0x1p-64f));
        y = vf_select(tiny, small, y);
    }
    return y;
}

/* alpha expm1(x / alpha): the quotient's rounding error z_lo enters expm1 as z_lo e^z,
 * with e^z = 1 + expm1(z) (where z is not clamped). Where z > -2^-25 the result x (1 + z/2 + ...)
 * rounds to x, and x is taken as it is (z and z_lo may be subnormal there, and inexact). */
VEC_FUNCTION __attribute__((always_inline)) vf celu_f32_body(vf x, const float_constants *k) {
    vf z = vf_div(x, k->alpha);
    vf z_lo = vf_mul(vf_fma(fm_neg(z), k->alpha, x), k->inverse_alpha);
    vf minus_lo, m = expm1_of_negative(z, k, &minus_lo);
    mf in_range = vf_ge(z, vf_set1(-EXPM1_MINUS_ONE_FROM));
    vf exp_z = vf_sub(vf_add(m, vf_set1(1.0f)), minus_lo); /* m alone is only within 7 % */
    minus_lo = vf_select(in_range, vf_fnma(z_lo, exp_z, minus_lo), minus_lo);
    vf negative = vf_fma(k->alpha, m, vf_mul(fm_neg(k->alpha), minus_lo));
    /* + 0: celu(-0) = +0, as the reference (and PyTorch) has it */
    return elu_family_result(z, x, negative, vf_add(x, vf_zero()), x);
}

/* u e^(z + z_lo) for z in [-130, -64], where e^z leaves the normal floats: e^z =
 * e^(z + 64 ln2) 2^-64 (the shift exact in two parts, its rounding carried in z_lo), u (t
 * + l) rounded once, scaled by 2^k (exact) and then by 2^-64 (its one rounding, into the
 * subnormals). gelu_tanh's and mish's far left, where their results are u e^z to 2^-100. */
VEC_FUNCTION vf times_tiny_exp(vf u, vf z, vf z_lo, const exp_tables *tables) {
    vf shift = vf_set1(64 * FM_LN2_HI);
    vf w = vf_add(z, shift); /* Fast2Sum: |z| > 64 ln2 */
    vf w_lo = vf_add(vf_add(vf_sub(z, w), shift), vf_sub(z_lo, vf_set1(64 * FM_LN2_LO_NEG)));
    table_exp e = fm_exp_table_plus(w, &w_lo, tables);
    vf product = vf_mul(u, e.t);
    vf product_lo = vf_fma(u, e.l, vf_fma(u, e.t, fm_neg(product)));
    vf q = vf_mul(vf_add(product, product_lo), e.scale);
    return vf_mul(q, vf_set1(0x1p-64f));
}

/* gelu_tanh(x) = x / (1 + e^-v), v + v_lo = x (c1 + c2 x^2) to 2^-40 (its error times
 * |v| <= 76 stays far below the result's last bit): silu's quotient with v for x, for
 * |x| <= 9. Beyond, in the rare vectors with such a lane: x itself above 9 (1 / (1 + e^-v)
 * is 1 to 2^-109), x e^v below -9 (v in [-113, -76]; x clamped to -11, where the result
 * is -0). */
VEC_FUNCTION vf gelu_tanh_f32_body(vf x, const float_constants *k) {
    vf xc = vf_at_least(x, vf_set1(-11.0f));                        /* NaN stays */
    vf z_lo, z = gelu_tanh_float_argument_signed(xc, -1.0f, &z_lo); /* -v */
    vf y = logistic_table_plus(z, &z_lo, xc, &k->exp);
    if (fm_any_beyond(x, 9.0f)) {
        /* v afresh (rare vectors): -z here would share the argument's own -v, unfused */
        vf v_lo, v = gelu_tanh_float_argument(xc, &v_lo);
        y = vf_select(vf_lt(x, vf_set1(-9.0f)), times_tiny_exp(xc, v, v_lo, &k->exp), y);
        y = vf_select(vf_gt(x, vf_set1(9.0f)), x, y);
    }
    return vf_with_sign_of(y, x); /* gelu_tanh(-0) = -0; NaN: through every step */
}

/* mish(x) = x N / D, from u = e^-|x| (table exp, t + l): below 0 N = u^2 + 2u and D =
 * N + 2 (tanh(log(1 + e^x)) with e^x = u), from 0 up N = 1 + 2u and D = N + 2u^2 (the same
 * divided by e^2x): one form, N = A + 2u and D = N + B, (A, B) = (u^2, 2) or (1, 2u^2), each
 * a sum of two terms >= 0 (fm_two_sum_nonnegative). N, D and x N carried as
 * hi + lo into one corrected division, the one rounding that matters. x is clamped to 20
 * above (the result is x from there, the factor 1 to 2^-57) and to -80 for the quotient;
 * below -80 (rare vectors) mish is x e^x to 2^-115, times_tiny_exp's, with x clamped at
 * -110 (-0 from there). */
/* always inlined: out of line (its size), gcc reloaded its constants per vector, 5 % */
VEC_FUNCTION __attribute__((always_inline)) vf mish_f32_body(vf x, const float_constants *k) {
    vf one = vf_set1(1.0f), two = vf_set1(2.0f);
    vf xc = vf_at_most(vf_at_least(x, vf_set1(-80.0f)), vf_set1(20.0f)); /* NaN stays */
    table_exp e = fm_exp_table(vf_minus_abs(xc), &k->exp);
    vf u = vf_mul(e.t, e.scale), u_lo = vf_mul(e.l, e.scale);
    mf negative = vf_lt(xc, vf_zero());
    vf twice = vf_add(u, u), twice_lo = vf_add(u_lo, u_lo);
    vf square = vf_mul(u, u);
    vf square_lo = vf_fma(twice, u_lo, vf_fma(u, u, fm_neg(square)));
    vf a = vf_select(negative, square, one), a_lo = vf_select(negative, square_lo, vf_zero());
    vf n_lo, n = fm_two_sum_nonnegative(a, twice, &n_lo);
    n_lo = vf_add(n_lo, vf_add(a_lo, twice_lo));
    vf b = vf_select(negative, two, vf_add(square, square));
    vf b_lo = vf_select(negative, vf_zero(), vf_add(square_lo, square_lo));
    vf d_lo, d = fm_two_sum_nonnegative(n, b, &d_lo);
    d_lo = vf_add(d_lo, vf_add(n_lo, b_lo));
    /* x N / D */
    vf xn = vf_mul(xc, n);
    vf xn_lo = vf_fma(xc, n_lo, vf_fma(xc, n, fm_neg(xn)));
    vf y = fm_divide_by(vf_reciprocal_estimate(d), xn, &xn_lo, d, d_lo);
    if (fm_any_beyond(x, 20.0f)) {
        y = vf_select(vf_gt(x, vf_set1(20.0f)), x, y);
        vf far = vf_at_least(x, vf_set1(-110.0f));
        y = vf_select(vf_lt(x, vf_set1(-80.0f)), times_tiny_exp(far, far, vf_zero(), &k->exp), y);
    }
    return vf_with_sign_of(y, x); /* mish(-0) = -0; NaN: through every step */
}

/* ---- the backwards of the exp side of the elu family: dx = dy c e^z below 0 ---------- */

/* dy (c_hi + c_lo) e^z for z in [-87, 0], e^z = 2^k (t + l) (fm_exp_table): dy c as
 * u + u_lo exactly (c given over 4, so that dy c / 4 cannot overflow where the result
 * does not), times t + l, rounded once; then times 4 2^k, exact unless the result is
 * subnormal (a second rounding there: within 1 ULP still). u_lo is exact only while
 * |u| >= 2^-102: below 2^-100, dy enters times 2^100 and the result leaves times 2^-100,
 * its one rounding into the subnormals (2 steps off before: fuzz_api). c_hi >= 2^-102
 * (elu's alpha >= 2^-100), so that dy 2^100 cannot overflow there. */
VEC_FUNCTION __attribute__((always_inline)) vf
dy_times_exp_scaled(vf dy, vf c_hi, vf c_lo, table_exp e, vf before, vf after) {
    vf g = vf_mul(dy, before);
    vf u = vf_mul(g, c_hi);
    vf u_lo = vf_fma(g, c_lo, vf_fma(g, c_hi, fm_neg(u)));
    vf p = vf_mul(u, e.t);
    vf small = vf_fma(u, e.l, vf_fma(u_lo, e.t, vf_fma(u, e.t, fm_neg(p))));
    vf result = vf_mul(vf_mul(vf_add(p, small), vf_mul(e.scale, vf_set1(4.0f))), after);
    return vf_with_sign_of(result, u); /* an underflow to 0 keeps dy c's sign */
}

/* (such a dy is rare: the vectors with one alone take the scaling; dy = 0, common in
 * gradients, needs none) */
VEC_FUNCTION vf dy_times_exp(vf dy, vf c_hi, vf c_lo, table_exp e) {
    mf tiny = vf_lt(vf_abs(vf_mul(dy, c_hi)), vf_set1(0x1p-100f));
    vf one = vf_set1(1.0f);
    if (!mf_any(tiny) || !mf_any(tiny = mf_andnot(tiny, vf_eq(dy, vf_zero()))))
        return dy_times_exp_scaled(dy, c_hi, c_lo, e, one, one);
    return dy_times_exp_scaled(dy, c_hi, c_lo, e, vf_select(tiny, vf_set1(0x1p100f), one),
                               vf_select(tiny, vf_set1(0x1p-100f), one));
}

/* elu'(x) = alpha e^x below 0 (and at +-0), 1 above. */
VEC_FUNCTION vf elu_f32_gradient(vf x, vf dy, const float_constants *k) {
    table_exp e = fm_exp_table(vf_at_most(x, vf_zero()), &k->exp);
    vf negative = dy_times_exp(dy, vf_mul(k->alpha, vf_set1(0.25f)), vf_zero(), e);
    return vf_select(vf_gt(x, vf_zero()), dy, negative);
}

/* selu'(x) = scale alpha e^x below 0, scale above; both constants in two floats. */
VEC_FUNCTION vf selu_f32_gradient(vf x, vf dy, const float_constants *k) {
    table_exp e = fm_exp_table(vf_at_most(x, vf_zero()), &k->exp);
    vf negative =
        dy_times_exp(dy, vf_set1(SELU_SCALE_ALPHA_HI / 4), vf_set1(SELU_SCALE_ALPHA_LO / 4), e);
    vf positive = vf_fma(dy, vf_set1(SELU_SCALE_HI), vf_mul(dy, vf_set1(SELU_SCALE_LO)));
    return vf_select(vf_gt(x, vf_zero()), positive, negative);
}

/* celu'(x) = e^(x / alpha) below 0, alpha > 0: x / alpha as z + z_lo (e^z amplifies z's
 * rounding by |z|). */
VEC_FUNCTION vf celu_f32_gradient(vf x, vf dy, const float_constants *k) {
    vf z = vf_at_most(vf_div(x, k->alpha), vf_zero());
    vf z_lo = vf_mul(vf_fnma(z, k->alpha, x), k->inverse_alpha);
    table_exp e = fm_exp_table_plus(z, &z_lo, &k->exp);
    vf negative = dy_times_exp(dy, vf_set1(0.25f), vf_zero(), e);
    return vf_select(vf_gt(x, vf_zero()), dy, negative);
}

/* c dy e / (1 + e)^2 for e = e^z, z in [-80, 0], c 1 or 4: sigmoid' (z = -|x|) and
 * tanh' (z = -2|x|, c = 4). e = e_hi + e_lo, 1 + e = d + d_lo (Fast2Sum: e <= 1),
 * (1 + e)^2 = sq + sq_lo, dy e = n + n_lo, all exact to about 2^-29; one division with
 * a correction (fm_divide_by), rounded once. dy enters scaled so that n is a normal float
 * wherever the result is not 0: a dy below 2^-10 times 2^100 (c), and 2^-100 at the end,
 * the one rounding into the subnormals (n's own there was 8 steps off: fuzz_api); c
 * enters dy before the division unless dy c could overflow, and after it then (exact,
 * the quotient being normal). */
VEC_FUNCTION vf dy_times_bell(vf z, vf dy, float c, const float_constants *k) {
    table_exp e = fm_exp_table(z, &k->exp);
    vf e_hi = vf_mul(e.t, e.scale), e_lo = vf_mul(e.l, e.scale);
    vf one = vf_set1(1.0f);
    vf d = vf_add(one, e_hi);
    vf d_lo = vf_add(vf_add(vf_sub(one, d), e_hi), e_lo);
    vf sq = vf_mul(d, d);
    vf sq_lo = vf_fma(vf_add(d, d), d_lo, vf_fma(d, d, fm_neg(sq)));
    vf magnitude = vf_abs(dy);
    mf tiny = vf_lt(magnitude, vf_set1(0x1p-10f));
    mf huge = vf_not_le(magnitude, vf_set1(0x1p100f)); /* and NaN */
    vf before = vf_select(tiny, vf_set1(0x1p100f * c), vf_select(huge, one, vf_set1(c)));
    vf after = vf_select(tiny, vf_set1(0x1p-100f), vf_select(huge, vf_set1(c), one));
    vf g = vf_mul(dy, before); /* exact: a power of two, no overflow */
    vf n = vf_mul(g, e_hi);
    vf n_lo = vf_fma(g, e_lo, vf_fma(g, e_hi, fm_neg(n)));
    vf q = vf_mul(fm_divide_by(vf_reciprocal_estimate(sq), n, &n_lo, sq, sq_lo), after);
    return vf_with_sign_of(q, dy); /* f' > 0: an underflow to 0 keeps dy's sign */
}

VEC_FUNCTION vf sigmoid_f32_gradient(vf x, vf dy, const float_constants *k) {
    return dy_times_bell(vf_minus_abs(x), dy, 1.0f, k);
}

VEC_FUNCTION vf tanh_f32_gradient(vf x, vf dy, const float_constants *k) {
    return dy_times_bell(vf_add(vf_minus_abs(x), vf_minus_abs(x)), dy, 4.0f, k);
}

/* log(1 + e^z) for z in [-80, 0] as hi + *lo, to about 2^-30 relative. t = e^z = t_hi +
 * t_lo (table exp); from t = 1/2 on, 1 + t = 2 (1 + f) with f = (t - 1) / 2 (exact,
 * Sterbenz) and ln 2 added, below f = t; then log(1 + f) = 2 atanh(s), s = f / (2 + f)
 * (|s| <= 1/5) as s_hi + s_lo (one division and its fma residual), = 2 s + 2 s^3 P(s^2),
 * P the series 1/3 + s^2/5 + ... to s^8/11 (the term is at most 1.4 % of the sum, P
 * within 2^-25). */
VEC_FUNCTION vf log1p_exp(vf z, vf *lo, const float_constants *k) {
    table_exp e = fm_exp_table(z, &k->exp);
    vf t = vf_mul(e.t, e.scale), t_lo = vf_mul(e.l, e.scale);
    vf half = vf_set1(0.5f), two = vf_set1(2.0f);
    mf big = vf_ge(t, half);
    vf f = vf_select(big, vf_mul(vf_sub(t, vf_set1(1.0f)), half), t);
    vf f_lo = vf_select(big, vf_mul(t_lo, half), t_lo);
    vf den = vf_add(two, f);
    vf den_lo = vf_add(vf_add(vf_sub(two, den), f), f_lo); /* Fast2Sum: |f| < 2 */
    vf s = vf_div(f, den);
    vf residual = vf_add(vf_fnma(s, den_lo, vf_fnma(s, den, f)), f_lo);
    vf s_lo = vf_mul(residual, vf_reciprocal_estimate(den));
    vf square = vf_mul(s, s);
    vf series = vf_fma(square, vf_set1(1.0f / 11), vf_set1(1.0f / 9));
    series = vf_fma(series, square, vf_set1(1.0f / 7));
    series = vf_fma(series, square, vf_set1(1.0f / 5));
    series = vf_fma(series, square, vf_set1(1.0f / 3));
    vf two_s = vf_add(s, s);
    vf tail = vf_mul(vf_mul(two_s, square), series);
    vf ln2_hi = vf_select(big, vf_set1(FM_LN2_HI), vf_zero());
    vf ln2_lo = vf_select(big, vf_set1(-FM_LN2_LO_NEG), vf_zero());
    vf hi = vf_add(ln2_hi, two_s); /* Fast2Sum: ln 2 > 2 |s| where it is not 0 */
    vf error = vf_add(vf_sub(ln2_hi, hi), two_s);
    *lo = vf_add(vf_add(error, ln2_lo), vf_fma(two, s_lo, tail));
    return hi;
}

/* a + (b + b_lo), rounded once (TwoSum of a and b, then the small terms). */
VEC_FUNCTION vf sum_rounded_once(vf a, vf b, vf b_lo) {
    vf error, sum = fm_two_sum(a, b, &error);
    return vf_add(sum, vf_add(error, b_lo));
}

/* The last a the table of log(1 + e^-a) takes, the float below 15: beyond, the exp form
 * (log1p_exp). */
#define LOG1P_EXP_TABLE_LAST 0x1.dffffep3f

/* log(1 + e^-a) for a in [0, 15) as hi + *lo, from the table without exp or log
 * (log1p_exp_float_table.h): c0 + c1 h with both in two floats (c1 h reaches half of c0
 * on the widest pieces, so that a rounded c1 would cost a quarter ULP): c1_hi h split by
 * an fma and c0_hi + c1_hi h by Fast2Sum, their errors, c0_lo and h (c1_lo + h (c2 +
 * ...)) into *lo. */
VEC_FUNCTION __attribute__((always_inline)) vf log1p_exp_table(vf a, const float_constants *k,
                                                               vf *lo) {
    vf b, h, column = fm_piece(a, 1.0f, &b, &h);
    vf c[10];
    vf_lookup32_rows(&k->log1p_exp, 8, column, c);
    vf_lookup32_rows(&k->log1p_exp_last_rows, 2, column, c + 8);
    vf t = fm_horner(c, 9, 3, h); /* c1_lo + h (c2 + ...) */
    vf c0 = c[0], c1 = c[2];
    vf p = vf_mul(c1, h);
    vf p_lo = vf_fma(c1, h, fm_neg(p));
    vf sum_lo, sum = fm_fast_two_sum(c0, p, &sum_lo);
    *lo = vf_fma(h, t, vf_add(vf_add(c[1], p_lo), sum_lo));
    return sum;
}

/* log(1 + e^-|x|) as hi + *lo: the table below |x| = 15, the exp form for the rare
 * vectors with a lane beyond (or NaN), e^-|x| clamped at e^-80 there. */
VEC_FUNCTION __attribute__((always_inline)) vf log1p_exp_of_abs(vf x, const float_constants *k,
                                                                vf *lo) {
    vf a = vf_abs(x);
    vf hi = log1p_exp_table(vf_at_most(a, vf_set1(LOG1P_EXP_TABLE_LAST)), k, lo);
    if (fm_any_beyond(x, LOG1P_EXP_TABLE_LAST)) {
        vf far_lo, far = log1p_exp(vf_at_least(fm_neg(a), vf_set1(-80.0f)), &far_lo, k);
        mf beyond = vf_not_le(a, vf_set1(LOG1P_EXP_TABLE_LAST));
        hi = vf_select(beyond, far, hi);
        *lo = vf_select(beyond, far_lo, *lo);
    }
    return hi;
}

/* softplus(x) = max(x, 0) + log(1 + e^-|x|) at beta 1 (softplus_f32_serves), x itself
 * above the threshold; beyond |x| = 80 the sum rounds to x (x >= 80). Lanes below -80
 * (subnormal results), +inf and NaN go to the reference. */
VEC_FUNCTION __attribute__((always_inline)) vf softplus_f32_body(vf x, const float_constants *k) {
    vf lo, hi = log1p_exp_of_abs(x, k, &lo);
    vf y = sum_rounded_once(vf_at_least(x, vf_zero()), hi, lo);
    return vf_select(vf_gt(x, k->threshold), x, y);
}

/* logsigmoid(x) = min(x, 0) - log(1 + e^-|x|), as softplus; lanes above 80 (subnormal
 * results), -inf and NaN to the reference. */
VEC_FUNCTION __attribute__((always_inline)) vf logsigmoid_f32_body(vf x, const float_constants *k) {
    vf lo, hi = log1p_exp_of_abs(x, k, &lo);
    return sum_rounded_once(vf_at_most(x, vf_zero()), fm_neg(hi), fm_neg(lo));
}

VEC_FUNCTION mf softplus_f32_lanes_back(vf x, const float_constants *k) {
    (void)k;
    return mf_or(vf_not_le(vf_set1(-80.0f), x), vf_eq(x, vf_set1(INFINITY)));
}

VEC_FUNCTION mf logsigmoid_f32_lanes_back(vf x, const float_constants *k) {
    (void)k;
    return mf_or(vf_not_le(x, vf_set1(80.0f)), vf_eq(x, vf_set1(-INFINITY)));
}

/* dy / (1 + e^z) for z in [-80, 80], the logistic of -z times dy: softplus' (z = -x, beta
 * 1) and logsigmoid' (z = x). logistic_table_plus with dy for the numerator, as silu's
 * forward with x: rounded once. */
VEC_FUNCTION vf dy_times_logistic(vf z, vf dy, const float_constants *k) {
    vf after, g = dy_scaled(dy, &after);
    vf q = vf_mul(logistic_table_plus(z, NULL, g, &k->exp), after);
    return vf_with_sign_of(q, dy); /* logistic > 0: an underflow to 0 keeps dy's sign */
}

/* softplus'(x) = logistic(x) at beta 1 (softplus_f32_serves), dy itself above
 * the threshold (a float there). */
VEC_FUNCTION vf softplus_f32_gradient(vf x, vf dy, const float_constants *k) {
    return vf_select(vf_gt(x, k->threshold), dy, dy_times_logistic(fm_neg(x), dy, k));
}

/* logsigmoid'(x) = logistic(-x). */
VEC_FUNCTION vf logsigmoid_f32_gradient(vf x, vf dy, const float_constants *k) {
    return dy_times_logistic(x, dy, k);
}

/* silu'(x) = N / (1 + e)^2, e = e^-|x| = e_hi + e_lo: N = 1 + e (1 + x) from 0 up, e M
 * below, M = 1 + x + e. Each as hi + lo: 1 + x = u + u_lo exactly (Fast2Sum in the order
 * of magnitude), e (1 + x) and e^2 by fma products, N = 1 + e (1 + x) or e^2 + e (1 + x)
 * by TwoSum. M cancels at silu's
 * zero x0 (silu_root.h): within 1/4 of it M = d c + e0 d^2 S(d), d = x - x0 = d_hi + d_lo
 * (d_hi exact), c = 1 + e0 = -x0 in two floats, S(d) = (e^d - 1 - d) / d^2 by its Taylor
 * series to d^5 (2^-27 relative; the term is at most 2.7 % of M), so that M keeps its
 * relative accuracy down to the zero; beyond 1/4 of it e's error is amplified at most
 * 1.1x. Then dy N (hi + lo), one corrected division by (1 + e)^2 (hi + lo), rounded
 * once. */
/* always inlined: out of line (its size) it took its arguments and constants through
 * memory, 15 % of the time */
VEC_FUNCTION __attribute__((always_inline)) vf silu_f32_gradient(vf x, vf dy,
                                                                 const float_constants *k) {
    vf one = vf_set1(1.0f);
    table_exp e = fm_exp_table(vf_minus_abs(x), &k->exp);
    vf e_hi = vf_mul(e.t, e.scale), e_lo = vf_mul(e.l, e.scale);
    /* 1 + x by TwoSum: six instructions, an ordered Fast2Sum took seven */
    vf u_lo, u = fm_two_sum(one, x, &u_lo);
    /* w = e (1 + x), and N = a + w by TwoSum: a = 1 from 0 up (w <= 1), a = e^2 below
     * (N = e (1 + x + e), whose cancellation, outside the band about x0, is at most
     * 1.1x); one sum for both sides (two, 5-8 % more time, until 2026-12-06) */
    vf w_lo, w = fm_pair_product(e_hi, e_lo, u, u_lo, &w_lo);
    mf positive = vf_ge(x, vf_zero());
    vf e_square = vf_mul(e_hi, e_hi);
    vf e_square_lo = vf_fma(vf_add(e_hi, e_hi), e_lo, vf_fma(e_hi, e_hi, fm_neg(e_square)));
    vf a = vf_select(positive, one, e_square);
    vf a_lo = vf_select(positive, vf_zero(), e_square_lo);
    vf n_lo, n = fm_two_sum(a, w, &n_lo);
    n_lo = vf_add(n_lo, vf_add(a_lo, w_lo));
    /* within 1/4 of x0: N = e M, M from the expansion about x0 */
    vf d_hi = vf_sub(x, vf_set1(SILU_ZERO_HI)), d_lo = vf_set1(-SILU_ZERO_LO);
    mf near = vf_lt(vf_abs(d_hi), vf_set1(0.25f));
    if (mf_any(near)) {
        vf d = vf_add(d_hi, d_lo), c_hi = vf_set1(-SILU_ZERO_HI), c_lo = vf_set1(-SILU_ZERO_LO);
        vf s = vf_fma(d, vf_set1(1.0f / 5040), vf_set1(1.0f / 720));
        s = vf_fma(s, d, vf_set1(1.0f / 120));
        s = vf_fma(s, d, vf_set1(1.0f / 24));
        s = vf_fma(s, d, vf_set1(1.0f / 6));
        s = vf_fma(s, d, vf_set1(0.5f));
        vf second = vf_mul(vf_mul(vf_set1(SILU_ZERO_EXP), vf_mul(d, d)), s);
        vf near_lo, near_hi = fm_pair_product(d_hi, d_lo, c_hi, c_lo, &near_lo);
        near_lo = vf_add(near_lo, second);
        /* renormalized (TwoSum): at x = x0_hi, d_hi and near_hi are 0 and near_lo is all */
        vf m_lo, m = fm_two_sum(near_hi, near_lo, &m_lo);
        vf n_near_lo, n_near = fm_pair_product(e_hi, e_lo, m, m_lo, &n_near_lo);
        n = vf_select(near, n_near, n);
        n_lo = vf_select(near, n_near_lo, n_lo);
    }
    /* (1 + e)^2 = sq + sq_lo */
    vf dd = vf_add(one, e_hi);
    vf dd_lo = vf_add(vf_add(vf_sub(one, dd), e_hi), e_lo);
    vf sq = vf_mul(dd, dd);
    vf sq_lo = vf_fma(vf_add(dd, dd), dd_lo, vf_fma(dd, dd, fm_neg(sq)));
    vf after, g = dy_scaled(dy, &after);
    vf p = vf_mul(g, n);
    vf p_lo = vf_fma(g, n_lo, vf_fma(g, n, fm_neg(p)));
    vf q = vf_mul(fm_divide_by(vf_reciprocal_estimate(sq), p, &p_lo, sq, sq_lo), after);
    return vf_with_sign_of(q, p); /* an underflow to 0 keeps the sign of dy f' */
}

/* The lanes that go to the reference: a lane's exponent below low (-87: e^z leaves the
 * normal floats; -80 for the bell, whose e_lo would leave them), or x NaN, or dy not
 * finite (dy c split as u + u_lo needs a finite u): rare lanes, the reference's far-tail
 * rules as they are. */
VEC_FUNCTION mf beyond_exp_range(vf z, float low, vf dy) {
    return mf_or(vf_not_le(vf_set1(low), z), vf_not_le(vf_abs(dy), vf_set1(FLT_MAX)));
}

/* The lanes each float-lane backward leaves to the scalar reference (beyond_exp_range of
 * its exponent, or dy times its constant not finite), and the parameters its kernels
 * serve: one policy for the SIMD kernels (smooth_f32.c) and the GPU's (lane_ops.cuh). */
VEC_FUNCTION mf sigmoid_f32_lanes_back(vf v, vf g, const float_constants *k) {
    (void)k;
    return beyond_exp_range(vf_minus_abs(v), -80.0f, g);
}

/* softplus', logsigmoid' and silu': |x| > 80 (the logistic's far tails), NaN x or a dy not
 * finite, as sigmoid' */
VEC_FUNCTION mf logistic_f32_lanes_back(vf v, vf g, const float_constants *k) {
    return sigmoid_f32_lanes_back(v, g, k);
}

VEC_FUNCTION mf tanh_f32_lanes_back(vf v, vf g, const float_constants *k) {
    (void)k;
    return beyond_exp_range(vf_add(vf_minus_abs(v), vf_minus_abs(v)), -80.0f, g);
}

VEC_FUNCTION mf selu_f32_lanes_back(vf v, vf g, const float_constants *k) {
    (void)k;
    return beyond_exp_range(v, -87.0f, g);
}

/* dy alpha / 4 can overflow where the result does not (alpha up to FLT_MAX, e^x small):
 * those lanes too (u_lo would be NaN: fuzz_api) */
VEC_FUNCTION mf elu_f32_lanes_back(vf v, vf g, const float_constants *k) {
    return beyond_exp_range(v, -87.0f, vf_mul(g, vf_mul(k->alpha, vf_set1(0.25f))));
}

VEC_FUNCTION mf celu_f32_lanes_back(vf v, vf g, const float_constants *k) {
    return beyond_exp_range(vf_mul(v, k->inverse_alpha), -87.0f, g);
}

/* softplus and softplus' in float lanes at beta 1 (beta x exact) and a threshold that is a
 * float (the comparison with x then exact): PyTorch's default, 1 and 20; the double lanes
 * elsewhere */
VEC_FUNCTION int softplus_f32_serves(const op_params *p) {
    return p->beta == 1 && (double)(float)p->threshold == p->threshold;
}

/* alpha = 0 (elu turned relu, -0 below zero): the fma sum of elu_f32_body's zero terms
 * rounds to +0, so the reference serves it */
VEC_FUNCTION int elu_f32_forward_serves(const op_params *p) {
    return p->alpha != 0;
}

/* alpha / 4 is inexact below 2^-124 (alpha = 2^-149 gave 0: fuzz_api): the reference */
VEC_FUNCTION int elu_f32_backward_serves(const op_params *p) {
    return fabs(p->alpha) >= 0x1p-100;
}

/* expm1_of_negative takes z <= 0: alpha < 0 (torch allows it, nobody trains with it) makes
 * x / alpha positive below 0, and goes to the reference, as do an alpha so small or large
 * that 1 / alpha is not a normal float */
VEC_FUNCTION int celu_f32_serves(const op_params *p) {
    return fm_positive_with_safe_reciprocal(p->alpha);
}

#endif
