/* SPDX-License-Identifier: MIT */
/* exp and expm1 on float vectors for the fast tier (ACTFN_FAST, fast_f32.c): each result
 * rounded as it goes, no error carried along, at about half the operations of
 * float_math.h. exp is within about 1 ULP (a table of 2^(j/16), or 2^(j/8) on AVX2, rounded
 * to float or in two parts, and a polynomial of degree 3, or 4 with the table of 8), expm1
 * within about 1.5 ULP, relative, down to the smallest inputs. The constants come from
 * tools/fits/fast_float.py. Needs a fused multiply-add that rounds once (VEC_HAS_FMA). The caller
 * keeps the arguments in range; NaN passes through as NaN. */
#ifndef ACTFN_FAST_MATH_H
#define ACTFN_FAST_MATH_H

#include "kernels/float_math.h"
#include "vec/vec.h"

#define FAST_MAGIC 0x1.8p23f /* adding it rounds to an integer, held in the low bits */

/* The tables are float_math.h's (exp_tables, fm_exp_tables, fm_exp_table_lookup): 2^(j/N)
 * in two parts, N = 16, or 8 where the vector layer prefers 8-entry lookups (AVX2: one
 * vpermps where 16 entries take two and a blend). With N = 8 the reduced argument is twice
 * as wide and Q one degree longer (tools/fits/fast_float.py: 0.0029 * 2^-24, the 16's
 * 0.0269). */
#define FAST_EXP_MAGIC (0x1.8p23f / (1 << EXP_TABLE_BITS)) /* 1.5 * 2^23 / N: m holds N n */

/* exp(r) = 1 + r + r^2 Q(r), |r| <= ln2/2N */
static inline vf fast_exp_q(vf r) {
#if EXP_TABLE_BITS == 3
    vf q = vf_fma(vf_set1(0x1.555cfcp-5f), r, vf_set1(0x1.555c82p-3f));
    return vf_fma(q, r, vf_set1(0.5f));
#else
    return vf_fma(vf_set1(0x1.55572p-3f), r, vf_set1(0x1.000222p-1f));
#endif
}

/* z = n ln2 + r with n a multiple of 1/N (magic FAST_EXP_MAGIC) or 1/32 (1.5 * 2^18): m =
 * z / ln2 + magic rounds there, its low bits holding N n or 32 n (*m), *n = m - magic,
 * and r = z - n ln2 with ln2 in two parts. Returns r. */
static inline vf fast_reduce(vf z, float magic, vf *m, vf *n) {
    *m = vf_fma(z, vf_set1(0x1.715476p+0f), vf_set1(magic)); /* 1 / ln2 */
    *n = vf_sub(*m, vf_set1(magic));
    vf r = vf_fma(*n, vf_set1(-0x1.62e430p-1f), z);
    return vf_fma(*n, vf_set1(0x1.05c610p-29f), r);
}

/* The reduction of exp(z + *z_lo) (z_lo NULL: 0; else below ulp(z), for an argument
 * known to more bits than a float holds): z = n ln2 + r, n = k + j/N, |r| <= ln2/2N,
 * exp(z) = 2^k 2^(j/N) (1 + p), p = r + r^2 Q(r). Returns p, leaves 2^(j/N) in *s and m
 * = n + FAST_EXP_MAGIC (its low bits hold N n) in *m. */
static inline vf fast_exp_reduce(vf z, const vf *z_lo, const exp_tables *tables, vf *s, vf *m) {
    vf n, r = fast_reduce(z, FAST_EXP_MAGIC, m, &n);
    if (z_lo != NULL) r = vf_add(r, *z_lo);
    vf q = fast_exp_q(r);
    *s = fm_exp_table_lookup(tables->hi, *m);
    return vf_fma(vf_mul(r, r), q, r);
}

/* 2^(j/N) (1 + p), in about [0.96, 2.09]. precise: 2^(j/N) in two parts, which takes
 * the table's rounding (up to half an ULP) out of the result at two more operations. */
static inline vf fast_exp_times(vf s, vf p, vf m, const exp_tables *tables, int precise) {
    if (precise) return vf_add(s, vf_fma(s, p, fm_exp_table_lookup(tables->lo, m)));
    return vf_fma(s, p, s);
}

/* exp(z + *z_lo) times 2^i, i given as the bit pattern i << 23 (an integer, 0 for all
 * but the lanes whose 2^k i brings back into the normal floats), for z in [-87.3, 88.7]
 * where 2^k 2^i stays a normal float: 2^k enters the exponent bits, of 2^(j/N) before
 * the product with (1 + p) (which a NaN p then makes NaN), or, precise, as a factor. */
static inline vf fast_exp_shifted(vf z, const vf *z_lo, const exp_tables *tables, int precise,
                                  vf shift_bits) {
    vf s, m;
    vf p = fast_exp_reduce(z, z_lo, tables, &s, &m);
    /* m's bits, less those of the magic, are N n = N k + j: k << 23 is (bits >>
     * EXP_TABLE_BITS) << 23, the magic's bits shifting out */
    vf scale =
        vf_bits_add(vf_bits_shift_left(vf_bits_shift_right(m, EXP_TABLE_BITS), 23), shift_bits);
    if (precise)
        return vf_mul(fast_exp_times(s, p, m, tables, 1), vf_bits_add(vf_set1(1.0f), scale));
    s = vf_bits_add(s, scale);
    return vf_fma(s, p, s);
}

