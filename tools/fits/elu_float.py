#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The table of the accurate tier's f32 elu and selu below 0 (src/kernels/elu_float_table.h).
expm1(-a) = -a E(a), a = -x > 0, E(a) = (1 - e^-a) / a (E(0) = 1, no exp): E is a
polynomial of degree DEGREE in h = a - m on each of 26 pieces of a in [0, 18), those of
b = a + 2 split by its exponent and top 3 mantissa bits: [2, 4), [4, 8), [8, 16) in 8
pieces each and [16, 20) in 2. Above 17.5 the kernel clamps a, where alpha expm1 rounds
to -alpha. product_table.py fits and prints it. Run with Debian's python3 (NumPy,
mpmath)."""
import sys

import mpmath
from product_table import print_table

DEGREE = int(sys.argv[1]) if len(sys.argv) > 1 else 6


def e_of(a):
    if a == 0:
        return 1.0
    return float(-mpmath.expm1(-mpmath.mpf(a)) / a)


print_table("elu_coefficients", e_of, 2.0, 17.6, DEGREE)
