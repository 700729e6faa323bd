#!/usr/bin/python3
"""The table of the fast tier's gelu (src/kernels/fast_gelu_f32.c). As in the accurate
kernel (gelu_float.py), gelu(x) = x Q(-x) for x < 0 and x - x Q(x) above,
Q(a) = erfc(a / sqrt 2) / 2 = exp(-a^2 / 2) G(a), but G is a polynomial of degree 5 in
h = a - m, all coefficients single floats, on 25 intervals of a in [0, 14.5] (beyond,
gelu(-a) rounds to -0): those of b = a + 2 split by its exponent and top 3 mantissa bits,
[2, 4) in 8 pieces, [4, 8) in 8, [8, 16) in 8, and [16, 18). Fitted to G's relative
error (weighted least squares at Chebyshev nodes, G from mpmath). Prints the C table,
the middles m first, and the largest relative error of G with the rounded coefficients.
Run with Debian's python3 (NumPy, mpmath)."""
import re
import struct

import mpmath
import numpy as np

mpmath.mp.dps = 30
DEGREE = 5
OFFSET = 2.0
TOP = 14.5


def g(a):
    return float(mpmath.erfc(a / mpmath.sqrt(2)) / 2 * mpmath.exp(a * a / 2))


def bits(f):
    return struct.unpack("<I", struct.pack("<f", f))[0]


def from_bits(b):
    return struct.unpack("<f", struct.pack("<I", b))[0]


def f32(v):
    return float(np.float32(v))


rows = {}  # table slot (b's bits >> 20, mod 32) -> [m, c0 .. c5]
worst = 0.0
b = bits(OFFSET)
while from_bits(b) - OFFSET < TOP:
    low, high, middle = (from_bits(b + d) - OFFSET for d in (0, 1 << 20, 1 << 19))
    half = max(middle - low, high - middle)
    h = np.cos(np.linspace(0, np.pi, 121)) * half
    target = np.array([g(middle + t) for t in h])
    basis = np.stack([h**k for k in range(DEGREE + 1)], 1) / target[:, None]
    weights = np.ones_like(h)
    for _ in range(25):
        c, *_ = np.linalg.lstsq(basis * weights[:, None], weights, rcond=None)
        error = basis @ c - 1
        weights = 1 + 30 * np.abs(error) / np.max(np.abs(error))
    rounded = [f32(v) for v in c]
    check = np.linspace(-half, half, 1001)
    exact = np.array([g(middle + t) for t in check])
    value = sum(rounded[k] * check**k for k in range(DEGREE + 1))
    worst = max(worst, np.max(np.abs(value / exact - 1)))
    rows[(b >> 20) % 32] = [middle] + rounded
    b += 1 << 20


def c_float(v):
    if v == 0:
        return "0.0f"
    return re.sub(r"\.?0*p", "p", float(v).hex()) + "f"


names = ["m"] + ["c%d" % k for k in range(DEGREE + 1)]
print("static const float gelu_table[%d][32] = {" % len(names))
for i, name in enumerate(names):
    values = [rows[s][i] if s in rows else 0.0 for s in range(32)]
    print("    {" + ", ".join(c_float(v) for v in values) + "}, /* %s */" % name)
print("};")
print("/* largest relative error of G: 2^%.2f */" % np.log2(worst))
