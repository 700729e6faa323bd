# SPDX-License-Identifier: MIT
"""actfn's NumPy ufuncs against NumPy formulas (and torch.nn.functional where
python3-torch is installed): bit for bit for the exact ops, within the stated ULP bounds
for the rest; strides, broadcasting, 0-d and empty arrays, out= and in place, float16,
and the errors."""
import math
from fractions import Fraction

import numpy as np
import pytest

import actfn

RNG = np.random.default_rng(7)
VALUES = np.concatenate([RNG.standard_normal(2000) * 4, [0.0, 1.0, -1.0, 6.0, 3.0, -3.0,
                                                         1e-30, -1e-30, 50.0, -50.0]])
erfc = np.vectorize(math.erfc)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def tanhshrink(x):
    """x - tanh(x); below |x| = 1 its Taylor series (from the Bernoulli numbers), where
    the subtraction would cancel."""
    bernoulli = [Fraction(1)] + [Fraction(0)] * 100
    for m in range(1, 101):
        bernoulli[m] = -sum(math.comb(m + 1, k) * bernoulli[k] for k in range(m)) / (m + 1)
    series = np.zeros_like(x)
    for n in range(50, 1, -1):  # x^(2n - 1) terms, n >= 2: truncation below 2^-60 at 1
        c = -Fraction(2 ** (2 * n) * (2 ** (2 * n) - 1)) * bernoulli[2 * n] / math.factorial(2 * n)
        series = series * x * x + float(c)
    return np.where(np.abs(x) < 1, series * x**3, x - np.tanh(x))


REFERENCE = {  # float64 formulas of the ops at their default parameters
    "identity": lambda x: x,
    "relu": lambda x: np.maximum(x, 0),
    "leaky_relu": lambda x: np.where(x > 0, x, 0.01 * x),
    "relu6": lambda x: np.clip(x, 0, 6),
    "clipped_relu": lambda x: np.clip(x, 0, 6),
    "hardtanh": lambda x: np.clip(x, -1, 1),
    "elu": lambda x: np.where(x > 0, x, np.expm1(x)),
    "selu": lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * np.expm1(x)),
    "celu": lambda x: np.where(x > 0, x, np.expm1(x)),
    "gelu": lambda x: x / 2 * erfc(-x / math.sqrt(2)),
    "silu": lambda x: x * sigmoid(x),
    "mish": lambda x: x * np.tanh(np.log1p(np.exp(x))),
    "softplus": lambda x: np.where(x > 20, x, np.log1p(np.exp(x))),
    "sigmoid": sigmoid,
    "tanh": np.tanh,
    "hardsigmoid": lambda x: np.clip(x + 3, 0, 6) / 6,
    "hardswish": lambda x: x * np.clip(x + 3, 0, 6) / 6,
    "squared_relu": lambda x: np.maximum(x, 0) ** 2,
    "softsign": lambda x: x / (1 + np.abs(x)),
    "logsigmoid": lambda x: np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x))),
    "hardshrink": lambda x: np.where(np.abs(x) > 0.5, x, 0.0),
    "softshrink": lambda x: np.where(x > 0.5, x - 0.5, np.where(x < -0.5, x + 0.5, 0.0)),
    "tanhshrink": lambda x: tanhshrink(x),
    "threshold": lambda x: np.where(x > 0, x, 0.0),
    "rrelu": lambda x: np.where(x > 0, x, (1 / 8 + 1 / 3) / 2 * x),
    "squareplus": lambda x: np.where(x >= 0, (x + np.sqrt(x * x + 4)) / 2,
                                     2 / (np.sqrt(x * x + 4) - x)),
}
EXACT = {"identity", "relu", "leaky_relu", "relu6", "clipped_relu", "hardtanh", "hardshrink",
         "softshrink", "threshold", "rrelu"}


