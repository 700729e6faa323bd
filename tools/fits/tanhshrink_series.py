#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The Taylor coefficients of x - tanh(x) = sum_n c_n x^(2n+1), n >= 1, as C hex doubles
(src/spec/smooth_constants.h, TANHSHRINK_SERIES_*):
the series smooth_reference.c's tanhshrink_forward sums below |x| = 1 (and the first
terms, the double-lane kernel's, below 1/2). From the Bernoulli numbers, exactly:
tanh(x) = sum_n 2^(2n) (2^(2n) - 1) B_2n x^(2n - 1) / (2n)!.

Usage: tools/fits/tanhshrink_series.py [COUNT]   (default 44)"""
import sys
from fractions import Fraction
from math import comb, factorial


def bernoulli(count):
    numbers = [Fraction(1)] + [Fraction(0)] * count
    for m in range(1, count + 1):
        numbers[m] = -sum(comb(m + 1, k) * numbers[k] for k in range(m)) / (m + 1)
    return numbers


def coefficients(count):
    b = bernoulli(2 * count + 4)
    return [-Fraction(2 ** (2 * n) * (2 ** (2 * n) - 1)) * b[2 * n] / factorial(2 * n)
            for n in range(2, count + 2)]


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 44
    terms = coefficients(count)
    print(", ".join(float(c).hex() for c in terms))
    tail = sum(abs(c) for c in coefficients(count + 40)[count:])  # at |x| = 1
    print(f"truncation at |x| = 1: {float(tail):.3g} (x - tanh(1) = 0.238)", file=sys.stderr)


if __name__ == "__main__":
    main()
