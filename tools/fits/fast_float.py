#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The constants of the fast tier's exp and expm1 (src/kernels/fast_math.h), in float:
- the table of 2^(j/16), j = 0..15, as bit patterns less j << 19 (the index bits that
  the exponent shift leaves in the mantissa), and Q of exp(r) = 1 + r + r^2 Q(r),
  degree 1, on |r| <= ln2/32; for the table of 2^(j/8) (AVX2), Q of degree 2 on
  |r| <= ln2/16;
- P of expm1(r) = r + r^2 P(r), degree 4, on |r| <= ln2/2 (no table: expm1 near 0 needs
  the relative accuracy a rounded table entry would cost);
- the short exp: a table of 2^(j/32) and exp(r) = 1 + r (c1 + c2 r) on |r| <= ln2/64.
Fitted by weighted least squares at Chebyshev nodes (weights: the relative error of the
result), coefficients rounded to float. Prints them and each approximation's relative
error in units of 2^-24. Run with Debian's python3 (NumPy)."""
import numpy as np


def fit(half_width, degree, weight):
    nodes = np.cos(np.linspace(0, np.pi, 4001)) * half_width
    nodes = nodes[np.abs(nodes) > 1e-7]
    target = (np.expm1(nodes) - nodes) / nodes**2
    w = weight(nodes)
    vander = np.vander(nodes, degree + 1, increasing=True)
    c = np.linalg.lstsq(vander * w[:, None], target * w, rcond=None)[0]
    return c.astype(np.float32)


def poly(c, r):
    return np.polynomial.polynomial.polyval(r, c.astype(np.float64))


ln2 = np.log(2)
table = []
for j in range(16):
    bits = int(np.array(2.0 ** (j / 16), dtype=np.float32).view(np.uint32))
    table.append((bits - (j << 19)) & 0xFFFFFFFF)
print("exp table:", ", ".join("0x%08x" % b for b in table))
q = fit(ln2 / 32, 1, lambda r: r**2)
r = np.linspace(-ln2 / 32, ln2 / 32, 200001)
error = np.max(np.abs((1 + r + r**2 * poly(q, r)) / np.exp(r) - 1))
print("exp Q:", [float(c).hex() for c in q], "error %.4f * 2^-24" % (error / 2**-24))
q8 = fit(ln2 / 16, 2, lambda r: r**2)
r = np.linspace(-ln2 / 16, ln2 / 16, 200001)
error = np.max(np.abs((1 + r + r**2 * poly(q8, r)) / np.exp(r) - 1))
print("exp Q, table of 8:", [float(c).hex() for c in q8], "error %.4f * 2^-24" % (error / 2**-24))
p = fit(ln2 / 2, 4, lambda r: np.abs(r))
r = np.linspace(-ln2 / 2, ln2 / 2, 200001)
r = r[r != 0]
error = np.max(np.abs((r + r**2 * poly(p, r)) / np.expm1(r) - 1))
print("expm1 P:", [float(c).hex() for c in p], "error %.4f * 2^-24" % (error / 2**-24))

# The short form (fast_exp_short, where the scaling is one instruction): a table of
# 2^(j/32), j = 0..31, rounded to float, and exp(r) = 1 + r (c1 + c2 r) on |r| <= ln2/64,
# c1 and c2 both fitted (relative error, at Chebyshev nodes, reweighted towards the
# largest errors until the fit is near minimax).
print("exp table of 32:", ", ".join(float(np.float32(2.0 ** (j / 32))).hex() for j in range(32)))
h = ln2 / 64
nodes = np.cos(np.linspace(0, np.pi, 4001)) * h
nodes = nodes[np.abs(nodes) > 1e-9]
vander = np.vander(nodes, 2, increasing=True)
weights = np.ones_like(nodes)
for _ in range(30):
    c = np.linalg.lstsq(vander * weights[:, None], np.expm1(nodes) / nodes * weights, rcond=None)[0]
    relative = (1 + nodes * (c[0] + c[1] * nodes)) / np.exp(nodes) - 1
    weights *= 1 + 5 * np.abs(relative) / np.max(np.abs(relative))
c = c.astype(np.float32)
r = np.linspace(-h, h, 200001)
error = np.max(np.abs((1 + r * poly(c, r)) / np.exp(r) - 1))
print("short exp c1, c2:", [float(v).hex() for v in c], "error %.4f * 2^-24" % (error / 2**-24))
