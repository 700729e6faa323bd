# SPDX-License-Identifier: MIT
"""actfn on Dask arrays, beyond one process: every op and its backward applied to a Dask
array stays lazy (a task per chunk), runs on a distributed.LocalCluster of worker processes
on loopback, and gives the in-memory call's result bit for bit."""
import numpy as np
import pytest

da = pytest.importorskip("dask.array")  # python3-dask, python3-distributed: install-deps
distributed = pytest.importorskip("distributed")

import actfn  # noqa: E402

OPS = [("relu", {}), ("leaky_relu", {"negative_slope": 0.2}), ("gelu", {}),
       ("gelu", {"approximate": "tanh"}), ("softplus", {"beta": 2.0, "threshold": 10.0}),
       ("elu", {"alpha": 0.5}), ("sigmoid", {}), ("hardswish", {}),
       ("threshold", {"threshold": 0.1, "value": -2.0}), ("sigmoid", {"accuracy": "fast"})]


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       host="127.0.0.1", dashboard_address=None)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name, params", OPS)
def test_ops_on_dask_arrays_match_in_memory(client, name, params, dtype):
    rng = np.random.default_rng(7)
    x = (rng.standard_normal((1200, 700)) * 4).astype(dtype)
    dy = rng.standard_normal((1200, 700)).astype(dtype)
    lazy_x = da.from_array(x, chunks=(400, 350))
    lazy_dy = da.from_array(dy, chunks=(400, 350))
    forward = getattr(actfn, name)(lazy_x, **params)
    backward = getattr(actfn, name + "_backward")(lazy_x, lazy_dy, **params)
    assert isinstance(forward, da.Array) and isinstance(backward, da.Array)  # nothing ran
    assert forward.npartitions == 6
    y, dx = client.compute([forward, backward], sync=True)
    assert y.dtype == dtype and dx.dtype == dtype
    np.testing.assert_array_equal(y, getattr(actfn, name)(x, **params))
    np.testing.assert_array_equal(dx, getattr(actfn, name + "_backward")(x, dy, **params))


def test_bad_parameters_fail_before_any_task(client):
    lazy = da.zeros((10, 10), chunks=5)
    with pytest.raises(ValueError):
        actfn.leaky_relu(lazy, negative_slope=float("nan"))
