/* SPDX-License-Identifier: MIT */
/* gelu (erf) at ACTFN_FAST, f32, in float lanes. As the accurate kernel (gelu_f32.c):
 * gelu(x) = x Q(-x) for x < 0 and x - x Q(x) above, Q(a) = exp(-a^2 / 2) G(a), a = |x|,
 * but each step rounded as it goes:
 * - G a polynomial in h = a - m on pieces of a: degree 5 on 25 where a 32-entry lookup
 *   is one instruction, degree 8 on 8 elsewhere (relative error 2^-24 with float
 *   coefficients; tools/fits/fast_gelu_float.py makes both tables);
 * - exp(-a^2 / 2) from fast_lanes.h, a^2 / 2 split exactly (fma), since e^z amplifies
 *   z's rounding by |z| (up to 105 here);
 * - q = x G e^z in one product chain, scaled at the end (fast_lanes.h), so that the
 *   tail, subnormal from x = -13.2 on, rounds once; gelu(x) = q below 0 and x - q above.
 * a is clamped at 14.5, where gelu(-a) is 2^-153 and rounds to -0; above 14.5 the result
 * is x. The bound, measured over all 2^32 inputs, is in docs/accuracy.md. */
#include "spec/scalar_reference.h"
#include "kernels/kernel_template.h"

#if VEC_HAS_FMA

#include "kernels/fast_lanes.h"

#define GELU_FAST_LIMIT 14.5f

/* G's pieces in one of two shapes (tools/fits/fast_gelu_float.py), by what a lookup
 * costs: where a 32-entry one is one instruction, 25 pieces of degree 5; elsewhere (AVX2:
 * seven instructions for 32 entries, one permute for 8) 8 pieces of degree 8, at the same
 * error of G (2^-24.2 with float coefficients, 2^-23.2 evaluated in floats; the 25:
 * 2^-24.0 and 2^-23.0). Tried on AVX2 too: 4 pieces of degree 10 through the in-lane
 * vpermilps, 2.5 % slower (the fma pipes, not the permutes, bound the kernel there). */
#if VEC_HAS_CHEAP_LOOKUP32

#define GELU_G_ROWS   7    /* m, c0 .. c5 */
#define GELU_G_OFFSET 2.0f /* the pieces are those of a + 2 */
#define GELU_G_SHIFT  20   /* its exponent and top 3 mantissa bits */

/* Row 0: the middle m of each interval; rows 1-6: the coefficient of h^0 .. h^5. The
 * column is the low 5 bits of (a + 2)'s bits >> 20 (its exponent and 3 mantissa bits). */
