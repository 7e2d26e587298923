"""Forward mode: Jacobians and directional derivatives of tensor programs against finite differences."""
import numpy as np
import pytest

import graphgrad as gg

NET = "y = softmax(W @ x + b)"
SHAPES = {"W": (3, 4), "x": (4,), "b": (3,)}


def values(seed=0):
    rng = np.random.default_rng(seed)
    return {k: rng.normal(size=s) for k, s in SHAPES.items()}


def numeric_jacobian(graph, at, name, h=1e-6):
    """d y / d at[name] by central differences, shape y.shape + x.shape."""
    x = at[name]
    columns = []
    for idx in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[idx] += h
        down[idx] -= h
        columns.append((graph(**{**at, name: up}) - graph(**{**at, name: down})) / (2 * h))
    return np.stack(columns, axis=-1).reshape(graph.output.shape + x.shape)


def test_jacobian_of_a_softmax_layer_matches_finite_differences():
    graph, at = gg.parse(NET, shapes=SHAPES), values()
    jac = gg.jacobian(graph, at)
    for name in SHAPES:
        assert jac[name].shape == (3,) + SHAPES[name]
        np.testing.assert_allclose(jac[name], numeric_jacobian(graph, at, name), atol=1e-8)


def test_directional_derivative_is_the_jacobian_times_the_direction():
    graph, at = gg.parse(NET, shapes=SHAPES), values(1)
    direction = values(2)
    _, y_dot = gg.directional(graph, at, direction)
    jac = gg.jacobian(graph, at)
    expected = sum(np.tensordot(jac[k], direction[k], axes=len(SHAPES[k])) for k in SHAPES)
    np.testing.assert_allclose(y_dot, expected, atol=1e-12)


def test_reverse_mode_of_a_tensor_output_is_the_gradient_of_its_sum_and_wrt_picks_inputs():
    graph, at = gg.parse("y = tanh(W @ x + b)", shapes=SHAPES), values(3)
    outputs = gg.grad_graph(graph, wrt=["W"])(**at)
    assert len(outputs) == 2
    expected = gg.jacobian(graph, at)["W"].sum(axis=0)
    assert np.abs(expected).min() > 1e-3
    np.testing.assert_allclose(outputs[1], expected, atol=1e-12)


def test_a_value_that_overflows_is_refused_where_the_tangent_was_nan():
    """prod of 1e300s: forward mode divided inf by inf (reverse mode printed inf) for a derivative 1e300."""
    x = gg.vars("x", shape=(3,))
    graph = gg.Graph([gg.ops.prod(x)], [x])
    for run in (lambda: gg.jacobian(graph, {"x": np.array([1e300, 1e300, 1.0])}),
                lambda: gg.directional(graph, {"x": np.array([1e300, 1e300, 1.0])}, {"x": np.ones(3)})):
        with pytest.raises(gg.DomainError, match="prod overflows at node v1 = prod v0"):
            run()
