#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The lab's relu network in PyTorch, beside the lab's own run: the same 784-256-128-10
MLP (He initialisation, zero biases), the same Fashion-MNIST files (the first 50,000
training images, as the lab: the last 10,000 are its validation set), Adam (lr 1e-3),
batches of 128, the same number of epochs; prints the seconds per epoch and the test
accuracy of both.

usage: /usr/bin/python3 bench/torch_mlp.py [--epochs N] [--actfn build/tools/actfn]
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile

import torch

from fashion_torch import he_initialised, load, train_epoch


def torch_run(epochs, seed):
    torch.manual_seed(seed)
    torch.set_num_threads(os.cpu_count())
    xs, ys = load("train", flat=True)
    xs, ys = xs[:50000], ys[:50000]
    xt, yt = load("t10k", flat=True)
    net = he_initialised(torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(),
                                             torch.nn.Linear(256, 128), torch.nn.ReLU(),
                                             torch.nn.Linear(128, 10)))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    rows = []
    for epoch in range(epochs):
        seconds = train_epoch(net, opt, xs, ys)
        with torch.no_grad():
            accuracy = (net(xt).argmax(1) == yt).float().mean().item()
        rows.append((seconds, accuracy))
        print(f"pytorch epoch {epoch + 1}: {seconds:.2f} s, test {100 * accuracy:.2f} %",
              file=sys.stderr)
    return rows


def actfn_run(actfn, epochs, seed):
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([actfn, "lab", "relu", "--epochs", str(epochs), "--seed", str(seed),
                        "--out", out], check=True, stdout=subprocess.DEVNULL)
        with open(f"{out}/relu/results.csv") as f:
            return [(float(r["seconds"]), float(r["test_accuracy"])) for r in csv.DictReader(f)
                    if r["stage"] == "final"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--actfn", default="build/tools/actfn")
    args = parser.parse_args()
    mine = actfn_run(args.actfn, args.epochs, args.seed)
    theirs = torch_run(args.epochs, args.seed)
    median = lambda rows: sorted(r[0] for r in rows)[len(rows) // 2]
    print(f"784-256-128-10 relu MLP, Adam 1e-3, batch 128, {args.epochs} epochs, "
          f"{os.cpu_count()} threads")
    print(f"{'':10} {'s/epoch (median)':>18} {'test accuracy (last)':>22}")
    print(f"{'actfn lab':10} {median(mine):18.2f} {100 * mine[-1][1]:21.2f}%")
    print(f"{'pytorch':10} {median(theirs):18.2f} {100 * theirs[-1][1]:21.2f}%")
    print(f"actfn lab epoch time / pytorch's: {median(mine) / median(theirs):.2f}; "
          f"accuracy difference: {100 * (mine[-1][1] - theirs[-1][1]):+.2f} points")


if __name__ == "__main__":
    main()
