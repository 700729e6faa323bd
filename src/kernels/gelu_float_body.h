/* SPDX-License-Identifier: MIT */
/* gelu's f32 forward body in float lanes (gelu_f32.c says how it computes), written
 * against the vector layer once: gelu_f32.c makes the SIMD kernel of it,
 * src/cuda/lane_ops.cuh the GPU's. Needs VEC_HAS_FMA. */
#ifndef ACTFN_GELU_FLOAT_BODY_H
#define ACTFN_GELU_FLOAT_BODY_H

#include "kernels/float_math.h"

/* Row k: the coefficient of h^k (rows 0 and 1: the constant term's two parts), one
 * column per interval; the column is the low 5 bits of (a + 0.75)'s bits >> 20. */
VEC_TABLE float gelu_coefficients[8][32] = {
    {0x1.bdb9f2p-3f, 0x1.8f6846p-3f, 0x1.690b32p-3f, 0x1.48de38p-3f, 0x1.2d938ap-3f, 0x1.1630fap-3f,
     0x1.01f838p-3f, 0x1.e0ad1ap-4f, 0x1.b396fap-4f, 0x1.82b4bcp-4f, 0x1.5b5acep-4f, 0x1.3b0fbcp-4f,
     0x1.201faap-4f, 0x1.095608p-4f, 0x1.eba5fep-5f, 0x1.c9e12p-5f,  0x1.9eff96p-5f, 0x1.70cd6ep-5f,
     0x1.4bc5ecp-5f, 0x1.2d7286p-5f, 0x1.f37ad2p-2f, 0x1.dbd816p-2f, 0x1.c5ef8p-2f,  0x1.b19874p-2f,
     0x1.95b88ep-2f, 0x1.74d7e8p-2f, 0x1.58207ep-2f, 0x1.3ee88ep-2f, 0x1.28a5d4p-2f, 0x1.14e6fep-2f,
     0x1.034ea2p-2f, 0x1.e71eap-3f}, /* c0_hi */
    {0x1.4e814ap-28f,  0x1.7109e2p-28f,  0x1.cf514ep-28f,  0x1.191f68p-30f,  0x1.d82a66p-29f,
     -0x1.06f81ap-28f, 0x1.fbe43p-30f,   -0x1.e182a8p-30f, -0x1.860a5ap-31f, -0x1.cd6edcp-30f,
     -0x1.89c4a8p-29f, 0x1.6997p-29f,    -0x1.b4c4acp-29f, 0x1.8f6534p-29f,  0x1.6c588ap-31f,
     0x1.c912ep-30f,   0x1.8a3636p-34f,  0x1.9a87e8p-30f,  0x1.8fefe4p-32f,  0x1.c794fap-34f,
     -0x1.ff2ad8p-27f, 0x1.b39136p-28f,  -0x1.5e655ap-27f, 0x1.013da8p-27f,  0x1.a89f6ap-29f,
     0x1.58cb4ap-28f,  -0x1.ea3d04p-27f, -0x1.d2a094p-27f, -0x1.737a2ep-27f, 0x1.6f2692p-31f,
     0x1.f63b5p-27f,   0x1.6da79cp-28f}, /* c0_lo */
    {-0x1.9851f2p-4f, -0x1.4ffe68p-4f, -0x1.18274ep-4f, -0x1.d8c1bcp-5f, -0x1.9328f6p-5f,
     -0x1.5b205ep-5f, -0x1.2d7c14p-5f, -0x1.07e8bap-5f, -0x1.b6038ap-6f, -0x1.5cf97cp-6f,
     -0x1.1be2c6p-6f, -0x1.d614ecp-7f, -0x1.8b1956p-7f, -0x1.5068c2p-7f, -0x1.21ae92p-7f,
     -0x1.f7d59ep-8f, -0x1.9f2e78p-8f, -0x1.48e884p-8f, -0x1.0ac6d8p-8f, -0x1.b9378ep-9f,
     -0x1.88e87cp-2f, -0x1.6be812p-2f, -0x1.5196e8p-2f, -0x1.39aafap-2f, -0x1.19baa6p-2f,
     -0x1.eacbbcp-3f, -0x1.ade41ap-3f, -0x1.7a88e4p-3f, -0x1.4efb3p-3f,  -0x1.29d78ap-3f,
     -0x1.0a018cp-3f, -0x1.dd289p-4f}, /* c1 */
    {0x1.4a0338p-5f,  0x1.f9a64cp-6f,  0x1.899966p-6f,  0x1.36dd3p-6f,   0x1.f199cp-7f,
     0x1.931ddcp-7f,  0x1.4a3854p-7f,  0x1.1145dap-7f,  0x1.a29f02p-8f,  0x1.2dda02p-8f,
     0x1.bfbaecp-9f,  0x1.542a98p-9f,  0x1.07e3e8p-9f,  0x1.a0eee4p-10f, 0x1.4ea506p-10f,
     0x1.106374p-10f, 0x1.99522ap-11f, 0x1.21e3e8p-11f, 0x1.a8e534p-12f, 0x1.404cdp-12f,
     0x1.e7338ep-3f,  0x1.b9ba54p-3f,  0x1.912fecp-3f,  0x1.6cfb0ep-3f,  0x1.3dae3ap-3f,
     0x1.097b58p-3f,  0x1.be70acp-4f,  0x1.7992fep-4f,  0x1.411f9p-4f,   0x1.1293eap-4f,
     0x1.d7f742p-5f,  0x1.979d18p-5f}, /* c2 */
    {-0x1.e3d464p-7f,  -0x1.5c322p-7f,   -0x1.fe274cp-8f,  -0x1.7be72ep-8f,  -0x1.1f39bcp-8f,
     -0x1.b86eb4p-9f,  -0x1.561312p-9f,  -0x1.0ce0dp-9f,   -0x1.7e818cp-10f, -0x1.f6a466p-11f,
     -0x1.55bbbap-11f, -0x1.dea6ep-12f,  -0x1.57ff5cp-12f, -0x1.f9cc7p-13f,  -0x1.7b5f9ep-13f,
     -0x1.21a60ep-13f, -0x1.8de6b2p-14f, -0x1.f933dcp-15f, -0x1.4f3196p-15f, -0x1.cd62fap-16f,
     -0x1.00dd1ep-3f,  -0x1.c999c6p-4f,  -0x1.985436p-4f,  -0x1.6cff5ap-4f,  -0x1.35748cp-4f,
     -0x1.f387a8p-5f,  -0x1.95c5dcp-5f,  -0x1.4ba878p-5f,  -0x1.10b322p-5f,  -0x1.c305dcp-6f,
     -0x1.770a4ep-6f,  -0x1.39846p-6f}, /* c3 */
    {0x1.4766ep-8f,   0x1.bd7dfcp-9f,  0x1.34efa6p-9f,  0x1.b42b8ap-10f, 0x1.390ba8p-10f,
     0x1.c85674p-11f, 0x1.516b4p-11f,  0x1.f9b31p-12f,  0x1.4fbb4cp-12f, 0x1.9442a2p-13f,
     0x1.fa41cp-14f,  0x1.48144cp-14f, 0x1.b64778p-15f, 0x1.2cad7cp-15f, 0x1.a6767cp-16f,
     0x1.2f2312p-16f, 0x1.7da6cap-17f, 0x1.b36c52p-18f, 0x1.06092ep-18f, 0x1.49c672p-19f,
     0x1.df2cacp-5f,  0x1.a4471ep-5f,  0x1.714958p-5f,  0x1.450f22p-5f,  0x1.0d5486p-5f,
     0x1.a5b16cp-6f,  0x1.4c518ep-6f,  0x1.079164p-6f,  0x1.a4ad92p-7f,  0x1.51bd14p-7f,
     0x1.10b9ccp-7f,  0x1.baed78p-8f}, /* c4 */
    {-0x1.9eeedcp-10f, -0x1.0c1a7p-10f,  -0x1.618476p-11f, -0x1.db089cp-12f, -0x1.44dbc2p-12f,
     -0x1.c3be7cp-13f, -0x1.3f0af4p-13f, -0x1.c925ecp-14f, -0x1.1d4992p-14f, -0x1.3c158ap-15f,
     -0x1.6dd74ap-16f, -0x1.b8147cp-17f, -0x1.11e4a4p-17f, -0x1.5f7202p-18f, -0x1.cf5b4p-19f,
     -0x1.38f7e6p-19f, -0x1.6b5556p-20f, -0x1.74f9dep-21f, -0x1.9796c8p-22f, -0x1.d55e5ep-23f,
     -0x1.951742p-6f,  -0x1.5e66f2p-6f,  -0x1.2fa71p-6f,   -0x1.079d4ap-6f,  -0x1.ac28aep-7f,
     -0x1.461c7p-7f,   -0x1.f4142cp-8f,  -0x1.81ff34p-8f,  -0x1.2bd028p-8f,  -0x1.d4a6c2p-9f,
     -0x1.707e0cp-9f,  -0x1.236a16p-9f}, /* c5 */
    {0x1.e750a8p-12f, 0x1.2c721p-12f,  0x1.7a4d1cp-13f, 0x1.e5dp-14f,    0x1.3dc8e2p-14f,
     0x1.a71138p-15f, 0x1.1f43e2p-15f, 0x1.897f12p-16f, 0x1.c9488ap-17f, 0x1.d51edp-18f,
     0x1.f88a08p-19f, 0x1.1af4ep-19f,  0x1.497d6cp-20f, 0x1.8cc09p-21f,  0x1.ec536ap-22f,
     0x1.39d84cp-22f, 0x1.4ba68ap-23f, 0x1.340a24p-24f, 0x1.32fe86p-25f, 0x1.44a50ap-26f,
     0x1.3b1fbcp-7f,  0x1.0d56b8p-7f,  0x1.cccb92p-8f,  0x1.8aea3ep-8f,  0x1.37f834p-8f,
     0x1.d13ca4p-9f,  0x1.5aae1p-9f,   0x1.05afaap-9f,  0x1.8ec9fep-10f, 0x1.30179ep-10f,
     0x1.d23734p-11f, 0x1.658166p-11f}, /* c6 */
};