def ulps(got, want, dtype):
    """|got - want| in units of the last place of want in dtype."""
    want = np.asarray(want, dtype=np.float64)
    spacing = np.spacing(np.abs(want).astype(dtype)).astype(np.float64)
    tiny = np.finfo(dtype).smallest_subnormal
    return np.abs(got.astype(np.float64) - want) / np.maximum(spacing, tiny)


@pytest.mark.parametrize("name", sorted(REFERENCE))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_forward_matches_the_formula(name, dtype):
    x = VALUES.astype(dtype)
    got = getattr(actfn, name)(x)
    assert got.dtype == dtype and got.shape == x.shape
    want = REFERENCE[name](x.astype(np.float64))
    if name == "leaky_relu":  # the slope is rounded to the dtype, then one product
        want = np.where(x > 0, x, dtype(0.01) * x)
    if name == "rrelu":  # eval mode: the mean slope of float-rounded bounds, rounded too
        lower, upper = np.float64(dtype(1 / 8)), np.float64(dtype(1 / 3))
        want = np.where(x > 0, x, dtype((lower + upper) / 2) * x)
    if name in EXACT:
        assert np.array_equal(got, want.astype(dtype))
    else:  # f32: 1 ULP (docs/semantics.md), plus the formula's own rounding in f64
        bound = 1.0 if dtype == np.float32 else 8.0
        trusted = np.ones(x.shape, bool)
        if dtype == np.float64 and name == "gelu":
            # Python's math.erfc is itself off by 10s-100s of ULP below -2 (at -3.6:
            # 20, at -7.9: 72, at -13: 193 against MPFR, which actfn matches there): a
            # relative check in that range
            trusted = x > -2
            assert np.allclose(got[~trusted], want[~trusted], rtol=1e-12, atol=0)
        assert ulps(got[trusted], want[trusted], dtype).max() <= bound


FAST_BOUND = 4.0  # the largest stated fast-tier bound in f32 (docs/accuracy.md)


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_the_fast_tier_within_its_bound(name):
    x = VALUES.astype(np.float32)
    fast = getattr(actfn, name)(x, accuracy="fast")
    assert fast.dtype == np.float32 and fast.shape == x.shape
    want = REFERENCE[name](x.astype(np.float64))
    if name in EXACT:  # exact at both tiers
        assert np.array_equal(fast, getattr(actfn, name)(x))
    else:  # the stated bound, plus the f64 formula's own rounding
        assert ulps(fast, want, np.float32).max() <= FAST_BOUND + 0.5
    # the semantic rules hold at both tiers
    special = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0], dtype=np.float32)
    assert np.array_equal(getattr(actfn, name)(special, accuracy="fast"),
                          getattr(actfn, name)(special), equal_nan=True)
    numbers = special[1:]  # the sign of zeros and limits (a NaN's sign is not part of it)
    assert np.array_equal(np.signbit(getattr(actfn, name)(numbers, accuracy="fast")),
                          np.signbit(getattr(actfn, name)(numbers)))


def test_the_accuracy_tier_is_a_checked_choice():
    x = np.linspace(-9, 9, 1001)
    y = x.astype(np.float32)
    # f64 and f16 stay accurate at the fast tier; f32 differs where a fast kernel runs
    assert np.array_equal(actfn.tanh(x, accuracy="fast"), actfn.tanh(x))
    assert np.array_equal(actfn.sigmoid(y.astype(np.float16), accuracy="fast"),
                          actfn.sigmoid(y.astype(np.float16)))
    assert not np.array_equal(actfn.sigmoid(y, accuracy="fast"), actfn.sigmoid(y))
    assert np.array_equal(actfn.softplus(y, beta=2, accuracy="fast"),
                          actfn.ufuncs.softplus_fast(y, 2.0, 20.0))
    assert np.array_equal(actfn.gelu(y, approximate="tanh", accuracy="fast"),
                          actfn.ufuncs.gelu_tanh_fast(y))
    assert np.array_equal(actfn.elu_backward(y, y, accuracy="fast"),
                          actfn.ufuncs.elu_backward_fast(y, y, 1.0))
    for function, arguments in [(actfn.relu, (y,)), (actfn.elu, (y,)), (actfn.gelu, (y,)),
                                (actfn.sigmoid_backward, (y, y))]:
        for wrong in ["fastest", None, 1]:
            with pytest.raises(ValueError, match="accuracy must be 'accurate' or 'fast'"):
                function(*arguments, accuracy=wrong)


