#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""actfn's GPU ops against the device-to-device copy limit, PyTorch's CUDA ops and cuDNN's
activations, in one run on one GPU: f32, 1K-256M elements, forward and backward.

For each op and size: the median over trials of the time per call (CUDA events around a
batch of calls), and the ratios copy/actfn (the fraction of the copy limit actfn reaches:
1.0 = as fast as moving the op's bytes: a copy of x for a forward; for a backward, which
reads two arrays and writes one, 1.5 copies), torch/actfn and cudnn/actfn (>1: actfn
faster). torch's backwards are the aten kernels autograd calls (sigmoid_backward,
gelu_backward, ...), each allocating its result as autograd does.
Needs python3 with torch (CUDA), libactfn.so and libactfn_cuda.so (ACTFN_LIB: the
former's path; the latter is found beside it or by ACTFN_CUDA_LIBRARY).
usage: bench_cuda.py [--quick] [--forward | --backward] [OP ...] > table.md
"""
import ctypes
import glob
import os
import statistics
import sys

import torch
import torch.nn.functional as F

QUICK = "--quick" in sys.argv
DIRECTIONS = [d for d in ("forward", "backward") if f"--{d}" in sys.argv] or ["forward", "backward"]
ONLY = [a for a in sys.argv[1:] if not a.startswith("--")]
SIZES = [1 << k for k in range(10, 29, 2)]  # 1K, 4K, ..., 256M
if QUICK:
    SIZES = [1 << 10, 1 << 20, 1 << 24]

lib = ctypes.CDLL(os.environ.get("ACTFN_LIB", "libactfn.so"))


class Op(ctypes.Structure):
    """actfn_op, field for field as include/actfn.h declares it."""
    _fields_ = [("kind", ctypes.c_int)] + [
        (f, ctypes.c_double)
        for f in ("negative_slope", "cap", "min_val", "max_val", "alpha", "beta", "threshold",
                  "grad_at_zero", "value", "lambd", "b", "lower", "upper")
    ] + [("accuracy", ctypes.c_int)]


lib.actfn_op_from_name.argtypes = [ctypes.c_char_p, ctypes.POINTER(Op)]
lib.actfn_cuda_forward.argtypes = [ctypes.POINTER(Op), ctypes.c_int, ctypes.c_void_p,
                                   ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p]
lib.actfn_cuda_backward.argtypes = [ctypes.POINTER(Op), ctypes.c_int, ctypes.c_void_p,
                                    ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t,
                                    ctypes.c_void_p]
lib.actfn_cuda_available.restype = ctypes.c_int
lib.actfn_last_error.restype = ctypes.c_char_p
if lib.actfn_cuda_available() != 0:
    sys.exit("actfn: " + lib.actfn_last_error().decode())
F32, BF16 = 1, 4


def op_of(name):
    op = Op()
    if lib.actfn_op_from_name(name.encode(), ctypes.byref(op)) != 0:
        raise SystemExit(name + ": " + lib.actfn_last_error().decode())
    return op


# cuDNN's legacy activation API, where the library is found (torch ships it)
cudnn = None
for path in glob.glob(os.path.join(os.path.dirname(torch.__file__), "..", "nvidia", "cudnn", "lib",
                                   "libcudnn.so.*")) + ["libcudnn.so.9", "libcudnn.so"]:
    try:
        cudnn = ctypes.CDLL(path)
        break
    except OSError:
        continue
CUDNN_MODES = {"sigmoid": 0, "relu": 1, "tanh": 2, "relu6": 3, "elu": 4, "silu": 6}


def cudnn_call(name, x, y):
    """A function running cuDNN's activation on x into y, or None."""
    if cudnn is None or name not in CUDNN_MODES:
        return None
    handle, xd, ad = ctypes.c_void_p(), ctypes.c_void_p(), ctypes.c_void_p()
    if cudnn.cudnnCreate(ctypes.byref(handle)) != 0:
        return None
    cudnn.cudnnSetStream(handle, ctypes.c_void_p(torch.cuda.current_stream().cuda_stream))
    cudnn.cudnnCreateTensorDescriptor(ctypes.byref(xd))
    n = x.numel()
    w = 1024 if n >= 1024 else n
    # NCHW, float: n / w rows of w
    cudnn.cudnnSetTensor4dDescriptor(xd, 0, 0, n // w, 1, 1, w)
    cudnn.cudnnCreateActivationDescriptor(ctypes.byref(ad))
    coef = {"relu6": 6.0, "elu": 1.0, "silu": 1.0}.get(name, 0.0)
    cudnn.cudnnSetActivationDescriptor(ad, CUDNN_MODES[name], 1, ctypes.c_double(coef))
    alpha, beta = ctypes.c_float(1.0), ctypes.c_float(0.0)
    xp, yp = ctypes.c_void_p(x.data_ptr()), ctypes.c_void_p(y.data_ptr())

    def run():
        status = cudnn.cudnnActivationForward(handle, ad, ctypes.byref(alpha), xd, xp,
                                              ctypes.byref(beta), xd, yp)
        if status != 0:
            raise RuntimeError(f"cudnnActivationForward: status {status}")

    try:
        run()
        torch.cuda.synchronize()
    except RuntimeError:
        return None
    return run


TORCH = {
    "relu": lambda x, y: torch.relu(x, out=y) if False else torch.clamp_min(x, 0, out=y),
    "leaky_relu": lambda x, y: torch._C._nn.leaky_relu(x, 0.01, out=y),
    "relu6": lambda x, y: torch._C._nn.hardtanh(x, 0.0, 6.0, out=y),
    "hardtanh": lambda x, y: torch._C._nn.hardtanh(x, -1.0, 1.0, out=y),
    "elu": lambda x, y: torch._C._nn.elu(x, 1.0, 1, 1, out=y),
    "selu": lambda x, y: y.copy_(F.selu(x)) if False else torch._C._nn.elu(
        x, 1.6732632423543772, 1.0507009873554805, 1, out=y),
    "celu": lambda x, y: torch._C._nn.elu(x, 1.0, 1, 1, out=y),
    "gelu": lambda x, y: torch._C._nn.gelu(x, out=y),
    "gelu_tanh": lambda x, y: torch._C._nn.gelu(x, approximate="tanh", out=y),
    "silu": lambda x, y: torch._C._nn.silu(x, out=y),
    "mish": lambda x, y: torch._C._nn.mish(x, out=y),
    "softplus": lambda x, y: torch._C._nn.softplus(x, 1, 20, out=y),
    "sigmoid": lambda x, y: torch.sigmoid(x, out=y),
    "tanh": lambda x, y: torch.tanh(x, out=y),
    "hardsigmoid": lambda x, y: torch._C._nn.hardsigmoid(x, out=y),
    "hardswish": lambda x, y: torch._C._nn.hardswish(x, out=y),
    "softsign": lambda x, y: y.copy_(F.softsign(x)),  # torch composes it: x / (1 + |x|)
    "logsigmoid": lambda x, y: torch._C._nn.log_sigmoid(x, out=y),
    "tanhshrink": lambda x, y: y.copy_(F.tanhshrink(x)),  # x - tanh(x), composed
    "hardshrink": lambda x, y: torch.hardshrink(x, 0.5, out=y),
    "softshrink": lambda x, y: torch._C._nn.softshrink(x, 0.5, out=y),
    "threshold": lambda x, y: torch.threshold(x, 0.0, 0.0, out=y),
}

aten = torch.ops.aten
# the aten backward autograd runs for each op, (dy, x, y) -> dx
TORCH_BACKWARD = {
    "relu": lambda g, x, y: aten.threshold_backward(g, y, 0.0),
    "leaky_relu": lambda g, x, y: aten.leaky_relu_backward(g, x, 0.01, False),
    "relu6": lambda g, x, y: aten.hardtanh_backward(g, x, 0.0, 6.0),
    "hardtanh": lambda g, x, y: aten.hardtanh_backward(g, x, -1.0, 1.0),
    "elu": lambda g, x, y: aten.elu_backward(g, 1.0, 1, 1, False, x),
    "selu": lambda g, x, y: aten.elu_backward(g, 1.6732632423543772, 1.0507009873554805, 1,
                                              False, x),
    "celu": lambda g, x, y: aten.elu_backward(g, 1.0, 1, 1, False, x),
    "gelu": lambda g, x, y: aten.gelu_backward(g, x),
    "gelu_tanh": lambda g, x, y: aten.gelu_backward(g, x, approximate="tanh"),
    "silu": lambda g, x, y: aten.silu_backward(g, x),
    "mish": lambda g, x, y: aten.mish_backward(g, x),
    "softplus": lambda g, x, y: aten.softplus_backward(g, x, 1, 20),
    "sigmoid": lambda g, x, y: aten.sigmoid_backward(g, y),
    "tanh": lambda g, x, y: aten.tanh_backward(g, y),
    "hardsigmoid": lambda g, x, y: aten.hardsigmoid_backward(g, x),
    "hardswish": lambda g, x, y: aten.hardswish_backward(g, x),
    "logsigmoid": lambda g, x, y: aten.log_sigmoid_backward(g, x, torch.empty(0, device="cuda")),
    "hardshrink": lambda g, x, y: aten.hardshrink_backward(g, x, 0.5),
    "softshrink": lambda g, x, y: aten.softshrink_backward(g, x, 0.5),
    "threshold": lambda g, x, y: aten.threshold_backward(g, x, 0.0),
}


def median_time(run, n):
    """Seconds per call: median of 7 trials, each a batch of calls between events."""
    calls = max(3, min(500, (1 << 26) // max(n, 1)))
    run()
    torch.cuda.synchronize()
    times = []
    for _ in range(7):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(calls):
            run()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end) / 1e3 / calls)
    return statistics.median(times)


def main():
    props = torch.cuda.get_device_properties(0)
    stream = ctypes.c_void_p(torch.cuda.current_stream().cuda_stream)
    print(f"# actfn on {props.name} ({props.multi_processor_count} SMs), torch {torch.__version__},"
          f" cuDNN {torch.backends.cudnn.version() if cudnn else 'not found'}; f32, one stream\n")
    print("ratios: copy = copy time / actfn time (1.0: at the copy limit); torch, cudnn = their"
          " time / actfn time (>1: actfn faster); GB/s = actfn's bytes read + written / time\n")
    print("| op | direction | n | actfn GB/s | vs copy | vs torch | vs cuDNN |")
    print("|---|---|---|---|---|---|---|")
    big = torch.randn(SIZES[-1], device="cuda")
    grad = torch.randn(SIZES[-1], device="cuda")
    out = torch.empty_like(big)
    for direction in DIRECTIONS:
        table = TORCH if direction == "forward" else TORCH_BACKWARD
        for name, torch_run in table.items():
            if ONLY and name not in ONLY:
                continue
            op = op_of(name)
            try:
                bench_op(name, op, direction, torch_run, big, grad, out, stream)
            except (RuntimeError, TypeError) as e:  # a peer's call this torch lacks
                print(f"| {name} | {direction} | failed: {str(e).splitlines()[0]} |", flush=True)


def bench_op(name, op, direction, torch_run, big, grad, out, stream):
    """One table row per size for op in direction."""
    for n in SIZES:
        x, g, y = big[:n], grad[:n], out[:n]
        xp, gp, yp = (ctypes.c_void_p(t.data_ptr()) for t in (x, g, y))
        if direction == "forward":
            def actfn_run():
                if lib.actfn_cuda_forward(ctypes.byref(op), F32, xp, yp, n, stream):
                    raise RuntimeError(lib.actfn_last_error().decode())
            t_copy = median_time(lambda: y.copy_(x), n)
            t_torch = median_time(lambda: torch_run(x, y), n)
            c = cudnn_call(name, x, y)
            moved = 8 * n
        else:
            def actfn_run():
                if lib.actfn_cuda_backward(ctypes.byref(op), F32, xp, gp, yp, n, stream):
                    raise RuntimeError(lib.actfn_last_error().decode())
            fx = torch.empty_like(x)
            TORCH[name](x, fx)
            t_copy = 1.5 * median_time(lambda: y.copy_(x), n)
            t_torch = median_time(lambda: torch_run(g, x, fx), n)
            c = None
            moved = 12 * n
        t_actfn = median_time(actfn_run, n)
        t_cudnn = median_time(c, n) if c else None
        cudnn_ratio = f"{t_cudnn / t_actfn:.2f}" if t_cudnn else "-"
        print(f"| {name} | {direction} | {n} | {moved / t_actfn / 1e9:.0f} |"
              f" {t_copy / t_actfn:.2f} | {t_torch / t_actfn:.2f} | {cudnn_ratio} |",
              flush=True)

main()
