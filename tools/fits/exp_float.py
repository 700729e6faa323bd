#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The polynomial P of fm_exp (src/kernels/float_math.h): exp(r) = 1 + r + r^2 P(r) on
[-ln2/2, ln2/2], P of degree 5 fitted by least squares at Chebyshev nodes, its
coefficients rounded to float. Prints them and the relative error of exp(r) in units of
2^-24. Run with Debian's python3 (NumPy)."""
import numpy as np

half_ln2 = np.log(2) / 2
nodes = np.cos(np.linspace(0, np.pi, 2001)) * half_ln2
nodes = nodes[np.abs(nodes) > 1e-6]
target = (np.expm1(nodes) - nodes) / nodes**2
coefficients = np.polyfit(nodes, target, 5)[::-1].astype(np.float32)
r = np.linspace(-half_ln2, half_ln2, 100001)
approximation = 1 + r + r**2 * np.polynomial.polynomial.polyval(r, coefficients.astype(np.float64))
print("coefficients (P0 first):", [float(c).hex() for c in coefficients])
print("max relative error of exp(r): %.4f * 2^-24" % (np.max(np.abs(approximation / np.exp(r) - 1)) / 2**-24))
