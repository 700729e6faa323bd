# SPDX-License-Identifier: MIT
"""What the float tables of polynomial pieces share (tanh_float.py, elu_float.py,
log1p_exp_float.py): F on the pieces of a = |x| cut where b = a + offset changes its
exponent or its top 3 mantissa bits (gelu_pieces.pieces), a polynomial of one degree in
h = a - the piece's middle on each, fitted to F's relative error; the first `split`
coefficients kept as two floats (hi, lo), the others rounded to float. Prints the C
table, one row per coefficient (c0_hi, c0_lo, c1 ..), one column per table slot, and
the largest relative error of F with the rounded coefficients. Debian's python3 (NumPy,
mpmath)."""
import numpy as np
from gelu_pieces import c_float, f32, fit, pieces


def print_table(name, function, offset, top, degree, split=1):
    rows = {}  # table slot (b's bits >> 20, mod 32) -> the rows' values
    worst = 0.0
    for slot, low, high, middle, half in pieces(offset, top):
        c = fit(middle, half, degree, 161, function=function)
        rounded, value = [], 0.0
        h = np.linspace(-half * 1.001, half * 1.001, 2001)  # b's rounding can pass the ends
        for k, v in enumerate(c):
            parts = [f32(v), f32(v - f32(v))] if k < split else [f32(v)]
            rounded += parts
            value = value + sum(parts) * h**k
        exact = np.array([function(middle + v) for v in h])
        worst = max(worst, np.max(np.abs(value / exact - 1)))
        rows[slot] = rounded
    names = []
    for k in range(degree + 1):
        names += ["c%d_hi" % k, "c%d_lo" % k] if k < split else ["c%d" % k]
    print("VEC_TABLE float %s[%d][32] = {" % (name, len(names)))
    for i, row in enumerate(names):
        values = [rows[s][i] if s in rows else 0.0 for s in range(32)]
        print("    {" + ", ".join(c_float(v) for v in values) + "}, /* %s */" % row)
    print("};")
    print("/* largest relative error: 2^%.2f */" % np.log2(worst))
