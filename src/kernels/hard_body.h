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
    V sixth_up, sixth_down, six, three, minus_three; /* 1/6 rounded up and down */
    V sixth_wide_up, sixth_wide_down; /* (1 +- 2^-40) / 6: the settling test's window */
    V tiny;                           /* below it x (x + 3) / 6 rounds as x / 2 (half_tie_up) */
    V quantum;                        /* the smallest subnormal */
} HARD_NAME(hard_constants);

VEC_FUNCTION HARD_NAME(hard_constants) HARD_NAME(make_hard_constants)(const op_params *p) {
    (void)p;
    HARD_NAME(hard_constants) k;
    k.sixth_up = VOP(set1)(HARD_IS_FLOAT ? (T)0x1.555556p-3f : (T)0x1.5555555555556p-3);
    k.sixth_down = VOP(set1)(HARD_IS_FLOAT ? (T)0x1.555554p-3f : (T)0x1.5555555555555p-3);
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
 * subnormal: q0 = hi / 6 to about an ULP, r = hi + lo - 6 q0 (the fma's remainder is
 * exact; the sum rounds once), and q0 + r / 6 rounded once, twice.
 * - unsettled NULL (f32, proven over all 2^32 inputs): with 1/6 rounded up and rounded
 *   down. Away from a tie both give the correctly rounded quotient; at a tie they fall
 *   on either side of it, and their sum, 2 (the tie), rounds to twice the even one.
 * - else (f64, where hi + lo can hold twice a double's bits and r's rounding can hide
 *   which side of a midpoint the quotient lies): with 1/6 times 1 +- 2^-40, two values
 *   that lie on either side of the exact quotient (the window is far wider than r's
 *   error). Where they round alike, so does the quotient between them; where they do
 *   not (about 2^-40 of the results), the lane is unsettled: the reference decides. */
VEC_FUNCTION V HARD_NAME(divided_by_six)(V hi, V lo, const HARD_NAME(hard_constants) * k,
                                         M *unsettled) {
    V q0 = VOP(mul)(hi, k->sixth_up);
    V r = VOP(add)(VOP(fma)(VOP(sub)(VOP(zero)(), q0), k->six, hi), lo);
    if (unsettled != NULL) {
        V above = VOP(fma)(r, k->sixth_wide_up, q0), below = VOP(fma)(r, k->sixth_wide_down, q0);
        *unsettled = MOP(or)(VOP(lt)(above, below), VOP(gt)(above, below));
        return above;
    }
    V above = VOP(fma)(r, k->sixth_up, q0), below = VOP(fma)(r, k->sixth_down, q0);
    return VOP(mul)(VOP(add)(above, below), VOP(set1)((T)0.5));
}

/* xc = x clamped to [-3, 3] (NaN stays), and xc + 3 = s + s_lo exactly (Fast2Sum). */
VEC_FUNCTION V HARD_NAME(clamped_plus_three)(V x, V *xc, V *s_lo,
                                             const HARD_NAME(hard_constants) * k) {
    *xc = VOP(at_most)(VOP(at_least)(x, k->minus_three), k->three);
    V s = VOP(add)(*xc, k->three);
    *s_lo = VOP(sub)(*xc, VOP(sub)(s, k->three));
    return s;
}

/* The forwards: unsettled as divided_by_six's (NULL in f32). */
VEC_FUNCTION V HARD_NAME(hardsigmoid_body)(V x, const HARD_NAME(hard_constants) * k, M *unsettled) {
    V xc, s_lo;
    V s = HARD_NAME(clamped_plus_three)(x, &xc, &s_lo, k);
    /* +0 at x <= -3, 1 at x >= 3, NaN through */
    return HARD_NAME(divided_by_six)(s, s_lo, k, unsettled);
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

VEC_FUNCTION V HARD_NAME(hardswish_body)(V x, const HARD_NAME(hard_constants) * k, M *unsettled) {
    V xc, s_lo;
    V s = HARD_NAME(clamped_plus_three)(x, &xc, &s_lo, k);
    V product = VOP(mul)(xc, s);
    V product_lo = VOP(fma)(xc, s_lo, VOP(fma)(xc, s, VOP(sub)(VOP(zero)(), product)));
    V y = HARD_NAME(divided_by_six)(product, product_lo, k, unsettled);
    y = VOP(select)(VOP(le)(x, k->minus_three), VOP(zero)(), y); /* +0, and NaN through */
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
