/* SPDX-License-Identifier: MIT */
/* gelu's f32 forward body in float lanes (gelu_f32.c says how it computes), written
 * against the vector layer once: gelu_f32.c makes the SIMD kernel of it,
 * src/cuda/lane_ops.cuh the GPU's. Needs VEC_HAS_FMA. */
#ifndef ACTFN_GELU_FLOAT_BODY_H
#define ACTFN_GELU_FLOAT_BODY_H

#include "kernels/float_math.h"

#include <float.h>

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

/* The backward's: H(a) = G(a) - a / sqrt(2 pi) on the same pieces, rows c0_hi, c0_lo,
 * c1_hi, c1_lo, c2 .. c6 (relative error 2^-32.9 before the evaluation's roundings); on
 * the two pieces about its zero a0 (GELU_DERIVATIVE_ZERO, two floats) H / (a - a0)
 * instead. tools/fits/gelu_derivative_float.py makes it. */
VEC_TABLE float gelu_derivative_coefficients[9][32] = {
    {-0x1.52d8fap-2f, -0x1.d022e4p-2f, -0x1.24b942p-1f, -0x1.5fd50ap-1f, -0x1.99b84p-1f,
     -0x1.d2a16ep-1f, -0x1.056014p+0f, -0x1.211c9p+0f,  -0x1.4a3a5ap+0f, -0x1.805908p+0f,
     -0x1.b5df3p+0f,  -0x1.eaf46cp+0f, -0x1.0fd9fcp+1f, -0x1.2a188ep+1f, -0x1.443cecp+1f,
     -0x1.5e4c44p+1f, -0x1.854432p+1f, -0x1.b90d86p+1f, -0x1.ecb22ep+1f, -0x1.101e02p+2f,
     0x1.e6b6aep-2f,  0x1.b58baep-2f,  0x1.861ad2p-2f,  0x1.583b82p-2f,  0x1.160f34p-2f,
     0x1.843c08p-3f,  0x1.c95838p-4f,  -0x1.27f0fap-1f, -0x1.228142p-1f, -0x1.a8544p-4f,
     -0x1.5d7beap-3f, -0x1.e31ba4p-3f}, /* c0_hi */
    {0x1.bec57cp-27f,  0x1.8b48e4p-30f,  0x1.60f5c4p-26f,  -0x1.a13ab4p-27f, -0x1.d9eb48p-28f,
     -0x1.c28eeep-26f, -0x1.9831c6p-25f, 0x1.213a9cp-25f,  0x1.8eb136p-25f,  0x1.ee1aeap-26f,
     -0x1.a2741p-25f,  -0x1.051e38p-26f, 0x1.e1d2cp-28f,   -0x1.3da7cp-26f,  0x1.5e9658p-25f,
     -0x1.482344p-25f, -0x1.2ca09p-25f,  0x1.606698p-24f,  0x1.f0ee7cp-26f,  -0x1.c219ap-23f,
     0x1.9a01dcp-28f,  0x1.3e4bfap-27f,  0x1.3ceb3cp-28f,  0x1.2ce05cp-28f,  0x1.8f773ap-29f,
     -0x1.49abap-30f,  0x1.c35ce6p-29f,  -0x1.8a42eep-27f, -0x1.a8c186p-26f, 0x1.050f7p-33f,
     -0x1.d7e842p-28f, -0x1.f5588cp-28f}, /* c0_lo */
    {-0x1.fe98dp-2f,  -0x1.ec83eep-2f, -0x1.de8e26p-2f, -0x1.d39c8ap-2f, -0x1.cae972p-2f,
     -0x1.c3e86p-2f,  -0x1.be33d6p-2f, -0x1.b9816ap-2f, -0x1.b3e48cp-2f, -0x1.ae53eap-2f,
     -0x1.aa428p-2f,  -0x1.a734fap-2f, -0x1.a4dd1ep-2f, -0x1.a3079ap-2f, -0x1.a191c8p-2f,
     -0x1.a063aap-2f, -0x1.9f010ep-2f, -0x1.9da7f6p-2f, -0x1.9caf6ep-2f, -0x1.9bf6c2p-2f,
     -0x1.90b668p-1f, -0x1.823632p-1f, -0x1.750d9ep-1f, -0x1.6917a6p-1f, -0x1.591f7ep-1f,
     -0x1.46f518p-1f, -0x1.37bb3p-1f,  0x1.6f2dcap-4f,  0x1.499956p-4f,  -0x1.16b80cp-1f,
     -0x1.0ec28cp-1f, -0x1.07e73cp-1f}, /* c1_hi */
    {0x1.5e14d8p-28f,  0x1.f5b5ccp-27f,  -0x1.8355f4p-27f, -0x1.aac5c2p-27f, -0x1.cf326p-31f,
     0x1.f19d2ep-27f,  0x1.82b738p-28f,  -0x1.113808p-27f, 0x1.98af5cp-30f,  -0x1.dcfbeap-27f,
     0x1.9eb0eep-28f,  -0x1.316368p-27f, 0x1.91b494p-30f,  0x1.61edc6p-27f,  0x1.7b9c48p-29f,
     0x1.35a946p-28f,  0x1.c16daep-27f,  0x1.6b5d18p-27f,  -0x1.3b7fc4p-27f, -0x1.5dddbp-28f,
     0x1.af5f5cp-31f,  -0x1.814b2cp-28f, 0x1.6a1886p-26f,  -0x1.fcc9fap-27f, 0x1.f5e9fep-26f,
     -0x1.a9d558p-27f, -0x1.23c5bep-29f, -0x1.47f0acp-30f, -0x1.90e0fep-32f, -0x1.3f451p-28f,
     -0x1.4fbf16p-26f, 0x1.e4027cp-27f}, /* c1_lo */
    {0x1.4a0338p-5f,  0x1.f9a64cp-6f,  0x1.899966p-6f,  0x1.36dd3p-6f,   0x1.f199cp-7f,
     0x1.931ddcp-7f,  0x1.4a3854p-7f,  0x1.1145dap-7f,  0x1.a29f02p-8f,  0x1.2dda04p-8f,
     0x1.bfbaecp-9f,  0x1.542a98p-9f,  0x1.07e3e8p-9f,  0x1.a0eee4p-10f, 0x1.4ea506p-10f,
     0x1.106374p-10f, 0x1.99522ap-11f, 0x1.21e3e8p-11f, 0x1.a8e536p-12f, 0x1.404cdp-12f,
     0x1.e7338ep-3f,  0x1.b9ba54p-3f,  0x1.912fecp-3f,  0x1.6cfb0ep-3f,  0x1.3dae3ap-3f,
     0x1.097b58p-3f,  0x1.be70acp-4f,  -0x1.43616ep-5f, -0x1.1739bp-5f,  0x1.1293eap-4f,
     0x1.d7f742p-5f,  0x1.979d18p-5f}, /* c2 */
    {-0x1.e3d46p-7f,   -0x1.5c321ep-7f,  -0x1.fe274ap-8f,  -0x1.7be72cp-8f,  -0x1.1f39bcp-8f,
     -0x1.b86ebp-9f,   -0x1.561314p-9f,  -0x1.0ce0cep-9f,  -0x1.7e8184p-10f, -0x1.f6a462p-11f,
     -0x1.55bbb6p-11f, -0x1.dea6dcp-12f, -0x1.57ff5cp-12f, -0x1.f9cc6cp-13f, -0x1.7b5f9cp-13f,
     -0x1.21a60ap-13f, -0x1.8de6a8p-14f, -0x1.f933d6p-15f, -0x1.4f319p-15f,  -0x1.cd62f6p-16f,
     -0x1.00dd1ep-3f,  -0x1.c999c6p-4f,  -0x1.985436p-4f,  -0x1.6cff5ap-4f,  -0x1.35748cp-4f,
     -0x1.f387aap-5f,  -0x1.95c5dcp-5f,  0x1.01802ap-6f,   0x1.adf592p-7f,   -0x1.c305dap-6f,
     -0x1.770a4ep-6f,  -0x1.39846p-6f}, /* c3 */
    {0x1.476618p-8f,  0x1.bd7d4cp-9f,  0x1.34ef5p-9f,   0x1.b42b3p-10f,  0x1.390b78p-10f,
     0x1.c855ep-11f,  0x1.516a28p-11f, 0x1.f9b2aep-12f, 0x1.4fba16p-12f, 0x1.9441a2p-13f,
     0x1.fa40dap-14f, 0x1.4813ep-14f,  0x1.b6470ap-15f, 0x1.2cab22p-15f, 0x1.a6763cp-16f,
     0x1.2f224cp-16f, 0x1.7da4fcp-17f, 0x1.b36afap-18f, 0x1.060426p-18f, 0x1.49c5ecp-19f,
     0x1.df2ca6p-5f,  0x1.a4472p-5f,   0x1.71494ep-5f,  0x1.450f2p-5f,   0x1.0d5498p-5f,
     0x1.a5b1e4p-6f,  0x1.4c51c2p-6f,  -0x1.796828p-8f, -0x1.31c434p-8f, 0x1.51bd3ap-7f,
     0x1.10b9aep-7f,  0x1.baecep-8f}, /* c4 */
    {-0x1.9ef4f8p-10f, -0x1.0c1d32p-10f, -0x1.61872ep-11f, -0x1.db0b78p-12f, -0x1.44dd5p-12f,
     -0x1.c3ccfcp-13f, -0x1.3f0472p-13f, -0x1.c92da2p-14f, -0x1.1d4e88p-14f, -0x1.3c19b4p-15f,
     -0x1.6ddb16p-16f, -0x1.b817eep-17f, -0x1.11e664p-17f, -0x1.5f760cp-18f, -0x1.cf5d68p-19f,
     -0x1.3902dcp-19f, -0x1.6b5ccap-20f, -0x1.74ff6ep-21f, -0x1.979fa6p-22f, -0x1.d56304p-23f,
     -0x1.951714p-6f,  -0x1.5e678p-6f,   -0x1.2fa68ap-6f,  -0x1.079d46p-6f,  -0x1.ac2784p-7f,
     -0x1.4615fcp-7f,  -0x1.f41048p-8f,  0x1.01e31p-9f,    0x1.969a74p-10f,  -0x1.d4ad1p-9f,
     -0x1.707c78p-9f,  -0x1.236af6p-9f}, /* c5 */
    {0x1.e964dap-12f, 0x1.2d5dc6p-12f, 0x1.7b334cp-13f,  0x1.e6c13p-14f,   0x1.3e4ab2p-14f,
     0x1.a923dep-15f, 0x1.21d096p-15f, 0x1.8ab594p-16f,  0x1.cae618p-17f,  0x1.d6767cp-18f,
     0x1.f9bfe8p-19f, 0x1.1b8364p-19f, 0x1.4a0ee6p-20f,  0x1.93021cp-21f,  0x1.ed01f6p-22f,
     0x1.3be656p-22f, 0x1.4cdbd8p-23f, 0x1.34f0d4p-24f,  0x1.39b188p-25f,  0x1.4559ap-26f,
     0x1.3b3b66p-7f,  0x1.0d30a8p-7f,  0x1.cd9114p-8f,   0x1.8af2ep-8f,    0x1.379c6ep-8f,
     0x1.ceb0d4p-9f,  0x1.5993acp-9f,  -0x1.4b32cap-11f, -0x1.fd3a0ap-12f, 0x1.2f7b52p-10f,
     0x1.d39d9ep-11f, 0x1.68b39ap-11f}, /* c6 */
};
#define GELU_DERIVATIVE_ZERO_HI 0x1.80ead2p-1f
#define GELU_DERIVATIVE_ZERO_LO -0x1.a03fd4p-27f

