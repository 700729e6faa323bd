# SPDX-License-Identifier: MIT
"""What the gelu fits (gelu_float.py, fast_gelu_float.py) share: G(a) = Q(a) exp(a^2 / 2),
Q(a) = erfc(a / sqrt 2) / 2, from mpmath; the pieces of a, cut where b = a + offset changes
its exponent or its top 3 mantissa bits; a polynomial in h = a - middle fitted to G's
relative error on each piece; and the C spelling of a float. Debian's python3 (NumPy,
mpmath)."""
import re
import struct

import mpmath
import numpy as np

mpmath.mp.dps = 30


def g(a):
    return float(mpmath.erfc(a / mpmath.sqrt(2)) / 2 * mpmath.exp(a * a / 2))


def bits(f):
    return struct.unpack("<I", struct.pack("<f", f))[0]


def from_bits(b):
    return struct.unpack("<f", struct.pack("<I", b))[0]


def f32(v):
    return float(np.float32(v))


def pieces(offset, top, mantissa_bits=3, slots=32):
    """(table slot, low, high, middle, half width) for each piece of a in [0, top): b = a +
    offset cut by its exponent and top mantissa_bits bits, the slot those bits mod slots."""
    shift = 23 - mantissa_bits
    b = bits(offset)
    while from_bits(b) - offset < top:
        low, high, middle = (from_bits(b + d) - offset for d in (0, 1 << shift, 1 << (shift - 1)))
        yield (b >> shift) % slots, low, high, middle, max(middle - low, high - middle)
        b += 1 << shift


def fit(middle, half, degree, nodes, function=g, trim=0.0):
    """Coefficients of h^0 .. h^degree of a polynomial for function(middle + h) (default
    G): weighted least squares at Chebyshev nodes on [-half, half] (trim keeps the angles
    that far from 0 and pi, and the nodes off the ends), the weights grown where the
    relative error is largest."""
    h = np.cos(np.linspace(trim, np.pi - trim, nodes)) * half
    target = np.array([function(middle + t) for t in h])
    basis = np.stack([h**k for k in range(degree + 1)], 1) / target[:, None]
    weights = np.ones_like(h)
    for _ in range(25):
        c, *_ = np.linalg.lstsq(basis * weights[:, None], weights, rcond=None)
        error = basis @ c - 1
        weights = 1 + 30 * np.abs(error) / np.max(np.abs(error))
    return c


def relative_error(middle, half, polynomial, checks):
    """The largest |p(h) / G(middle + h) - 1| on [-half, half]."""
    h = np.linspace(-half, half, checks)
    exact = np.array([g(middle + t) for t in h])
    return np.max(np.abs(polynomial(h) / exact - 1))


def c_float(v):
    if v == 0:
        return "0.0f"
    return re.sub(r"\.?0*p", "p", float(v).hex()) + "f"
