/* SPDX-License-Identifier: MIT */
/* The accurate tier's f32 softplus and logsigmoid without exp or log (smooth_float_body.h):
 * L(a) = log(1 + e^-a), a = |x| in [0, 15), a polynomial of degree 7 in h = a - the middle
 * of a's piece, on the 32 pieces of b = a + 1 cut by its exponent and top 3 mantissa bits
 * (fm_piece), the column the low 5 bits of b's bits >> 20. Rows: c0 and c1 in two floats
 * each (hi, lo), then c2 .. c7; L within 2^-26.7 relative before the evaluation's
 * roundings. tools/fits/log1p_exp_float.py makes it. */
#ifndef ACTFN_LOG1P_EXP_FLOAT_TABLE_H
#define ACTFN_LOG1P_EXP_FLOAT_TABLE_H

#include "vec/vec.h"

VEC_TABLE float log1p_exp_coefficients[10][32] = {
    {0x1.1fe5d2p-2f,  0x1.cda526p-3f,  0x1.701df4p-3f,  0x1.2432d2p-3f,  0x1.ce1ebcp-4f,
     0x1.6c4bcap-4f,  0x1.1e756cp-4f,  0x1.c19846p-5f,  0x1.37a28ap-5f,  0x1.7cda8cp-6f,
     0x1.d01bbp-7f,   0x1.1a4788p-7f,  0x1.57009p-8f,   0x1.a082cep-9f,  0x1.f991b2p-10f,
     0x1.32c27p-10f,  0x1.21e534p-11f, 0x1.aaa924p-13f, 0x1.39f088p-14f, 0x1.cdfa86p-16f,
     0x1.53e866p-17f, 0x1.f42e96p-19f, 0x1.700386p-20f, 0x1.0ec5p-21f,   0x1.53242ep-1f,
     0x1.352358p-1f,  0x1.191db8p-1f,  0x1.fe16fcp-2f,  0x1.cdc28p-2f,   0x1.a120a2p-2f,
     0x1.780e4cp-2f,  0x1.5263a2p-2f}, /* c0_hi */
    {0x1.073d38p-28f,  -0x1.442d8ep-32f, 0x1.29ce2p-28f,   0x1.2f7bcp-31f,   -0x1.353ccp-31f,
     -0x1.d87cp-34f,   -0x1.6df8b4p-30f, -0x1.b100b6p-31f, -0x1.693aa8p-33f, -0x1.5eb56p-31f,
     0x1.46d424p-34f,  -0x1.f8339ap-32f, -0x1.abba92p-36f, 0x1.14cf18p-34f,  0x1.ea48c4p-35f,
     -0x1.191b78p-35f, 0x1.a57f12p-36f,  -0x1.bacf7ep-38f, 0x1.479acep-40f,  -0x1.384494p-41f,
     0x1.2286a8p-42f,  0x1.befc2cp-44f,  0x1.88982cp-45f,  -0x1.513216p-46f, -0x1.75b318p-26f,
     0x1.c393cep-27f,  0x1.4a6334p-30f,  -0x1.96b02p-28f,  0x1.67fc52p-27f,  0x1.f233f4p-32f,
     -0x1.a3f298p-28f, 0x1.d2c542p-27f}, /* c0_lo */
    {-0x1.f5ef22p-3f,  -0x1.9d504p-3f,   -0x1.50ee02p-3f,  -0x1.104f8ep-3f,  -0x1.b50132p-4f,
     -0x1.5c90dp-4f,   -0x1.14abd6p-4f,  -0x1.b57ae6p-5f,  -0x1.31c828p-5f,  -0x1.787614p-6f,
     -0x1.ccd642p-7f,  -0x1.19112ap-7f,  -0x1.561b2ep-8f,  -0x1.9fd992p-9f,  -0x1.f914fap-10f,
     -0x1.329482p-10f, -0x1.21d0b2p-11f, -0x1.aa9e08p-13f, -0x1.39ed86p-14f, -0x1.cdf8e4p-16f,
     -0x1.53e7f6p-17f, -0x1.f42e5ap-19f, -0x1.700376p-20f, -0x1.0ec4fcp-21f, -0x1.f00156p-2f,
     -0x1.d023ep-2f,   -0x1.b0a50ep-2f,  -0x1.91c0bep-2f,  -0x1.73ae34p-2f,  -0x1.569e9ep-2f,
     -0x1.3abc1p-2f,   -0x1.2028cap-2f}, /* c1_hi */
    {0x1.7b68b2p-29f,  -0x1.6090fcp-30f, 0x1.0d2894p-30f,  -0x1.cbfab8p-30f, -0x1.e4c88p-31f,
     -0x1.e73b06p-29f, -0x1.acb9e4p-29f, -0x1.7e6dbap-31f, -0x1.8bfcaap-34f, 0x1.d90532p-31f,
     0x1.c9b3f4p-32f,  0x1.551874p-33f,  0x1.bb25e6p-33f,  -0x1.979354p-37f, 0x1.0f3122p-35f,
     0x1.457e0cp-35f,  0x1.deffap-37f,   0x1.77121ap-38f,  -0x1.29da24p-39f, -0x1.c5d664p-41f,
     0x1.b5fcdp-48f,   -0x1.45c6a2p-46f, -0x1.01b804p-45f, 0x1.def5b2p-46f,  0x1.9992bp-27f,
     0x1.23fd88p-28f,  -0x1.3bdcf2p-30f, -0x1.f4ac2p-27f,  0x1.e6b486p-27f,  0x1.61d85ep-27f,
     0x1.4b33c4p-27f,  -0x1.468db6p-27f}, /* c1_lo */
    {0x1.7aeae6p-4f,  0x1.49e6cp-4f,   0x1.197fcep-4f,  0x1.d834d2p-5f,  0x1.86616p-5f,
     0x1.3ee73p-5f,   0x1.01fba8p-5f,  0x1.9e1ep-6f,    0x1.265e34p-6f,  0x1.6fcfa6p-7f,
     0x1.c65b1cp-8f,  0x1.16a7fcp-8f,  0x1.5452p-9f,    0x1.9e87dp-10f,  0x1.f81bd8p-11f,
     0x1.3238b8p-11f, 0x1.21a7bp-12f,  0x1.aa87d2p-14f, 0x1.39e786p-15f, 0x1.cdf5a6p-17f,
     0x1.53e716p-18f, 0x1.f42de4p-20f, 0x1.700358p-21f, 0x1.0ec4f4p-22f, 0x1.ff8016p-4f,
     0x1.fb86b8p-4f,  0x1.f3b36p-4f,   0x1.e842cap-4f,  0x1.d98b36p-4f,  0x1.c7f724p-4f,
     0x1.b3ff2ep-4f,  0x1.9e23aep-4f}, /* c2 */
    {-0x1.0193fcp-6f,  -0x1.06537p-6f,   -0x1.f7abd6p-7f,  -0x1.ce2d7ap-7f,  -0x1.9970d4p-7f,
     -0x1.60d5cep-7f,  -0x1.29822p-7f,   -0x1.ed2eaap-8f,  -0x1.6b3094p-8f,  -0x1.d3e0c4p-9f,
     -0x1.266254p-9f,  -0x1.6d2af6p-10f, -0x1.c105e8p-11f, -0x1.1299ap-11f,  -0x1.4ec708p-12f,
     -0x1.975722p-13f, -0x1.81c764p-14f, -0x1.1c3cc4p-15f, -0x1.a279bcp-17f, -0x1.33f492p-18f,
     -0x1.c5317ep-20f, -0x1.4d7316p-21f, -0x1.eaae7ap-23f, -0x1.69064ap-24f, -0x1.54e3a6p-10f,
     -0x1.fa0b68p-9f,  -0x1.9d0faap-8f,  -0x1.185c74p-7f,  -0x1.5a1498p-7f,  -0x1.923f78p-7f,
     -0x1.bff41cp-7f,  -0x1.e2d1a4p-7f}, /* c3 */
    {-0x1.bd0b44p-11f, 0x1.d76ba2p-13f, 0x1.072cdap-10f, 0x1.8434a4p-10f, 0x1.bdb6d6p-10f,
     0x1.c5255ep-10f,  0x1.abf938p-10f, 0x1.80aec8p-10f, 0x1.33dee2p-10f, 0x1.a85be8p-11f,
     0x1.15b444p-11f,  0x1.60958ep-12f, 0x1.b79f38p-13f, 0x1.0f1bf4p-13f, 0x1.4c31b2p-14f,
     0x1.956ecep-15f,  0x1.80e9bep-16f, 0x1.1bff0ep-17f, 0x1.a255fp-19f,  0x1.33e922p-20f,
     0x1.c528b8p-22f,  0x1.4d6ed2p-23f, 0x1.eaa962p-25f, 0x1.6902dcp-26f, -0x1.540076p-8f,
     -0x1.497b4p-8f,   -0x1.352042p-8f, -0x1.183afcp-8f, -0x1.e91ee6p-9f, -0x1.98587ep-9f,
     -0x1.4271f4p-9f,  -0x1.d71f68p-10f}, /* c4 */
    {0x1.f6e1b2p-11f,  0x1.879acep-11f,  0x1.05abcp-11f,   0x1.1b87f6p-12f,  0x1.788996p-14f,
     -0x1.28c6e2p-15f, -0x1.d0f30ap-14f, -0x1.366a1ep-13f, -0x1.4a7dc8p-13f, -0x1.1173f4p-13f,
     -0x1.88a2ap-14f,  -0x1.0652b6p-14f, -0x1.50d4dep-15f, -0x1.a6b22ep-16f, -0x1.05a62ep-16f,
     -0x1.4150ccp-17f, -0x1.32af82p-18f, -0x1.c5d618p-20f, -0x1.4e9aa6p-21f, -0x1.ecbffp-23f,
     -0x1.6aa57p-24f,  -0x1.0ad8fcp-25f, -0x1.88af9p-27f,  -0x1.20ed14p-28f, 0x1.104facp-13f,
     0x1.8f87ccp-12f,  0x1.3e8acp-11f,   0x1.a160eap-11f,  0x1.eb57e2p-11f,  0x1.0cf868p-10f,
     0x1.169152p-10f,  0x1.1383e4p-10f}, /* c5 */
    {-0x1.db37f2p-14f, -0x1.5068d4p-13f, -0x1.56575ep-13f, -0x1.21cfb8p-13f, -0x1.ab1a14p-14f,
     -0x1.1426cep-14f, -0x1.300c44p-15f, -0x1.f0bd3ep-17f, 0x1.eca68p-19f,   0x1.928f02p-17f,
     0x1.87b212p-17f,  0x1.2aaf16p-17f,  0x1.9a9d9ap-18f,  0x1.0b9376p-18f,  0x1.5293b2p-19f,
     0x1.a51ddap-20f,  0x1.984cd6p-21f,  0x1.2fe5d8p-22f,  0x1.c11608p-24f,  0x1.4aeec6p-25f,
     0x1.e74064p-27f,  0x1.66933p-28f,   0x1.07d858p-29f,  0x1.844388p-31f,  0x1.68db68p-12f,
     0x1.51451p-12f,   0x1.24bbc8p-12f,  0x1.cff736p-13f,  0x1.42852p-13f,   0x1.5cffa8p-14f,
     0x1.02cad6p-16f,  -0x1.770ce6p-15f}, /* c6 */
    {-0x1.5c005ap-15f, -0x1.ac421p-17f,  0x1.109f7p-17f,   0x1.3e3a3ap-16f,  0x1.68b8acp-16f,
     0x1.3fc41ap-16f,  0x1.e958a2p-17f,  0x1.4e4c86p-17f,  0x1.27c466p-18f,  0x1.5bdc2cp-21f,
     -0x1.5a83b2p-21f, -0x1.ca233ap-21f, -0x1.7f45f6p-21f, -0x1.0dcda2p-21f, -0x1.65cdf6p-22f,
     -0x1.c7b058p-23f, -0x1.b85d0cp-24f, -0x1.4b536p-25f,  -0x1.eb89cap-27f, -0x1.6abc1ep-28f,
     -0x1.0b2da2p-29f, -0x1.8950eep-31f, -0x1.216dc2p-32f, -0x1.a9ec3cp-34f, -0x1.b595d2p-17f,
     -0x1.3ebb42p-15f, -0x1.ea94e2p-15f, -0x1.2fa1fep-14f, -0x1.50468ap-14f, -0x1.4f6cdep-14f,
     -0x1.35cf8p-14f,  -0x1.07a856p-14f}, /* c7 */
};

#endif
