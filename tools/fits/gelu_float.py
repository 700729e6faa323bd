#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The tables of the float-lane gelu (src/kernels/gelu_f32.c). gelu(x) = x Q(-x) for
x < 0 and x - x Q(x) above, Q(a) = erfc(a / sqrt 2) / 2 = exp(-a^2 / 2) G(a), G smooth
(G(0) = 1/2, G(a) ~ 1 / (a sqrt(2 pi)) for large a). G is a polynomial of degree 6 in
h = a - m on each of 32 intervals of a, whose ends are those of b = a + 0.75 split by its
exponent and top 3 mantissa bits: [0.75, 1) in 4 pieces, each binade above in 8, up to
b = 12 (a = 11.25). Fitted to G's relative error (weighted least squares at Chebyshev
nodes, G from mpmath), the constant term kept as two floats, the others rounded to float.
Prints the C tables and the largest relative error of G with the rounded coefficients.
Run with Debian's python3 (NumPy, mpmath)."""
from gelu_pieces import c_float, f32, fit, pieces, relative_error
import numpy as np

DEGREE = 6

rows = {}  # table slot (b's bits >> 20, mod 32) -> coefficients
worst = 0.0
for slot, low, high, middle, half in pieces(0.75, 11.25):
    c = fit(middle, half, DEGREE, 161)
    c0_hi = f32(c[0])
    rounded = [c0_hi, f32(c[0] - c0_hi)] + [f32(v) for v in c[1:]]

    def value(h, r=rounded):
        return r[0] + r[1] + sum(r[k + 1] * h**k for k in range(1, DEGREE + 1))

    worst = max(worst, relative_error(middle, half, value, 2001))
    rows[slot] = [middle] + rounded


names = ["c0_hi", "c0_lo"] + ["c%d" % k for k in range(1, DEGREE + 1)]
print("static const float gelu_coefficients[%d][32] = {" % len(names))
for i, name in enumerate(names):
    print("    {" + ", ".join(c_float(rows[s][i + 1]) for s in range(32)) + "}, /* %s */" % name)
print("};")
print("/* largest relative error of G: 2^%.2f */" % np.log2(worst))
