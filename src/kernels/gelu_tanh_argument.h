/* SPDX-License-Identifier: MIT */
/* gelu_tanh's inner argument in float lanes, for both tiers' kernels (smooth_f32.c,
 * fast_f32.c): v = x (c1 + c2 x^2), c1 = 2 sqrt(2/pi), c2 = 0.044715 c1, as v + v_lo to
 * about 2^-40 (the constants in two parts, the products and the sum error-free), since
 * e^-|v| has the relative error of v times |v| (up to 86 where the result is a float).
 * Needs VEC_HAS_FMA; include after float_math.h. */
#ifndef ACTFN_GELU_TANH_ARGUMENT_H
#define ACTFN_GELU_TANH_ARGUMENT_H

#include "kernels/float_math.h"

#define GELU_TANH_C1_HI 0x1.988454p+0f
#define GELU_TANH_C1_LO (-0x1.857936p-25f)
#define GELU_TANH_C2_HI 0x1.2444f2p-4f
#define GELU_TANH_C2_LO 0x1.49b16ap-29f

/* v + *v_lo = sign x (c1 + c2 x^2), sign +1 or -1, a constant: the accurate kernel takes
 * -v, whose negation goes into the constants (exact) rather than an instruction. c1 and
 * c2 x^2 share sign's sign and either may be the larger: Fast2Sum with the larger
 * magnitude (max, or min for -1) first. */
VEC_FUNCTION vf gelu_tanh_float_argument_signed(vf xc, float sign, vf *v_lo) {
    vf square = vf_mul(xc, xc);
    vf square_lo = vf_fma(xc, xc, fm_neg(square));
    vf c2 = vf_set1(sign * GELU_TANH_C2_HI), c1 = vf_set1(sign * GELU_TANH_C1_HI);
    vf t = vf_mul(c2, square);
    /* t's rounding error, c2 x^2 - t, enters as -(t - c2 x^2): gcc left fma(c2, x^2, -t)
     * unfused for the negated constants */
    vf minus_t_error = vf_fnma(c2, square, t);
    vf t_lo = vf_fma(c2, square_lo,
                     vf_fma(vf_set1(sign * GELU_TANH_C2_LO), square, fm_neg(minus_t_error)));
    vf larger = sign > 0 ? vf_at_least(t, c1) : vf_at_most(t, c1);
    vf smaller = sign > 0 ? vf_at_most(t, c1) : vf_at_least(t, c1);
    vf w = vf_add(c1, t);
    vf w_lo =
        vf_add(vf_add(vf_sub(larger, w), smaller), vf_add(t_lo, vf_set1(sign * GELU_TANH_C1_LO)));
    vf v = vf_mul(xc, w);
    *v_lo = vf_fma(xc, w_lo, vf_fma(xc, w, fm_neg(v)));
    return v;
}

/* v + *v_lo = x (c1 + c2 x^2). */
VEC_FUNCTION vf gelu_tanh_float_argument(vf xc, vf *v_lo) {
    return gelu_tanh_float_argument_signed(xc, 1.0f, v_lo);
}

#endif
