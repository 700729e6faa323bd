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

#endif
