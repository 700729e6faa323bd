# SPDX-License-Identifier: MIT
"""actfn: ReLU and its family as NumPy ufuncs.

Every op is a function named and parametrised as in torch.nn.functional —
``actfn.relu(x)``, ``actfn.leaky_relu(x, negative_slope=0.01)``,
``actfn.gelu(x, approximate='none')``, ``actfn.softplus(x, beta=1, threshold=20)`` — and
its backward, ``actfn.relu_backward(x, dy, grad_at_zero=0)``: dx = dy * f'(x). Each takes
``accuracy='accurate'`` (the default: within 1 ULP) or ``accuracy='fast'`` (float32 kernels
with a larger stated bound, docs/accuracy.md; the ufuncs ``actfn.ufuncs.NAME_fast``). They take
float16, float32 and float64 arrays of any shape and strides, broadcast ``x`` against
``dy``, and write to ``out=`` (in place when ``out`` is ``x``). They are thin front ends
of the ufuncs in ``actfn.ufuncs`` (``actfn.ufuncs.leaky_relu(x, slope)``, with the
parameters as further, broadcast, inputs), which run actfn's C kernels with the GIL
released. Semantics (NaN, signed zeros, the value at the kinks, accuracy) are those of
the C library: docs/semantics.md.
"""
import inspect as _inspect

import numpy as _np

from . import _actfn as ufuncs

__all__ = ["isa", "ufuncs"]
__version__ = ufuncs.version()  # the C library's, which the package is built from

_FLOATS = (_np.dtype(_np.float16), _np.dtype(_np.float32), _np.dtype(_np.float64))
_NAN = float("nan")

# (name, forward parameters with their defaults), from the C library's op table; the
# backward adds grad_at_zero to the ops with a kink at 0 (NaN for leaky_relu: its slope).
# gelu_tanh is gelu(approximate='tanh'), as in torch.
_OPS = [(name, [(p, d) for p, d in params if p != "grad_at_zero"])
        for name, params in ufuncs.ops() if name != "gelu_tanh"]
_KINKED = {name: d for name, params in ufuncs.ops() for p, d in params if p == "grad_at_zero"}

def isa():
    """The instruction set actfn's kernels run on (avx512, avx2, sse2, neon, scalar)."""
    return ufuncs.isa()


def _float_array(value, name):
    if (not isinstance(value, _np.ndarray) and hasattr(value, "__array_ufunc__")
            and getattr(value, "dtype", None) in _FLOATS):
        return value  # a duck array (a Dask array): the ufunc dispatches to it, lazily
    array = _np.asanyarray(value)
    if array.dtype not in _FLOATS:
        raise TypeError(f"actfn: {name} must hold float16, float32 or float64 values, "
                        f"not {array.dtype}")
    return array


def _check_out(out, dtype):
    if not isinstance(out, _np.ndarray):
        raise TypeError("actfn: out must be a NumPy array")
    if not out.flags.writeable:
        raise ValueError("actfn: out is read-only")
    if out.dtype != dtype:
        raise TypeError(f"actfn: out is {out.dtype} but x is {dtype}")


_checked = {}  # (op, dtype, parameter values as floats) already validated: calls stay cheap


def _number(op, name, value):
    """A parameter as a float: a Python or NumPy number, or a 0-d numeric array; never a
    bool (True is not a slope), whatever was accepted before."""
    if isinstance(value, _np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (bool, _np.bool_)) or not isinstance(
            value, (int, float, _np.floating, _np.integer)):
        raise TypeError(f"actfn.{op}: {name} must be a number, not {type(value).__name__}")
    return float(value)


def _scalars(op, names, values, dtype):
    numbers = tuple(_number(op, name, value) for name, value in zip(names, values))
    key = (op, dtype, numbers)
    if key in _checked:
        return numbers
    # as the dtype holds them: a slope of 1e300 is fine in float64, inf in float32
    ufuncs.check(op, dtype.name, **dict(zip(names, numbers)))
    if len(_checked) < 4096:
        _checked[key] = True
    return numbers


def _tiers(name):
    """The ufunc of each accuracy tier for the op or backward called name."""
    return {"accurate": getattr(ufuncs, name), "fast": getattr(ufuncs, name + "_fast")}