/* The forward's constants (G) and the backward's (H), apart: a kernel's constants are
 * copied onto the stack at each call (the rare lanes' out-of-line path takes their
 * address), so each kernel carries only the tables it reads. */
typedef struct gelu_constants {
    vf_table32_rows coefficient; /* rows 0-7 */
    exp_tables exp;
} gelu_constants;

typedef struct gelu_gradient_constants {
    vf_table32_rows gradient;          /* rows 0-7 */
    vf_table32_rows gradient_last_row; /* row 8 */
    exp_tables exp;
} gelu_gradient_constants;

VEC_FUNCTION gelu_constants make_gelu_constants(void) {
    gelu_constants k;
    k.coefficient = vf_table32_rows_load(gelu_coefficients, 8);
    k.exp = fm_exp_tables();
    return k;
}

VEC_FUNCTION gelu_gradient_constants make_gelu_gradient_constants(void) {
    gelu_gradient_constants k;
    k.gradient = vf_table32_rows_load(gelu_derivative_coefficients, 8);
    k.gradient_last_row = vf_table32_rows_load(gelu_derivative_coefficients + 8, 1);
    k.exp = fm_exp_tables();
    return k;
}

/* a's piece (forward's and backward's tables alike), of b = a + 0.75 (fm_piece). */
VEC_FUNCTION vf gelu_piece(vf a, vf *b, vf *h) {
    return fm_piece(a, 0.75f, b, h);
}

