/* SPDX-License-Identifier: MIT */
/* exp on float vectors with its rounding errors carried along, for the f32 ops computed
 * in float lanes (smooth_f32.c, gelu_f32.c): each result an unevaluated sum hi + lo
 * exact to about 2^-29 relative, so that an op's last operation is its only rounding
 * that matters (sigmoid, silu, tanh, elu, selu, celu and gelu come out within 0.81 ULP
 * over all 2^32 inputs, docs/accuracy.md). fm_exp_table, from a table of 2^(j/16), is
 * the fast one; fm_exp, from error-free sums over |r| <= ln2/2, serves the wide range.
 * Needs a fused multiply-add that rounds once (VEC_HAS_FMA). Inputs must be clamped by
 * the caller; NaN is not handled here. */
#ifndef ACTFN_FLOAT_MATH_H
#define ACTFN_FLOAT_MATH_H

#include "vec/vec.h"

/* ln 2 = FM_LN2_HI - FM_LN2_LO_NEG to 2^-50: FM_LN2_HI has 24 bits, so n * FM_LN2_HI
 * subtracted from z by a fused multiply-add is exact for the n in use (|n| < 256). */
#define FM_LOG2E      0x1.715476p0f
#define FM_LN2_HI     0x1.62e430p-1f
#define FM_LN2_LO_NEG 0x1.05c610p-29f

/* A positive parameter a whose x / a the float lanes take as x (1 / a): a in [2^-100,
 * 2^100], where 1 / a is a normal float with room (celu's alpha = 2^-149 made it inf, and
 * 0 x inf NaN: fuzz_api); the kernels leave other values to the reference. */
VEC_FUNCTION int fm_positive_with_safe_reciprocal(double a) {
    return a >= 0x1p-100 && a <= 0x1p100;
}

/* exp(z) = 2^n (w + wlo), with w = 1 + v rounded and wlo its remainder; exp(r) - 1 =
 * v + vlo, kept too for expm1 near 0, where w has rounded most of v away. */
typedef struct float_exp {
    vf w, wlo, v, vlo, n;
} float_exp;

VEC_FUNCTION vf fm_neg(vf x) {
    return vf_neg(x);
}

/* Error-free sum of a and b with |a| >= |b| (Fast2Sum): a + b = sum + *error exactly. */
VEC_FUNCTION vf fm_fast_two_sum(vf a, vf b, vf *error) {
    vf sum = vf_add(a, b);
    *error = vf_add(vf_sub(a, sum), b);
    return sum;
}

/* Error-free sum of a and b, both >= 0, in either order of magnitude: Fast2Sum with the
 * larger, max(a, b), first (four instructions, TwoSum's five). A NaN passes to the sum. */
VEC_FUNCTION vf fm_two_sum_nonnegative(vf a, vf b, vf *error) {
    vf sum = vf_add(a, b);
    *error = vf_add(vf_sub(vf_at_least(a, b), sum), vf_at_most(a, b));
    return sum;
}

/* (a + a_lo) (b + b_lo) as product + *error, to about 2^-46 relative: the product's
 * rounding error (an fma) and the cross terms, a_lo b_lo dropped. */
VEC_FUNCTION vf fm_pair_product(vf a, vf a_lo, vf b, vf b_lo, vf *error) {
    vf product = vf_mul(a, b);
    *error = vf_fma(a_lo, b, vf_fma(a, b_lo, vf_fma(a, b, fm_neg(product))));
    return product;
}

/* Error-free sum of a and b in either order of magnitude (TwoSum): a + b = sum + *error
 * exactly. */
VEC_FUNCTION vf fm_two_sum(vf a, vf b, vf *error) {
    vf sum = vf_add(a, b), b_part = vf_sub(sum, a);
    *error = vf_add(vf_sub(a, vf_sub(sum, b_part)), vf_sub(b, b_part));
    return sum;
}

/* exp(z) for z in [-180, 1] as 2^n (w + wlo). z = n ln2 + r, |r| <= ln2 / 2, with
 * r = r1 + c: r1 exact, c = -n FM_LN2_LO small. The sum r1 + (c + r^2 P) is split
 * by Fast2Sum, exact unless |r1| is below about |c| <= 2^-21, where v is so small that
 * the error of the split stays below 2^-45. exp(r) = 1 + r + r^2 P(r), P a degree-5
 * least-squares fit to (exp(r) - 1 - r) / r^2 (relative error 2^-32 in exp(r); the fit
 * is in tools/fits/exp_float.py); the sum
 * 1 + r1 + (c + r^2 P) is kept as w + wlo without rounding. */
