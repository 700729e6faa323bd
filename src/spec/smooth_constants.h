/* SPDX-License-Identifier: MIT */
/* The constants of the smooth ops, as double-double pairs (hi + lo) where a formula needs
 * more than double precision, from MPFR at 300 bits: one definition for the scalar
 * references and the kernels that mirror them. */
#ifndef ACTFN_SMOOTH_CONSTANTS_H
#define ACTFN_SMOOTH_CONSTANTS_H

#define SQRT1_2_HI         0x1.6a09e667f3bcdp-1 /* 1/sqrt(2) */
#define SQRT1_2_LO         -0x1.bdd3413b26456p-55
#define TWO_OVER_SQRT_PI   0x1.20dd750429b6dp+0 /* 2/sqrt(pi) */
#define INV_SQRT_2PI       0x1.9884533d43651p-2 /* 1/sqrt(2 pi) */
#define SQRT_2_OVER_PI_HI  0x1.9884533d43651p-1 /* sqrt(2/pi) */
#define SQRT_2_OVER_PI_LO  -0x1.cbc0d30ebfd15p-55
#define GELU_TANH_CUBIC_HI 0x1.6e4e26d4801f7p-5 /* 0.044715 */
#define GELU_TANH_CUBIC_LO 0x1.441355475a31ap-59
#define SELU_SCALE         0x1.0cfabd6a91132p+0 /* 1.0507009873554804934193349852946 */
#define SELU_SCALE_ALPHA   0x1.c212cc640f031p+0 /* scale * 1.6732632423543772848170429916717 */

/* x - tanh(x) = sum c_n x^(2n+1), n >= 1: c_1 .. c_16 (the double-lane kernel's series,
 * to |x| = 1/2) and c_17 .. c_44 (the reference's, to |x| = 1), from the Bernoulli
 * numbers by tools/fits/tanhshrink_series.py. */
/* 1/3 - c_1 (c_1 = 1/3 rounded): the series' first coefficient to twice the precision */
#define TANHSHRINK_THIRD_LO 0x1.5555555555555p-56
#define TANHSHRINK_SERIES_LEADING                                                                  \
    0x1.5555555555555p-2, -0x1.1111111111111p-3, 0x1.ba1ba1ba1ba1cp-5, -0x1.664f4882c10fap-6,      \
        0x1.226e355e6c23dp-7, -0x1.d6d3d0e157de0p-9, 0x1.7da36452b75e3p-10,                        \
        -0x1.3558248036744p-11, 0x1.f57d7734d1664p-13, -0x1.967e18afcafadp-14,                     \
        0x1.497d8eea25259p-15, -0x1.0b132d39a6050p-16, 0x1.b0f72d3ee24e9p-18,                      \
        -0x1.5ef2da474e5b7p-19, 0x1.1c77df95c1c0dp-20, -0x1.cd299de4ae6bbp-22
#define TANHSHRINK_SERIES_TRAILING                                                                 \
    0x1.75cde6563fed9p-23, -0x1.2efe8db3aff1fp-24, 0x1.eb3229047434cp-26, -0x1.8e25ff9327e2cp-27,  \
        0x1.42ba1a349b490p-28, -0x1.0597b61cb3092p-29, 0x1.a813f6eaa7058p-31,                      \
        -0x1.57bea2950f11ep-32, 0x1.16a101c5fde96p-33, -0x1.c3b23b05e39f9p-35,                     \
        0x1.6e2193ae496d5p-36, -0x1.28c65557ea2a5p-37, 0x1.e11cf33c632a8p-39,                      \
        -0x1.85f9bf8d6b2b2p-40, 0x1.3c1a3035e663dp-41, -0x1.00390e238ecb8p-42,                     \
        0x1.9f5f74b6c8690p-44, -0x1.50b0462832a12p-45, 0x1.10e8d36905d5ep-46,                      \
        -0x1.ba6c96ed10bc4p-48, 0x1.669d9371721f7p-49, -0x1.22aecc05ace19p-50,                     \
        0x1.d73cb99591091p-52, -0x1.7df8723315bfcp-53, 0x1.359d1628b7da8p-54,                      \
        -0x1.f5ed3bd476459p-56, 0x1.96d8b1366dc40p-57, -0x1.49c6fe119408fp-58

#endif
