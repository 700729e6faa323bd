/* SPDX-License-Identifier: MIT */
/* What the fast tier's float-lane kernels (fast_f32.c, fast_gelu_f32.c) share: the op's
 * parameters as vectors, and e^z for z <= 0 in two parts, so that a product u e^z rounds
 * once even where e^z or the result leaves the normal floats. With a one-instruction
 * scaling (vscalefps, VEC_HAS_SCALE_EXP2) every vector takes that "wide" form; without
 * it, only the vectors with a far lane do, picked per vector (WITH_WIDE_FORM), and the
 * others take e^z as one float. Include after kernel_template.h, where VEC_HAS_FMA. */
#ifndef ACTFN_FAST_LANES_H
#define ACTFN_FAST_LANES_H

#include "kernels/fast_math.h"
#include "kernels/float_math.h"
#include "kernels/float_kernels.h"

#include <math.h>

#define CONSTANTS fast_constants

typedef struct fast_constants {
    vf alpha, inverse_alpha, beta, inverse_beta, threshold;
    exp_tables exp;
#if VEC_HAS_SCALE_EXP2
    vf_table32 exp_short; /* fast_exp_short_parts' table */
#endif
} fast_constants;

static inline fast_constants make_constants_f32(const op_params *p) {
    fast_constants k = {.alpha = vf_set1((float)p->alpha),
                        .inverse_alpha = vf_set1(1.0f / (float)p->alpha),
                        .beta = vf_set1((float)p->beta),
                        .inverse_beta = vf_set1(1.0f / (float)p->beta),
                        .threshold = vf_set1((float)p->threshold),
                        .exp = fm_exp_tables()};
#if VEC_HAS_SCALE_EXP2
    k.exp_short = vf_table32_load(fast_exp2_thirty_seconds);
#endif
    return k;
}

static inline vf at_least(vf x, float low) {
    return vf_at_least(x, vf_set1(low));
}

static inline vf at_most(vf x, float high) {
    return vf_at_most(x, vf_set1(high));
}

#define NORMAL_EXP_LIMIT 87.0f /* e^-87 = 1.6e-38 > FLT_MIN */

#if VEC_HAS_SCALE_EXP2

/* e^z for z <= 0 as a 2^floor(n) (fast_exp_parts), z clamped to -130 (e^-130 is
 * 2^-187.6, below every result): a product u e^z is (u a) scaled at the end, rounded
 * once, subnormal or not. One instruction scales, so every vector takes this form: the
 * "wide" one, and the bodies' clamps for it apply to all. */
#define ALWAYS_WIDE 1

typedef struct split_exp {
    vf a, n;
} split_exp;

/* e^(z + *z_lo), z_lo as in fast_exp_reduce, precise as in fast_exp_times. */
static inline split_exp exp_of_negative_plus(vf z, const vf *z_lo, const exp_tables *tables,
                                             int precise, int wide) {
    (void)wide;
    split_exp e;
    e.a = fast_exp_parts(at_least(z, -130.0f), z_lo, tables, precise, &e.n);
    return e;
}

static inline vf exp_value(split_exp e, int wide) {
    (void)wide;
    return vf_scale_exp2(e.a, e.n);
}

/* u e^z, rounded at the end. */
static inline vf times_exp(vf u, split_exp e, int wide) {
    (void)wide;
    return vf_scale_exp2(vf_mul(u, e.a), e.n);
}

/* e^z / d, in the same two parts. */
static inline split_exp over(split_exp e, vf d) {
    e.a = vf_div(e.a, d);
    return e;
}

/* e^-|x| for the logistic's quotient (sigmoid), where the short exp's 0.4 ULP more fits
 * the bound: |x| clamped to 130 and the sign set in one instruction, which takes a NaN
 * x to 130 too; logistic_numerator takes the NaN from x itself. */
static inline split_exp exp_of_minus_abs(vf x, const fast_constants *k, int wide) {
    (void)wide;
    split_exp e;
    e.a = fast_exp_short_parts(vf_minus_abs_at_least(x, -130.0f), k->exp_short, &e.n);
    return e;
}

/* e where x < 0, else 1; NaN where x is NaN: one instruction. */
static inline vf logistic_numerator(vf x, vf e) {
    return vf_where_negative_else_one(x, e);
}

