#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The table of the f64 gelu in double lanes (src/kernels/gelu_f64_table.h, used by
smooth_f64.c). As the float-lane gelu (gelu_float.py): Q(a) = erfc(a / sqrt 2) / 2 =
exp(-a^2 / 2) G(a), G smooth (G(0) = 1/2, G(a) ~ 1 / (a sqrt(2 pi))), a polynomial in
h = a - m on each piece of a, the pieces those of b = a + 0.25 split by its exponent and
top 2 mantissa bits (b's bits >> 50, mod 32: the column; 29 pieces), up to b = 40 (a =
39.75, past the kernels' |x| <= 37). 32 columns: AVX-512 looks a row up with two
permutes. Degree 14, interpolated at Chebyshev nodes in mpmath (50
digits), the constant term kept as two doubles, the others rounded to double; the check
evaluates the rounded polynomial exactly on 801 points a piece. Prints the C table and
the largest relative error of G. Run with Debian's python3 (mpmath)."""
import re
import struct

import mpmath

mpmath.mp.dps = 50
DEGREE = 14
OFFSET = 0.25
TOP = 39.5
SHIFT = 50


def g(a):
    return mpmath.erfc(a / mpmath.sqrt(2)) / 2 * mpmath.exp(a * a / 2)


def bits(f):
    return struct.unpack("<Q", struct.pack("<d", f))[0]


def from_bits(b):
    return struct.unpack("<d", struct.pack("<Q", b))[0]


def pieces():
    """(column, middle, half width) for each piece of a in [0, TOP)."""
    b = bits(OFFSET)
    while from_bits(b) - OFFSET < TOP:
        low, high = from_bits(b) - OFFSET, from_bits(b + (1 << SHIFT)) - OFFSET
        middle = from_bits(b + (1 << (SHIFT - 1))) - OFFSET  # exact: what the kernel forms
        yield (b >> SHIFT) % 32, middle, max(middle - low, high - middle)
        b += 1 << SHIFT


def interpolate(middle, half):
    """Coefficients of h^0 .. h^DEGREE interpolating G(middle + h) at Chebyshev nodes."""
    n = DEGREE + 1
    nodes = [mpmath.cos(mpmath.pi * (k + mpmath.mpf(1) / 2) / n) * half for k in range(n)]
    vandermonde = mpmath.matrix([[h**j for j in range(n)] for h in nodes])
    values = mpmath.matrix([g(middle + h) for h in nodes])
    solution = mpmath.lu_solve(vandermonde, values)
    return [solution[j] for j in range(n)]


def c_double(v):
    if v == 0:
        return "0.0"
    return re.sub(r"\.?0*p", "p", float(v).hex())


columns, worst = {}, mpmath.mpf(0)
for column, middle, half in pieces():
    exact = interpolate(mpmath.mpf(middle), mpmath.mpf(half))
    c0_hi = float(exact[0])
    rounded = [c0_hi, float(exact[0] - c0_hi)] + [float(c) for c in exact[1:]]
    for i in range(801):
        h = mpmath.mpf(half) * (2 * mpmath.mpf(i) / 800 - 1)
        p = mpmath.mpf(0)
        for c in reversed(rounded[2:]):
            p = p * h + c
        p = mpmath.mpf(rounded[0]) + mpmath.mpf(rounded[1]) + p * h
        worst = max(worst, abs(p / g(middle + h) - 1))
    columns[column] = [middle] + rounded

names = ["middle", "c0_hi", "c0_lo"] + ["c%d" % k for k in range(1, DEGREE + 1)]
print("VEC_TABLE double gelu_f64_coefficients[%d][32] = {" % len(names))
for i, name in enumerate(names):
    row = [c_double(columns[s][i]) if s in columns else "0.0" for s in range(32)]
    print("    {" + ", ".join(row) + "}, /* %s */" % name)
print("};")
print("/* largest relative error of G with these coefficients: 2^%.2f */" % float(mpmath.log(worst, 2)))
