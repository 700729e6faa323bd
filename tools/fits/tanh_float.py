#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The table of the accurate tier's f32 tanh (src/kernels/tanh_float_table.h). tanh(a) =
a T(a), a = |x|, T(a) = tanh(a) / a (even, T(0) = 1, no exp and no division): T is a
polynomial of degree 6 in h = a - m on each of 27 pieces of a in [0, 10), those of
b = a + 1 split by its exponent and top 3 mantissa bits: [1, 2), [2, 4), [4, 8) in 8
pieces each and [8, 11) in 3. Above TANH_ONE_FROM (9.02) the kernel clamps a, where
tanh rounds to 1. product_table.py fits and prints it. Run with Debian's python3 (NumPy,
mpmath)."""
import mpmath
from product_table import print_table


def t_of(a):
    if a == 0:
        return 1.0
    return float(mpmath.tanh(mpmath.mpf(a)) / a)


print_table("tanh_coefficients", t_of, 1.0, 9.03, 6)