/* u c e^z 2^shift (c and shift constants, shift an integer), rounded once at the end: u
 * split as m 2^j (m in [1, 2), its sign; vgetmant, vgetexp), m a c 2^shift a normal
 * float whatever u is, scaled by 2^(n + j). Neither a huge u (u a c overflowing where the
 * result does not) nor a tiny one (u a c rounded into the subnormals before the scaling
 * up: 2^11 steps off in silu's backward, found by fuzz_api) loses a bit; u = +-0 and
 * +-inf come out as their products with the finite a c. */
static inline vf times_exp_scaled(vf u, split_exp e, float c, float shift, int wide) {
    (void)wide;
    vf factor = vf_mul(e.a, vf_set1(ldexpf(c, (int)shift)));
    return vf_scale_exp2(vf_mul(vf_mantissa(u), factor), vf_add(e.n, vf_exponent(u)));
}

/* u v c e^z, u and v both split as above: no overflow of u v where the result has none
 * (elu's dy alpha, alpha up to FLT_MAX), no underflow before the scaling. */
static inline vf times_two_exp_scaled(vf u, vf v, split_exp e, float c) {
    vf factor = vf_mul(vf_mantissa(v), vf_mul(e.a, vf_set1(c)));
    return vf_scale_exp2(vf_mul(vf_mantissa(u), factor),
                         vf_add(e.n, vf_add(vf_exponent(u), vf_exponent(v))));
}

/* u v e^z, the product u v a rounded once (v a carried as hi + lo), then scaled. */
static inline vf times_two_exp(vf u, vf v, split_exp e, int wide) {
    (void)wide;
    vf va = vf_mul(v, e.a), va_lo = vf_fma(v, e.a, fm_neg(va));
    return vf_scale_exp2(vf_fma(u, va, vf_mul(u, va_lo)), e.n);
}

#else

/* e^z for z <= 0 as a * b: b = 1 and a = e^z where that is a normal float; in the wide
 * form, where it is not (z < -87), a = 2^64 e^z and b = 2^-64, z clamped to -130 (e^-130
 * is 2^-187.6, below every result; 2^64 e^-130 is normal). a has the same error as in
 * the normal range, and a product (u a) b rounds once, at b. Scaling costs a range test
 * per vector and a multiply, so only the vectors with a far lane take the wide form. */
#define ALWAYS_WIDE 0

typedef struct split_exp {
    vf a, b;
} split_exp;

/* e^(z + *z_lo), z_lo as in fast_exp_reduce, precise as in fast_exp_times. */
static inline split_exp exp_of_negative_plus(vf z, const vf *z_lo, const exp_tables *tables,
                                             int precise, int wide) {
    split_exp e;
    if (!wide) {
        e.a = fast_exp_shifted(z, z_lo, tables, precise, vf_zero());
        e.b = vf_set1(1.0f);
        return e;
    }
    mf far = vf_lt(z, vf_set1(-NORMAL_EXP_LIMIT));
    vf shift = vf_select(far, vf_from_bits(UINT32_C(64) << 23), vf_zero());
    e.a = fast_exp_shifted(at_least(z, -130.0f), z_lo, tables, precise, shift);
    e.b = vf_select(far, vf_set1(0x1p-64f), vf_set1(1.0f));
    return e;
}

static inline vf exp_value(split_exp e, int wide) {
    return wide ? vf_mul(e.a, e.b) : e.a;
}

/* u e^z, rounded at the end. */
static inline vf times_exp(vf u, split_exp e, int wide) {
    return wide ? vf_mul(vf_mul(u, e.a), e.b) : vf_mul(u, e.a);
}

/* e^z / d, in the same two parts. */
static inline split_exp over(split_exp e, vf d) {
    e.a = vf_div(e.a, d);
    return e;
}

/* u c e^z 2^shift as above: u (a c / 4) times 2^(shift + 2) b, a power of two, where
 * that product is far from the subnormals; else (where it may have rounded into them,
 * and the scaling up would magnify that: 6 steps off in tanh's backward at x = 39.8 and
 * a dy of 2^-30, found by fuzz_api) u times a c 2^shift, which cannot overflow there,
 * then b. */
