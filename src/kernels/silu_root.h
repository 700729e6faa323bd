/* SPDX-License-Identifier: MIT */
/* The zero of silu'(x): 1 + x + e^x = 0 at x0 = -1 - W(1/e) = -1.27846454276107..., where
 * the derivative's numerator cancels. Both the fast and the accurate f32 backwards expand
 * it there in d = x - x0: 1 + x + e^x = d (1 + e0) + e0 (e^d - 1 - d), e0 = e^x0 =
 * -(1 + x0), without cancellation. x0 in two floats (to 2^-51); x - SILU_ZERO_HI is exact
 * within 1/4 of it (Sterbenz). */
#ifndef ACTFN_SILU_ROOT_H
#define ACTFN_SILU_ROOT_H

#define SILU_ZERO_HI  (-0x1.474974p+0f)
#define SILU_ZERO_LO  0x1.bdf6fap-27f
#define SILU_ZERO_EXP 0x1.1d25d0p-2f /* e0, to 24 bits */

#endif
