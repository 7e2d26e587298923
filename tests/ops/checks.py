"""Checks shared by the op tests, one way each: a graphgrad function against NumPy's (value, shape and dtype),
the VJP against finite differences, the JVP against the VJP (<ȳ, J ṫ> = <Jᵀ ȳ, ṫ>) and second order (a
Hessian-vector product against differences of gradients).

A case is ``(name, builder, numpy function, input shapes[, sampler])``; the builder takes graphgrad inputs, the
NumPy function the same arrays, and both must agree in value, shape and dtype (derivative-only cases have no
NumPy function: None).
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import graphgrad as gg
from graphgrad import ops
from graphgrad.numeric import gradient as numeric_gradient

DTYPES = [np.float32, np.float64]


def evaluate(f, *args, **params):
    """``f(*args, **params)`` with each array argument an input node of its shape and dtype (Python numbers
    stay Python numbers, so weak typing is exercised); returns the value and the output node."""
    nodes, values = [], {}
    for k, a in enumerate(args):
        if type(a) in (int, float):
            nodes.append(a)
            continue
        a = np.asarray(a)
        node = ops.input(f"x{k}", a.shape, a.dtype)
        nodes.append(node)
        values[node.name] = a
    out = f(*nodes, **params)
    inputs = [n for n in nodes if isinstance(n, gg.Node)]
    return gg.Graph([out], inputs)(**values), out


def assert_like_numpy(f, reference, *args, rtol=None, **params):
    """graphgrad's ``f`` and NumPy's ``reference`` agree on ``args``: same shape, same dtype, same values."""
    got, node = evaluate(f, *args, **params)
    with np.errstate(all="ignore"):
        want = np.asarray(reference(*args, **params))
    assert node.dtype == want.dtype, (node.dtype, want.dtype)
    assert got.dtype == want.dtype and got.shape == want.shape, (got.dtype, want.dtype, got.shape, want.shape)
    tol = rtol if rtol is not None else (2e-6 if want.dtype == np.float32 else 1e-12)
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol, equal_nan=True)


def shapes(min_dims=0, max_dims=3, min_side=0):
    """Small shapes, including 0-d, empty and size-1 axes."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=3)


def broadcastable(n):
    """``n`` shapes that broadcast together."""
    return hnp.mutually_broadcastable_shapes(num_shapes=n, min_dims=0, max_dims=3, min_side=0, max_side=3).map(
        lambda s: s.input_shapes)


def values(shape, dtype, seed, low=-2.0, high=2.0):
    return np.random.default_rng(seed).uniform(low, high, shape).astype(dtype)


seeds = st.integers(0, 2**32 - 1)


def graphs(case):
    """(the case's graph, a scalar of it that is not linear in it: sum(sin(out) · weights))."""
    f, shapes = case[1], case[3]
    xs = [ops.input(f"x{i}", s) for i, s in enumerate(shapes)]
    out = f(*xs)
    weights = gg.const(np.linspace(0.5, 1.5, out.size).reshape(out.shape))
    return gg.Graph([out], xs), gg.Graph([ops.sum(ops.sin(out) * weights)], xs)


def sample(case, seed):
    """Uniform values in [-1.5, 1.5] of the case's shapes, moved by its optional fifth entry (a function of the
    list of values) into the op's domain and away from its kinks."""
    rng = np.random.default_rng(seed)
    values = [rng.uniform(-1.5, 1.5, s) for s in case[3]]
    return case[4](values) if len(case) > 4 and case[4] else values


def check_value(case, seed):
    f, reference = case[1], case[2]
    assert_like_numpy(f, reference, *sample(case, seed))


def check_vjp(case, seed):
    _, scalar = graphs(case)
    values = dict(zip(scalar.input_names, sample(case, seed)))
    exact = gg.grad_graph(scalar)(**values)[1:]
    approx = numeric_gradient(scalar, values)
    for name, g in zip(scalar.input_names, exact):
        np.testing.assert_allclose(g, approx[name], rtol=1e-5, atol=1e-6)


def check_jvp(case, seed):
    plain, _ = graphs(case)
    values = dict(zip(plain.input_names, sample(case, seed)))
    rng = np.random.default_rng(seed + 1)
    direction = {n.name: rng.normal(size=n.shape) for n in plain.inputs}
    weights = rng.normal(size=plain.output.shape)
    _, y_dot = gg.directional(plain, values, direction)
    scalar = gg.Graph([ops.sum(plain.output * gg.const(weights))], plain.inputs)
    grads = gg.grad_graph(scalar)(**values)[1:]
    lhs = float(np.sum(weights * y_dot))
    rhs = sum(float(np.sum(g * direction[n])) for g, n in zip(grads, plain.input_names))
    assert np.isclose(lhs, rhs, rtol=1e-9, atol=1e-9)


def check_second_order(case, seed, h=1e-5):
    """The gradient of <∇f, v> (reverse over reverse) equals the change of ∇f along v."""
    _, scalar = graphs(case)
    gradient = gg.grad_graph(scalar)
    values = dict(zip(scalar.input_names, sample(case, seed)))
    rng = np.random.default_rng(seed + 2)
    v = {n.name: rng.normal(size=n.shape) for n in scalar.inputs}
    along = ops.sum(ops.concatenate([ops.ravel(g * gg.const(v[n.name]))
                                     for g, n in zip(gradient.outputs[1:], scalar.inputs)]))
    hvp = gg.grad_graph(gg.Graph([along], scalar.inputs))(**values)[1:]
    up = gradient(**{k: x + h * v[k] for k, x in values.items()})[1:]
    down = gradient(**{k: x - h * v[k] for k, x in values.items()})[1:]
    for exact, a, b in zip(hvp, up, down):
        np.testing.assert_allclose(exact, (a - b) / (2 * h), rtol=1e-5, atol=1e-6)


CHECKS = {"value": check_value, "vjp": check_vjp, "jvp": check_jvp, "second_order": check_second_order}


def against_numpy_and_finite_differences(cases):
    """The test every case table runs: each case under each of ``CHECKS``, on a couple of random inputs."""
    @pytest.mark.parametrize("check", CHECKS)
    @pytest.mark.parametrize("case", cases, ids=[c[0] for c in cases])
    @settings(max_examples=2)
    @given(seed=st.integers(0, 2**31))
    def test(case, check, seed):
        CHECKS[check](case, seed)
    return test