static inline vf times_exp_scaled(vf u, split_exp e, float c, float shift, int wide) {
    /* c 2^shift = 1: u a, which both sides below come to (a c / 4 and the factor
     * 2^(shift + 2) are exact, a c / 4 being normal; where u a overflows, so does the
     * product times the factor) */
    if (ldexpf(c, (int)shift) == 1.0f) return times_exp(u, e, wide);
    vf product = vf_mul(u, vf_mul(e.a, vf_set1(c / 4)));
    vf small = vf_mul(u, vf_mul(e.a, vf_set1(ldexpf(c, (int)shift))));
    vf power = vf_set1(ldexpf(1.0f, (int)shift + 2));
    vf result =
        vf_select(vf_lt(vf_abs(product), vf_set1(0x1p-100f)), small, vf_mul(product, power));
    return wide ? vf_mul(result, e.b) : result;
}

/* u v e^z, the product u v a rounded once (v a carried as hi + lo). */
static inline vf times_two_exp(vf u, vf v, split_exp e, int wide) {
    vf va = vf_mul(v, e.a), va_lo = vf_fma(v, e.a, fm_neg(va));
    vf product = vf_fma(u, va, vf_mul(u, va_lo));
    return wide ? vf_mul(product, e.b) : product;
}

#endif

/* Within 1/2 of x0 = hi + lo, a zero of f' (gelu's, gelu_tanh's, mish's, at their
 * minimum), where the backwards' formulas cancel: dy d R(d), d = x - x0 (x - hi exact),
 * R of degree 8 fitted by tools/fits/derivative_zero.py; elsewhere `otherwise`. */
#define ZERO_BAND 0.5f

static inline vf near_derivative_zero(vf x, vf dy, float hi, float lo, const float r[9],
                                      vf otherwise) {
    vf d = vf_sub(vf_sub(x, vf_set1(hi)), vf_set1(lo));
    vf series = vf_set1(r[8]);
    for (int i = 7; i >= 0; i--)
        series = vf_fma(series, d, vf_set1(r[i]));
    return vf_select(vf_lt(vf_abs(d), vf_set1(ZERO_BAND)), vf_mul(dy, vf_mul(d, series)),
                     otherwise);
}

/* The left side of those backwards: dy q e^z (e with its mantissa times q, the product
 * times c and the exponent raised by shift, times_exp_scaled's, so that dy times it cannot
 * overflow), and near x0 the polynomial. */
static inline vf left_of_derivative_zero(vf x, vf dy, split_exp e, vf q, float c, float shift,
                                         float hi, float lo, const float r[9], int wide) {
    split_exp scaled = e;
    scaled.a = q;
    return near_derivative_zero(x, dy, hi, lo, r, times_exp_scaled(dy, scaled, c, shift, wide));
}

static inline split_exp exp_of_negative(vf z, const exp_tables *tables, int precise, int wide) {
    return exp_of_negative_plus(z, NULL, tables, precise, wide);
}

#if !VEC_HAS_SCALE_EXP2
/* e^-|x| for the logistic's quotient: the table of 16 here (a table of 32 costs more
 * than the multiply-add it saves), and a NaN x gives a NaN e. */
static inline split_exp exp_of_minus_abs(vf x, const fast_constants *k, int wide) {
    return exp_of_negative(vf_minus_abs(x), &k->exp, 0, wide);
}

/* e where x < 0, else 1; a NaN x's NaN comes through e (AVX2: the select with x's NaN
 * taken in cost 2 more instructions, 3-4 % of sigmoid). */
static inline vf logistic_numerator(vf x, vf e) {
    return vf_select(vf_lt(x, vf_zero()), e, vf_set1(1.0f));
}
#endif

/* A body with a wide form, picked per lane: the wide one where the lane is beyond limit (or
 * NaN), computed only for the rare vectors with such a lane; the narrow one elsewhere, so
 * that no result depends on its neighbours. Where every vector takes the wide form,
 * nothing to pick. */