@pytest.mark.parametrize("name", ["relu", "leaky_relu", "relu6", "hardtanh", "sigmoid", "tanh",
                                  "gelu", "silu", "elu"])
def test_backward_matches_the_derivative(name):
    x = VALUES[VALUES != 0]  # away from the kinks
    dy = RNG.standard_normal(x.size)
    h = 1e-6
    f = REFERENCE[name]
    numeric = (f(x + h) - f(x - h)) / (2 * h) * dy
    got = getattr(actfn, name + "_backward")(x, dy)
    near_kink = np.isin(np.round(x, 5), [1.0, -1.0, 6.0, 0.0])
    assert np.allclose(got[~near_kink], numeric[~near_kink], rtol=1e-6, atol=1e-6)


def test_relu_derivative_at_zero_is_a_choice():
    x = np.array([-1.0, 0.0, 1.0], dtype=np.float32)
    dy = np.ones(3, dtype=np.float32)
    assert actfn.relu_backward(x, dy).tolist() == [0, 0, 1]
    assert actfn.relu_backward(x, dy, grad_at_zero=1).tolist() == [0, 1, 1]
    assert actfn.leaky_relu_backward(x, dy, 0.5).tolist() == [0.5, 0.5, 1]


def test_parameters_as_in_torch():
    x = np.linspace(-4, 4, 33)
    assert np.array_equal(actfn.leaky_relu(x, negative_slope=0.2), np.where(x > 0, x, 0.2 * x))
    assert np.array_equal(actfn.hardtanh(x, min_val=-2, max_val=3), np.clip(x, -2, 3))
    assert np.allclose(actfn.elu(x, alpha=0.5), np.where(x > 0, x, 0.5 * np.expm1(x)),
                       rtol=1e-15, atol=0)
    assert np.allclose(actfn.softplus(x, beta=2, threshold=5),
                       np.where(2 * x > 5, x, np.log1p(np.exp(2 * x)) / 2), rtol=1e-15, atol=0)
    tanh_gelu = 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))
    assert np.allclose(actfn.gelu(x, approximate="tanh"), tanh_gelu, rtol=1e-13, atol=1e-15)


def test_strides_shapes_broadcasting_and_out():
    a = RNG.standard_normal((6, 9)).astype(np.float32)
    assert np.array_equal(actfn.relu(a[::2, ::3]), np.maximum(a[::2, ::3], 0))
    assert np.array_equal(actfn.relu(a.T), np.maximum(a.T, 0))
    dy = RNG.standard_normal(9).astype(np.float32)
    assert np.array_equal(actfn.relu_backward(a, dy), np.where(a > 0, dy, 0).astype(np.float32))
    zero_d = actfn.relu(np.float64(-2.5))
    assert np.ndim(zero_d) == 0 and zero_d == 0
    empty = actfn.sigmoid(np.zeros((0, 3), dtype=np.float32))
    assert empty.shape == (0, 3) and empty.dtype == np.float32
    b = a.copy()
    result = actfn.relu(b, out=b)  # in place
    assert result is b and np.array_equal(b, np.maximum(a, 0))
    out = np.empty((6, 9), dtype=np.float32)
    actfn.tanh(a, out=out)
    assert np.allclose(out, np.tanh(a), rtol=2e-7)
    # a parameter that varies along a broadcast axis (the raw ufunc)
    rows = actfn.ufuncs.leaky_relu(np.array([-1.0, 1.0]), np.array([[0.1], [0.2]]))
    assert rows.tolist() == [[-0.1, 1.0], [-0.2, 1.0]]


