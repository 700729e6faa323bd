# SPDX-License-Identifier: MIT
"""NumPy and PyTorch on the same ops and sizes as bench_peers, in the same format:
threads, op, implementation, n, ns per element (median of 7 repetitions of >= 10 ms).
Run with Debian's /usr/bin/python3 (python3-numpy, python3-torch).

usage: peers.py THREADS MAX_N [ROWS]   (THREADS: 1, or 0 for all; ROWS: only the rows
       whose name contains it, as bench_peers)
"""
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

# actfn's own NumPy ufuncs (make python), when built: "actfn (Python)" rows
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
try:
    import actfn
except ImportError:
    actfn = None


def median_ns_per_element(run, n):
    run()
    samples = []
    for _ in range(7):
        calls, start = 0, time.perf_counter()
        while True:
            run()
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= 0.01:
                break
        samples.append(elapsed * 1e9 / (calls * n))
    return sorted(samples)[3]


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    max_n = int(sys.argv[2]) if len(sys.argv) > 2 else 64 << 20
    only = sys.argv[3] if len(sys.argv) > 3 else ""
    label = "1" if threads == 1 else "all"
    if threads == 1:
        torch.set_num_threads(1)
    n = 1024
    while n <= max_n:
        x_np = (np.arange(n, dtype=np.float32) % 1000) / 50.0 - 10.0
        y_np = np.empty_like(x_np)
        x = torch.from_numpy(x_np)
        y = torch.empty_like(x)
        dy = torch.ones_like(x)
        cases = [
            ("relu forward", "NumPy", lambda: np.maximum(x_np, 0, out=y_np)),
            ("relu forward", "PyTorch", lambda: torch.relu(x)),
            ("relu forward in place", "PyTorch", lambda: torch.relu_(y)),
            ("relu backward", "PyTorch",
             lambda: torch.ops.aten.threshold_backward(dy, x, 0)),
            ("leaky_relu forward", "PyTorch", lambda: F.leaky_relu(x, 0.01)),
            ("sigmoid forward", "PyTorch", lambda: torch.sigmoid(x, out=y)),
            ("tanh forward", "PyTorch", lambda: torch.tanh(x, out=y)),
            ("gelu forward", "PyTorch", lambda: F.gelu(x)),
            ("silu forward", "PyTorch", lambda: F.silu(x)),
            ("elu forward", "PyTorch", lambda: F.elu(x)),
            ("hardswish forward", "PyTorch", lambda: F.hardswish(x)),
            ("hardsigmoid forward", "PyTorch", lambda: F.hardsigmoid(x)),
        ]
        if actfn is not None:
            cases += [
                ("relu forward", "actfn (Python)", lambda: actfn.relu(x_np, out=y_np)),
                ("relu forward in place", "actfn (Python)", lambda: actfn.relu(y_np, out=y_np)),
                ("sigmoid forward", "actfn (Python)", lambda: actfn.sigmoid(x_np, out=y_np)),
                ("gelu forward", "actfn (Python)", lambda: actfn.gelu(x_np, out=y_np)),
            ]
        # the torch.nn ops added for issue 17, and the GLUs on [a | b] of 2n values
        x2_np = np.concatenate([x_np, x_np[::-1].copy()])
        x2 = torch.from_numpy(x2_np)
        a, b = x2[:n], x2[n:]
        cases += [
            ("softsign forward", "PyTorch", lambda: F.softsign(x)),
            ("logsigmoid forward", "PyTorch", lambda: F.logsigmoid(x)),
            ("hardshrink forward", "PyTorch", lambda: F.hardshrink(x)),
            ("softshrink forward", "PyTorch", lambda: F.softshrink(x)),
            ("tanhshrink forward", "PyTorch", lambda: F.tanhshrink(x)),
            ("threshold forward", "PyTorch", lambda: F.threshold(x, 0.0, 0.0)),
            ("rrelu forward", "PyTorch", lambda: F.rrelu(x)),
            ("rrelu training forward", "PyTorch", lambda: F.rrelu(x, training=True)),
            ("squareplus forward", "NumPy (naive)",
             lambda: (x_np + np.sqrt(x_np * x_np + 4.0)) * 0.5),
            ("glu forward", "PyTorch", lambda: F.glu(x2, dim=-1)),
            ("swiglu forward", "PyTorch", lambda: a * F.silu(b)),
            ("geglu forward", "PyTorch", lambda: a * F.gelu(b)),
        ]
        if actfn is not None:
            cases += [(f"{name} forward", "actfn (Python)",
                       (lambda f: lambda: f(x_np, out=y_np))(getattr(actfn, name)))
                      for name in ("softsign", "logsigmoid", "hardshrink", "softshrink",
                                   "tanhshrink", "threshold", "rrelu", "squareplus")]
            cases += [
                ("rrelu training forward", "actfn (Python)",
                 lambda: actfn.rrelu(x_np, training=True, seed=1, out=y_np)),
                ("glu forward", "actfn (Python)", lambda: actfn.glu(x2_np)),
                ("swiglu forward", "actfn (Python)", lambda: actfn.swiglu(x2_np)),
                ("geglu forward", "actfn (Python)", lambda: actfn.geglu(x2_np)),
                ("glu forward", "actfn (Python) fast", lambda: actfn.glu(x2_np, accuracy="fast")),
                ("swiglu forward", "actfn (Python) fast",
                 lambda: actfn.swiglu(x2_np, accuracy="fast")),
                ("geglu forward", "actfn (Python) fast",
                 lambda: actfn.geglu(x2_np, accuracy="fast")),
            ]
        # float64, a Python user's default dtype: NumPy's naive formulas, PyTorch, actfn
        x64_np = x_np.astype(np.float64)
        y64_np = np.empty_like(x64_np)
        x64 = torch.from_numpy(x64_np)
        y64 = torch.empty_like(x64)
        cases += [
            ("sigmoid forward f64", "NumPy (naive)", lambda: 1.0 / (1.0 + np.exp(-x64_np))),
            ("sigmoid forward f64", "PyTorch", lambda: torch.sigmoid(x64, out=y64)),
            ("tanh forward f64", "NumPy", lambda: np.tanh(x64_np, out=y64_np)),
            ("tanh forward f64", "PyTorch", lambda: torch.tanh(x64, out=y64)),
            ("silu forward f64", "NumPy (naive)", lambda: x64_np / (1.0 + np.exp(-x64_np))),
            ("silu forward f64", "PyTorch", lambda: F.silu(x64)),
            ("elu forward f64", "NumPy (naive)",
             lambda: np.where(x64_np > 0, x64_np, np.expm1(x64_np))),
            ("elu forward f64", "PyTorch", lambda: F.elu(x64)),
            ("celu forward f64", "NumPy (naive)",
             lambda: np.where(x64_np > 0, x64_np, np.expm1(x64_np))),
            ("celu forward f64", "PyTorch", lambda: F.celu(x64)),
            ("gelu_tanh forward f64", "NumPy (naive)",
             lambda: 0.5 * x64_np * (1.0 + np.tanh(0.7978845608028654
                                                  * (x64_np + 0.044715 * x64_np ** 3)))),
            ("gelu_tanh forward f64", "PyTorch", lambda: F.gelu(x64, approximate="tanh")),
            ("softplus forward f64", "NumPy (naive)", lambda: np.log1p(np.exp(x64_np))),
            ("softplus forward f64", "PyTorch", lambda: F.softplus(x64)),
            ("mish forward f64", "NumPy (naive)",
             lambda: x64_np * np.tanh(np.log1p(np.exp(x64_np)))),
            ("mish forward f64", "PyTorch", lambda: F.mish(x64)),
            ("tanhshrink forward f64", "PyTorch", lambda: F.tanhshrink(x64)),
            ("squareplus forward f64", "NumPy (naive)",
             lambda: (x64_np + np.sqrt(x64_np * x64_np + 4.0)) * 0.5),
            # NumPy has no erf: gelu against PyTorch only
            ("gelu forward f64", "PyTorch", lambda: F.gelu(x64)),
            ("hardsigmoid forward f64", "NumPy (naive)",
             lambda: np.clip(x64_np / 6.0 + 0.5, 0.0, 1.0)),
            ("hardsigmoid forward f64", "PyTorch", lambda: F.hardsigmoid(x64)),
            ("hardswish forward f64", "NumPy (naive)",
             lambda: x64_np * np.clip(x64_np + 3.0, 0.0, 6.0) / 6.0),
            ("hardswish forward f64", "PyTorch", lambda: F.hardswish(x64)),
        ]
        if actfn is not None:
            cases += [
                ("sigmoid forward f64", "actfn (Python)",
                 lambda: actfn.sigmoid(x64_np, out=y64_np)),
                ("tanh forward f64", "actfn (Python)", lambda: actfn.tanh(x64_np, out=y64_np)),
                ("silu forward f64", "actfn (Python)", lambda: actfn.silu(x64_np, out=y64_np)),
                ("elu forward f64", "actfn (Python)", lambda: actfn.elu(x64_np, out=y64_np)),
                ("celu forward f64", "actfn (Python)", lambda: actfn.celu(x64_np, out=y64_np)),
                ("gelu_tanh forward f64", "actfn (Python)",
                 lambda: actfn.gelu(x64_np, approximate="tanh", out=y64_np)),
                ("softplus forward f64", "actfn (Python)",
                 lambda: actfn.softplus(x64_np, out=y64_np)),
                ("mish forward f64", "actfn (Python)", lambda: actfn.mish(x64_np, out=y64_np)),
                ("tanhshrink forward f64", "actfn (Python)",
                 lambda: actfn.tanhshrink(x64_np, out=y64_np)),
                ("squareplus forward f64", "actfn (Python)",
                 lambda: actfn.squareplus(x64_np, out=y64_np)),
                ("gelu forward f64", "actfn (Python)", lambda: actfn.gelu(x64_np, out=y64_np)),
                ("hardsigmoid forward f64", "actfn (Python)",
                 lambda: actfn.hardsigmoid(x64_np, out=y64_np)),
                ("hardswish forward f64", "actfn (Python)",
                 lambda: actfn.hardswish(x64_np, out=y64_np)),
            ]
        for op, implementation, run in cases:
            if only not in op:
                continue
            ns = median_ns_per_element(run, n)
            print(f"{label}\t{op}\t{implementation}\t{n}\t{ns:.5f}", flush=True)
        n *= 4


if __name__ == "__main__":
    main()