def _tier(tiers, accuracy, name):
    try:
        return tiers[accuracy]
    except (KeyError, TypeError):
        raise ValueError(f"actfn.{name}: accuracy must be 'accurate' or 'fast', "
                         f"not {accuracy!r}") from None


def _plain(name):
    """An op or backward without parameters: its ufunc, picked by accuracy."""
    tiers = _tiers(name)
    accurate = tiers["accurate"]

    def function(*args, out=None, where=True, accuracy="accurate"):
        ufunc = accurate if accuracy == "accurate" else _tier(tiers, accuracy, name)
        if out is not None and args:  # the same dtype rule as every actfn function
            _check_out(out, _float_array(args[0], "x").dtype)
        return ufunc(*args, out=out, where=where)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = accurate.__doc__.split("\n", 1)[-1].strip() + (
        "\n\nout, if given, a writeable array of x's dtype; where: as a ufunc's (elements "
        "where it is False keep out's values); accuracy: 'accurate' (the default) or 'fast'.")
    return function


def _make(op, params, backward):
    tiers = _tiers(op + ("_backward" if backward else ""))
    ufunc = tiers["accurate"]
    names = [p for p, _ in params] + (["grad_at_zero"] if backward and op in _KINKED else [])
    defaults = dict(params)
    if backward and op in _KINKED:
        defaults["grad_at_zero"] = _KINKED[op]
    default_values = tuple(defaults[n] for n in names)
    inputs = 2 if backward else 1
    array_type, floats = _np.ndarray, _FLOATS

    def function(*args, out=None, where=True, accuracy="accurate", **keywords):
        chosen = ufunc if accuracy == "accurate" else _tier(tiers, accuracy, function.__name__)
        if len(args) < inputs:
            raise TypeError(f"actfn.{function.__name__}() needs {'x, dy' if backward else 'x'}")
        if len(args) > inputs + len(names):
            raise TypeError(f"actfn.{function.__name__}() takes at most "
                            f"{inputs + len(names)} positional arguments")
        x = args[0]
        if type(x) is not array_type or x.dtype not in floats:  # the fast path skips this
            x = _float_array(x, "x")
        if len(args) == inputs and not keywords:
            values = default_values
        else:
            given = dict(zip(names, args[inputs:]))
            for name, value in keywords.items():
                if name not in defaults:
                    raise TypeError(f"actfn.{function.__name__}() has no parameter '{name}'")
                given[name] = value
            # None: the default (grad_at_zero's NaN, "the slope", shows as None)
            values = _scalars(op, names, tuple(defaults[n] if given.get(n) is None else given[n]
                                               for n in names), x.dtype)
        if backward:
            dy = args[1]
            if type(dy) is not array_type or dy.dtype not in floats:
                dy = _float_array(dy, "dy")
            if x.dtype != dy.dtype:
                raise TypeError(f"actfn.{function.__name__}: x is {x.dtype} but dy is "
                                f"{dy.dtype}")
            if out is not None:
                _check_out(out, x.dtype)
            return chosen(x, dy, *values, out=out, where=where)
        if out is not None:
            _check_out(out, x.dtype)
        return chosen(x, *values, out=out, where=where)

    function.__name__ = op + ("_backward" if backward else "")
    function.__qualname__ = function.__name__
    parameters = [_inspect.Parameter(n, _inspect.Parameter.POSITIONAL_OR_KEYWORD)
                  for n in (["x", "dy"] if backward else ["x"])]
    parameters += [_inspect.Parameter(n, _inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                      default=None if _np.isnan(defaults[n]) else defaults[n])
                   for n in names]
    parameters.append(_inspect.Parameter("out", _inspect.Parameter.KEYWORD_ONLY, default=None))
    parameters.append(_inspect.Parameter("where", _inspect.Parameter.KEYWORD_ONLY, default=True))
    parameters.append(_inspect.Parameter("accuracy", _inspect.Parameter.KEYWORD_ONLY,
                                         default="accurate"))
    function.__signature__ = _inspect.Signature(parameters)
    function.__doc__ = ufunc.__doc__.split("\n", 1)[-1].strip() + (
        "\n\nx (and dy): float16, float32 or float64 arrays of any shape (not cast: integer "
        "arrays raise TypeError); out, if given, a writeable array of x's dtype; where: as a "
        "ufunc's; accuracy: 'accurate' (the default) or 'fast'.")
    return function


