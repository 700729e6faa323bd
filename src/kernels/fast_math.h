/* exp and expm1 on float vectors for the fast tier (ACTFN_FAST, fast_f32.c): each result
 * rounded as it goes, no error carried along, at about half the operations of
 * float_math.h. exp is within about 1 ULP (a table of 2^(j/16), rounded to float, and a
 * degree-3 polynomial), expm1 within about 1.5 ULP, relative, down to the smallest
 * inputs. The constants come from tools/fits/fast_float.py. Needs a fused multiply-add
 * that rounds once (VEC_HAS_FMA). The caller keeps the arguments in range; NaN passes
 * through as NaN. */
#ifndef ACTFN_FAST_MATH_H
#define ACTFN_FAST_MATH_H

#include "vec/vec.h"

#include <string.h>

#define FAST_MAGIC 0x1.8p23f /* adding it rounds to an integer, held in the low bits */

/* 2^(j/16) rounded to float, as bit patterns less j << 19: the shift that moves n =
 * 16 k + j into the exponent leaves j in the mantissa's top bits, which this cancels. */
static const uint32_t fast_exp2_sixteenths[16] = {
    0x3f800000, 0x3f7daac3, 0x3f7b95c2, 0x3f79c3d3, 0x3f7837f0, 0x3f76f532, 0x3f75fed7, 0x3f75583f,
    0x3f7504f3, 0x3f7508a4, 0x3f75672a, 0x3f76248c, 0x3f7744fd, 0x3f78ccdf, 0x3f7ac0c7, 0x3f7d257d};

static inline vf_table16 fast_exp_table(void) {
    float entries[16];
    memcpy(entries, fast_exp2_sixteenths, sizeof entries);
    return vf_table16_load(entries);
}

/* exp(z + *z_lo) (z_lo NULL: 0; else below ulp(z), for an argument known to more bits
 * than a float holds) for z in [-87.3, 88.7], where 2^k stays a normal float:
 * z = (16 k + j) ln2/16 + r, |r| <= ln2/32, exp(z) = 2^k 2^(j/16) (1 + p),
 * p = r + r^2 (c2 + c3 r). */
static inline vf fast_exp_plus(vf z, const vf *z_lo, vf_table16 table);

/* The same times 2^j, j given as the bit pattern j << 23 (j an integer, 0 for all but
 * the lanes whose 2^k j brings back into the normal floats). */
static inline vf fast_exp_shifted(vf z, const vf *z_lo, vf_table16 table, vf shift_bits) {
    vf m = vf_fma(z, vf_set1(0x1.715476p+4f), vf_set1(FAST_MAGIC)); /* 16 / ln2 */
    vf n = vf_sub(m, vf_set1(FAST_MAGIC));
    vf r = vf_fma(n, vf_set1(-0x1.62e430p-5f), z); /* ln2/16 in two parts */
    r = vf_fma(n, vf_set1(0x1.05c610p-33f), r);
    if (z_lo != NULL) r = vf_add(r, *z_lo);
    vf q = vf_fma(vf_set1(0x1.55572p-3f), r, vf_set1(0x1.000222p-1f));
    vf p = vf_fma(vf_mul(r, r), q, r);
    vf s = vf_bits_add(vf_lookup16(table, m), vf_bits_shift_left(m, 19)); /* 2^k 2^(j/16) */
    s = vf_bits_add(s, shift_bits);
    return vf_fma(s, p, s);
}

static inline vf fast_exp_plus(vf z, const vf *z_lo, vf_table16 table) {
    return fast_exp_shifted(z, z_lo, table, vf_zero());
}

static inline vf fast_exp(vf z, vf_table16 table) {
    return fast_exp_plus(z, NULL, table);
}

/* expm1(z) for z in [-30, 0] (above 0 up to 88, a little less exact): z = n ln2 + r,
 * |r| <= ln2/2, expm1(z) = 2^n (1 + p) - 1 = (2^n - 1) + 2^n p, the first term exact.
 * p = r + r^2 P(r) keeps its relative accuracy down to the subnormals. */
static inline vf fast_expm1(vf z) {
    vf m = vf_fma(z, vf_set1(0x1.715476p+0f), vf_set1(FAST_MAGIC));
    vf n = vf_sub(m, vf_set1(FAST_MAGIC));
    vf r = vf_fma(n, vf_set1(-0x1.62e430p-1f), z);
    r = vf_fma(n, vf_set1(0x1.05c610p-29f), r);
    vf q = vf_fma(vf_set1(0x1.6d753cp-10f), r, vf_set1(0x1.12298p-7f));
    q = vf_fma(q, r, vf_set1(0x1.5554acp-5f));
    q = vf_fma(q, r, vf_set1(0x1.5554acp-3f));
    q = vf_fma(q, r, vf_set1(0.5f));
    vf p = vf_fma(vf_mul(r, r), q, r);
    vf s = vf_bits_shift_left(vf_bits_add(m, vf_from_bits(127)), 23); /* 2^n */
    return vf_fma(s, p, vf_sub(s, vf_set1(1.0f)));
}

/* 1 / d for normal d, to about 2^-28 (the estimate and one Newton step). */
static inline vf fast_reciprocal(vf d) {
    vf r = vf_reciprocal_estimate(d);
    return vf_fma(vf_fnma(r, d, vf_set1(1.0f)), r, r);
}

#endif
