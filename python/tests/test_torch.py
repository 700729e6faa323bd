# SPDX-License-Identifier: MIT
"""actfn.torch against torch.nn.functional: values, gradcheck in float64, every dtype,
in place, the 1-bit-mask modules and the memory they save, the errors."""
import math

import pytest

torch = pytest.importorskip("torch")  # python3-torch: scripts/install-deps.sh python
F = torch.nn.functional
import actfn.torch as at  # noqa: E402

# (actfn.torch function, its torch counterpart, keyword arguments for both, kinks); the
# parameters are floats exactly, so that every dtype applies the same function
CASES = [
    (at.relu, F.relu, {}, [0]),
    (at.leaky_relu, F.leaky_relu, {"negative_slope": 0.25}, [0]),
    (at.relu6, F.relu6, {}, [0, 6]),
    (at.hardtanh, F.hardtanh, {"min_val": -0.5, "max_val": 2.0}, [-0.5, 2]),
    (at.elu, F.elu, {"alpha": 1.25}, [0]),
    (at.selu, F.selu, {}, [0]),
    (at.celu, F.celu, {"alpha": 0.75}, [0]),
    (at.gelu, F.gelu, {}, []),
    (at.gelu, F.gelu, {"approximate": "tanh"}, []),
    (at.silu, F.silu, {}, []),
    (at.mish, F.mish, {}, []),
    (at.softplus, F.softplus, {"beta": 2.0, "threshold": 10.0}, [5]),
    (at.sigmoid, torch.sigmoid, {}, []),
    (at.tanh, torch.tanh, {}, []),
    (at.hardsigmoid, F.hardsigmoid, {}, [-3, 3]),
    (at.hardswish, F.hardswish, {}, [-3, 3]),
    (at.softsign, F.softsign, {}, [0]),
    (at.logsigmoid, F.logsigmoid, {}, []),
    (at.hardshrink, F.hardshrink, {"lambd": 0.375}, [-0.375, 0.375]),
    (at.softshrink, F.softshrink, {"lambd": 0.375}, [-0.375, 0.375]),
    (at.tanhshrink, F.tanhshrink, {}, []),
    (at.threshold, F.threshold, {"threshold": 0.25, "value": -1.5}, [0.25]),
    (at.rrelu, F.rrelu, {"lower": 0.125, "upper": 0.375}, [0]),
    (at.squared_relu, lambda x: F.relu(x) ** 2, {}, [0]),
    (at.squareplus, lambda x, b: (x + torch.sqrt(x * x + b)) / 2, {"b": 1.5}, []),
    (at.mask_relu, F.relu, {}, [0]),
    (at.mask_leaky_relu, F.leaky_relu, {"negative_slope": 0.0625}, [0]),
    (at.mask_relu6, F.relu6, {}, [0, 6]),
]
IDS = [f"{c[0].__name__}{'-' + '-'.join(map(str, c[2].values())) if c[2] else ''}"
       for c in CASES]


