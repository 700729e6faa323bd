# SPDX-License-Identifier: MIT
"""The per-call cost of actfn.torch's Python-level autograd Functions against the same
ops as a libtorch C++ extension (bench/torch_extension_ops.cpp: torch::autograd::Function
around actfn_forward / actfn_backward) and against torch's own relu and sigmoid: the
measurement behind the choice of Python-level Functions (bench/RESULTS.md). float32, one
thread, medians of 7 runs of many calls.

Needs libtorch-dev and pybind11-dev (not part of the project's set-up; the script says so
and exits 0 without them), the library built in build/ and the Python package built
(make python). Usage: OMP_NUM_THREADS=1 ACTFN_NUM_THREADS=1 /usr/bin/python3
bench/torch_extension_overhead.py"""
import os
import statistics
import sys
import tempfile
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.join(ROOT, "python"))

import torch  # noqa: E402
from torch.utils.cpp_extension import load  # noqa: E402

import actfn.torch as at  # noqa: E402


def per_call(f, x, backward, reps):
    samples = []
    for _ in range(7):
        start = time.perf_counter()
        for _ in range(reps):
            y = f(x)
            if backward:
                y.backward(torch.ones_like(y))
        samples.append((time.perf_counter() - start) / reps * 1e6)
    return statistics.median(samples)


def main():
    if not (os.path.exists("/usr/include/torch/extension.h")
            and os.path.exists("/usr/include/pybind11/pybind11.h")):
        print("torch_extension_overhead: needs libtorch-dev and pybind11-dev; skipped")
        return
    torch.set_num_threads(1)
    build = os.path.join(ROOT, "build")
    with tempfile.TemporaryDirectory() as directory:
        start = time.time()
        ext = load("actfn_extension_ops", [os.path.join(ROOT, "bench", "torch_extension_ops.cpp")],
                   extra_include_paths=[os.path.join(ROOT, "include")],
                   extra_ldflags=[f"-L{build}", "-lactfn", f"-Wl,-rpath,{build}"],
                   build_directory=directory)
        print(f"# the extension compiled in {time.time() - start:.1f} s")
        print("op\tpass\tn\ttorch us\tactfn.torch (Python Function) us\tC++ extension us")
        for n in (1024, 16384, 131072, 1048576):
            x = torch.randn(n)
            xg = x.clone().requires_grad_()
            reps = 2000 if n <= 16384 else 100
            for name, torch_f, python_f, cxx_f in (("relu", torch.relu, at.relu, ext.relu),
                                                   ("sigmoid", torch.sigmoid, at.sigmoid,
                                                    ext.sigmoid)):
                for backward in (False, True):
                    xi = xg if backward else x
                    times = [per_call(f, xi, backward, reps) for f in (torch_f, python_f, cxx_f)]
                    print(f"{name}\t{'forward+backward' if backward else 'forward'}\t{n}\t"
                          + "\t".join(f"{t:.2f}" for t in times), flush=True)


if __name__ == "__main__":
    main()
