#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The table of the accurate tier's f32 softplus and logsigmoid (src/kernels/
log1p_exp_float_table.h): L(a) = log(1 + e^-a), a = |x| (softplus(x) = max(x, 0) + L,
logsigmoid(x) = min(x, 0) - L), no exp and no log: L is a polynomial of degree DEGREE in
h = a - m on each of 32 pieces of a in [0, 15), those of b = a + 1 split by its exponent
and top 3 mantissa bits ([1, 2), [2, 4), [4, 8), [8, 16) in 8 pieces each). L falls as
e^-a, so that c1 h reaches half of c0 on the widest pieces: c0 and c1 are kept as two
floats each. Beyond a = 15 the kernels take the exp form (the far tails). product_table.py
fits and prints it. Run with Debian's python3 (NumPy, mpmath)."""
import sys

import mpmath
from product_table import print_table

DEGREE = int(sys.argv[1]) if len(sys.argv) > 1 else 7


def l_of(a):
    return float(mpmath.log1p(mpmath.exp(-mpmath.mpf(a))))


print_table("log1p_exp_coefficients", l_of, 1.0, 15.0, DEGREE, split=2)