def inputs(kinks, n=200, dtype=torch.float64, seed=0):
    """Normal values times 4, none within 1e-3 of a kink (where the slopes of the two
    finite differences differ)."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, generator=g, dtype=torch.float64) * 4
    for k in kinks:
        near = (x - k).abs() < 1e-3
        x[near] += 0.01
    return x.to(dtype)


@pytest.mark.parametrize("ours, theirs, kw, kinks", CASES, ids=IDS)
def test_values_and_gradients_float64(ours, theirs, kw, kinks):
    x = inputs(kinks).requires_grad_()
    y = ours(x, **kw)
    ref = theirs(x, **kw)
    # torch's float64 formulas lose relative accuracy where they cancel (gelu's 1 + erf in
    # the left tail, 0 there; tanh's 1 - y^2): an absolute 1e-15 besides 1e-12 relative
    torch.testing.assert_close(y, ref, rtol=1e-12, atol=1e-15)
    dy = inputs([], seed=1)
    (g,) = torch.autograd.grad(y, x, dy)
    (gref,) = torch.autograd.grad(ref, x, dy)
    # and torch 1.13 carries some backward constants in float: celu's 1 / alpha (2.9e-7
    # relative at alpha = 0.7), hardsigmoid's 1 / 6 (3e-8): gradcheck is the arbiter
    loose = theirs in (F.celu, F.hardsigmoid)
    torch.testing.assert_close(g, gref, rtol=1e-6 if loose else 1e-10, atol=1e-13)
    assert torch.autograd.gradcheck(lambda t: ours(t, **kw), (inputs(kinks, 40).requires_grad_(),))


@pytest.mark.parametrize("dtype, steps, tiny", [(torch.float32, 2 ** -23, 2 ** -149),
                                                (torch.float16, 2 ** -10, 2 ** -24),
                                                (torch.bfloat16, 2 ** -7, 2 ** -133)])
@pytest.mark.parametrize("ours, theirs, kw, kinks", CASES, ids=IDS)
def test_narrow_dtypes_within_a_step_of_the_exact_value(ours, theirs, kw, kinks, dtype, steps,
                                                         tiny):
    x = inputs(kinks, 300).to(dtype).requires_grad_()
    y = ours(x, **kw)
    assert y.dtype == dtype
    exact = ours(x.detach().double(), **kw)  # float64 within a few of its ULPs: exact here
    # actfn is within 1 ULP of the exact value in float32 and correctly rounded in 16 bits
    tolerance = 2 * steps * exact.abs() + tiny
    assert ((y.detach().double() - exact).abs() <= tolerance).all()
    (g,) = torch.autograd.grad(y, x, torch.ones_like(y))
    assert g.dtype == dtype and torch.isfinite(g.double()).all()


def test_in_place_modifies_the_input_and_keeps_the_gradient():
    base = torch.randn(50, dtype=torch.float64, requires_grad=True)
    x = base * 1  # not a leaf: in place is allowed
    y = at.elu(x, alpha=1.0, inplace=True)
    assert y.data_ptr() == x.data_ptr()
    (g,) = torch.autograd.grad(y.sum(), base)
    torch.testing.assert_close(g, torch.where(base > 0, 1.0, base.detach().exp()).double())
    # an op whose backward needs x (gelu has no inplace in torch; softsign's from-output exists)
    x = base * 1
    y = at.hardswish(x, inplace=True)
    (g,) = torch.autograd.grad(y.sum(), base)
    (gref,) = torch.autograd.grad(F.hardswish(base * 1).sum(), base)
    torch.testing.assert_close(g, gref)


def saved_bytes(function, x):
    total = []

    def pack(t):
        total.append(t.numel() * t.element_size())
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        function(x)
    return sum(total)


def test_mask_modules_save_one_bit_per_element():
    x = torch.randn(256, 1024, requires_grad=True)
    plain = saved_bytes(at.ReLU(), x)
    masked = saved_bytes(at.MaskReLU(), x)
    assert plain == x.numel() * 4
    assert masked == x.numel() // 8  # 32 times less than the float32 input
    assert saved_bytes(torch.nn.ReLU(), x) == x.numel() * 4
    y = at.MaskLeakyReLU(0.1)(x)
    (g,) = torch.autograd.grad(y, x, torch.ones_like(y))
    torch.testing.assert_close(g, torch.where(x > 0, 1.0, 0.1))


def test_modules_take_torch_nn_arguments():
    assert "negative_slope=0.3" in repr(at.LeakyReLU(0.3))
    x = torch.randn(10, dtype=torch.float64)
    torch.testing.assert_close(at.Softplus(beta=2)(x), torch.nn.Softplus(beta=2)(x))
    torch.testing.assert_close(at.Threshold(0.1, 20)(x), torch.nn.Threshold(0.1, 20)(x))
    torch.testing.assert_close(at.GELU("tanh")(x), torch.nn.GELU("tanh")(x))
    with pytest.raises(TypeError):
        at.Threshold()
    with pytest.raises(TypeError):
        at.ReLU(bogus=1)


def test_non_contiguous_input():
    x = torch.randn(30, 40, dtype=torch.float64).t()
    assert not x.is_contiguous()
    torch.testing.assert_close(at.silu(x), F.silu(x), rtol=1e-12, atol=0)


def test_errors():
    with pytest.raises(TypeError, match="float32, float64"):
        at.relu(torch.arange(4))
    with pytest.raises(ValueError):
        at.leaky_relu(torch.randn(3), negative_slope=math.nan)
    with pytest.raises(ValueError):
        at.gelu(torch.randn(3), approximate="cubic")
    x = torch.randn(5, dtype=torch.float64, requires_grad=True)
    y = at.sigmoid(x)
    (g,) = torch.autograd.grad(y.sum(), x, create_graph=True)
    with pytest.raises(RuntimeError):
        g.sum().backward()  # once differentiable


def test_semantics_are_actfns():
    # relu'(0) = 0 and NaN stays NaN in the backward (torch's relu passes dy through NaN)
    x = torch.tensor([0.0, math.nan, -0.0], dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(at.relu(x), x, torch.ones(3, dtype=torch.float64))
    assert g[0] == 0 and math.isnan(g[1])


def test_fast_tier():
    x = torch.randn(1000)
    torch.testing.assert_close(at.sigmoid(x, accuracy="fast"), torch.sigmoid(x), rtol=1e-6, atol=0)


@pytest.mark.parametrize("shared", [True, False])
def test_prelu_against_torch(shared):
    x = inputs([0], 120).reshape(20, 6).requires_grad_()
    weight = torch.full((1 if shared else 6,), 0.25, dtype=torch.float64)
    weight += torch.linspace(0, 0.1, weight.numel(), dtype=torch.float64)
    weight.requires_grad_()
    y = at.prelu(x, weight)
    ref = F.prelu(x, weight)
    torch.testing.assert_close(y, ref, rtol=0, atol=0)
    dy = inputs([], 120, seed=2).reshape(20, 6)
    got = torch.autograd.grad(y, (x, weight), dy)
    want = torch.autograd.grad(ref, (x, weight), dy)
    torch.testing.assert_close(got[0], want[0], rtol=0, atol=0)
    torch.testing.assert_close(got[1], want[1], rtol=1e-12, atol=1e-12)
    assert torch.autograd.gradcheck(at.prelu, (x.detach()[:4].requires_grad_(), weight))
    module = at.PReLU(6 if not shared else 1)
    assert module(x.float()).shape == x.shape and "num_parameters" in repr(module)
    with pytest.raises(ValueError):
        at.prelu(torch.randn(2, 3, 4), torch.ones(4))


def test_prelu_channels_first():
    x = inputs([0], 2 * 3 * 4 * 5).reshape(2, 3, 4, 5).requires_grad_()
    weight = torch.tensor([0.25, 0.5, 0.125], dtype=torch.float64, requires_grad=True)
    y, ref = at.prelu(x, weight), F.prelu(x, weight)
    torch.testing.assert_close(y, ref, rtol=0, atol=0)
    dy = inputs([], x.numel(), seed=4).reshape(x.shape)
    got = torch.autograd.grad(y, (x, weight), dy)
    want = torch.autograd.grad(ref, (x, weight), dy)
    torch.testing.assert_close(got[0], want[0], rtol=0, atol=0)
    torch.testing.assert_close(got[1], want[1], rtol=1e-12, atol=1e-12)
    assert at.PReLU(3)(x.float()).shape == x.shape


def test_rrelu_training_mode():
    torch.manual_seed(3)
    x = torch.randn(4000, dtype=torch.float64, requires_grad=True)
    y = at.rrelu(x, 0.1, 0.3, training=True)
    negative = x.detach() < 0
    slopes = (y.detach() / x.detach())[negative]
    assert slopes.min() >= 0.1 and slopes.max() <= 0.3 and slopes.std() > 0.04
    torch.testing.assert_close(y.detach()[~negative], x.detach()[~negative], rtol=0, atol=0)
    (g,) = torch.autograd.grad(y, x, torch.ones_like(y))
    torch.testing.assert_close(g[negative], slopes, rtol=1e-15, atol=0)  # the same slopes (y / x rounds)
    torch.manual_seed(3)
    again = at.rrelu(torch.randn(4000, dtype=torch.float64), 0.1, 0.3, training=True)
    torch.testing.assert_close(again, y.detach(), rtol=0, atol=0)  # torch's seed repeats it
    module = at.RReLU(0.1, 0.3)
    assert module.training and not torch.equal(module(x), module(x))  # fresh slopes per call
    module.eval()
    torch.testing.assert_close(module(x), F.leaky_relu(x, 0.2), rtol=0, atol=0)
