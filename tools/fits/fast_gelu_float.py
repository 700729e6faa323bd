#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The table of the fast tier's gelu (src/kernels/fast_gelu_f32.c). As in the accurate
kernel (gelu_float.py), gelu(x) = x Q(-x) for x < 0 and x - x Q(x) above,
Q(a) = erfc(a / sqrt 2) / 2 = exp(-a^2 / 2) G(a), but G is a polynomial of degree 5 in
h = a - m, all coefficients single floats, on 25 intervals of a in [0, 14.5] (beyond,
gelu(-a) rounds to -0): those of b = a + 2 split by its exponent and top 3 mantissa bits,
[2, 4) in 8 pieces, [4, 8) in 8, [8, 16) in 8, and [16, 18). Fitted to G's relative
error (weighted least squares at Chebyshev nodes, G from mpmath). Prints the C table,
the middles m first, and the largest relative error of G with the rounded coefficients.
Run with Debian's python3 (NumPy, mpmath)."""
from gelu_pieces import c_float, f32, fit, pieces, relative_error
import numpy as np

DEGREE = 5
OFFSET = 2.0
TOP = 14.5

rows = {}  # table slot (b's bits >> 20, mod 32) -> [m, c0 .. c5]
worst = 0.0
for slot, low, high, middle, half in pieces(OFFSET, TOP):
    rounded = [f32(v) for v in fit(middle, half, DEGREE, 121)]

    def value(h, r=rounded):
        return sum(r[k] * h**k for k in range(DEGREE + 1))

    worst = max(worst, relative_error(middle, half, value, 1001))
    rows[slot] = [middle] + rounded


names = ["m"] + ["c%d" % k for k in range(DEGREE + 1)]
print("static const float gelu_table[%d][32] = {" % len(names))
for i, name in enumerate(names):
    values = [rows[s][i] if s in rows else 0.0 for s in range(32)]
    print("    {" + ", ".join(c_float(v) for v in values) + "}, /* %s */" % name)
print("};")
print("/* largest relative error of G: 2^%.2f */" % np.log2(worst))
