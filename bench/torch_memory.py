#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Saved activation memory and step time of a real training step in PyTorch: the lab's
784-256-128-10 relu MLP (bench/torch_mlp.py's, and a wider 784-1024-1024-10 one) on
Fashion-MNIST (and the wider one with dropout 0.1 after each activation, where nothing
after the relu keeps its output), Adam, batches of 128 and 1024, with each activation
module in turn:
torch.nn.ReLU, actfn.torch.ReLU, actfn.torch.MaskReLU (the 1-bit mask) and torch.nn.ReLU
with inplace=True. Saved bytes are what autograd's graph keeps for the backward
(torch.autograd.graph.saved_tensors_hooks, all tensors, the activations' and the linear
layers', each storage once), per step; the activations' share is the difference against the same network
whose activation saves nothing extra. Step time: the median of 30 steps after 5, one
process, torch's threads as set (OMP_NUM_THREADS). Test accuracy after one epoch shows the
runs train the same.

usage: /usr/bin/python3 bench/torch_memory.py [--epochs N] > table.md
"""
import argparse
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from torch_mlp import load  # noqa: E402  the same data files as the lab

import actfn.torch as at  # noqa: E402

ACTIVATIONS = {
    "torch.nn.ReLU": lambda: torch.nn.ReLU(),
    "torch.nn.ReLU(inplace)": lambda: torch.nn.ReLU(inplace=True),
    "actfn.torch.ReLU": lambda: at.ReLU(),
    "actfn.torch.MaskReLU": lambda: at.MaskReLU(),
}


def network(widths, activation, dropout=0.0):
    layers = []
    for i, (a, b) in enumerate(zip(widths, widths[1:])):
        layers.append(torch.nn.Linear(a, b))
        if i < len(widths) - 2:
            layers.append(activation())
            if dropout:
                layers.append(torch.nn.Dropout(dropout))
    net = torch.nn.Sequential(*layers)
    for layer in net:
        if isinstance(layer, torch.nn.Linear):
            torch.nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
            torch.nn.init.zeros_(layer.bias)
    return net


def saved_bytes(net, x, y, loss_fn):
    """The memory autograd's graph keeps for one step: every saved tensor's storage, each
    counted once (a relu's output that the next layer saves too is one buffer)."""
    storages = {}

    def pack(t):
        storage = t.storage()
        storages[storage.data_ptr()] = storage.nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        loss = loss_fn(net(x), y)
    loss.backward()
    return sum(storages.values())


def step_time(net, xs, ys, batch, loss_fn):
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    times = []
    for i in range(35):
        rows = slice((i * batch) % (len(xs) - batch), (i * batch) % (len(xs) - batch) + batch)
        start = time.perf_counter()
        opt.zero_grad()
        loss_fn(net(xs[rows]), ys[rows]).backward()
        opt.step()
        if i >= 5:
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def epoch_accuracy(net, xs, ys, xt, yt, epochs, loss_fn):
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    for _ in range(epochs):
        order = torch.randperm(len(xs))
        for i in range(0, len(xs), 128):
            b = order[i:i + 128]
            opt.zero_grad()
            loss_fn(net(xs[b]), ys[b]).backward()
            opt.step()
    with torch.no_grad():
        return (net(xt).argmax(1) == yt).float().mean().item()


def ratio(a, b):
    return f"{a / b:.3f}" if b else ("0 (both)" if a == 0 else "- (torch's 0)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=1)
    args = parser.parse_args()
    xs, ys = load("train")
    xt, yt = load("t10k")
    loss_fn = torch.nn.CrossEntropyLoss()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, Fashion-MNIST; saved = "
          f"bytes autograd keeps per step; activations' share = saved minus the same net with "
          f"torch.nn.Identity; time = median step (ratio: torch.nn.ReLU's time / this one's)\n")
    print("| net | batch | activation | saved MB | activations' MB | vs torch.nn.ReLU | "
          "step ms | speed vs torch.nn.ReLU |")
    print("|---|---|---|---|---|---|---|---|")
    for widths, dropout in (([784, 256, 128, 10], 0.0), ([784, 1024, 1024, 10], 0.0),
                            ([784, 1024, 1024, 10], 0.1)):
        for batch in (128, 1024):
            torch.manual_seed(1)
            x, y = xs[:batch].clone(), ys[:batch]  # its own storage, not the data set's
            base = saved_bytes(network(widths, torch.nn.Identity, dropout), x, y, loss_fn)
            reference = None
            for name, make in ACTIVATIONS.items():
                torch.manual_seed(1)
                net = network(widths, make, dropout)
                saved = saved_bytes(net, x, y, loss_fn)
                seconds = step_time(net, xs, ys, batch, loss_fn)
                share = saved - base
                if reference is None:
                    reference = (share, seconds)
                label = "-".join(map(str, widths)) + (f" dropout {dropout}" if dropout else "")
                print(f"| {label} | {batch} | {name} | {saved / 1e6:.3f} | "
                      f"{share / 1e6:.3f} | {ratio(share, reference[0])} | {1e3 * seconds:.2f} | "
                      f"{reference[1] / seconds:.2f} |", flush=True)
    print()
    for name, make in ACTIVATIONS.items():
        torch.manual_seed(1)
        accuracy = epoch_accuracy(network([784, 256, 128, 10], make), xs, ys, xt, yt,
                                  args.epochs, loss_fn)
        print(f"{name}: test accuracy after {args.epochs} epoch(s) {100 * accuracy:.2f} %")


if __name__ == "__main__":
    main()