def _direct(op, backward, function):
    """function behind the C fast path (ufuncs.direct_function), which serves plain
    contiguous arrays with numbers as parameters in well under a microsecond and hands
    every other call to function; the signature stays function's."""
    signature = str(function.__signature__)
    doc = f"{function.__name__}{signature}\n--\n\n{function.__doc__}"
    return ufuncs.direct_function(op, backward, function, doc)


for _op, _params in _OPS:
    # an op without parameters is its ufunc, picked by accuracy (no more Python in
    # between); the others take their parameters by name, as torch.nn.functional does
    globals()[_op] = _plain(_op) if not _params else _direct(_op, False,
                                                             _make(_op, _params, False))
    globals()[_op + "_backward"] = (_plain(_op + "_backward")
                                    if not _params and _op not in _KINKED
                                    else _direct(_op, True, _make(_op, _params, True)))
    __all__ += [_op, _op + "_backward"]

_gelu_erf, _gelu_erf_backward = gelu, gelu_backward  # noqa: F821 (made above)
_gelu_tanh = _make("gelu_tanh", [], False)
_gelu_tanh_backward = _make("gelu_tanh", [], True)


def _approximation(approximate, forward, backward):
    if approximate == "none":
        return forward
    if approximate == "tanh":
        return backward
    raise ValueError(f"actfn.gelu: approximate must be 'none' or 'tanh', not {approximate!r}")


def gelu(x, approximate="none", *, out=None, accuracy="accurate"):
    """GELU, x * Phi(x), or with approximate='tanh' its tanh approximation, as
    torch.nn.functional.gelu (accuracy: 'accurate' or 'fast')."""
    return _approximation(approximate, _gelu_erf, _gelu_tanh)(x, out=out, accuracy=accuracy)


def gelu_backward(x, dy, approximate="none", *, out=None, accuracy="accurate"):
    """dx = dy * gelu'(x) (approximate: 'none' or 'tanh'; accuracy: 'accurate' or 'fast')."""
    return _approximation(approximate, _gelu_erf_backward, _gelu_tanh_backward)(
        x, dy, out=out, accuracy=accuracy)


_rrelu_eval, _rrelu_eval_backward = rrelu, rrelu_backward  # noqa: F821 (made above)


def rrelu(x, lower=1.0 / 8, upper=1.0 / 3, training=False, *, seed=0, offset=0, out=None,
          accuracy="accurate"):
    """Randomized leaky ReLU, as torch.nn.functional.rrelu: in eval mode leaky_relu with
    slope (lower + upper) / 2; with training=True a slope per element uniform in
    [lower, upper], drawn from (seed, offset + i) alone, so rrelu_backward with the same
    seed and offset regenerates it. accuracy: as every op (rrelu is exact in both tiers)."""
    if not training:
        return _rrelu_eval(x, lower, upper, out=out, accuracy=accuracy)
    result = ufuncs.rrelu_train_forward(_float_array(x, "x"), seed, offset, lower, upper)
    if out is None:
        return result
    _check_out(out, result.dtype)
    out[...] = result
    return out


def rrelu_backward(x, dy, lower=1.0 / 8, upper=1.0 / 3, training=False, *, seed=0, offset=0,
                   out=None, accuracy="accurate"):
    """dx for rrelu (training=True: the slopes of the forward with that seed and offset)."""
    if not training:
        return _rrelu_eval_backward(x, dy, lower, upper, out=out, accuracy=accuracy)
    result = ufuncs.rrelu_train_backward(_float_array(x, "x"), _float_array(dy, "dy"), seed,
                                         offset, lower, upper)
    if out is None:
        return result
    _check_out(out, result.dtype)
    out[...] = result
    return out


# Gated linear units, as torch.nn.functional.glu: x split in two halves along dim, the
# value half a then the gate half b; y = a * g(b). The gate is any op (or a variant's
# name: glu, swiglu, geglu, geglu_tanh, reglu, squared_reglu) with its parameters.
_GLU_VARIANTS = {"glu": "sigmoid", "swiglu": "silu", "geglu": "gelu", "geglu_tanh": "gelu_tanh",
                 "reglu": "relu", "squared_reglu": "squared_relu"}