def test_float16_results_are_correctly_rounded():
    x = np.arange(-2000, 2000, dtype=np.float16) / np.float16(256)
    got = actfn.sigmoid(x)
    assert got.dtype == np.float16
    want = sigmoid(x.astype(np.float64)).astype(np.float16)  # f64 is close enough here
    assert np.count_nonzero(got != want) <= 2  # ties within f64's error, if any


def test_errors_are_clear():
    with pytest.raises(TypeError, match="float16, float32 or float64"):
        actfn.relu(np.arange(4))
    with pytest.raises(TypeError, match="float16, float32 or float64"):
        actfn.relu([1, 2])
    read_only = np.zeros(3)
    read_only.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        actfn.relu(np.ones(3), out=read_only)
    with pytest.raises(ValueError, match="alpha must be finite"):
        actfn.elu(np.ones(3), alpha=math.inf)
    with pytest.raises(ValueError, match="'none' or 'tanh'"):
        actfn.gelu(np.ones(3), approximate="fast")
    with pytest.raises(TypeError, match="no parameter"):
        actfn.leaky_relu(np.ones(3), alpha=1.0)
    with pytest.raises(TypeError):
        actfn.relu(np.ones(3), alpha=1.0)
    with pytest.raises(TypeError, match="float16, float32 or float64"):
        actfn.ufuncs.leaky_relu(np.arange(3), 0.1)  # the raw ufuncs refuse integers too
    with pytest.raises(TypeError, match="float16, float32 or float64"):
        actfn.sigmoid_backward(np.ones(3), np.arange(3))
    with pytest.raises(TypeError, match="x is float32 but dy is float64"):
        actfn.relu_backward(np.ones(3, np.float32), np.ones(3))


try:
    import torch
except ImportError:  # python3-torch is a benchmark dependency, not a test one
    torch = None


@pytest.mark.skipif(torch is None, reason="python3-torch is not installed")
@pytest.mark.parametrize("name,call", [
    ("relu", lambda F, t: F.relu(t)),
    ("leaky_relu", lambda F, t: F.leaky_relu(t, 0.01)),
    ("relu6", lambda F, t: F.relu6(t)),
    ("hardtanh", lambda F, t: F.hardtanh(t)),
    ("hardsigmoid", lambda F, t: F.hardsigmoid(t)),
    ("sigmoid", lambda F, t: torch.sigmoid(t)),
    ("tanh", lambda F, t: torch.tanh(t)),
    ("gelu", lambda F, t: F.gelu(t)),
    ("silu", lambda F, t: F.silu(t)),
    ("elu", lambda F, t: F.elu(t)),
])
def test_against_torch(name, call):
    x = VALUES.astype(np.float32)
    theirs = call(torch.nn.functional, torch.from_numpy(x)).numpy()
    ours = getattr(actfn, name)(x)
    if name in EXACT:
        assert np.array_equal(ours, theirs)
    else:  # actfn within 1 ULP of the truth; torch close to it (its elu, for one, is
        # not: elu(-1e-30) is 0 there, see docs/semantics.md)
        truth = REFERENCE[name](x.astype(np.float64))
        assert ulps(ours, truth, np.float32).max() <= 1.0
        # (torch's gelu loses accuracy in its tail: at -3 it is off by 4e-5 relative)
        assert np.allclose(ours, theirs, rtol=1e-4, atol=1e-6)


# Hostile arguments (issue 22): partly overlapping out=, parameters as 0-d arrays or
# bools, parameters that the dtype cannot hold.
@pytest.mark.parametrize("shift", [1, -1, 5, -5, 1500, -1500])
@pytest.mark.parametrize("op", ["relu", "sigmoid", "gelu"])
def test_out_partly_overlapping_x_is_computed_as_numpy_would(op, shift):
    a = np.linspace(-8, 8, 4000).astype(np.float32)
    n = a.size - abs(shift)
    source = slice(shift, None) if shift > 0 else slice(0, n)
    target = slice(0, n) if shift > 0 else slice(-shift, None)
    expected = getattr(actfn, op)(a[source].copy())
    getattr(actfn, op)(a[source], out=a[target])
    np.testing.assert_array_equal(a[target], expected)