VEC_FUNCTION float_exp fm_exp(vf z) {
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

/* exp(z) for z in [-87, 88] (2^k normal) by a table of 2^(j/N), N = 16 (EXP_TABLE_SIZE; 8
 * where the vector layer prefers 8-entry lookups, VEC_PREFERS_LOOKUP8: AVX2, where a
 * 16-entry one is two lane-crossing permutes and a blend): z = (N k + j) ln2/N + r with
 * |r| <= ln2/2N, and exp(z) = 2^k (t + l): with t_j = 2^(j/N) rounded to float (exactly
 * 1 for j = 0) and p = exp(r) - 1 = r + r^2 Q(r), Q of degree 2 (least-squares fits,
 * relative error in exp(r) 2^-34.7 for N = 16, 2^-31.5 for N = 8), t = t_j (1 + p)
 * rounded and l its exact remainder plus 2^(j/N) - t_j: a normalised pair, |l| <= ulp(t).
 * The reduction is exact up to the rounding of r (below 2^-30 relative in exp(r)), so t +
 * l is exp(z) / 2^k to about 2^-29: each result's own last rounding is what matters. p_lo
 * is the rounding error of p = r + r^2 Q: where j = 0 and k = 0 (|z| < ln2/2N) expm1(z)
 * is p + p_lo, whose relative accuracy t + l alone would lose. Half the operations of
 * fm_exp: the table replaces the error-free sums that keep exp(r) for |r| <= ln2/2
 * exact. */
typedef struct table_exp {
    vf t, l, p_lo, scale; /* scale = 2^k */
} table_exp;

VEC_TABLE float fm_exp2_sixteenths_hi[16] = {
    0x1.000000p+0f, 0x1.0b5586p+0f, 0x1.172b84p+0f, 0x1.2387a6p+0f, 0x1.306fe0p+0f, 0x1.3dea64p+0f,
    0x1.4bfdaep+0f, 0x1.5ab07ep+0f, 0x1.6a09e6p+0f, 0x1.7a1148p+0f, 0x1.8ace54p+0f, 0x1.9c4918p+0f,
    0x1.ae89fap+0f, 0x1.c199bep+0f, 0x1.d5818ep+0f, 0x1.ea4afap+0f};
VEC_TABLE float fm_exp2_sixteenths_lo[16] = {0.0f,
                                             0x1.9f3122p-25f,
                                             -0x1.c15742p-27f,
                                             0x1.ceac48p-25f,
                                             0x1.4636e2p-25f,
                                             0x1.824684p-25f,
                                             -0x1.593abcp-25f,
                                             -0x1.5bd5ecp-27f,
                                             0x1.9fcef4p-26f,
                                             -0x1.829fd0p-25f,
                                             0x1.15506ep-27f,
                                             0x1.51f848p-27f,
                                             -0x1.a94b14p-26f,
                                             -0x1.3d56b2p-27f,
                                             -0x1.822dbcp-27f,
                                             0x1.52486cp-27f};

#if VEC_PREFERS_LOOKUP8

#define EXP_TABLE_BITS 3
typedef struct exp_tables {
    vf_table8 hi, lo;
} exp_tables;

/* 2^(j/8) is 2^(2j/16): the even entries of the tables above */
VEC_FUNCTION exp_tables fm_exp_tables(void) {
    float hi[8], lo[8];
    for (int j = 0; j < 8; j++) {
        hi[j] = fm_exp2_sixteenths_hi[2 * j];
        lo[j] = fm_exp2_sixteenths_lo[2 * j];
    }
    exp_tables t = {vf_table8_load(hi), vf_table8_load(lo)};
    return t;
}

VEC_FUNCTION vf fm_exp_table_lookup(vf_table8 table, vf index) {
    return vf_lookup8(table, index);
}

/* N / ln2, ln2 / N in two parts, Q's coefficients (tools/fits/exp_float.py) */
#define EXP_TABLE_N_OVER_LN2 0x1.715476p+3f
#define EXP_TABLE_LN2_HI     (-0x1.62e430p-4f)
#define EXP_TABLE_LN2_LO     0x1.05c610p-32f
#define EXP_TABLE_Q1         0x1.555b7cp-3f
#define EXP_TABLE_Q2         0x1.555acep-5f

#else

#define EXP_TABLE_BITS 4
typedef struct exp_tables {
    vf_table16 hi, lo;
} exp_tables;

VEC_FUNCTION exp_tables fm_exp_tables(void) {
    exp_tables t = {vf_table16_load(fm_exp2_sixteenths_hi), vf_table16_load(fm_exp2_sixteenths_lo)};
    return t;
}

VEC_FUNCTION vf fm_exp_table_lookup(vf_table16 table, vf index) {
    return vf_lookup16(table, index);
}

#define EXP_TABLE_N_OVER_LN2 0x1.715476p+4f
#define EXP_TABLE_LN2_HI     (-0x1.62e430p-5f)
#define EXP_TABLE_LN2_LO     0x1.05c610p-33f
#define EXP_TABLE_Q1         0x1.5556a8p-3f
#define EXP_TABLE_Q2         0x1.549afap-5f

#endif

/* exp(z + *z_lo) with *z_lo below ulp(z) (z_lo NULL: 0), z_lo entering the reduced
 * argument r. */
VEC_FUNCTION table_exp fm_exp_table_plus(vf z, const vf *z_lo, const exp_tables *tables) {
    const vf magic = vf_set1(0x1.8p23f);
    table_exp e;
    /* m holds n = round(N z / ln2) in its low mantissa bits: j = n mod N in the lowest
     * EXP_TABLE_BITS (the table index), k = floor(n / N) above them */
    vf m = vf_fma(z, vf_set1(EXP_TABLE_N_OVER_LN2), magic);
    vf n = vf_sub(m, magic);
    vf r = vf_fma(n, vf_set1(EXP_TABLE_LN2_HI), z); /* ln2/N to 24 bits: exact */
    r = vf_fma(n, vf_set1(EXP_TABLE_LN2_LO), r);    /* and the rest of ln2/N */
    if (z_lo != NULL) r = vf_add(r, *z_lo);
    vf q = vf_fma(vf_fma(vf_set1(EXP_TABLE_Q2), r, vf_set1(EXP_TABLE_Q1)), r, vf_set1(0.5f));
    vf r2 = vf_mul(r, r);
    vf p = vf_fma(r2, q, r);
    e.p_lo = vf_fma(r2, q, vf_sub(r, p)); /* r - p is exact: p is within 3% of r */
    vf t = fm_exp_table_lookup(tables->hi, m);
    e.t = vf_fma(t, p, t);
    e.l = vf_add(vf_fma(t, p, vf_sub(t, e.t)), fm_exp_table_lookup(tables->lo, m));
    e.scale =
        vf_bits_add(vf_set1(1.0f), vf_bits_shift_left(vf_bits_shift_right(m, EXP_TABLE_BITS), 23));
    return e;
}

VEC_FUNCTION table_exp fm_exp_table(vf z, const exp_tables *tables) {
    return fm_exp_table_plus(z, NULL, tables);
}

/* (n + *n_lo) / (d + d_lo) (n_lo NULL: 0) from inverse, 1/d to a relative error e:
 * q0 = n inverse, then one correction with the residual n + n_lo - q0 (d + d_lo), which
 * leaves about e^2 relative before the one rounding: 2^-48 with the correctly rounded
 * 1/d (the wide-range paths), 2^-28 with vf_reciprocal_estimate (the table paths). */
VEC_FUNCTION vf fm_divide_by(vf inverse, vf n, const vf *n_lo, vf d, vf d_lo) {
    vf q0 = vf_mul(n, inverse);
    vf residual = vf_fnma(q0, d_lo, vf_fnma(q0, d, n));
    if (n_lo != NULL) residual = vf_add(residual, *n_lo);
    return vf_fma(residual, inverse, q0);
}

/* The piece of a (>= 0) in a table of 32 polynomials: b = a + offset (*b, as rounded) cut by
 * its exponent and top 3 mantissa bits, the table column the low 5 bits of b's bits >> 20
 * (returned); *h = a - the piece's middle. gelu's and tanh's tables. */
VEC_FUNCTION vf fm_piece(vf a, float offset, vf *b, vf *h) {
    *b = vf_add(a, vf_set1(offset));
    vf column = vf_bits_shift_right(*b, 20);
    vf b_middle = vf_bits_add(vf_bits_shift_left(column, 20), vf_from_bits(UINT32_C(1) << 19));
    *h = vf_sub(a, vf_sub(b_middle, vf_set1(offset)));
    return column;
}

/* Horner's rule down coefficients read from a table's rows at the piece's column
 * (vf_lookup32_rows): c[last] h^(last - first) + ... + c[first]. */
VEC_FUNCTION vf fm_horner(const vf *c, int last, int first, vf h) {
    vf q = c[last];
    VEC_UNROLL(16)
    for (int r = last - 1; r >= first; r--)
        q = vf_fma(q, h, c[r]);
    return q;
}

/* Whether any lane has |x| > limit, or is NaN. */
VEC_FUNCTION int fm_any_beyond(vf x, float limit) {
    return mf_any(vf_not_le(vf_abs(x), vf_set1(limit)));
}

/* dy scaled by a power of two (exact) so that a product or quotient dy f' (the
 * backwards' |f'| at least 2^-109 where they use it, at most 4) is a normal float wherever
 * the result is not 0, nor overflows: dy below 2^-10 times 2^100, above 2^100 times 2^-4;
 * *after undoes it, the one rounding into the subnormals where there is one. */
VEC_FUNCTION vf dy_scaled(vf dy, vf *after) {
    vf magnitude = vf_abs(dy), one = vf_set1(1.0f);
    mf tiny = vf_lt(magnitude, vf_set1(0x1p-10f));
    mf huge = vf_gt(magnitude, vf_set1(0x1p100f));
    *after = vf_select(tiny, vf_set1(0x1p-100f), vf_select(huge, vf_set1(16.0f), one));
    return vf_mul(dy, vf_select(tiny, vf_set1(0x1p100f), vf_select(huge, vf_set1(0x1p-4f), one)));
}

#endif
