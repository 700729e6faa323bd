#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The tables of the float-lane gelu (src/kernels/gelu_f32.c). gelu(x) = x Q(-x) for
x < 0 and x - x Q(x) above, Q(a) = erfc(a / sqrt 2) / 2 = exp(-a^2 / 2) G(a), G smooth
(G(0) = 1/2, G(a) ~ 1 / (a sqrt(2 pi)) for large a). G is a polynomial of degree 6 in
h = a - m on each of 32 intervals of a, whose ends are those of b = a + 0.75 split by its
exponent and top 3 mantissa bits: [0.75, 1) in 4 pieces, each binade above in 8, up to
b = 12 (a = 11.25). Fitted to G's relative error (weighted least squares at Chebyshev
nodes, G from mpmath), the constant term kept as two floats, the others rounded to float:
product_table.py fits and prints it, as it does tanh's, elu's and log1p_exp's.
Run with Debian's python3 (NumPy, mpmath)."""
from gelu_pieces import g
from product_table import print_table

print_table("gelu_coefficients", g, 0.75, 11.25, 6)