def test_out_between_x_and_dy_partly_overlapping_both():
    x = np.linspace(-3, 3, 5000).astype(np.float32)
    expected = actfn.sigmoid_backward(x, x)
    memory = np.concatenate([x, x])
    out = memory[100:5100]
    actfn.sigmoid_backward(memory[:5000], memory[5000:], out=out)
    np.testing.assert_array_equal(out, expected)


def test_strided_out_partly_overlapping_x():
    a = np.linspace(-4, 4, 3001).astype(np.float64)
    expected = actfn.elu(a[2::2].copy())
    actfn.elu(a[2::2], out=a[:-2:2])
    np.testing.assert_array_equal(a[:-2:2], expected)


def test_a_0d_array_parameter_is_a_number():
    x = np.array([-1.0, 2.0], dtype=np.float32)
    np.testing.assert_array_equal(actfn.leaky_relu(x, np.array(0.5)), [-0.5, 2.0])
    np.testing.assert_array_equal(actfn.leaky_relu(x, np.float32(0.5)), [-0.5, 2.0])


def test_a_bool_parameter_is_refused_even_after_the_equal_number():
    x = np.array([-1.0], dtype=np.float32)
    actfn.leaky_relu(x, 1)  # caches the number 1
    with pytest.raises(TypeError, match="must be a number, not bool"):
        actfn.leaky_relu(x, True)
    with pytest.raises(TypeError, match="must be a number"):
        actfn.elu(x, alpha=np.array([1.0, 2.0]))


def test_parameters_are_checked_as_the_dtype_holds_them():
    with pytest.raises(ValueError, match="is inf in f32"):
        actfn.leaky_relu(np.array([-0.0, 0.0], dtype=np.float32), 1e300)
    with pytest.raises(ValueError, match="is 0 in f16"):
        actfn.celu(np.array([-1.0], dtype=np.float16), alpha=1e-300)
    np.testing.assert_array_equal(actfn.leaky_relu(np.array([-1.0]), 1e300), [-1e300])
    # the raw ufuncs check their parameters too, scalars and broadcast arrays: ValueError
    # with actfn's message, raised when the loop returns
    x32 = np.array([-1.0, 0.0], dtype=np.float32)
    with pytest.raises(ValueError, match="is inf in f32"):
        actfn.ufuncs.leaky_relu(x32, 1e300)
    with pytest.raises(ValueError, match="negative_slope must be finite"):
        actfn.ufuncs.leaky_relu(np.array([-1.0, 1.0]), np.array([[0.1], [np.nan]]))
    with pytest.raises(ValueError, match="lower"):  # lower > upper in one broadcast pair
        actfn.ufuncs.rrelu(np.ones((2, 2)), np.array([0.1, 0.5]), np.array([[0.3], [0.4]]))
    with pytest.raises(ValueError, match="alpha"):  # strided, through NumPy's buffers
        actfn.ufuncs.celu_backward(np.ones(3003)[::3], np.ones(1001, np.float32),
                                   np.linspace(-1.0, 1.0, 1001))  # alpha 0 at 500
    with np.errstate(all="raise"):  # valid parameters raise nothing, kernels' flags hidden
        np.testing.assert_array_equal(actfn.ufuncs.leaky_relu(np.array([-1.0]), 1e300), [-1e300])
        rows = actfn.ufuncs.leaky_relu(np.array([-1.0, 1.0]), np.array([[0.1], [0.2]]))
        np.testing.assert_array_equal(rows, [[-0.1, 1.0], [-0.2, 1.0]])
        actfn.ufuncs.gelu(np.linspace(-100, 100, 1001))
    np.testing.assert_array_equal(actfn.ufuncs.leaky_relu(np.array([-1.0, 1.0]), 0.2), [-0.2, 1.0])