#define WITH_WIDE_FORM(body, limit) WITH_WIDE_FORM_OF(body, limit, fast_constants)
#if ALWAYS_WIDE
#define WITH_WIDE_FORM_OF(body, limit, constants)
#else
/* The same for a body whose constants are of another type. */
#define WITH_WIDE_FORM_OF(body, limit, constants)                                                  \
    static inline mf body##_beyond(vf x, const constants *k) {                                     \
        (void)k;                                                                                   \
        return vf_not_le(vf_abs(x), vf_set1(limit));                                               \
    }                                                                                              \
    static inline vf body##_picked(vf x, const constants *k) {                                     \
        vf y = body(x, k, 0);                                                                      \
        mf far = body##_beyond(x, k);                                                              \
        return mf_any(far) ? vf_select(far, body(x, k, 1), y) : y;                                 \
    }
#endif

/* The forward kernel of such a body, its constants fast_constants from the op's
 * parameters (DEFINE_WIDE_FORM_KERNEL), or of the type constants, made by make(p)
 * (DEFINE_WIDE_FORM_KERNEL_OF). */
#if ALWAYS_WIDE

/* Where the wide form costs no more: always that one. */
#define DEFINE_WIDE_FORM_KERNEL(name, body)                                                        \
    static inline vf body##_wide(vf x, const fast_constants *k) {                                  \
        return body(x, k, 1);                                                                      \
    }                                                                                              \
    DEFINE_FORWARD_KERNEL(name, body##_wide)
#define DEFINE_WIDE_FORM_KERNEL_OF(name, body, constants, make)                                    \
    static void KERNEL(name)(const op_params *p, const void *input, void *output, size_t n) {      \
        const float *x = input;                                                                    \
        float *y = output;                                                                         \
        const constants k = make(p);                                                               \
        size_t i = 0;                                                                              \
        for (; i + 2 * VF_LANES <= n; i += 2 * VF_LANES) {                                         \
            vf_store(y + i, body(vf_load(x + i), &k, 1));                                          \
            vf_store(y + i + VF_LANES, body(vf_load(x + i + VF_LANES), &k, 1));                    \
        }                                                                                          \
        for (; i + VF_LANES <= n; i += VF_LANES)                                                   \
            vf_store(y + i, body(vf_load(x + i), &k, 1));                                          \
        if (i < n) vf_store_tail(y + i, body(vf_load_tail(x + i, n - i), &k, 1), n - i);           \
    }

#else

/* Elsewhere four vectors at a time: one test for all four, so that the common case runs
 * four narrow bodies the compiler can interleave. */
#define DEFINE_WIDE_FORM_KERNEL(name, body)                                                        \
    DEFINE_WIDE_FORM_KERNEL_OF(name, body, fast_constants, make_constants_f32)
#define DEFINE_WIDE_FORM_KERNEL_OF(name, body, constants, make)                                    \
    static void KERNEL(name)(const op_params *p, const void *input, void *output, size_t n) {      \
        const float *x = input;                                                                    \
        float *y = output;                                                                         \
        const constants k = make(p);                                                               \
        size_t i = 0;                                                                              \
        for (; i + 4 * VF_LANES <= n; i += 4 * VF_LANES) {                                         \
            vf a = vf_load(x + i), b = vf_load(x + i + VF_LANES);                                  \
            vf c = vf_load(x + i + 2 * VF_LANES), d = vf_load(x + i + 3 * VF_LANES);               \
            mf far = mf_or(mf_or(body##_beyond(a, &k), body##_beyond(b, &k)),                      \
                           mf_or(body##_beyond(c, &k), body##_beyond(d, &k)));                     \
            if (mf_any(far)) {                                                                     \
                RARE_STEP_BARRIER(); /* kernel_template.h */                                       \
                for (int v = 0; v < 4; v++)                                                        \
                    vf_store(y + i + v * VF_LANES,                                                 \
                             body##_picked(vf_load(x + i + v * VF_LANES), &k));                    \
                continue;                                                                          \
            }                                                                                      \
            vf_store(y + i, body(a, &k, 0));                                                       \
            vf_store(y + i + VF_LANES, body(b, &k, 0));                                            \
            vf_store(y + i + 2 * VF_LANES, body(c, &k, 0));                                        \
            vf_store(y + i + 3 * VF_LANES, body(d, &k, 0));                                        \
        }                                                                                          \
        for (; i + VF_LANES <= n; i += VF_LANES)                                                   \
            vf_store(y + i, body##_picked(vf_load(x + i), &k));                                    \
        if (i < n) vf_store_tail(y + i, body##_picked(vf_load_tail(x + i, n - i), &k), n - i);     \
    }

#endif

#endif