/* e^(-a^2/2) = 2^k (t + l), a^2 split exactly (fma) so that its rounding never reaches the
 * exponential. */
VEC_FUNCTION table_exp gaussian_exp(vf a, const exp_tables *tables) {
    vf square = vf_mul(a, a);
    vf square_lo = vf_mul(vf_fma(a, a, fm_neg(square)), vf_set1(-0.5f));
    return fm_exp_table_plus(vf_mul(square, vf_set1(-0.5f)), &square_lo, tables);
}

/* For |x| <= 11 (not NaN). */
VEC_FUNCTION __attribute__((always_inline)) vf gelu_near(vf x, const gelu_constants *k) {
    vf a = vf_abs(x);
    vf b, h, column = gelu_piece(a, &b, &h);
    vf c[8];
    vf_lookup32_rows(&k->coefficient, 8, column, c);
    vf g_lo = fm_horner(c, 7, 1, h);
    vf g = c[0]; /* G = g + g_lo */

    table_exp e = gaussian_exp(a, &k->exp);

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
VEC_FUNCTION mf gelu_beyond_near(vf x) {
    return vf_not_le(vf_abs(x), vf_set1(11.0f));
}

VEC_FUNCTION mf gelu_lanes_back(vf x, const gelu_constants *k) {
    (void)k;
    return gelu_beyond_near(x);
}

/* gelu'(x) = e^(-a^2/2) H(a) below 0 and 1 - e^(-a^2/2) H(a) from 0 up, a = |x|, for
 * |x| <= 11 (not NaN), times dy finite. H = hi + lo: c0 + c1 h (each two floats, c1 h
 * split by an fma, summed by Fast2Sum: c1 h is at most 30 % of H) + h^2 (c2 + ...), lo
 * up to a few % of hi; about the zero a0, times a - a0 = d_hi + d_lo (d_hi exact:
 * Sterbenz; d_lo times all of hi + lo, since at a = a0_hi d_hi is 0) and renormalized.
 * e^(-a^2/2) = 2^k (t + l) from the table exp with a^2 split, the products carried as
 * hi + lo: below 0 dy (scaled as dy_scaled, so that the product is normal) times them
 * rounded once, then 2^k; from 0 up 1 - e H (|e H| <= 1/2) by Fast2Sum and dy times it
 * in one fma. */
VEC_FUNCTION __attribute__((always_inline)) vf
gelu_gradient_near(vf x, vf dy, const gelu_gradient_constants *k) {
    vf a = vf_abs(x);
    vf b, h, column = gelu_piece(a, &b, &h);
    vf c[9];
    vf_lookup32_rows(&k->gradient, 8, column, c);
    vf_lookup32_rows(&k->gradient_last_row, 1, column, c + 8);
    vf t = fm_horner(c, 8, 4, h);
    vf c0 = c[0], c1 = c[2];
    vf p = vf_mul(c1, h);
    vf small = vf_add(c[1], vf_fma(c1, h, fm_neg(p)));
    small = vf_fma(h, vf_fma(h, t, c[3]), small);
    vf hi = vf_add(c0, p);
    vf lo = vf_add(vf_add(vf_sub(c0, hi), p), small);
    /* the two pieces of b = a + 0.75 in [1.375, 1.625) (b as rounded: it picks the column) */
    mf zero_pieces = mf_and(vf_ge(b, vf_set1(1.375f)), vf_lt(b, vf_set1(1.625f)));
    if (mf_any(zero_pieces)) {
        vf d_hi = vf_sub(a, vf_set1(GELU_DERIVATIVE_ZERO_HI)),
           d_lo = vf_set1(-GELU_DERIVATIVE_ZERO_LO);
        vf m = vf_mul(d_hi, hi);
        vf m_lo = vf_fma(d_lo, vf_add(hi, lo), vf_fma(d_hi, lo, vf_fma(d_hi, hi, fm_neg(m))));
        vf sum_lo, sum = fm_two_sum(m, m_lo, &sum_lo);
        hi = vf_select(zero_pieces, sum, hi);
        lo = vf_select(zero_pieces, sum_lo, lo);
    }
    table_exp e = gaussian_exp(a, &k->exp);
    vf n = vf_mul(hi, e.t); /* e H without 2^k: n + n_lo */
    vf n_lo = vf_fma(lo, e.t, vf_fma(hi, e.l, vf_fma(hi, e.t, fm_neg(n))));
    /* below 0: dy e H */
    vf after, g = dy_scaled(dy, &after);
    vf u = vf_mul(g, n);
    vf u_lo = vf_fma(g, n_lo, vf_fma(g, n, fm_neg(u)));
    vf negative = vf_mul(vf_mul(vf_add(u, u_lo), e.scale), after);
    negative = vf_with_sign_of(negative, u); /* a zero keeps dy H's sign */
    /* from 0 up: dy (1 - e H) */
    vf eh = vf_mul(n, e.scale), eh_lo = vf_mul(n_lo, e.scale);
    vf s = vf_sub(vf_set1(1.0f), eh);
    vf s_lo = vf_sub(vf_sub(vf_sub(vf_set1(1.0f), s), eh), eh_lo);
    vf positive = vf_with_sign_of(vf_fma(dy, s, vf_mul(dy, s_lo)), dy); /* f' > 0 */
    return vf_select(vf_lt(x, vf_zero()), negative, positive);
}

/* Beyond |x| = 11, NaN, or dy not finite: the reference. */
VEC_FUNCTION mf gelu_gradient_lanes_back(vf x, vf dy, const gelu_gradient_constants *k) {
    (void)k;
    return mf_or(gelu_beyond_near(x), vf_not_le(vf_abs(dy), vf_set1(FLT_MAX)));
}

#endif
