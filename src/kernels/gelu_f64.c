/* SPDX-License-Identifier: MIT */
/* gelu in f64, forward and backward from x, in double lanes where the fma rounds once
 * (every ISA but SSE2, which keeps the reference). As the float-lane gelu (gelu_f32.c),
 * with a = |x|: x Phi(x) = x Q(a) for x <= 0 and x - x Q(a) above, Q(a) = erfc(a / sqrt
 * 2) / 2 = exp(-a^2 / 2) G(a):
 * - G, smooth and slowly varying (1/2 at 0, about 1 / (a sqrt(2 pi)) far out), a
 *   polynomial of degree 14 in h = a - middle on 29 pieces of [0, 39.75], its constant
 *   term in two doubles (gelu_f64_table.h, tools/fits/gelu_double.py: relative error
 *   2^-56.5), evaluated as c0_hi + (c0_lo + h q(h)), rounded once; a row of the table
 *   is 32 doubles, which AVX-512 looks up with two permutes;
 * - exp(-a^2 / 2) as 2^k (1 + s) (double_math.h) with a^2 carried as an exact sum (the
 *   square's rounding error, magnified by a^2 / 2, would cost 10 bits at a = 37), so that
 *   c exp(-a^2 / 2) = fma(c 2^k, s, c 2^k) rounds once.
 * The backward: Phi(x) + x phi(x) = E H(a) for x <= 0 and 1 - E H(a) above, E = exp(-x^2
 * / 2), H = G - a / sqrt(2 pi) formed from G's two parts and a / sqrt(2 pi) as an exact
 * product, so that the cancellation about H's zero (x = -0.7518, where gelu' = 0) costs
 * no more than an absolute 2^-55. Lanes below x = -37 (the reference's asymptotic tail,
 * then 0) go to the reference; above 37, x and dy (Q(a) is below 2^-300 there).
 * Measured against MPFR by test_accuracy (docs/accuracy.md). */
#include "spec/scalar_reference.h"
#include "spec/smooth_constants.h"
#include "kernels/double_math.h"
#include "kernels/gelu_f64_table.h"
#include "kernels/kernel_template.h"

#if VEC_HAS_FMA

#include "kernels/dtype_f64.h"
#define CONSTANTS gelu_f64_constants

/* The reference's range; the table reaches a = 39.75. */
#define GELU_F64_TAIL   37.0
#define INV_SQRT_2PI_LO -0x1.cbc0d30ebfd15p-56 /* 1/sqrt(2 pi) - INV_SQRT_2PI */

typedef struct gelu_f64_constants {
    vd tail, minus_tail, offset;
} gelu_f64_constants;

static inline gelu_f64_constants make_constants_f64(const op_params *p) {
    (void)p;
    gelu_f64_constants k = {vd_set1(GELU_F64_TAIL), vd_set1(-GELU_F64_TAIL), vd_set1(0.25)};
    return k;
}

enum { ROW_MIDDLE = 0, ROW_C0_HI = 1, ROW_C0_LO = 2, ROW_C1 = 3, DEGREE = 14 };

/* G(a) = hi + *lo (unrounded), a >= 0; a beyond the table (the tails, whose lanes the
 * callers replace) and NaN read column 0. */
static inline vd gelu_g(vd a, vd *lo, const gelu_f64_constants *k) {
    vd inside = vd_select(vd_le(a, k->tail), a, vd_zero());
    vd_column column = vd_column_of(vd_add(inside, k->offset), 50);
    vd h = vd_sub(a, vd_lookup32(gelu_f64_coefficients[ROW_MIDDLE], column));
    vd q = vd_lookup32(gelu_f64_coefficients[ROW_C1 + DEGREE - 1], column);
    for (int row = ROW_C1 + DEGREE - 2; row >= ROW_C1; row--)
        q = vd_fma(q, h, vd_lookup32(gelu_f64_coefficients[row], column));
    *lo = vd_fma(q, h, vd_lookup32(gelu_f64_coefficients[ROW_C0_LO], column));
    return vd_lookup32(gelu_f64_coefficients[ROW_C0_HI], column);
}