GATES = {"glu": sigmoid, "swiglu": lambda b: b * sigmoid(b), "reglu": lambda b: np.maximum(b, 0),
         "squared_reglu": lambda b: np.maximum(b, 0) ** 2,
         "geglu": lambda b: b / 2 * erfc(-b / math.sqrt(2))}


@pytest.mark.parametrize("variant", sorted(GATES))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_glu_variants_match_the_formula(variant, dtype):
    x = RNG.standard_normal((7, 2 * 33)).astype(dtype) * 3
    y = actfn.swiglu(x) if variant == "swiglu" else (
        actfn.glu(x) if variant == "glu" else getattr(actfn, variant)(x))
    a, b = np.split(x.astype(np.float64), 2, axis=-1)
    want = a * GATES[variant](b)
    assert y.dtype == dtype and y.shape == (7, 33)
    if dtype == np.float32:  # the float64 formula is far more exact than a float ULP
        assert ulps(y, want, dtype).max() <= 1.0
    else:  # erfc's NumPy formula loses digits in geglu's left tail
        assert np.allclose(y, want, rtol=1e-12, atol=0)


def test_glu_dim_order_and_gate_parameters():
    x = RNG.standard_normal((6, 4))
    # the rows path (the last axis, no copies) and the split path agree, forward and back
    x3 = RNG.standard_normal((3, 5, 8)).astype(np.float32)
    dy3 = RNG.standard_normal((3, 5, 4)).astype(np.float32)
    a3, b3 = (np.ascontiguousarray(h) for h in np.split(x3, 2, axis=-1))
    assert np.array_equal(actfn.swiglu(x3), actfn.ufuncs.glu_forward("silu", a3, b3))
    assert np.array_equal(actfn.swiglu(np.asfortranarray(x3)), actfn.swiglu(x3))
    da3, db3 = actfn.ufuncs.glu_backward("silu", a3, b3, dy3)
    assert np.array_equal(actfn.swiglu_backward(x3, dy3), np.concatenate([da3, db3], axis=-1))
    fast = actfn.swiglu(x3, accuracy="fast")
    assert np.allclose(fast, actfn.swiglu(x3), rtol=1e-5)
    a, b = x[:3], x[3:]
    assert np.array_equal(actfn.glu(x, dim=0), actfn.glu(np.concatenate([a, b], axis=0), 0))
    leaky = actfn.glu(x, gate="leaky_relu", negative_slope=0.2)
    a, b = np.split(x, 2, axis=-1)
    assert np.array_equal(leaky, a * np.where(b > 0, b, 0.2 * b))


def test_glu_backward_against_central_differences():
    x = RNG.standard_normal((5, 8))
    dy = RNG.standard_normal((5, 4))
    dx = actfn.glu_backward(x, dy, gate="silu")
    assert dx.shape == x.shape
    h = 1e-6
    numeric = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[index] += h
        down[index] -= h
        numeric[index] = np.sum(dy * (actfn.swiglu(up) - actfn.swiglu(down))) / (2 * h)
    assert np.allclose(dx, numeric, rtol=1e-6, atol=1e-8)


def test_glu_errors():
    with pytest.raises(ValueError):
        actfn.glu(np.zeros((2, 3)))  # odd length along dim
    with pytest.raises(ValueError):
        actfn.glu(np.zeros((2, 4)), gate="bogus")
    with pytest.raises(ValueError):
        actfn.glu(np.zeros((2, 4)), gate="elu", alpha=float("nan"))
    with pytest.raises(TypeError):
        actfn.glu(np.zeros((2, 4), dtype=np.int32))


