# SPDX-License-Identifier: MIT
"""actfn inside PyTorch: autograd functions and nn.Modules for every op.

``actfn.torch.relu(input, inplace=False)``, ``actfn.torch.gelu(input, approximate='none')``,
... with torch.nn.functional's names and arguments, and the modules ``actfn.torch.ReLU()``,
``LeakyReLU(negative_slope=0.01, inplace=False)``, ``GELU(approximate='none')``, ... with
torch.nn's. They run actfn's C kernels on the tensor's own memory (no copy for a
contiguous tensor; a non-contiguous one is made contiguous first) for float32, float64,
float16 and bfloat16 tensors, on the CPU, and on a GPU where libactfn_cuda.so and a device
are there (docs/gpu.md), with actfn's semantics: NaN, signed zeros, the derivative at the
kinks, within 1 ULP (``accuracy='fast'`` takes the fast tier).

Saved memory: the piecewise ops (relu, leaky_relu with a positive slope, relu6, hardtanh,
...) keep their output for the backward (actfn_backward_from_output), which the next layer
keeps anyway, as torch's own relu does, and not the input; ``inplace=True`` overwrites the
input, and keeps the output where the op's derivative follows from it (sigmoid, tanh, elu,
...), a copy of the input elsewhere. ``MaskReLU``, ``MaskLeakyReLU`` and ``MaskReLU6``
keep a 1-bit mask of where the derivative is 1 instead: 1/32 of a float32 tensor, a saving
where nothing after the activation keeps its output (a dropout, a residual sum:
bench/torch_memory.py measures it).

Each backward is once differentiable: differentiating it again raises torch's error for
``once_differentiable`` functions.
"""
import torch as _torch

from . import _actfn
from . import _rows_cols as _shape_rows_cols  # the NumPy face's: rows x cols of a shape

__all__ = []

_DTYPES = {_torch.float32: "float32", _torch.float64: "float64", _torch.float16: "float16",
           _torch.bfloat16: "bfloat16"}


def _dtype_name(tensor, name="input"):
    try:
        return _DTYPES[tensor.dtype]
    except KeyError:
        raise TypeError(f"actfn.torch: {name} must be float32, float64, float16 or bfloat16, "
                        f"not {tensor.dtype}") from None


def _call(call, op, params, x, a, out, rows=None, cols=None, b=None, c=None):
    """One C call (the extension's pointer_call) on x (and a, b, c) into out, all
    contiguous, on x's device."""
    cuda = x.is_cuda
    stream = _torch.cuda.current_stream(x.device).cuda_stream if cuda else 0
    if rows is None:
        rows, cols = 1, out.numel()
    pointers = [0 if t is None else t.data_ptr() for t in (a, out, b, c)]
    _actfn.pointer_call(call, op, _dtype_name(out), cuda, stream, rows, cols, x.data_ptr(),
                        *pointers, **params)


def _contiguous(tensor, name):
    if not isinstance(tensor, _torch.Tensor):
        raise TypeError(f"actfn.torch: {name} must be a tensor, not {type(tensor).__name__}")
    _dtype_name(tensor, name)
    return tensor.contiguous()


# The ops whose backward the C library can take from the output (actfn_op_describe's
# backward_from_output), asked of the library once per op and parameters.
_from_output = {}


def _serves_output(op, params, dtype):
    key = (op, tuple(sorted(params.items())), dtype)
    if key not in _from_output:
        probe = _torch.zeros(1, dtype=_torch.float64)
        try:
            _call("backward_from_output", op, params, probe, probe, _torch.empty_like(probe))
            _from_output[key] = True
        except ValueError:
            _from_output[key] = False
    return _from_output[key]


_PIECEWISE = {"relu", "leaky_relu", "relu6", "clipped_relu", "hardtanh", "hardshrink",
              "softshrink", "threshold", "rrelu", "identity"}