def _halves(x, dim):
    x = _float_array(x, "x")
    if x.ndim == 0 or x.shape[dim] % 2:
        raise ValueError(f"actfn.glu: dimension {dim} of x must have an even length")
    a, b = _np.split(x, 2, axis=dim)
    return _np.ascontiguousarray(a), _np.ascontiguousarray(b)


def glu(x, dim=-1, gate="sigmoid", **params):
    """y = a * gate(b), a and b the two halves of x along dim (torch.nn.functional.glu;
    gate: an op name, e.g. 'silu' for SwiGLU, with its parameters by keyword, and
    accuracy='fast' for the gate's fast tier). g(b) is computed in double and each result
    rounded once (docs/semantics.md)."""
    x = _float_array(x, "x")
    if x.ndim > 0 and dim in (-1, x.ndim - 1):  # rows [a | b]: no copies
        return ufuncs.glu_rows_forward(gate, x, **params)
    a, b = _halves(x, dim)
    return ufuncs.glu_forward(gate, a, b, **params)


def glu_backward(x, dy, dim=-1, gate="sigmoid", **params):
    """dx for y = glu(x, dim, gate): the halves (dy * g(b), dy * a * g'(b)), joined as x."""
    x = _float_array(x, "x")
    if x.ndim > 0 and dim in (-1, x.ndim - 1):
        return ufuncs.glu_rows_backward(gate, x, _float_array(dy, "dy"), **params)
    a, b = _halves(x, dim)
    dy = _np.ascontiguousarray(_float_array(dy, "dy"))
    da, db = ufuncs.glu_backward(gate, a, b, dy, **params)
    return _np.concatenate([da, db], axis=dim)


def _glu_variant(name, gate):
    def forward(x, dim=-1, **params):
        return glu(x, dim, gate, **params)

    def backward(x, dy, dim=-1, **params):
        return glu_backward(x, dy, dim, gate, **params)

    forward.__name__ = forward.__qualname__ = name
    backward.__name__ = backward.__qualname__ = name + "_backward"
    forward.__doc__ = f"glu(x, dim, gate='{gate}'): y = a * {gate}(b), x = [a | b] along dim."
    backward.__doc__ = f"glu_backward(x, dy, dim, gate='{gate}')."
    return forward, backward


for _name, _gate in _GLU_VARIANTS.items():
    if _name != "glu":
        globals()[_name], globals()[_name + "_backward"] = _glu_variant(_name, _gate)
        __all__ += [_name, _name + "_backward"]
__all__ += ["glu", "glu_backward"]

del _op, _params, _name, _gate


# ---- threads, the backward from the output, the layer ops -------------------------

def set_num_threads(count):
    """At most count threads per call, the caller's included (0: the default, from
    ACTFN_NUM_THREADS or the online CPUs; 1: every call serial)."""
    ufuncs.set_num_threads(count)


def get_num_threads():
    """The number of threads a call may use now."""
    return ufuncs.get_num_threads()


_NUMPY_DTYPES = {_np.dtype(_np.float16): "float16", _np.dtype(_np.float32): "float32",
                 _np.dtype(_np.float64): "float64"}


def _contiguous_floats(value, name):
    array = _np.ascontiguousarray(_float_array(value, name))
    if not isinstance(array, _np.ndarray):
        raise TypeError(f"actfn: {name} must be a NumPy array here")
    return array


def _rows_cols(shape):
    cols = shape[-1] if len(shape) else 1
    rows = int(_np.prod(shape[:-1])) if len(shape) > 1 else 1
    return rows, cols


def _pointer_call(call, op, x, a, out, rows, cols, params, b=None, c=None):
    ufuncs.pointer_call(call, op, _NUMPY_DTYPES[out.dtype], 0, 0, rows, cols,
                        x.ctypes.data, 0 if a is None else a.ctypes.data, out.ctypes.data,
                        0 if b is None else b.ctypes.data, 0 if c is None else c.ctypes.data,
                        **params)