static const float gelu_fast_table[7][32] = {
    {0x1p-3f,   0x1.8p-2f, 0x1.4p-1f, 0x1.cp-1f, 0x1.2p+0f, 0x1.6p+0f, 0x1.ap+0f, 0x1.ep+0f,
     0x1.2p+1f, 0x1.6p+1f, 0x1.ap+1f, 0x1.ep+1f, 0x1.1p+2f, 0x1.3p+2f, 0x1.5p+2f, 0x1.7p+2f,
     0x1.ap+2f, 0x1.ep+2f, 0x1.1p+3f, 0x1.3p+3f, 0x1.5p+3f, 0x1.7p+3f, 0x1.9p+3f, 0x1.bp+3f,
     0x1.ep+3f, 0.0f,      0.0f,      0.0f,      0.0f,      0.0f,      0.0f,      0.0f}, /* m */
    {0x1.d0af2cp-2f, 0x1.84b706p-2f, 0x1.4b1de2p-2f, 0x1.1e7c2ep-2f,
     0x1.f6704ep-3f, 0x1.bdb9f2p-3f, 0x1.8f6846p-3f, 0x1.690b32p-3f,
     0x1.3aaddep-3f, 0x1.0bb968p-3f, 0x1.d0b31cp-4f, 0x1.99c2b6p-4f,
     0x1.6e040ap-4f, 0x1.4a724ap-4f, 0x1.2d01fep-4f, 0x1.1445a6p-4f,
     0x1.eba5fep-5f, 0x1.ac6292p-5f, 0x1.7b5f34p-5f, 0x1.545298p-5f,
     0x1.34805ap-5f, 0x1.1a1574p-5f, 0x1.03cf06p-5f, 0x1.e18ddcp-6f,
     0x1.b1d706p-6f, 0.0f,           0.0f,           0.0f,
     0.0f,           0.0f,           0.0f,           0.0f}, /* c0 */
    {-0x1.5e6e6cp-2f,
     -0x1.06bfbp-2f,
     -0x1.93234cp-3f,
     -0x1.3baf56p-3f,
     -0x1.f7949ep-4f,
     -0x1.9851f2p-4f,
     -0x1.4ffe66p-4f,
     -0x1.18274ep-4f,
     -0x1.b405c6p-5f,
     -0x1.432b16p-5f,
     -0x1.ef2cc4p-6f,
     -0x1.85dc7cp-6f,
     -0x1.3a0092p-6f,
     -0x1.01c9bep-6f,
     -0x1.ae369cp-7f,
     -0x1.6c06bap-7f,
     -0x1.21ae8ep-7f,
     -0x1.b9fa68p-8f,
     -0x1.5bcb3ep-8f,
     -0x1.188fecp-8f,
     -0x1.cdeeacp-9f,
     -0x1.82bdeep-9f,
     -0x1.486db4p-9f,
     -0x1.1a5102p-9f,
     -0x1.cabcd6p-10f,
     0.0f,
     0.0f,
     0.0f,
     0.0f,
     0.0f,
     0.0f,
     0.0f}, /* c1 */
    {0x1.a4e0dep-3f,
     0x1.222edep-3f,
     0x1.9a4564p-4f,
     0x1.28becp-4f,
     0x1.b65934p-5f,
     0x1.4a031ap-5f,
     0x1.f9a624p-6f,
     0x1.89994ep-6f,
     0x1.15a9ap-6f,
     0x1.6c5d88p-7f,
     0x1.f2f524p-8f,
     0x1.621fb8p-8f,
     0x1.031b3ap-8f,
     0x1.852b4cp-9f,
     0x1.2ae26cp-9f,
     0x1.d419d6p-10f,
     0x1.4ea404p-10f,
     0x1.c0f8fcp-11f,
     0x1.3ae7a2p-11f,
     0x1.c9eafep-12f,
     0x1.56ee0cp-12f,
     0x1.073c46p-12f,
     0x1.9ca83p-13f,
     0x1.494a3ep-13f,
     0x1.e2fc68p-14f,
     0.0f,
     0.0f,
     0.0f,
     0.0f,
     0.0f,
     0.0f,
     0.0f}, /* c2 */
    {-0x1.b03318p-4f,
     -0x1.15cd7p-4f,
     -0x1.6e96dp-5f,
     -0x1.efa4f6p-6f,
     -0x1.56b0fap-6f,
     -0x1.e3d876p-7f,
     -0x1.5c34ap-7f,
     -0x1.fe2a6ep-8f,
     -0x1.49c704p-8f,
     -0x1.83970ap-9f,
     -0x1.decfbcp-10f,
     -0x1.34a762p-10f,
     -0x1.9cd4dcp-11f,
     -0x1.1d021p-11f,
     -0x1.949102p-12f,
     -0x1.262d46p-12f,
     -0x1.7b6e92p-13f,
     -0x1.c16636p-14f,
     -0x1.19bfdcp-14f,
     -0x1.720d0ep-15f,
     -0x1.f904fap-16f,
     -0x1.63ddf8p-16f,
     -0x1.01b556p-16f,
     -0x1.7e1c08p-17f,
     -0x1.fa71c2p-18f,
     0.0f,
     0.0f,
     0.0f,
     0.0f,
     0.0f,
     0.0f,
     0.0f}, /* c3 */
    {0x1.8b4ee8p-5f,
     0x1.ddc3cap-6f,
     0x1.289874p-6f,
     0x1.79a9ecp-7f,
     0x1.ec5f1p-8f,
     0x1.481b6ap-8f,
     0x1.be5cbap-9f,
     0x1.357bf2p-9f,
     0x1.73116p-10f,
     0x1.89c00cp-11f,
     0x1.b9c0d6p-12f,
     0x1.041526p-12f,
     0x1.3f6b2ep-13f,
     0x1.96ff66p-14f,
     0x1.0bce6ep-14f,
     0x1.6a9d9ap-15f,
     0x1.a9592cp-16f,
     0x1.bdc292p-17f,
     0x1.f4768cp-18f,
     0x1.293a12p-18f,
     0x1.71f74ep-19f,
     0x1.df035cp-20f,
     0x1.40afb8p-20f,
     0x1.b9f8dep-21f,
     0x1.09ff6ap-21f,
     0.0f,
     0.0f,
     0.0f,
     0.0f,
     0.0f,
     0.0f,
     0.0f}, /* c4 */
    {-0x1.409a24p-6f,
     -0x1.6f1f6p-7f,
     -0x1.b00dbap-8f,
     -0x1.04e0d4p-8f,
     -0x1.42c91p-9f,
     -0x1.989a94p-10f,
     -0x1.083884p-10f,
     -0x1.5ca67ap-11f,
     -0x1.7f8b48p-12f,
     -0x1.73623ap-13f,
     -0x1.7dd22p-14f,
     -0x1.9dc336p-15f,
     -0x1.d59e8ap-16f,
     -0x1.159ce4p-16f,
     -0x1.5449fap-17f,
     -0x1.aeb4e4p-18f,
     -0x1.c52deep-19f,
     -0x1.a781b8p-20f,
     -0x1.ac49a8p-21f,
     -0x1.ce3c94p-22f,
     -0x1.075e26p-22f,
     -0x1.3a3abep-23f,
     -0x1.85efbcp-24f,
     -0x1.f49522p-25f,
     -0x1.0d8af8p-25f,
     0.0f,
     0.0f,
     0.0f,
     0.0f,
     0.0f,
     0.0f,
     0.0f}, /* c5 */
};

