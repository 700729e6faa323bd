#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The cost of a call through actfn.torch (a Python-level torch.autograd.Function over the
C library) against torch's own op, forward alone (no grad) and forward + backward, float32,
1K-1M elements, one thread: the median of 200 calls (20 at 1M) after 20, as ratios in one
run (torch's time / actfn's: > 1, actfn faster) and actfn's fixed cost per call (its time
at 1K minus 1K elements at its 1M rate).

usage: OMP_NUM_THREADS=1 ACTFN_NUM_THREADS=1 /usr/bin/python3 bench/torch_calls.py
"""
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import actfn.torch as at  # noqa: E402

F = torch.nn.functional
PAIRS = [("relu", at.relu, F.relu), ("sigmoid", at.sigmoid, torch.sigmoid),
         ("gelu", at.gelu, F.gelu), ("silu", at.silu, F.silu)]
SIZES = [1 << 10, 1 << 14, 1 << 17, 1 << 20]


def median_seconds(run, n):
    calls = 20 if n >= 1 << 20 else 200
    for _ in range(20):
        run()
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, one thread, float32; ratio = torch's time / actfn's\n")
    print("| op | n | forward: actfn us | torch us | ratio | fwd+bwd: actfn us | torch us | "
          "ratio |")
    print("|---|---|---|---|---|---|---|---|")
    for name, ours, theirs in PAIRS:
        fixed = {}
        for n in SIZES:
            x = torch.randn(n)
            xg = x.clone().requires_grad_()
            dy = torch.randn(n)
            with torch.no_grad():
                f_ours = median_seconds(lambda: ours(x), n)
                f_theirs = median_seconds(lambda: theirs(x), n)
            b_ours = median_seconds(lambda: torch.autograd.grad(ours(xg), xg, dy), n)
            b_theirs = median_seconds(lambda: torch.autograd.grad(theirs(xg), xg, dy), n)
            fixed[n] = f_ours
            print(f"| {name} | {n} | {1e6 * f_ours:.1f} | {1e6 * f_theirs:.1f} | "
                  f"{f_theirs / f_ours:.2f} | {1e6 * b_ours:.1f} | {1e6 * b_theirs:.1f} | "
                  f"{b_theirs / b_ours:.2f} |", flush=True)
        per_element = fixed[SIZES[-1]] / SIZES[-1]
        print(f"| {name} | fixed cost per forward call | "
              f"{1e6 * (fixed[SIZES[0]] - per_element * SIZES[0]):.1f} us | | | | | |")


if __name__ == "__main__":
    main()
