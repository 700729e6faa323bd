# SPDX-License-Identifier: MIT
"""What the float tables of f(x) = x F(a) share (tanh_float.py, elu_float.py): F on the
pieces of a = |x| cut where b = a + offset changes its exponent or its top 3 mantissa
bits (gelu_pieces.pieces), a polynomial of one degree in h = a - the piece's middle on
each, fitted to F's relative error; the constant term kept as two floats, the others
rounded to float. Prints the C table, one row per coefficient (c0_hi, c0_lo, c1 ..),
one column per table slot, and the largest relative error of F with the rounded
coefficients. Debian's python3 (NumPy, mpmath)."""
import numpy as np
from gelu_pieces import c_float, f32, fit, pieces


def print_table(name, function, offset, top, degree):
    rows = {}  # table slot (b's bits >> 20, mod 32) -> [c0_hi, c0_lo, c1 .. c_degree]
    worst = 0.0
    for slot, low, high, middle, half in pieces(offset, top):
        c = fit(middle, half, degree, 161, function=function)
        c0_hi = f32(c[0])
        rounded = [c0_hi, f32(c[0] - c0_hi)] + [f32(v) for v in c[1:]]
        h = np.linspace(-half * 1.001, half * 1.001, 2001)  # b's rounding can pass the ends
        value = rounded[0] + rounded[1] + sum(rounded[k + 1] * h**k for k in range(1, degree + 1))
        exact = np.array([function(middle + v) for v in h])
        worst = max(worst, np.max(np.abs(value / exact - 1)))
        rows[slot] = rounded
    names = ["c0_hi", "c0_lo"] + ["c%d" % k for k in range(1, degree + 1)]
    print("VEC_TABLE float %s[%d][32] = {" % (name, len(names)))
    for i, row in enumerate(names):
        values = [rows[s][i] if s in rows else 0.0 for s in range(32)]
        print("    {" + ", ".join(c_float(v) for v in values) + "}, /* %s */" % row)
    print("};")
    print("/* largest relative error: 2^%.2f */" % np.log2(worst))
