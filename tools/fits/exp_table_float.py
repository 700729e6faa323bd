#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Q of fm_exp_table's 8-entry form (src/kernels/float_math.h, where the vector layer
prefers 8-entry lookups: AVX2): exp(r) = 1 + r + r^2 Q(r) on [-ln2/16, ln2/16], Q of
degree 2 fitted by least squares at Chebyshev nodes, its coefficients rounded to float
(the constant term comes out 1/2 exactly). Prints them and the relative error of exp(r)
(2^-31.5: below the reduction's rounding of r, 2^-30). Run with Debian's python3
(NumPy)."""
import numpy as np

half = np.log(2) / 16
nodes = np.cos(np.linspace(0, np.pi, 2001)) * half
nodes = nodes[np.abs(nodes) > 1e-7]
target = (np.expm1(nodes) - nodes) / nodes**2
coefficients = np.polyfit(nodes, target, 2)[::-1].astype(np.float32)
r = np.linspace(-half, half, 100001)
approximation = 1 + r + r**2 * np.polynomial.polynomial.polyval(r, coefficients.astype(np.float64))
print("coefficients (Q0 first):", [float(c).hex() for c in coefficients])
print("max relative error of exp(r): 2^%.2f" % np.log2(np.max(np.abs(approximation / np.exp(r) - 1))))