class _Activation(_torch.autograd.Function):
    """y = f(x) by actfn, op and params given with the input; in place if asked."""

    @staticmethod
    def forward(ctx, x, op, params, inplace):
        source = _contiguous(x, "input")
        in_place = inplace and source.data_ptr() == x.data_ptr()
        # the output where f' follows from it cheaply (the piecewise ops, as torch's relu
        # saves its result: the next layer keeps y anyway, and x can go), or where y
        # overwrites x; the smooth ops' SIMD backwards take x (from y: the reference, 3x)
        from_output = (in_place or op in _PIECEWISE) and _serves_output(op, params,
                                                                        _DTYPES[x.dtype])
        if inplace and not in_place:
            raise ValueError("actfn.torch: inplace=True needs a contiguous input")
        if inplace and not from_output:
            saved = source.clone()  # the derivative needs x, which y overwrites
        else:
            saved = None
        y = source if in_place else _torch.empty_like(source)
        _call("forward", op, params, source, None, y)
        if in_place:
            ctx.mark_dirty(x)
        ctx.op, ctx.params, ctx.from_output = op, params, from_output
        ctx.save_for_backward(y if from_output else (saved if saved is not None else source))
        return x if in_place else y

    @staticmethod
    @_torch.autograd.function.once_differentiable
    def backward(ctx, dy):
        (v,) = ctx.saved_tensors
        dy = dy.contiguous()
        dx = _torch.empty_like(dy)
        _call("backward_from_output" if ctx.from_output else "backward", ctx.op, ctx.params, v,
              dy, dx)
        return dx, None, None, None


def _rows_cols(x):
    """x as rows of its last dimension (the layer ops' batch; a mask row starts a byte)."""
    return _shape_rows_cols(tuple(x.shape))


class _MaskActivation(_torch.autograd.Function):
    """relu / leaky_relu / relu6 saving the 1-bit mask of f'(x) = 1 instead of x."""

    @staticmethod
    def forward(ctx, x, op, params, inplace):
        source = _contiguous(x, "input")
        rows, cols = _rows_cols(source)
        mask = _torch.empty(rows * _actfn.mask_row_bytes(cols), dtype=_torch.uint8,
                            device=source.device)
        in_place = inplace and source.data_ptr() == x.data_ptr()
        y = source if in_place else _torch.empty_like(source)
        _call("mask_forward", op, params, source, mask, y, rows, cols)
        if in_place:
            ctx.mark_dirty(x)
        ctx.op, ctx.params, ctx.shape = op, params, (rows, cols)
        ctx.save_for_backward(mask)
        return x if in_place else y

    @staticmethod
    @_torch.autograd.function.once_differentiable
    def backward(ctx, dy):
        (mask,) = ctx.saved_tensors
        dy = dy.contiguous()
        dx = _torch.empty_like(dy)
        rows, cols = ctx.shape
        _call("mask_backward", ctx.op, ctx.params, mask, dy, dx, rows, cols)
        return dx, None, None, None


class _PReLU(_torch.autograd.Function):
    """PReLU with a slope per feature of the last axis (2-D input: torch's channels)."""

    @staticmethod
    def forward(ctx, x, weight):
        source = _contiguous(x, "input")
        rows, cols = _rows_cols(source)
        slopes = weight.to(source.dtype).expand(cols).contiguous()
        y = _torch.empty_like(source)
        _call("prelu_forward", "relu", {}, source, slopes, y, rows, cols)
        ctx.save_for_backward(source, slopes)
        ctx.shared = weight.numel() == 1
        ctx.weight_dtype = weight.dtype
        return y

    @staticmethod
    @_torch.autograd.function.once_differentiable
    def backward(ctx, dy):
        source, slopes = ctx.saved_tensors
        dy = dy.contiguous()
        rows, cols = _rows_cols(source)
        dx, dslopes = _torch.empty_like(dy), _torch.empty_like(slopes)
        _call("prelu_backward", "relu", {}, source, slopes, dx, rows, cols, dy, dslopes)
        dweight = dslopes.sum().reshape(1) if ctx.shared else dslopes
        return dx, dweight.to(ctx.weight_dtype)