def backward_from_output(op, y, dy, **params):
    """dx = dy * f'(x) computed from y = f(x) alone, for the ops whose derivative follows
    from their output (relu, leaky_relu with a slope > 0, relu6, sigmoid, tanh, elu, ...;
    ValueError, with the reason, for the others): the backward that lets y overwrite x."""
    y, dy = _contiguous_floats(y, "y"), _contiguous_floats(dy, "dy")
    if y.dtype != dy.dtype or y.shape != dy.shape:
        raise TypeError("actfn.backward_from_output: y and dy must share dtype and shape")
    dx = _np.empty_like(y)
    _pointer_call("backward_from_output", op, y, dy, dx, 1, y.size, params)
    return dx


def mask_forward(x, op="relu", **params):
    """y = op(x) for relu, leaky_relu or relu6, and the 1-bit mask of f'(x) = 1 that its
    backward needs instead of x: one bit per element, each row of x's last axis starting a
    byte (uint8, rows x ceil(cols / 8)). Returns (y, mask)."""
    x = _contiguous_floats(x, "x")
    rows, cols = _rows_cols(x.shape)
    y = _np.empty_like(x)
    mask = _np.empty((rows, ufuncs.mask_row_bytes(cols)), dtype=_np.uint8)
    _pointer_call("mask_forward", op, x, mask, y, rows, cols, params)
    return y, mask


def mask_backward(mask, dy, op="relu", **params):
    """dx = dy where mask_forward's bit is set, else +0 (relu, relu6) or dy times the
    slope (leaky_relu)."""
    dy = _contiguous_floats(dy, "dy")
    rows, cols = _rows_cols(dy.shape)
    mask = _np.ascontiguousarray(mask, dtype=_np.uint8)
    if mask.size != rows * ufuncs.mask_row_bytes(cols):
        raise ValueError("actfn.mask_backward: the mask does not fit dy's shape")
    dx = _np.empty_like(dy)
    _pointer_call("mask_backward", op, mask, dy, dx, rows, cols, params)
    return dx


def prelu(x, slopes):
    """PReLU: x > 0 ? x : slopes[j] x, a slope per feature j of x's last axis (torch's
    prelu on (N, C) input)."""
    x = _contiguous_floats(x, "x")
    rows, cols = _rows_cols(x.shape)
    slopes = _np.ascontiguousarray(slopes, dtype=x.dtype).reshape(-1)
    if slopes.size != cols:
        raise ValueError(f"actfn.prelu: {slopes.size} slopes for {cols} features")
    y = _np.empty_like(x)
    _pointer_call("prelu_forward", "relu", x, slopes, y, rows, cols, {})
    return y


def prelu_backward(x, slopes, dy):
    """(dx, dslopes): dx = x > 0 ? dy : slopes[j] dy, dslopes[j] = the sum over the rows
    of x dy where x <= 0 (accumulated in double)."""
    x, dy = _contiguous_floats(x, "x"), _contiguous_floats(dy, "dy")
    rows, cols = _rows_cols(x.shape)
    slopes = _np.ascontiguousarray(slopes, dtype=x.dtype).reshape(-1)
    if slopes.size != cols or dy.shape != x.shape or dy.dtype != x.dtype:
        raise ValueError("actfn.prelu_backward: slopes, x and dy do not fit")
    dx, dslopes = _np.empty_like(x), _np.empty_like(slopes)
    _pointer_call("prelu_backward", "relu", x, slopes, dx, rows, cols, {}, dy, dslopes)
    return dx, dslopes


def maxout(x, k):
    """Maxout (Goodfellow et al. 2013): the maximum of each group of k consecutive features
    along x's last axis (which k must divide); NaN in a group gives NaN."""
    return ufuncs.maxout(_float_array(x, "x"), k)


def maxout_backward(x, dy, k):
    """dx for maxout: dy to each group's arg-max (the lowest index among equal maxima, the
    first NaN), +0 elsewhere."""
    return ufuncs.maxout_backward(_float_array(x, "x"), _float_array(dy, "dy"), k)


__all__ += ["set_num_threads", "get_num_threads", "backward_from_output", "mask_forward",
            "mask_backward", "prelu", "prelu_backward", "maxout", "maxout_backward"]

