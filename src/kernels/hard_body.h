/* SPDX-License-Identifier: MIT */
/* hardsigmoid's and hardswish's bodies, correctly rounded (hard.c says how), written once
 * against the vector layer for the dtype that kernel_template.h's names map (T, V, M,
 * VOP, MOP, SUFFIX): included for float by hard_float_body.h (the f32 kernels and the
 * GPU's lanes) and for double by hard.c (the f64 kernels). Needs VEC_HAS_FMA. No include
 * guard: one inclusion per dtype. */
#include "kernels/hardswish_backward_double.h"

#define HARD_PASTE_(a, b) a##_##b
#define HARD_PASTE(a, b)  HARD_PASTE_(a, b)
#define HARD_NAME(name)   HARD_PASTE(name, SUFFIX)
#define HARD_IS_FLOAT     (sizeof(T) == sizeof(float))

typedef struct HARD_NAME(hard_constants) {
    V sixth_up, six, three, minus_three; /* 1/6 rounded up */
    V twelfth_up, twelfth_down, twelve;  /* 1/12 rounded up and down */
    V sixth_wide_up, sixth_wide_down;    /* (1 +- 2^-40) / 6: the settling test's window */
    V tiny;                              /* below it x (x + 3) / 6 rounds as x / 2 (half_tie_up) */
    V quantum;                           /* the smallest subnormal */
} HARD_NAME(hard_constants);

VEC_FUNCTION HARD_NAME(hard_constants) HARD_NAME(make_hard_constants)(const op_params *p) {
    (void)p;
    HARD_NAME(hard_constants) k;
    k.sixth_up = VOP(set1)(HARD_IS_FLOAT ? (T)0x1.555556p-3f : (T)0x1.5555555555556p-3);
    k.twelfth_up = VOP(set1)(HARD_IS_FLOAT ? (T)0x1.555556p-4f : (T)0x1.5555555555556p-4);
    k.twelfth_down = VOP(set1)(HARD_IS_FLOAT ? (T)0x1.555554p-4f : (T)0x1.5555555555555p-4);
    k.twelve = VOP(set1)((T)12);
    k.six = VOP(set1)((T)6);
    k.three = VOP(set1)((T)3);
    k.minus_three = VOP(set1)((T)-3);
    k.sixth_wide_up = VOP(set1)((T)0x1.5555555556aabp-3);
    k.sixth_wide_down = VOP(set1)((T)0x1.5555555554p-3);
    /* f32: where x / 2 is subnormal; f64: the reference's 2^-60 */
    k.tiny = VOP(set1)(HARD_IS_FLOAT ? (T)0x1p-125f : (T)0x1p-60);
    k.quantum = VOP(set1)(HARD_IS_FLOAT ? (T)0x1p-149f : (T)0x1p-1074);
    return k;
}

/* (hi + lo) / 6 rounded to nearest, ties to even, for |lo| far below ulp(hi) and hi not
 * subnormal, from hi and minus_lo = -lo (so that the remainder subtracts it: no negation
 * anywhere): q0 = hi / 6 to about an ULP, r = hi + lo - 6 q0 (the fnma's remainder is
 * exact; the difference rounds once), and q0 + r / 6 rounded once, twice.
 * - unsettled NULL (f32, proven over all 2^32 inputs): with 1/6 rounded up and rounded
 *   down. Away from a tie both give the correctly rounded quotient; at a tie they fall
 *   on either side of it, and their sum, 2 (the tie), rounds to twice the even one. Both
 *   are computed halved (q0 / 2 + r / 12, exact for the normal results that reach here:
 *   hardswish's subnormal ones are half_tie_up's), so that one addition ends it.
 * - else (f64, where hi + lo can hold twice a double's bits and r's rounding can hide
 *   which side of a midpoint the quotient lies): with 1/6 times 1 +- 2^-40, two values
 *   that lie on either side of the exact quotient (the window is far wider than r's
 *   error). Where they round alike, so does the quotient between them; where they do
 *   not (about 2^-40 of the results), the lane is unsettled: the reference decides.
 * A zero numerator (hi -0 or +0, minus_lo +0) gives +0: the flat side's sign. */
