# SPDX-License-Identifier: MIT
"""Fits G(t) = erfc(t) exp(t^2) on t in [0, 10.5] by a Chebyshev series of degree 14 in
s = 9/7 (u + 1) - 1, u = (t - 3) / (t + 3), for the SIMD gelu kernels
(src/kernels/vector_math.h, vm_erfc). Prints the coefficients, also as monomials, and the largest relative
error on 40,001 points (about 6e-12 against libm's erfc and exp).
Run with /usr/bin/python3 (python3-numpy)."""
import math

import numpy as np
from numpy.polynomial import chebyshev


def g(t):
    return math.erfc(t) * math.exp(t * t)


def t_of(s):
    u = (s + 1) * 7 / 9 - 1
    return 3 * (1 + u) / (1 - u)


def main():
    nodes = np.cos(np.pi * (np.arange(6000) + 0.5) / 6000)
    values = np.array([g(t_of(s)) for s in nodes])
    coefficients = chebyshev.chebfit(nodes, values, 14)
    grid = np.linspace(-1, 1, 40001)
    exact = np.array([g(t_of(s)) for s in grid])
    error = np.max(np.abs(chebyshev.chebval(grid, coefficients) / exact - 1))
    print("Chebyshev coefficients:")
    for c in coefficients:
        print(f"{float(c)!r},")
    print("the same as monomials in s (vm_erfc sums these by Estrin's scheme):")
    for c in chebyshev.cheb2poly(coefficients):
        print(f"{float(c)!r},")
    print(f"max relative error {error:.3g}")


if __name__ == "__main__":
    main()