typedef struct gelu_constants {
    vf_table32 coefficient[8];
    exp_tables exp;
} gelu_constants;

VEC_FUNCTION gelu_constants make_gelu_constants(void) {
    gelu_constants k;
    for (int row = 0; row < 8; row++)
        k.coefficient[row] = vf_table32_load(gelu_coefficients[row]);
    k.exp = fm_exp_tables();
    return k;
}

/* For |x| <= 11 (not NaN). */
VEC_FUNCTION vf gelu_near(vf x, const gelu_constants *k) {
    vf a = vf_abs(x);
    /* the interval: b = a + 0.75 by its exponent and top 3 mantissa bits, and its middle */
    vf b = vf_add(a, vf_set1(0.75f));
    vf column = vf_bits_shift_right(b, 20);
    vf b_middle = vf_bits_add(vf_bits_shift_left(column, 20), vf_from_bits(UINT32_C(1) << 19));
    vf h = vf_sub(a, vf_sub(b_middle, vf_set1(0.75f)));
    vf g_lo = vf_lookup32(k->coefficient[7], column);
    VEC_UNROLL(8) /* without it gcc keeps the loop, the tables read from memory */
    for (int row = 6; row >= 1; row--)
        g_lo = vf_fma(g_lo, h, vf_lookup32(k->coefficient[row], column));
    vf g = vf_lookup32(k->coefficient[0], column); /* G = g + g_lo */

    vf square = vf_mul(a, a);
    vf square_lo = vf_mul(vf_fma(a, a, fm_neg(square)), vf_set1(-0.5f));
    table_exp e = fm_exp_table_plus(vf_mul(square, vf_set1(-0.5f)), &square_lo, &k->exp);

    /* x G (t + l) = q + q_lo, without 2^k */
    vf w = vf_mul(x, g);
    vf w_lo = vf_fma(x, g_lo, vf_fma(x, g, fm_neg(w)));
    vf q = vf_mul(w, e.t);
    vf q_lo = vf_fma(w_lo, e.t, vf_fma(w, e.l, vf_fma(w, e.t, fm_neg(q))));

    vf negative = vf_mul(vf_add(q, q_lo), e.scale);
    vf product = vf_mul(q, e.scale);
    vf difference = vf_sub(x, product);
    vf difference_lo = vf_sub(vf_sub(x, difference), product);
    vf positive = vf_add(difference, vf_fnma(q_lo, e.scale, difference_lo));
    vf result = vf_select(vf_lt(x, vf_zero()), negative, positive);
    /* below 2^-60 the chain of products would reach the subnormals; gelu(x) rounds as x/2
     * there (x^2 / sqrt(2 pi) is far below its last bit) */
    return vf_select(vf_lt(a, vf_set1(0x1p-60f)), vf_mul(x, vf_set1(0.5f)), result);
}

/* Beyond |x| = 11, or NaN: the reference, lane by lane (the SIMD kernel's and the GPU's
 * policy alike). */
VEC_FUNCTION mf gelu_lanes_back(vf x, const gelu_constants *k) {
    (void)k;
    return vf_not_le(vf_abs(x), vf_set1(11.0f));
}

#endif
