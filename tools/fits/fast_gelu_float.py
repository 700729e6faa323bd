#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The tables of the fast tier's gelu (src/kernels/fast_gelu_f32.c). As in the accurate
kernel (gelu_float.py), gelu(x) = x Q(-x) for x < 0 and x - x Q(x) above,
Q(a) = erfc(a / sqrt 2) / 2 = exp(-a^2 / 2) G(a), G a polynomial in h = a - m, all
coefficients single floats, on pieces of a in [0, 14.5] (beyond, gelu(-a) rounds to -0),
in one of two shapes, by what a table lookup costs on the ISA:
- "32": degree 5 on 25 pieces, those of b = a + 2 split by its exponent and top 3
  mantissa bits ([2, 4) in 8, [4, 8) in 8, [8, 16) in 8, and [16, 18)), the slot b's bits
  >> 20 mod 32 (a 32-entry lookup: one instruction on AVX-512);
- "8": degree 8 on 8 pieces, those of b = a + 1 split by its exponent and top mantissa
  bit ([1, 2) in 2, [2, 4) in 2, [4, 8) in 2, [8, 16) in 2), the slot b's bits >> 22 mod 8
  (an 8-entry lookup: one permute on AVX2, where a 32-entry one costs seven).
Fitted to G's relative error (weighted least squares at Chebyshev nodes, G from mpmath).
Prints each C table, the middles m first, and the largest relative error of G with the
rounded coefficients. Run with Debian's python3 (NumPy, mpmath)."""
from gelu_pieces import c_float, f32, fit, pieces, relative_error
import numpy as np

TOP = 14.5
SHAPES = (  # name, degree, offset, mantissa bits, slots
    ("gelu_fast_table", 5, 2.0, 3, 32),
    ("gelu_fast_table8", 8, 1.0, 1, 8),
)

for name, degree, offset, mantissa_bits, slots in SHAPES:
    rows = {}  # table slot -> [m, c0 .. c_degree]
    worst = 0.0
    for slot, low, high, middle, half in pieces(offset, TOP, mantissa_bits, slots):
        rounded = [f32(v) for v in fit(middle, half, degree, 121)]

        def value(h, r=rounded):
            return sum(r[k] * h**k for k in range(degree + 1))

        worst = max(worst, relative_error(middle, half, value, 1001))
        rows[slot] = [middle] + rounded

    names = ["m"] + ["c%d" % k for k in range(degree + 1)]
    print("static const float %s[%d][%d] = {" % (name, len(names), slots))
    for i, row in enumerate(names):
        values = [rows[s][i] if s in rows else 0.0 for s in range(slots)]
        print("    {" + ", ".join(c_float(v) for v in values) + "}, /* %s */" % row)
    print("};")
    print("/* largest relative error of G: 2^%.2f */" % np.log2(worst))