VEC_FUNCTION V HARD_NAME(divided_by_six)(V hi, V minus_lo, const HARD_NAME(hard_constants) * k,
                                         M *unsettled) {
    if (unsettled != NULL) {
        V q0 = VOP(mul)(hi, k->sixth_up);
        V r = VOP(sub)(VOP(fnma)(q0, k->six, hi), minus_lo);
        V above = VOP(fma)(r, k->sixth_wide_up, q0), below = VOP(fma)(r, k->sixth_wide_down, q0);
        *unsettled = MOP(or)(VOP(lt)(above, below), VOP(gt)(above, below));
        return above;
    }
    /* halves of both (exact: the results that reach here are normal), summed */
    V half_q0 = VOP(mul)(hi, k->twelfth_up);
    V r = VOP(sub)(VOP(fnma)(half_q0, k->twelve, hi), minus_lo);
    return VOP(add)(VOP(fma)(r, k->twelfth_up, half_q0), VOP(fma)(r, k->twelfth_down, half_q0));
}

/* xc + 3 = s - minus_s_lo exactly (Fast2Sum, for |xc| <= 3). */
VEC_FUNCTION V HARD_NAME(plus_three)(V xc, V *minus_s_lo, const HARD_NAME(hard_constants) * k) {
    V s = VOP(add)(xc, k->three);
    *minus_s_lo = VOP(sub)(VOP(sub)(s, k->three), xc);
    return s;
}

/* The forwards: unsettled as divided_by_six's (NULL in f32). */
VEC_FUNCTION V HARD_NAME(hardsigmoid_body)(V x, const HARD_NAME(hard_constants) * k, M *unsettled) {
    V xc = VOP(at_most)(VOP(at_least)(x, k->minus_three), k->three); /* NaN stays */
    V minus_s_lo, s = HARD_NAME(plus_three)(xc, &minus_s_lo, k);
    /* +0 at x <= -3, 1 at x >= 3, NaN through */
    return HARD_NAME(divided_by_six)(s, minus_s_lo, k, unsettled);
}

/* x / 2 (where x is tiny): where it is not representable (x an odd multiple of the
 * smallest subnormal) the tie goes toward +inf, as (x + quantum) / 2, a zero result
 * keeping x's sign. */
VEC_FUNCTION V HARD_NAME(half_tie_up)(V x, const HARD_NAME(hard_constants) * k) {
    V half = VOP(mul)(x, VOP(set1)((T)0.5));
    V up = VOP(mul)(VOP(add)(x, k->quantum), VOP(set1)((T)0.5));
    V up_negative = VOP(mul)(VOP(sub)(VOP(abs)(x), k->quantum), VOP(set1)((T)-0.5));
    up = VOP(select)(VOP(lt)(x, VOP(zero)()), up_negative, up);
    return VOP(select)(VOP(eq)(VOP(add)(half, half), x), half, up);
}

/* x clamped below only: from 3 up the select returns x (the lanes' arithmetic, inf or NaN
 * there, is dropped); at x <= -3 the numerator is -3 times +0, and the quotient +0. */
VEC_FUNCTION V HARD_NAME(hardswish_body)(V x, const HARD_NAME(hard_constants) * k, M *unsettled) {
    V xc = VOP(at_least)(x, k->minus_three); /* NaN stays */
    V minus_s_lo, s = HARD_NAME(plus_three)(xc, &minus_s_lo, k);
    /* x (s - minus_s_lo) = product - minus_lo: the product's error by an fnma, exact */
    V product = VOP(mul)(xc, s);
    V minus_lo = VOP(fma)(xc, minus_s_lo, VOP(fnma)(xc, s, product));
    V y = HARD_NAME(divided_by_six)(product, minus_lo, k, unsettled);
    y = VOP(select)(VOP(ge)(x, k->three), x, y);
    M tiny = VOP(lt)(VOP(abs)(x), k->tiny);
    if (unsettled != NULL) {
        /* f64: tiny nonzero lanes (|x| < 2^-60, rare) to the reference, and zeros keep
         * their sign: branch-free, which keeps the loop's registers */
        M zero = VOP(eq)(x, VOP(zero)());
        *unsettled = MOP(or)(*unsettled, MOP(andnot)(tiny, zero));
        return VOP(select)(zero, x, y);
    }
    if (MOP(to_bits)(tiny) != 0) y = VOP(select)(tiny, HARD_NAME(half_tie_up)(x, k), y);
    return y;
}

VEC_FUNCTION V HARD_NAME(hardsigmoid_backward_body)(V x, V dy,
                                                    const HARD_NAME(hard_constants) * k) {
    M inside = MOP(and)(VOP(gt)(x, k->minus_three), VOP(lt)(x, k->three));
    V outside = VOP(select)(VOP(is_nan)(x), x, VOP(zero)());
    return VOP(select)(inside, VOP(div)(dy, k->six), outside);
}

#undef HARD_PASTE_
#undef HARD_PASTE
#undef HARD_NAME
#undef HARD_IS_FLOAT