def prelu(input, weight):
    """torch.nn.functional.prelu: one shared slope (weight of one element), or one per
    channel, the input's dimension 1 ((N, C), (N, C, L), (N, C, H, W), ...). The C kernels
    take the channels as the last axis: other layouts pass through a channels-last copy."""
    if weight.numel() == 1 or input.dim() == 2:
        if weight.numel() != 1 and weight.numel() != input.shape[1]:
            raise ValueError(f"actfn.torch.prelu: {weight.numel()} slopes for "
                             f"{input.shape[1]} channels")
        return _PReLU.apply(input, weight)
    if input.dim() < 2 or weight.numel() != input.shape[1]:
        raise ValueError(f"actfn.torch.prelu: {weight.numel()} slopes for an input of shape "
                         f"{tuple(input.shape)} (channels are dimension 1)")
    return _PReLU.apply(input.movedim(1, -1), weight).movedim(-1, 1)


class PReLU(_torch.nn.Module):
    """torch.nn.PReLU(num_parameters=1, init=0.25): a learnt slope, shared or one per
    channel (the input's dimension 1)."""

    def __init__(self, num_parameters=1, init=0.25):
        super().__init__()
        self.num_parameters = num_parameters
        self.weight = _torch.nn.Parameter(_torch.full((num_parameters,), float(init)))

    def forward(self, input):
        return prelu(input, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"


def _apply(op, input, params, inplace=False, accuracy="accurate"):
    if accuracy != "accurate":
        params = dict(params, accuracy=accuracy)
    return _Activation.apply(input, op, params, inplace)


# ---- the functional face: torch.nn.functional's names and arguments ----

def relu(input, inplace=False):
    return _apply("relu", input, {}, inplace)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    return _apply("leaky_relu", input, {"negative_slope": negative_slope}, inplace)


def relu6(input, inplace=False):
    return _apply("relu6", input, {}, inplace)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    return _apply("hardtanh", input, {"min_val": min_val, "max_val": max_val}, inplace)


def elu(input, alpha=1.0, inplace=False, accuracy="accurate"):
    return _apply("elu", input, {"alpha": alpha}, inplace, accuracy)


def selu(input, inplace=False, accuracy="accurate"):
    return _apply("selu", input, {}, inplace, accuracy)


def celu(input, alpha=1.0, inplace=False, accuracy="accurate"):
    return _apply("celu", input, {"alpha": alpha}, inplace, accuracy)


def gelu(input, approximate="none", accuracy="accurate"):
    if approximate not in ("none", "tanh"):
        raise ValueError(f"actfn.torch.gelu: approximate must be 'none' or 'tanh', "
                         f"not {approximate!r}")
    return _apply("gelu" if approximate == "none" else "gelu_tanh", input, {}, False, accuracy)


def silu(input, inplace=False, accuracy="accurate"):
    return _apply("silu", input, {}, inplace, accuracy)


def mish(input, inplace=False, accuracy="accurate"):
    return _apply("mish", input, {}, inplace, accuracy)


def softplus(input, beta=1.0, threshold=20.0, accuracy="accurate"):
    return _apply("softplus", input, {"beta": beta, "threshold": threshold}, False, accuracy)


def sigmoid(input, accuracy="accurate"):
    return _apply("sigmoid", input, {}, False, accuracy)


def tanh(input, accuracy="accurate"):
    return _apply("tanh", input, {}, False, accuracy)


def hardsigmoid(input, inplace=False):
    return _apply("hardsigmoid", input, {}, inplace)


def hardswish(input, inplace=False, accuracy="accurate"):
    return _apply("hardswish", input, {}, inplace, accuracy)


def softsign(input):
    return _apply("softsign", input, {})


def logsigmoid(input, accuracy="accurate"):
    return _apply("logsigmoid", input, {}, False, accuracy)


def hardshrink(input, lambd=0.5):
    return _apply("hardshrink", input, {"lambd": lambd})


def softshrink(input, lambd=0.5):
    return _apply("softshrink", input, {"lambd": lambd})


def tanhshrink(input):
    return _apply("tanhshrink", input, {})


def threshold(input, threshold, value, inplace=False):
    return _apply("threshold", input, {"threshold": threshold, "value": value}, inplace)


class _RReLUTrain(_torch.autograd.Function):
    """rrelu's training mode: slope i uniform in [lower, upper], drawn from (seed, i) by the
    C library (actfn_rrelu_train_*), the seed from torch's generator, so that
    torch.manual_seed makes a run repeat; the backward regenerates the slopes from the seed
    instead of saving them. CPU tensors of float16, float32 and float64."""

    @staticmethod
    def forward(ctx, x, lower, upper):
        if x.is_cuda or x.dtype == _torch.bfloat16:
            raise NotImplementedError("actfn.torch.rrelu: training mode runs on CPU float16, "
                                      "float32 and float64 tensors")
        source = _contiguous(x, "input")
        seed = int(_torch.randint(0, 2 ** 62, (1,)).item())
        y = _torch.from_numpy(_actfn.rrelu_train_forward(source.detach().numpy(), seed, 0,
                                                         lower, upper))
        ctx.seed, ctx.lower, ctx.upper = seed, lower, upper
        ctx.save_for_backward(source)
        return y

    @staticmethod
    @_torch.autograd.function.once_differentiable
    def backward(ctx, dy):
        (source,) = ctx.saved_tensors
        dx = _actfn.rrelu_train_backward(source.numpy(), dy.contiguous().numpy(), ctx.seed, 0,
                                         ctx.lower, ctx.upper)
        return _torch.from_numpy(dx), None, None


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Randomized leaky ReLU, as torch.nn.functional.rrelu: in eval mode leaky_relu with
    slope (lower + upper) / 2; with training=True a random slope per element (CPU)."""
    if training:
        y = _RReLUTrain.apply(input, float(lower), float(upper))
        return input.copy_(y) if inplace else y
    return _apply("rrelu", input, {"lower": lower, "upper": upper}, inplace)


def squared_relu(input):
    """relu(x)^2 (Primer's activation; not in torch.nn)."""
    return _apply("squared_relu", input, {})


def squareplus(input, b=4.0):
    """(x + sqrt(x^2 + b)) / 2 (not in torch.nn)."""
    return _apply("squareplus", input, {"b": b})


def mask_relu(input, inplace=False):
    """relu saving a 1-bit mask for its backward instead of the input."""
    return _MaskActivation.apply(input, "relu", {}, inplace)


def mask_leaky_relu(input, negative_slope=0.01, inplace=False):
    return _MaskActivation.apply(input, "leaky_relu", {"negative_slope": negative_slope}, inplace)


def mask_relu6(input, inplace=False):
    return _MaskActivation.apply(input, "relu6", {}, inplace)


_FUNCTIONS = ["relu", "leaky_relu", "relu6", "hardtanh", "elu", "selu", "celu", "gelu", "silu",
              "mish", "softplus", "sigmoid", "tanh", "hardsigmoid", "hardswish", "softsign",
              "logsigmoid", "hardshrink", "softshrink", "tanhshrink", "threshold", "rrelu",
              "squared_relu", "squareplus", "mask_relu", "mask_leaky_relu", "mask_relu6",
              "prelu", "PReLU"]
__all__ += _FUNCTIONS


# ---- the modules: torch.nn's names and constructor arguments ----

def _module(name, function, arguments, doc):
    """An nn.Module class calling function(input, **its arguments)."""

    def __init__(self, *args, **kwargs):
        _torch.nn.Module.__init__(self)
        if len(args) > len(arguments):
            raise TypeError(f"actfn.torch.{name}() takes at most {len(arguments)} arguments")
        values = dict(arguments)
        for key, value in zip(list(values), args):
            values[key] = value
        for key, value in kwargs.items():
            if key not in values:
                raise TypeError(f"actfn.torch.{name}() has no argument '{key}'")
            values[key] = value
        missing = [key for key, value in values.items() if value is None]
        if missing:
            raise TypeError(f"actfn.torch.{name}() needs {', '.join(missing)}")
        self.arguments = values

    def forward(self, input):
        return function(input, **self.arguments)

    def extra_repr(self):
        return ", ".join(f"{k}={v!r}" for k, v in self.arguments.items())

    cls = type(name, (_torch.nn.Module,), {"__init__": __init__, "forward": forward,
                                          "extra_repr": extra_repr, "__doc__": doc})
    cls.__module__ = __name__
    return cls


_MODULES = [
    ("ReLU", relu, [("inplace", False)]),
    ("LeakyReLU", leaky_relu, [("negative_slope", 0.01), ("inplace", False)]),
    ("ReLU6", relu6, [("inplace", False)]),
    ("Hardtanh", hardtanh, [("min_val", -1.0), ("max_val", 1.0), ("inplace", False)]),
    ("ELU", elu, [("alpha", 1.0), ("inplace", False), ("accuracy", "accurate")]),
    ("SELU", selu, [("inplace", False), ("accuracy", "accurate")]),
    ("CELU", celu, [("alpha", 1.0), ("inplace", False), ("accuracy", "accurate")]),
    ("GELU", gelu, [("approximate", "none"), ("accuracy", "accurate")]),
    ("SiLU", silu, [("inplace", False), ("accuracy", "accurate")]),
    ("Mish", mish, [("inplace", False), ("accuracy", "accurate")]),
    ("Softplus", softplus, [("beta", 1.0), ("threshold", 20.0), ("accuracy", "accurate")]),
    ("Sigmoid", sigmoid, [("accuracy", "accurate")]),
    ("Tanh", tanh, [("accuracy", "accurate")]),
    ("Hardsigmoid", hardsigmoid, [("inplace", False)]),
    ("Hardswish", hardswish, [("inplace", False), ("accuracy", "accurate")]),
    ("Softsign", softsign, []),
    ("LogSigmoid", logsigmoid, [("accuracy", "accurate")]),
    ("Hardshrink", hardshrink, [("lambd", 0.5)]),
    ("Softshrink", softshrink, [("lambd", 0.5)]),
    ("Tanhshrink", tanhshrink, []),
    ("Threshold", threshold, [("threshold", None), ("value", None), ("inplace", False)]),

    ("SquaredReLU", squared_relu, []),
    ("Squareplus", squareplus, [("b", 4.0)]),
    ("MaskReLU", mask_relu, [("inplace", False)]),
    ("MaskLeakyReLU", mask_leaky_relu, [("negative_slope", 0.01), ("inplace", False)]),
    ("MaskReLU6", mask_relu6, [("inplace", False)]),
]

class RReLU(_torch.nn.Module):
    """torch.nn.RReLU(lower=1/8, upper=1/3, inplace=False): random slopes while training
    (module.train(), the default), their mean in eval mode."""

    def __init__(self, lower=1.0 / 8, upper=1.0 / 3, inplace=False):
        super().__init__()
        self.lower, self.upper, self.inplace = lower, upper, inplace

    def forward(self, input):
        return rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self):
        return f"lower={self.lower}, upper={self.upper}, inplace={self.inplace}"


__all__.append("RReLU")

for _name, _function, _arguments in _MODULES:
    globals()[_name] = _module(_name, _function, _arguments,
                               f"torch.nn.{_name}'s counterpart: applies actfn.torch."
                               f"{_function.__name__} ({_function.__doc__ or 'actfn semantics'})")
    __all__.append(_name)
del _name, _function, _arguments