typedef vf_table32_rows gelu_g_table;

static gelu_g_table gelu_g_table_load(void) {
    return vf_table32_rows_load(gelu_fast_table, GELU_G_ROWS);
}

static inline __attribute__((always_inline)) void gelu_g_lookup(const gelu_g_table *t, vf column,
                                                                vf *c) {
    vf_lookup32_rows(t, GELU_G_ROWS, column, c);
}

#else

#define GELU_G_ROWS   10   /* m, c0 .. c8 */
#define GELU_G_OFFSET 1.0f /* the pieces are those of a + 1 */
#define GELU_G_SHIFT  22   /* its exponent and top mantissa bit */

/* Row 0: the middle m of each interval; rows 1-9: the coefficient of h^0 .. h^8. The
 * column is the low 3 bits of (a + 1)'s bits >> 22. */
static const float gelu_fast_table8[10][8] = {
    {0x1.8p+0f, 0x1.4p+1f, 0x1p+2f, 0x1.8p+2f, 0x1.2p+3f, 0x1.ap+3f, 0x1p-2f, 0x1.8p-1f}, /* m */
    {0x1.a57056p-3f, 0x1.217252p-3f, 0x1.82b4bcp-4f, 0x1.095608p-4f, 0x1.66ccb8p-5f, 0x1.f3ddc2p-6f,
     0x1.a7f808p-2f, 0x1.337024p-2f}, /* c0 */
    {-0x1.71c04cp-4f, -0x1.75ab64p-5f, -0x1.5cf97ap-6f, -0x1.5068c2p-7f, -0x1.378122p-8f,
     -0x1.3012a8p-9f, -0x1.2e8652p-2f, -0x1.63e072p-3f}, /* c1 */
    {0x1.20403cp-5f, 0x1.bf399ep-7f, 0x1.2dda16p-8f, 0x1.a0eee6p-10f, 0x1.0b6e22p-11f,
     0x1.6fdc44p-13f, 0x1.5c5674p-3f, 0x1.5bf7f2p-4f}, /* c2 */
    {-0x1.9980b4p-7f, -0x1.f62784p-9f, -0x1.f6a73ap-11f, -0x1.f9cd0ep-13f, -0x1.c63d3ap-15f,
     -0x1.ba91cap-17f, -0x1.594f5ep-4f, -0x1.2c84ap-5f}, /* c3 */
    {0x1.0d5e5ep-8f, 0x1.0ac14ep-10f, 0x1.9431dp-13f, 0x1.2ca974p-15f, 0x1.7da534p-18f,
     0x1.08c41ep-20f, 0x1.312c52p-5f, 0x1.d68c3ap-7f}, /* c4 */
    {-0x1.4bc6bcp-10f, -0x1.0ddb6ep-12f, -0x1.3a5ad6p-15f, -0x1.5e7938p-18f, -0x1.3c9d72p-21f,
     -0x1.3ae0ecp-24f, -0x1.eb6bfcp-7f, -0x1.53a53p-8f}, /* c5 */
    {0x1.830a7ep-12f, 0x1.05bc96p-14f, 0x1.de295p-18f, 0x1.9257cap-21f, 0x1.06b82p-24f,
     0x1.75c6dcp-28f, 0x1.6e1b3ep-8f, 0x1.c9b80ep-10f}, /* c6 */
    {-0x1.bb5aacp-14f, -0x1.f3feaap-17f, -0x1.776f26p-20f, -0x1.d71ed6p-24f, -0x1.d219eap-28f,
     -0x1.cc603ep-32f, -0x1.023d6p-9f, -0x1.258d6cp-11f}, /* c7 */
    {0x1.b87602p-16f, 0x1.aae4a6p-19f, 0x1.f00d56p-23f, 0x1.ead826p-27f, 0x1.586e1cp-31f,
     0x1.fa70fcp-36f, 0x1.46262p-11f, 0x1.552804p-13f}, /* c8 */
};

