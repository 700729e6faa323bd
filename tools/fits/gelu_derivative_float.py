#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The table of the float-lane gelu backward (src/kernels/gelu_float_body.h). With a = |x|,
Q(a) = erfc(a / sqrt 2) / 2 = exp(-a^2 / 2) G(a) (as gelu_float.py) and
H(a) = G(a) - a / sqrt(2 pi): gelu'(x) = exp(-a^2 / 2) H(a) for x < 0 and
1 - exp(-a^2 / 2) H(a) from 0 up. H has one zero, at a0 = 0.7517916... (gelu's minimum),
at the end of the piece a in [0.625, 0.75) and inside the next: on both P(a) = H(a) /
(a - a0) is fitted instead, so that H = (a - a0) P keeps its relative accuracy down to the
zero. The pieces are
gelu_float.py's; H varies more than G (up to 30 % across a piece), so the constant and
linear terms are each kept as two floats, the others rounded to float. Prints the C table,
a0 in two floats, and the largest relative error of H (of P in the zero's piece) with the
rounded coefficients. Run with Debian's python3 (NumPy, mpmath)."""
import mpmath
import numpy as np
from gelu_pieces import c_float, f32, fit, pieces

DEGREE = 6
INV_SQRT_2PI = 1 / mpmath.sqrt(2 * mpmath.pi)


def h_exact(a):
    a = mpmath.mpf(a)
    return mpmath.erfc(a / mpmath.sqrt(2)) / 2 * mpmath.exp(a * a / 2) - a * INV_SQRT_2PI


A0 = mpmath.findroot(h_exact, 0.75)
A0_HI = f32(float(A0))
A0_LO = f32(float(A0 - A0_HI))


def h_float(a):
    return float(h_exact(a))


def p_float(a):
    a = mpmath.mpf(a)
    if abs(a - A0) < mpmath.mpf(2) ** -40:
        return float(mpmath.diff(h_exact, A0))
    return float(h_exact(a) / (a - A0))


rows = {}
worst = 0.0
for slot, low, high, middle, half in pieces(0.75, 11.25):
    function = p_float if 0.625 <= low < 0.875 else h_float
    c = fit(middle, half, DEGREE, 161, function)
    c0_hi, c1_hi = f32(c[0]), f32(c[1])
    rounded = [c0_hi, f32(c[0] - c0_hi), c1_hi, f32(c[1] - c1_hi)] + [f32(v) for v in c[2:]]
    h = np.linspace(-half, half, 2001)
    exact = np.array([function(middle + t) for t in h])
    value = rounded[0] + rounded[1] + (rounded[2] + rounded[3]) * h
    value = value + sum(rounded[k + 2] * h**k for k in range(2, DEGREE + 1))
    piece = np.max(np.abs(value / exact - 1))
    if piece > 2**-27: print("/* piece [%g, %g): 2^%.2f */" % (low, high, np.log2(piece)))
    worst = max(worst, piece)
    rows[slot] = rounded

names = ["c0_hi", "c0_lo", "c1_hi", "c1_lo"] + ["c%d" % k for k in range(2, DEGREE + 1)]
print("VEC_TABLE float gelu_derivative_coefficients[%d][32] = {" % len(names))
for i, name in enumerate(names):
    print("    {" + ", ".join(c_float(rows[s][i]) for s in range(32)) + "}, /* %s */" % name)
print("};")
print("#define GELU_DERIVATIVE_ZERO_HI %s" % c_float(A0_HI))
print("#define GELU_DERIVATIVE_ZERO_LO %s" % c_float(A0_LO))
print("/* largest relative error of H (P at the zero): 2^%.2f */" % np.log2(worst))
