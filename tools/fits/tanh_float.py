#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The table of the accurate tier's f32 tanh (src/kernels/tanh_float_body.h). tanh(a) =
a T(a), a = |x|, T(a) = tanh(a) / a (even, T(0) = 1, no exp and no division): T is a
polynomial of degree DEGREE in h = a - m on each of 27 intervals of a in [0, TOP), those
of b = a + 1 split by its exponent and top 3 mantissa bits: [1, 2), [2, 4), [4, 8) in 8
pieces each and [8, 11) in 3. Above TANH_ONE_FROM the kernel clamps a, where tanh rounds
to 1. Fitted to T's relative error (weighted least squares at Chebyshev nodes, T from
mpmath), the constant term kept as two floats, the others rounded to float. Prints the
C table and the largest relative error of T with the rounded coefficients.
Run with Debian's python3 (NumPy, mpmath)."""
import sys

import mpmath
import numpy as np
from gelu_pieces import c_float, f32, fit, pieces

DEGREE = int(sys.argv[1]) if len(sys.argv) > 1 else 6
OFFSET = 1.0
TOP = 9.03


def t_of(a):
    if a == 0:
        return 1.0
    return float(mpmath.tanh(mpmath.mpf(a)) / a)


rows = {}  # table slot (b's bits >> 20, mod 32) -> [c0_hi, c0_lo, c1 .. c_DEGREE]
worst = 0.0
for slot, low, high, middle, half in pieces(OFFSET, TOP):
    c = fit(middle, half, DEGREE, 161, function=t_of)
    c0_hi = f32(c[0])
    rounded = [c0_hi, f32(c[0] - c0_hi)] + [f32(v) for v in c[1:]]
    h = np.linspace(-half * 1.001, half * 1.001, 2001)
    value = rounded[0] + rounded[1] + sum(rounded[k + 1] * h**k for k in range(1, DEGREE + 1))
    exact = np.array([t_of(middle + v) for v in h])
    worst = max(worst, np.max(np.abs(value / exact - 1)))
    rows[slot] = rounded

names = ["c0_hi", "c0_lo"] + ["c%d" % k for k in range(1, DEGREE + 1)]
print("VEC_TABLE float tanh_coefficients[%d][32] = {" % len(names))
for i, name in enumerate(names):
    values = [rows[s][i] if s in rows else 0.0 for s in range(32)]
    print("    {" + ", ".join(c_float(v) for v in values) + "}, /* %s */" % name)
print("};")
print("/* largest relative error of T: 2^%.2f */" % np.log2(worst))