/* exp(-x^2 / 2) = scale (1 + *s), x^2 as the exact sum of its rounded value and error e:
 * exp(-x^2 / 2) = exp(-square / 2) (1 + d), d = -e / 2 (below 2^-43, so d^2 is far below
 * an ULP), folded into s as s + d (1 + s). */
static inline vd gaussian_parts(vd x, vd *s) {
    vd square_error, square = dm_two_product(x, x, &square_error);
    vd d = vd_mul(square_error, vd_set1(-0.5));
    vd r, r_lo, k = dm_reduce(vd_mul(square, vd_set1(-0.5)), &r, &r_lo);
    vd e = dm_expm1_reduced(r, r_lo);
    *s = vd_fma(d, vd_add(vd_set1(1.0), e), e);
    return vd_exp2_integer(k);
}

/* c exp(-x^2 / 2), rounded once (c 2^k exact: the results here are normal). */
static inline vd times_gaussian(vd c, vd scale, vd s) {
    vd scaled = vd_mul(c, scale);
    return vd_fma(scaled, s, scaled);
}

static inline vd gelu_body(vd x, const gelu_f64_constants *k) {
    vd a = vd_abs(x), g_lo, g_hi = gelu_g(a, &g_lo, k);
    vd s, scale = gaussian_parts(x, &s);
    vd xq = times_gaussian(vd_mul(x, vd_add(g_hi, g_lo)), scale, s); /* x Q(a) */
    vd y = vd_select(vd_gt(x, vd_zero()), vd_sub(x, xq), xq);
    return vd_select(vd_gt(x, k->tail), x, y);
}

static inline md gelu_outside(vd x, const gelu_f64_constants *k) {
    return vd_lt(x, k->minus_tail);
}

static inline vd gelu_gradient(vd x, vd dy, const gelu_f64_constants *k) {
    vd a = vd_abs(x), g_lo, g_hi = gelu_g(a, &g_lo, k);
    /* H = g_hi - a / sqrt(2 pi) + g_lo: the product exact as p + p_error, the leading
     * difference exact as t + t_error (TwoSum) */
    vd p_error, p = dm_two_product(a, vd_set1(INV_SQRT_2PI), &p_error);
    vd t_error, t = dm_two_sum(g_hi, vd_sub(vd_zero(), p), &t_error);
    vd rest = vd_sub(vd_add(t_error, g_lo), vd_fma(a, vd_set1(INV_SQRT_2PI_LO), p_error));
    vd s, scale = gaussian_parts(x, &s);
    vd eh = times_gaussian(vd_add(t, rest), scale, s); /* E H(a) */
    vd derivative = vd_select(vd_gt(x, vd_zero()), vd_sub(vd_set1(1.0), eh), eh);
    return vd_select(vd_gt(x, k->tail), dy, vd_mul(dy, derivative));
}

static inline md gelu_backward_outside(vd x, vd dy, const gelu_f64_constants *k) {
    (void)dy;
    return gelu_outside(x, k);
}

DEFINE_FORWARD_KERNEL_WITH_FALLBACK(gelu_forward, gelu_body, gelu_outside, gelu_forward)
DEFINE_BACKWARD_KERNEL_WITH_FALLBACK(gelu_backward, gelu_gradient, gelu_backward_outside,
                                     gelu_backward)

#endif

void ISA_FUNCTION(fill_gelu_f64_family)(kernel_table *table);
void ISA_FUNCTION(fill_gelu_f64_family)(kernel_table *table) {
#if VEC_HAS_FMA
    table->forward[SLOT_F64][ACTFN_GELU] = KERNEL(gelu_forward);
    table->backward[SLOT_F64][ACTFN_GELU] = KERNEL(gelu_backward);
#else
    (void)table; /* without a single-rounding fma: the reference */
#endif
}
