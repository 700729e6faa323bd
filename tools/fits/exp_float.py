#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Two polynomials of src/kernels/float_math.h, each fitted by least squares at Chebyshev
nodes with its coefficients rounded to float:
- P of fm_exp: exp(r) = 1 + r + r^2 P(r) on [-ln2/2, ln2/2], P of degree 5;
- Q of fm_exp_table's 8-entry form (where the vector layer prefers 8-entry lookups:
  AVX2): exp(r) = 1 + r + r^2 Q(r) on [-ln2/16, ln2/16], Q of degree 2 (its constant
  term comes out 1/2 exactly; 2^-31.5, below the reduction's rounding of r, 2^-30).
Prints the coefficients and the relative error of exp(r). Run with Debian's python3
(NumPy)."""
import numpy as np


def fit(half_width, degree):
    nodes = np.cos(np.linspace(0, np.pi, 2001)) * half_width
    nodes = nodes[np.abs(nodes) > 1e-7]
    target = (np.expm1(nodes) - nodes) / nodes**2
    coefficients = np.polyfit(nodes, target, degree)[::-1].astype(np.float32)
    r = np.linspace(-half_width, half_width, 100001)
    approximation = 1 + r + r**2 * np.polynomial.polynomial.polyval(
        r, coefficients.astype(np.float64))
    return coefficients, np.max(np.abs(approximation / np.exp(r) - 1))


for name, half_width, degree in (("fm_exp P", np.log(2) / 2, 5),
                                 ("fm_exp_table Q, table of 8", np.log(2) / 16, 2)):
    coefficients, error = fit(half_width, degree)
    print(name, "(constant term first):", [float(c).hex() for c in coefficients])
    print("  max relative error of exp(r): %.4f * 2^-24 (2^%.2f)" % (error / 2**-24, np.log2(error)))