def test_rrelu_training_regenerates_its_slopes():
    x = RNG.standard_normal(10000)
    y = actfn.rrelu(x, 0.1, 0.3, training=True, seed=5, offset=100)
    dx = actfn.rrelu_backward(x, np.ones_like(x), 0.1, 0.3, training=True, seed=5, offset=100)
    negative = x < 0
    assert np.array_equal(y[~negative], x[~negative]) and np.all(dx[~negative] == 1)
    assert np.array_equal(y[negative], x[negative] * dx[negative])
    assert dx[negative].min() >= 0.1 and dx[negative].max() < 0.3
    assert abs(dx[negative].mean() - 0.2) < 0.003
    split = np.concatenate([actfn.rrelu(x[:3000], 0.1, 0.3, training=True, seed=5, offset=100),
                            actfn.rrelu(x[3000:], 0.1, 0.3, training=True, seed=5, offset=3100)])
    assert np.array_equal(split, y)
    assert not np.array_equal(actfn.rrelu(x, 0.1, 0.3, training=True, seed=6, offset=100), y)
    with pytest.raises(ValueError):
        actfn.rrelu(x, 0.5, 0.2, training=True)


def test_no_floating_point_warnings_from_the_kernels():
    """The kernels' intermediate overflows are not NumPy's RuntimeWarnings (the flags are
    restored), while NumPy's own arithmetic still warns."""
    import warnings
    x = np.array([np.nan, np.inf, -np.inf, 3e38, -3e38, 1e-45, 0.5] * 5, np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in ("gelu", "mish", "hardswish", "sigmoid", "softplus", "logsigmoid", "elu"):
            for accuracy in ("accurate", "fast"):
                getattr(actfn, name)(x, accuracy=accuracy)
                getattr(actfn, name + "_backward")(x, x, accuracy=accuracy)
        with pytest.raises(RuntimeWarning):
            np.float32(3e38) * np.float32(10)


def test_version_is_the_libraries():
    parts = actfn.__version__.split(".")
    assert len(parts) == 3 and all(p.isdigit() for p in parts)


def test_layer_ops_threads_and_backward_from_output():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((7, 19)).astype(np.float32)
    dy = rng.standard_normal((7, 19)).astype(np.float32)
    y, mask = actfn.mask_forward(x, "leaky_relu", negative_slope=0.125)
    assert mask.shape == (7, 3) and mask.dtype == np.uint8
    np.testing.assert_array_equal(y, actfn.leaky_relu(x, 0.125))
    np.testing.assert_array_equal(actfn.mask_backward(mask, dy, "leaky_relu",
                                                      negative_slope=0.125),
                                  actfn.leaky_relu_backward(x, dy, 0.125))
    slopes = rng.random(19).astype(np.float32)
    np.testing.assert_array_equal(actfn.prelu(x, slopes), np.where(x > 0, x, slopes * x))
    dx, dslopes = actfn.prelu_backward(x, slopes, dy)
    np.testing.assert_array_equal(dx, np.where(x > 0, dy, slopes * dy))
    np.testing.assert_allclose(dslopes, np.where(x > 0, 0, x.astype(np.float64) * dy).sum(0),
                               rtol=1e-6)
    s = actfn.sigmoid(x.astype(np.float64))
    np.testing.assert_allclose(actfn.backward_from_output("sigmoid", s, dy.astype(np.float64)),
                               actfn.sigmoid_backward(x.astype(np.float64), dy), rtol=1e-14)
    with pytest.raises(ValueError, match="input"):
        actfn.backward_from_output("gelu", x, dy)
    with pytest.raises(ValueError):
        actfn.mask_backward(mask[:, :2], dy)
    with pytest.raises(ValueError):
        actfn.prelu(x, slopes[:5])
    actfn.set_num_threads(1)
    assert actfn.get_num_threads() == 1
    actfn.set_num_threads(0)
    with pytest.raises(ValueError):
        actfn.set_num_threads(-3)


def test_fast_path_of_parameterised_functions_agrees_with_the_general_one():
    """actfn.leaky_relu and the others run a C fast path for plain contiguous arrays
    (ufuncs.direct_function); every other form goes through the Python function."""
    import inspect
    x = np.linspace(-3, 3, 257, dtype=np.float32)
    dy = np.ones_like(x)
    assert type(actfn.leaky_relu).__name__ == "builtin_function_or_method"
    assert str(inspect.signature(actfn.elu)).startswith("(x, alpha=1.0")
    np.testing.assert_array_equal(actfn.leaky_relu(x, 0.2), actfn.ufuncs.leaky_relu(x, 0.2))
    np.testing.assert_array_equal(actfn.elu(x, alpha=0.5, accuracy="fast"),
                                  actfn.ufuncs.elu_fast(x, 0.5))
    np.testing.assert_array_equal(actfn.elu_backward(x, dy, 0.5), actfn.ufuncs.elu_backward(x, dy,
                                                                                            0.5))
    np.testing.assert_array_equal(actfn.leaky_relu(x[::2], 0.2), actfn.ufuncs.leaky_relu(x[::2], 0.2))
    out = np.empty_like(x)
    assert actfn.leaky_relu(x, 0.2, out=out) is out
    assert np.ndim(actfn.leaky_relu(np.float32(-2), 0.5)) == 0
    with pytest.raises(ValueError):
        actfn.leaky_relu(x, math.nan)
    with pytest.raises(ValueError):
        actfn.elu(x, alpha=1e300)  # inf once rounded to float32
    with pytest.raises(TypeError):
        actfn.leaky_relu(x, True)
    with pytest.raises(TypeError):
        actfn.leaky_relu(x, slope=0.2)
    with pytest.raises(TypeError):
        actfn.leaky_relu(x.astype(np.int32), 0.2)
    with pytest.raises(ValueError):
        actfn.elu(x, accuracy="exact")


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_maxout_against_numpy(dtype):
    rng = np.random.default_rng(11)
    x = rng.standard_normal((9, 12)).astype(dtype)
    x[0, :3] = x[0, 0]  # ties: the lowest index takes dy
    y = actfn.maxout(x, 3)
    np.testing.assert_array_equal(y, x.reshape(9, 4, 3).max(axis=2))
    dy = rng.standard_normal((9, 4)).astype(dtype)
    dx = actfn.maxout_backward(x, dy, 3)
    expected = np.zeros_like(x)
    first = x.reshape(9, 4, 3).argmax(axis=2)
    for r in range(9):
        for g in range(4):
            expected[r, 3 * g + first[r, g]] = dy[r, g]
    np.testing.assert_array_equal(dx, expected)
    with pytest.raises(ValueError):
        actfn.maxout(x, 5)
    with pytest.raises(ValueError):
        actfn.maxout_backward(x, dy[:, :3], 3)


def test_every_function_takes_out_and_where_the_same_way():
    x = np.linspace(-2, 2, 9, dtype=np.float32)
    mask = x > -1
    for name, args in (("relu", ()), ("sigmoid", ()), ("leaky_relu", (0.25,)), ("elu", (0.5,))):
        f = getattr(actfn, name)
        out = np.full_like(x, 7.0)
        assert f(x, *args, out=out, where=mask) is out
        np.testing.assert_array_equal(out[~mask], 7.0)
        np.testing.assert_array_equal(out[mask], f(x, *args)[mask])
        with pytest.raises(TypeError, match="out is float64"):
            f(x, *args, out=np.empty(9, np.float64))


def test_grad_at_zero_default_shows_as_none_and_takes_the_fast_path():
    import inspect
    assert inspect.signature(actfn.leaky_relu_backward).parameters["grad_at_zero"].default is None
    zero, one = np.zeros(4, np.float32), np.ones(4, np.float32)
    np.testing.assert_array_equal(actfn.leaky_relu_backward(zero, one, 0.25), 0.25)  # the slope
    np.testing.assert_array_equal(actfn.leaky_relu_backward(zero, one, 0.25, None), 0.25)
    np.testing.assert_array_equal(actfn.leaky_relu_backward(zero, one, 0.25, grad_at_zero=1), 1)
    np.testing.assert_array_equal(actfn.leaky_relu_backward(zero, one, 0.25, math.nan), 0.25)
