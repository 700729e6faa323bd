# SPDX-License-Identifier: MIT
"""What bench/torch_mlp.py and bench/torch_cnn.py share: Fashion-MNIST's IDX files read
as the lab reads them, He initialisation with zero biases, and one epoch of Adam over
shuffled batches of 128 (timed)."""
import gzip
import os
import time

import numpy as np
import torch

DATA = os.environ.get("ACTFN_FASHION_MNIST", "/usr/share/datasets/fashion-mnist")


def idx(path, dims):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    sizes = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(sizes)


def load(part, flat):
    """images (n x 784 if flat, else n x 1 x 28 x 28, in [0, 1]) and labels of 'train' or
    't10k'"""
    x = idx(f"{DATA}/{part}-images-idx3-ubyte.gz", 3).astype(np.float32) / 255
    y = idx(f"{DATA}/{part}-labels-idx1-ubyte.gz", 1).astype(np.int64)
    x = torch.from_numpy(x)
    return (x.reshape(-1, 784) if flat else x.unsqueeze(1)), torch.from_numpy(y)


def he_initialised(net):
    """net with He-normal weights (relu's gain) and zero biases in its linear and conv layers"""
    for layer in net:
        if isinstance(layer, (torch.nn.Conv2d, torch.nn.Linear)):
            torch.nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
            torch.nn.init.zeros_(layer.bias)
    return net


def train_epoch(net, optimizer, xs, ys, batch=128):
    """one pass over (xs, ys) in a random order; returns its seconds"""
    loss_fn = torch.nn.CrossEntropyLoss()
    order = torch.randperm(len(xs))
    start = time.perf_counter()
    for i in range(0, len(xs), batch):
        rows = order[i:i + batch]
        optimizer.zero_grad()
        loss_fn(net(xs[rows]), ys[rows]).backward()
        optimizer.step()
    return time.perf_counter() - start