typedef struct gelu_g_table {
    vf_table8 row[GELU_G_ROWS];
} gelu_g_table;

static gelu_g_table gelu_g_table_load(void) {
    gelu_g_table t;
    for (int r = 0; r < GELU_G_ROWS; r++)
        t.row[r] = vf_table8_load(gelu_fast_table8[r]);
    return t;
}

static inline __attribute__((always_inline)) void gelu_g_lookup(const gelu_g_table *t, vf column,
                                                                vf *c) {
    VEC_UNROLL(10)
    for (int r = 0; r < GELU_G_ROWS; r++)
        c[r] = vf_lookup8(t->row[r], column);
}

#endif

typedef struct gelu_fast_constants {
    gelu_g_table rows;
    exp_tables exp;
} gelu_fast_constants;

static gelu_fast_constants make_gelu_fast_constants(void) {
    gelu_fast_constants k;
    k.rows = gelu_g_table_load();
    k.exp = fm_exp_tables();
    return k;
}

/* G(a), a in [0, 14.5], from the table. */
static inline __attribute__((always_inline)) vf gelu_g(vf a, const gelu_fast_constants *k) {
    vf column = vf_bits_shift_right(vf_add(a, vf_set1(GELU_G_OFFSET)), GELU_G_SHIFT);
    vf c[GELU_G_ROWS];
    gelu_g_lookup(&k->rows, column, c);
    vf h = vf_sub(a, c[0]);
    return fm_horner(c, GELU_G_ROWS - 1, 1, h);
}

/* e^(-a^2 / 2), a^2 / 2 split exactly (fma): e^z amplifies z's rounding by |z|. */
static inline split_exp gelu_exp(vf a, const gelu_fast_constants *k, int wide) {
    vf half_a = vf_mul(a, vf_set1(-0.5f)); /* exact */
    vf z = vf_mul(half_a, a);
    vf z_lo = vf_fma(half_a, a, fm_neg(z));
    return exp_of_negative_plus(z, &z_lo, &k->exp, 1, wide);
}

static inline __attribute__((always_inline)) vf gelu_fast(vf x, const gelu_fast_constants *k,
                                                          int wide) {
    vf xc = at_most(at_least(x, -GELU_FAST_LIMIT), GELU_FAST_LIMIT); /* NaN stays */
    vf a = vf_abs(xc);
    vf g = gelu_g(a, k);
    split_exp e = gelu_exp(a, k, wide);
    vf q = times_exp(vf_mul(xc, g), e, wide);
    vf y = vf_select(vf_gt(xc, vf_zero()), vf_sub(xc, q), q); /* gelu(-0) = -0 */
    return vf_select(vf_gt(x, vf_set1(GELU_FAST_LIMIT)), x, y);
}

/* e^z leaves the normal floats from a = 13.2 on: there, and for NaN, the wide form. */
WITH_WIDE_FORM_OF(gelu_fast, 13.0f, gelu_fast_constants)

static inline gelu_fast_constants gelu_fast_constants_of(const op_params *p) {
    (void)p;
    return make_gelu_fast_constants();
}

DEFINE_WIDE_FORM_KERNEL_OF(gelu_forward, gelu_fast, gelu_fast_constants, gelu_fast_constants_of)

