"""Comparisons, logic and selection against NumPy; booleans have no derivative and say so."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import graphgrad as gg
from graphgrad import ops
from tests.ops.checks import assert_like_numpy, broadcastable, evaluate, seeds, values

OPERATORS = [(lambda a, b: a < b, np.less), (lambda a, b: a <= b, np.less_equal), (lambda a, b: a > b, np.greater),
             (lambda a, b: a >= b, np.greater_equal), (lambda a, b: a == b, np.equal),
             (lambda a, b: a != b, np.not_equal)]


@pytest.mark.parametrize("op, reference", OPERATORS, ids=["<", "<=", ">", ">=", "==", "!="])
@settings(max_examples=6)
@given(pair=broadcastable(2), dtype=st.sampled_from([np.float32, np.int32]), seed=seeds)
def test_comparison_operators_give_numpy_booleans(op, reference, pair, dtype, seed):
    a, b = (np.round(values(s, np.float64, seed + k)).astype(dtype) for k, s in enumerate(pair))
    assert_like_numpy(op, reference, a, b)
    assert_like_numpy(op, reference, a, 0)


@pytest.mark.parametrize("name", ["logical_and", "logical_or", "logical_xor"])
def test_logic_matches_numpy(name):
    a, b = np.array([[True, False, True]]), np.array([[True], [False]])
    assert_like_numpy(getattr(ops, name), getattr(np, name), a, b)
    assert_like_numpy(getattr(ops, name), getattr(np, name), np.array([0.0, 2.0, -1.0]), np.array([1.0, 0.0, 0.0]))


def test_not_and_isfinite():
    v = np.array([0.0, 1.0, np.inf, -np.inf, np.nan, 3.0])
    assert_like_numpy(ops.logical_not, np.logical_not, v > 0)
    assert_like_numpy(ops.isfinite, np.isfinite, v)


def test_where_and_clip_match_numpy_with_broadcasting_and_weak_scalars():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(2, 3)).astype(np.float32), rng.normal(size=(3,)).astype(np.float32)
    assert_like_numpy(lambda c, a, b: ops.where(c, a, b), np.where, x > 0, x, y)
    assert_like_numpy(lambda c, a: ops.where(c, a, 0.0), lambda c, a: np.where(c, a, 0.0), x > 0, x)
    assert_like_numpy(ops.clip, np.clip, x, -0.5, 0.5)
    assert_like_numpy(ops.clip, np.clip, x, y, 0.5)
    assert_like_numpy(lambda a: ops.clip(a, None, 0.5), lambda a: np.clip(a, None, 0.5), x)
    assert_like_numpy(ops.clip, np.clip, np.arange(-3, 4, dtype=np.int32), -1, 1)
    assert_like_numpy(ops.fmax, np.fmax, np.array([1.0, np.nan, 3.0]), np.array([np.nan, np.nan, 2.0]))
    assert_like_numpy(ops.fmin, np.fmin, np.array([1.0, np.nan, 3.0]), np.array([np.nan, 2.0, 2.0]))


def test_where_sends_the_adjoint_to_the_chosen_branch_only():
    x = ops.input("x", (4,))
    g = gg.grad_graph(gg.Graph([ops.sum(ops.where(x > 0, 3 * x, -x))]))
    np.testing.assert_array_equal(g(x=np.array([-1.0, 2.0, 0.0, 5.0]))[1], [-1.0, 3.0, -1.0, 3.0])


@pytest.mark.parametrize("build", [lambda x: x < 1, lambda x: ops.isfinite(x), lambda x: ops.logical_not(x > 0)])
def test_a_boolean_output_is_not_differentiable(build):
    x = ops.input("x", (2,))
    graph = gg.Graph([build(x)])
    with pytest.raises(gg.ArgumentError, match="not differentiable.*bool"):
        gg.grad_graph(graph)
    with pytest.raises(gg.ArgumentError, match="not differentiable"):
        gg.jvp_graph(graph)


def test_a_node_has_no_truth_value():
    x = ops.input("x")
    with pytest.raises(TypeError, match="no truth value"):
        bool(x == x)
    y = ops.input("y")
    assert {x: 1, y: 2}[y] == 2 and len({x, y, x}) == 2   # dicts and sets still find nodes by identity


def test_comparisons_print_readably():
    a, b = gg.vars("a b")
    assert str(gg.Graph([ops.where(a <= b, a, b)])).splitlines()[-2] == "v2 = where(v1, v-1, v0)"
    assert "v1 = v-1 ≤ v0" in str(gg.Graph([ops.where(a <= b, a, b)]))
    v, out = evaluate(lambda a: a != 1, np.array([1.0, 2.0]))
    assert out.op.name == "not_equal" and v.tolist() == [False, True]


@pytest.mark.parametrize("build", [
    lambda x, b: ops.maximum(x, b), lambda x, b: ops.minimum(x, b), lambda x, b: ops.fmax(x, b),
    lambda x, b: ops.fmin(x, b), lambda x, b: ops.clip(x, b, None), lambda x, b: ops.clip(x, None, b),
    lambda x, b: ops.clip(x, b, b + 1), lambda x, b: ops.clip(x, b - 1, b), lambda x, b: np.clip(x, b, None)],
    ids=["maximum", "minimum", "fmax", "fmin", "clip_min", "clip_max", "clip_low", "clip_high", "np.clip"])
def test_at_a_tie_the_first_operand_takes_the_whole_adjoint(build):
    """The core's one rule for maximum, minimum, clip (and so PyTorch's clamp): where x equals the other
    operand, x gets the adjoint and the other operand none; elsewhere the operand chosen gets it."""
    x, b = np.array([1.0, 2.0, 3.0]), np.array([2.0, 2.0, 2.0])
    dx, db = gg.grad(lambda x, b: ops.sum(build(x, b)), argnums=(0, 1))(x, b)
    assert dx[1] == 1.0 and db[1] == 0.0
    np.testing.assert_array_equal(dx + db, [1.0, 1.0, 1.0])
