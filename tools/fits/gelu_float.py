#!/usr/bin/python3
"""The tables of the float-lane gelu (src/kernels/gelu_f32.c). gelu(x) = x Q(-x) for
x < 0 and x - x Q(x) above, Q(a) = erfc(a / sqrt 2) / 2 = exp(-a^2 / 2) G(a), G smooth
(G(0) = 1/2, G(a) ~ 1 / (a sqrt(2 pi)) for large a). G is a polynomial of degree 6 in
h = a - m on each of 32 intervals of a, whose ends are those of b = a + 0.75 split by its
exponent and top 3 mantissa bits: [0.75, 1) in 4 pieces, each binade above in 8, up to
b = 12 (a = 11.25). Fitted to G's relative error (weighted least squares at Chebyshev
nodes, G from mpmath), the constant term kept as two floats, the others rounded to float.
Prints the C tables and the largest relative error of G with the rounded coefficients.
Run with Debian's python3 (NumPy, mpmath)."""
import re
import struct

import mpmath
import numpy as np

mpmath.mp.dps = 30
DEGREE = 6


def g(a):
    return float(mpmath.erfc(a / mpmath.sqrt(2)) / 2 * mpmath.exp(a * a / 2))


def bits(f):
    return struct.unpack("<I", struct.pack("<f", f))[0]


def from_bits(b):
    return struct.unpack("<f", struct.pack("<I", b))[0]


def f32(v):
    return float(np.float32(v))


rows = {}  # table slot (b's bits >> 20, mod 32) -> coefficients
worst = 0.0
b = bits(0.75)
while from_bits(b) < 12.0:
    low, high, middle = (from_bits(b + d) - 0.75 for d in (0, 1 << 20, 1 << 19))
    half = max(middle - low, high - middle)
    h = np.cos(np.linspace(0, np.pi, 161)) * half
    target = np.array([g(middle + t) for t in h])
    basis = np.stack([h**k for k in range(DEGREE + 1)], 1) / target[:, None]
    weights = np.ones_like(h)
    for _ in range(25):
        c, *_ = np.linalg.lstsq(basis * weights[:, None], weights, rcond=None)
        error = basis @ c - 1
        weights = 1 + 30 * np.abs(error) / np.max(np.abs(error))
    c0_hi = f32(c[0])
    rounded = [c0_hi, f32(c[0] - c0_hi)] + [f32(v) for v in c[1:]]
    check = np.linspace(-half, half, 2001)
    exact = np.array([g(middle + t) for t in check])
    value = rounded[0] + rounded[1] + sum(rounded[k + 1] * check**k for k in range(1, DEGREE + 1))
    worst = max(worst, np.max(np.abs(value / exact - 1)))
    rows[(b >> 20) % 32] = [middle] + rounded
    b += 1 << 20



def c_float(v):
    if v == 0:
        return "0.0f"
    text = re.sub(r"\.?0*p", "p", float(v).hex())
    return text + "f"


names = ["c0_hi", "c0_lo"] + ["c%d" % k for k in range(1, DEGREE + 1)]
print("static const float gelu_coefficients[%d][32] = {" % len(names))
for i, name in enumerate(names):
    print("    {" + ", ".join(c_float(rows[s][i + 1]) for s in range(32)) + "}, /* %s */" % name)
print("};")
print("/* largest relative error of G: 2^%.2f */" % np.log2(worst))
