"""Checks shared by the op tests: the value against NumPy, the VJP against finite differences, the JVP against
the VJP (<ȳ, J ṫ> = <Jᵀ ȳ, ṫ>) and second order (a Hessian-vector product against differences of gradients).

A case is ``(name, builder, numpy function, input shapes)``; the builder takes graphgrad inputs, the NumPy
function the same arrays, and both must agree in value, shape and dtype.
"""
import numpy as np

import graphgrad as gg
from graphgrad import ops
from graphgrad.numeric import gradient as numeric_gradient


def graphs(case):
    """(the case's graph, a scalar of it that is not linear in it: sum(sin(out) · weights))."""
    _, f, _, shapes = case
    xs = [ops.input(f"x{i}", s) for i, s in enumerate(shapes)]
    out = f(*xs)
    weights = gg.const(np.linspace(0.5, 1.5, out.size).reshape(out.shape))
    return gg.Graph([out], xs), gg.Graph([ops.sum(ops.sin(out) * weights)], xs)


def sample(case, seed):
    rng = np.random.default_rng(seed)
    return [rng.uniform(-1.5, 1.5, s) for s in case[3]]


def check_value(case, seed):
    plain, _ = graphs(case)
    values = sample(case, seed)
    got, expected = plain(*values), np.asarray(case[2](*values))
    assert got.shape == expected.shape
    assert got.dtype == expected.dtype
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


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
