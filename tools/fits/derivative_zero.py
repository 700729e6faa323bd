#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The band around the zero of f' for the fast tier's backwards of gelu_tanh and gelu
(src/kernels/fast_f32.c, fast_gelu_f32.c). Their formulas, e.g. gelu_tanh'(x) =
e M / (1 + e)^2 below 0 with M = 1 + e + x v' (v = c1 x + c2 x^3, c1 = 2 sqrt(2/pi),
c2 = 0.044715 c1, e = exp(v)) and gelu'(x) = e^(-x^2/2) (G(|x|) - |x| / sqrt(2 pi)),
cancel where f' is 0, at x0 = -0.7518 (the minimum of f): within WIDTH of x0 the kernels
take f'(x) = d R(d), d = x - x0, R a polynomial fitted here (weighted least squares at
Chebyshev nodes, to R's relative error; float coefficients). mish'(x) = e M / w^2, M =
(e + 2) w + 4 x (e + 1), w = e^2 + 2 e + 2, e = exp(x), is 0 at -1.1924. Prints x0 as two
floats, R's coefficients and error, and (gelu_tanh, mish) the largest cancellation
factor, the sum of M's terms' magnitudes over |M|, left outside the band.
usage: derivative_zero.py gelu_tanh|gelu|mish [WIDTH [DEGREE]]. Debian's python3 (NumPy,
mpmath)."""
import sys

import mpmath
import numpy as np

from gelu_pieces import c_float, f32, fit

mpmath.mp.dps = 40
C1 = 2 * mpmath.sqrt(2 / mpmath.pi)
C2 = mpmath.mpf("0.044715") * C1
OP = sys.argv[1] if len(sys.argv) > 1 else "gelu_tanh"
WIDTH = float(sys.argv[2]) if len(sys.argv) > 2 else 0.5
DEGREE = int(sys.argv[3]) if len(sys.argv) > 3 else 8


def m(x):
    x = mpmath.mpf(x)
    v = C1 * x + C2 * x**3
    return 1 + mpmath.exp(v) + x * (C1 + 3 * C2 * x**2)


def gelu_derivative(x):
    x = mpmath.mpf(x)
    return mpmath.erfc(-x / mpmath.sqrt(2)) / 2 + x * mpmath.exp(-x * x / 2) / mpmath.sqrt(
        2 * mpmath.pi)


def mish_derivative(x):
    x = mpmath.mpf(x)
    softplus = mpmath.log1p(mpmath.exp(x))
    return mpmath.tanh(softplus) + x / (1 + mpmath.exp(-x)) / mpmath.cosh(softplus) ** 2


def mish_terms(x):
    """mish' = e M / w^2, M = (e + 2) w + 4 x (e + 1), w = e^2 + 2 e + 2: M's terms."""
    e = mpmath.exp(x)
    w = e * e + 2 * e + 2
    return abs((e + 2) * w) + abs(4 * x * (e + 1)), (e + 2) * w + 4 * x * (e + 1)


ROOTS = {"gelu_tanh": (m, -0.75), "gelu": (gelu_derivative, -0.75), "mish": (mish_derivative, -1.2)}
x0 = mpmath.findroot(ROOTS[OP][0], ROOTS[OP][1])
hi = f32(float(x0))
lo = f32(float(x0 - hi))


def derivative(x):
    if OP == "gelu":
        return gelu_derivative(x)
    if OP == "mish":
        return mish_derivative(x)
    x = mpmath.mpf(x)
    e = mpmath.exp(C1 * x + C2 * x**3)
    return e * m(x) / (1 + e) ** 2


def q(d):
    return derivative(x0 + d) / d


# trimmed nodes: none at d = 0, where q is 0 / 0
c = fit(0.0, WIDTH, DEGREE, 161, lambda t: float(q(mpmath.mpf(t))), trim=0.001)
rounded = [f32(v) for v in c]
check = np.linspace(-WIDTH, WIDTH, 2001)
check = check[check != 0]
worst = max(
    abs(sum(rounded[k] * t**k for k in range(DEGREE + 1)) / float(q(mpmath.mpf(t))) - 1)
    for t in check
)
factor = 0.0
for x in np.concatenate([np.linspace(float(x0) - 3, float(x0) - WIDTH, 400),
                         np.linspace(float(x0) + WIDTH, 0, 400)]):
    x = mpmath.mpf(x)
    if OP == "mish":
        terms, total = mish_terms(x)
        factor = max(factor, float(terms / abs(total)))
        continue
    v = C1 * x + C2 * x**3
    e = mpmath.exp(v)
    terms = abs(1 + e) + abs(x * (C1 + 3 * C2 * x**2))
    factor = max(factor, float(terms / abs(m(x))))
print("x0 = %s + %s" % (c_float(hi), c_float(lo)))
print("R, d^0 first: " + ", ".join(c_float(v) for v in rounded))
print("/* R's relative error: 2^%.2f; cancellation outside the band (not gelu): %.2f */"
      % (np.log2(worst), factor))