/* gelu'(x) = Phi(x) + x phi(x) = e^z M below 0 and 1 - e^z M above, z = -a^2/2, M =
 * G(a) - a / sqrt(2 pi), a = |x|. Below 0, M is 0 at x0 = -0.7518 (gelu's minimum),
 * where G and a / sqrt(2 pi) cancel: within 1/2 of it the derivative is d R(d), d = x - x0
 * (x0 in two floats, x - x0_hi exact), R of degree 8 (tools/fits/derivative_zero.py:
 * 2^-25.2). dy e^z M is scaled once at the end (fast_lanes.h; |M| < 5 below 12). x is
 * clamped at 12 above (f' is 1 in float from 5.6 on); a vector with a lane below -12,
 * where e^z nears the subnormals on AVX2 and the reference has its own far tail, goes to
 * the reference. NaN: through every step. */
#define GELU_GRADIENT_LIMIT 12.0f
#define GELU_ZERO_HI        (-0x1.80ead2p-1f)
#define GELU_ZERO_LO        0x1.a03fd4p-27f
#define INV_SQRT_2PI_HI     0x1.988454p-2f
#define INV_SQRT_2PI_LO     (-0x1.857936p-27f)

static inline vf gelu_backward_fast(vf x, vf dy, const gelu_fast_constants *k, int wide) {
    static const float r[9] = {0x1.b9d99p-2f,   0x1.8d9a94p-2f,  -0x1.2a2e62p-6f,
                               -0x1.d2f94cp-4f, -0x1.e41f9ap-7f, 0x1.3df21p-6f,
                               0x1.2a6cd6p-8f,  -0x1.192a2ep-9f, -0x1.87a0ap-11f};
    vf xc = at_most(x, GELU_GRADIENT_LIMIT); /* NaN stays */
    vf a = vf_abs(xc);
    vf m = vf_fnma(a, vf_set1(INV_SQRT_2PI_HI), vf_fnma(a, vf_set1(INV_SQRT_2PI_LO), gelu_g(a, k)));
    split_exp e = gelu_exp(a, k, wide);
    vf below = left_of_derivative_zero(xc, dy, e, vf_mul(e.a, m), 0x1p-4f, 4.0f, GELU_ZERO_HI,
                                       GELU_ZERO_LO, r, wide);
    vf above = vf_mul(dy, vf_fnma(exp_value(e, wide), m, vf_set1(1.0f)));
    return vf_select(vf_lt(xc, vf_zero()), below, above); /* gelu'(-0) = 1/2, above */
}

static void KERNEL(gelu_backward)(const op_params *p, const void *input, const void *gradient,
                                  void *output, size_t n) {
    const float *x = input, *dy = gradient;
    float *dx = output;
    const gelu_fast_constants k = make_gelu_fast_constants();
    for (size_t i = 0; i < n; i += VF_LANES) {
        size_t m = n - i < VF_LANES ? n - i : VF_LANES;
        vf v = m == VF_LANES ? vf_load(x + i) : vf_load_tail(x + i, m);
        vf g = m == VF_LANES ? vf_load(dy + i) : vf_load_tail(dy + i, m);
        vf result = gelu_backward_fast(v, g, &k, ALWAYS_WIDE);
        unsigned flagged = (unsigned)mf_to_bits(vf_lt(v, vf_set1(-GELU_GRADIENT_LIMIT)));
        if (m < VF_LANES) flagged &= (1u << m) - 1;
        if (flagged != 0) { /* those lanes alone from the reference (dx may be x or dy) */
            float xs[VF_LANES], dys[VF_LANES], rs[VF_LANES];
            vf_store(xs, v);
            vf_store(dys, g);
            vf_store(rs, result);
            for (; flagged != 0; flagged &= flagged - 1) {
                int j = __builtin_ctz(flagged);
                rs[j] = (float)gelu_backward(xs[j], dys[j], p);
            }
            result = vf_load(rs);
        }
        if (m == VF_LANES)
            vf_store(dx + i, result);
        else
            vf_store_tail(dx + i, result, m);
    }
}

#endif

void ISA_FUNCTION(fill_fast_gelu_family)(kernel_table *table);
void ISA_FUNCTION(fill_fast_gelu_family)(kernel_table *table) {
#if VEC_HAS_FMA
    table->forward[SLOT_F32_FAST][ACTFN_GELU] = KERNEL(gelu_forward);
    table->backward[SLOT_F32_FAST][ACTFN_GELU] = KERNEL(gelu_backward);
#else
    (void)table; /* without a single-rounding fma the accurate kernels serve both tiers */
#endif
}