#if VEC_HAS_SCALE_EXP2
/* exp(z + *z_lo) as two parts where the scaling by 2^k is one instruction: e^z =
 * mantissa 2^floor(*exponent), *exponent = n = k + j/N. For z in [-150, 88.7]: the
 * caller multiplies the mantissa by what it needs and scales once at the end
 * (vf_scale_exp2), which rounds once, into the subnormals too. */
static inline vf fast_exp_parts(vf z, const vf *z_lo, const exp_tables *tables, int precise,
                                vf *exponent) {
    vf s, m;
    vf p = fast_exp_reduce(z, z_lo, tables, &s, &m);
    *exponent = vf_sub(m, vf_set1(FAST_EXP_MAGIC));
    return fast_exp_times(s, p, m, tables, precise);
}

/* 2^(j/32), j = 0..31, rounded to float (tools/fits/fast_float.py) */
VEC_TABLE float fast_exp2_thirty_seconds[32] = {
    0x1.000000p+0f, 0x1.059b0ep+0f, 0x1.0b5586p+0f, 0x1.11301ep+0f, 0x1.172b84p+0f, 0x1.1d4874p+0f,
    0x1.2387a6p+0f, 0x1.29e9e0p+0f, 0x1.306fe0p+0f, 0x1.371a74p+0f, 0x1.3dea64p+0f, 0x1.44e086p+0f,
    0x1.4bfdaep+0f, 0x1.5342b6p+0f, 0x1.5ab07ep+0f, 0x1.6247ecp+0f, 0x1.6a09e6p+0f, 0x1.71f75ep+0f,
    0x1.7a1148p+0f, 0x1.82589ap+0f, 0x1.8ace54p+0f, 0x1.93737cp+0f, 0x1.9c4918p+0f, 0x1.a5503cp+0f,
    0x1.ae89fap+0f, 0x1.b7f770p+0f, 0x1.c199bep+0f, 0x1.cb720ep+0f, 0x1.d5818ep+0f, 0x1.dfc974p+0f,
    0x1.ea4afap+0f, 0x1.f50766p+0f};

/* fast_exp_parts' short form, for z in [-150, 0] and no z_lo: n = k + j/32, |r| <=
 * ln2/64, exp(r) = 1 + r (c1 + c2 r) (2^-24.2 relative), t_j (1 + p) as s + (s r) q. One
 * multiply-add fewer than the table of 16 and its degree-3 polynomial, at about 0.4 ULP
 * more error (the polynomial's; the table's rounding and the last one are the same). */
static inline vf fast_exp_short_parts(vf z, vf_table32 table, vf *exponent) {
    vf m, r = fast_reduce(z, 0x1.8p18f, &m, exponent);
    vf s = vf_lookup32(table, m);
    vf q = vf_fma(r, vf_set1(0x1.000028p-1f), vf_set1(0x1.0000f6p+0f));
    return vf_fma(vf_mul(s, r), q, s);
}
#endif

/* c expm1(z) for z in [-30, 0] (above 0 the lanes' results are the callers' to drop):
 * z = n ln2 + r, |r| <= ln2/2, expm1(z) = 2^n (1 + p) - 1 = (2^n - 1) + 2^n p, the first
 * term exact. p = r + r^2 P(r) keeps its relative accuracy down to the smallest z. ln2 in
 * one float: its error d = 2^-29 moves r by |n| d and the result by 2^n |n| d <= 2^-30
 * (at n = -1, -2), under 1/32 ULP of |expm1(z)| >= 0.29 (n = 0 reduces nothing). Where
 * the scaling is one instruction, c 2^n is exact and c (2^n - 1) one rounding, and c
 * costs no multiply; elsewhere (and unit: c = 1) c multiplies the result. */
static inline vf fast_expm1_scaled(vf z, vf c, int unit) {
    vf m = vf_fma(z, vf_set1(0x1.715476p+0f), vf_set1(FAST_MAGIC));
    vf n = vf_sub(m, vf_set1(FAST_MAGIC));
    vf r = vf_fma(n, vf_set1(-0x1.62e430p-1f), z);
    vf q = vf_fma(vf_set1(0x1.6d753cp-10f), r, vf_set1(0x1.12298p-7f));
    q = vf_fma(q, r, vf_set1(0x1.5554acp-5f));
    q = vf_fma(q, r, vf_set1(0x1.5554acp-3f));
    q = vf_fma(q, r, vf_set1(0.5f));
    vf p = vf_fma(vf_mul(r, r), q, r);
#if VEC_HAS_SCALE_EXP2
    if (unit) c = vf_set1(1.0f);
    vf s = vf_scale_exp2(c, n); /* c 2^n */
    return vf_fma(s, p, vf_sub(s, c));
#else
    vf s = vf_bits_shift_left(vf_bits_add(m, vf_from_bits(127)), 23); /* 2^n */
    vf e = vf_fma(s, p, vf_sub(s, vf_set1(1.0f)));
    return unit ? e : vf_mul(c, e);
#endif
}

/* expm1(z), z as above. */
static inline vf fast_expm1(vf z) {
    return fast_expm1_scaled(z, vf_zero(), 1);
}

/* c expm1(z), z as above. */
static inline vf fast_expm1_times(vf z, vf c) {
    return fast_expm1_scaled(z, c, 0);
}

#endif
