"""The Numba backend against the NumPy interpreter on random graphs (values and gradients), and its source."""
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import graphgrad as gg
from graphgrad.backends.numpy_backend import evaluate
from graphgrad.compiler import CompileError, compile, sizes
from graphgrad.graph import Graph
from graphgrad.ops import input as make_input

SHAPES = [(), (3,), (2, 3)]
TOLERANCE = {np.float32: 1e-5, np.float64: 1e-12}

UNARY = [
    gg.ops.neg, gg.sin, gg.cos, gg.tanh, gg.sigmoid, gg.ops.relu, gg.ops.softplus, gg.abs,
    lambda a: gg.exp(gg.tanh(a)), lambda a: gg.sqrt(a * a + 1.0), lambda a: gg.ln(a * a + 1.0),
    lambda a: a ** 2, lambda a: 2.0 - a * 0.5,
]
BINARY = [gg.ops.add, gg.ops.sub, gg.ops.mul, lambda a, b: a / (b * b + 1.0), gg.ops.maximum, gg.ops.minimum]


def _compatible(a, b):
    try:
        np.broadcast_shapes(a.shape, b.shape)
        return True
    except ValueError:
        return False


@st.composite
def random_graphs(draw, dtype):
    """A graph of random elementwise ops, reductions, products, transposes, reshapes, slices, gathers and
    concatenations, and its gradient (where scatter-adds are)."""
    inputs = [make_input(name, shape, dtype) for name, shape in zip(("s", "v", "m"), SHAPES)]
    pool = list(inputs)
    for _ in range(draw(st.integers(3, 9))):
        a = draw(st.sampled_from(pool))
        kind = draw(st.sampled_from(["unary", "binary", "binary", "reduce", "matmul", "shape", "move"]))
        if kind == "unary":
            pool.append(draw(st.sampled_from(UNARY))(a))
        elif kind == "binary":
            b = draw(st.sampled_from([n for n in pool if _compatible(a, n)]))
            pool.append(draw(st.sampled_from(BINARY))(a, b))
        elif kind == "reduce" and a.ndim:
            axis = draw(st.sampled_from([None] + list(range(-a.ndim, a.ndim))))
            op = draw(st.sampled_from([gg.sum, gg.mean, gg.max]))
            pool.append(op(a, axis=axis, keepdims=draw(st.booleans())))
        elif kind == "matmul":
            matrices = [n for n in pool if n.shape == (2, 3)]
            vectors = [n for n in pool if n.shape == (3,)]
            m, v = draw(st.sampled_from(matrices)), draw(st.sampled_from(vectors))
            pool.append(draw(st.sampled_from([lambda: m @ v, lambda: m @ m.T, lambda: m.T @ m, lambda: v @ v]))())
        elif kind == "shape" and a.ndim == 2:
            pool.append(draw(st.sampled_from([lambda: a.T, lambda: gg.reshape(a, (a.size,)),
                                              lambda: gg.softmax(a, axis=1), lambda: gg.log_softmax(a, axis=0)]))())
        elif kind == "shape":
            pool.append(gg.broadcast_to(a, (2, 3) if a.shape in ((), (3,)) else a.shape))
        elif kind == "move" and a.ndim:
            pool.append(draw(st.sampled_from([lambda: a[::-1], lambda: a[..., None, -1], lambda: a[[0, -1, 0]],
                                              lambda: gg.ops.concatenate([a, a[..., 1:]], axis=-1)]))())
        elif kind == "move":
            pool.append(draw(st.sampled_from([lambda: a[None], lambda: gg.ops.stack([a, a * 2.0])]))())
    outputs = pool[len(inputs):][-3:]
    total = sum(gg.sum(o) for o in outputs)
    grads = gg.grad_graph(Graph([total], inputs)).outputs
    return Graph([*outputs, *grads], inputs)


def _values(dtype, seed):
    rng = np.random.default_rng(seed)
    return [rng.uniform(-2, 2, shape).astype(dtype) for shape in SHAPES]


def _check(graph, dtype, seed):
    values = _values(dtype, seed)
    expected = graph(*values)
    got = compile(graph)(*values)
    tol = TOLERANCE[dtype]
    for k, (a, b) in enumerate(zip(got, expected)):
        a = np.asarray(a)
        assert a.shape == b.shape, f"output {k}"
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol, err_msg=f"output {k} of\n{graph}")


@pytest.mark.parametrize("dtype, smallest", [(np.float64, 2), (np.float32, sizes.SMALLEST)],
                         ids=["float64, every size a name", "float32"])
@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data(), seed=st.integers(0, 2 ** 16))
def test_random_graphs_match_the_interpreter(dtype, smallest, data, seed, monkeypatch):
    monkeypatch.setattr(sizes, "SMALLEST", smallest)   # SHAPES' extents 2 and 3 as names d0, d1, or numbers
    _check(data.draw(random_graphs(dtype)), dtype, seed)


@pytest.fixture(scope="module")
def baydin():
    """The compiled value and gradient of ln(x1) + x1*x2 - sin(x2) (Baydin et al.'s example)."""
    graph = gg.parse("ln(x1) + x1*x2 - sin(x2)")
    return graph, compile(graph, wrt=["x1", "x2"])


def test_baydin_example_matches_the_hand_derivation(baydin):
    _, compiled = baydin
    value, d1, d2 = compiled(2.0, 5.0)
    assert value == pytest.approx(np.log(2) + 10 - np.sin(5), rel=1e-15)
    assert d1 == pytest.approx(1 / 2 + 5, rel=1e-15)
    assert d2 == pytest.approx(2 - np.cos(5), rel=1e-15)


def test_keywords_and_converted_arguments(baydin):
    _, compiled = baydin
    assert compiled(x2=5.0, x1=2) == compiled(2.0, 5.0)
    assert compiled(np.float32(2.0), 5) == compiled(2.0, 5.0)


def test_bad_arguments_name_the_input(baydin):
    _, compiled = baydin
    with pytest.raises(gg.MissingInputError, match="x2"):
        compiled(2.0)
    with pytest.raises(gg.UnknownNameError, match="x3"):
        compiled(2.0, 5.0, x3=1.0)
    with pytest.raises(gg.InputValueError, match="x1"):
        compiled("two", 5.0)


def test_wrong_shape_is_a_shape_error_naming_the_input():
    x = make_input("x", (3,))
    compiled = compile(Graph([gg.exp(x)], [x]))
    with pytest.raises(gg.ShapeError, match="'x'.*\\(3,\\)"):
        compiled(np.ones(4))
    with pytest.raises(gg.ShapeError, match="'x'"):
        compiled(np.ones((3, 1)))


def test_source_shows_fused_loops_and_blas():
    x, w, b = make_input("x", (64, 128), np.float32), make_input("w", (128, 64), np.float32), \
        make_input("b", (64,), np.float32)
    compiled = compile(Graph([gg.sigmoid(x @ w + b)], [x, w, b]))
    source = compiled.source
    assert "gemm(x, False, w, False, v1, d0, d1, d0)" in source   # sizes are named: d0 = 64, d1 = 128
    assert list(compiled.sizes[0]) == [64, 128]
    assert "sigmoid(" in source and source.count("for i0 in range(d0)") == 1
    assert "np.float32(1.0)" in source
    assert compiled.path.endswith("kernel.py")
    rng = np.random.default_rng(0)
    values = [rng.normal(size=n.shape).astype(np.float32) for n in (x, w, b)]
    np.testing.assert_allclose(compiled(*values), Graph([gg.sigmoid(x @ w + b)], [x, w, b])(*values),
                               rtol=1e-5, atol=1e-6)


def test_outputs_that_are_inputs_or_constants_are_copies():
    x = make_input("x", (2,))
    compiled = compile(Graph([x, gg.ops.const(np.array([1.0, 2.0]))], [x]), passes=False)
    value = np.array([3.0, 4.0])
    out, constant = compiled(value)
    out[0] = 0.0
    assert value[0] == 3.0
    np.testing.assert_array_equal(constant, [1.0, 2.0])


def test_batched_products_run_one_gemm_per_matrix():
    """A stack times a stack, a matrix broadcast over a stack, and a stack read transposed in place."""
    a, b, m = make_input("a", (2, 3, 4)), make_input("b", (2, 4, 5)), make_input("m", (5, 3))
    outputs = [a @ b, m @ (a @ b), gg.ops.transpose(b, (0, 2, 1)) @ gg.ops.transpose(a, (0, 2, 1))]
    graph = Graph(outputs, [a, b, m])
    rng = np.random.default_rng(0)
    given_ = {n.name: rng.normal(size=n.shape) for n in graph.inputs}
    compiled = compile(graph)
    assert "batched_gemm(" in compiled.source and "ᵀ\n    for" not in compiled.source   # transposes read in place
    for x, y in zip(compiled(**given_), graph(**given_)):
        np.testing.assert_allclose(x, y, rtol=1e-12)


@pytest.mark.parametrize("shapes, dtype", [([(2, 1, 3, 4), (1, 5, 4, 2)], "float64"),
                                           ([(2, 3, 4), (2, 4, 5)], "int64")])
def test_batched_products_it_cannot_run_are_refused_with_the_node_named(shapes, dtype):
    """A batch broadcast axis by axis, and integers (BLAS multiplies floats)."""
    a, b = make_input("a", shapes[0], dtype), make_input("b", shapes[1], dtype)
    with pytest.raises(CompileError, match="multiplies"):
        compile(Graph([a @ b], [a, b]))


def test_a_scalar_constant_reshaped_to_an_array():
    from graphgrad.graph.primitive import const
    x = make_input("x", (3,))
    graph = Graph([gg.reshape(const(2.0), (1,)) + x], [x])
    np.testing.assert_array_equal(compile(graph, passes=False)(np.arange(3.0)), [2.0, 3.0, 4.0])


def test_a_reduction_that_declares_no_fold_runs_on_the_interpreter_saying_so(total):
    """Fusion takes any primitive declared a reduction; one the code generator cannot accumulate (no ``fold``)
    is no error: the graph runs on the interpreter, with a warning naming it."""
    from graphgrad.compiler import CompileWarning, InterpretedGraph
    x = make_input("x", (4, 3))
    graph = Graph([total(gg.exp(x) * 2.0, axis=(1,), keepdims=False)], [x])
    with pytest.warns(CompileWarning, match="no code for the reduction 'total_for_test'"):
        compiled = compile(graph)
    assert isinstance(compiled, InterpretedGraph)
    value = np.arange(12.0).reshape(4, 3) / 10
    np.testing.assert_array_equal(compiled(value), graph(value))


HOSTILE = 'a"""; import os; os.system("touch X"); """'


def test_hostile_names_stay_data_in_the_kernel_source(tmp_path, monkeypatch):
    import ast
    monkeypatch.chdir(tmp_path)
    x = make_input(HOSTILE, (3,))
    ligature, plain = make_input("ﬁ", ()), make_input("fi", ())   # one identifier to Python after NFKC
    y = gg.sum(x * ligature + plain).named('q\nimport os; os.system("touch X")\n#\\')
    graph = Graph([y], [x, ligature, plain])
    compiled = compile(graph)
    assert float(compiled(np.ones(3), 2.0, 5.0)) == float(graph(np.ones(3), 2.0, 5.0)) == 21.0
    assert not (tmp_path / "X").exists()
    tree = ast.parse(compiled.source)
    assert not [n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == "os"]
    assert HOSTILE in ast.get_docstring(tree)   # the name is text of the docstring, not code
    with pytest.raises(gg.ShapeError, match="for input 'a\"\"\"; import os"):
        compiled(np.ones(4), 2.0, 5.0)


def test_names_the_kernel_uses_itself_are_left_to_it():
    """An input or a named operation called like a runtime helper, a kernel argument or a keyword."""
    x = make_input("view", (64, 8))
    h = gg.tanh(x * 2.0).named("sigmoid")
    z = (gg.sigmoid(h) * h).named("layout")
    graph = Graph([gg.sum(z).named("lambda")], [x])
    value = np.random.default_rng(0).normal(size=(64, 8))
    assert float(compile(graph)(value)) == pytest.approx(float(graph(value)), rel=1e-12)


@pytest.mark.parametrize("shape, key", [((1,), (slice(1, 1),)), ((2, 3), (slice(None), slice(2, 2))),
                                        ((3, 2), (slice(3, None),))])
def test_an_empty_slice_moves_nothing(shape, key):
    """A slice of extent 0 and the scatter of it write no element (they wrote one, out of bounds: a random
    graph found it)."""
    from graphgrad import ops
    x = make_input("x", shape, np.float64)
    empty = ops.index(x, key)
    back = ops.scatter_add(empty, key, shape)
    graph = Graph([ops.index(x, (slice(0, shape[0]),)) + back, ops.sum(empty) + 1.0])
    values = np.arange(1.0, 1.0 + np.prod(shape)).reshape(shape)
    for got, expected in zip(compile(graph)(values), evaluate(graph, {"x": values})):
        np.testing.assert_array_equal(np.asarray(got), expected)


def test_slices_gathers_scatters_and_concatenations_match_the_interpreter():
    """Strided slices (negative steps, new axes), gathers with repeats, 0-d picks and concatenations, and
    their adjoints (scatter-adds, repeated indices adding up), compiled, against the interpreter."""
    s, v, m = (make_input(name, shape) for name, shape in zip(("s", "v", "m"), SHAPES))
    picked = m[::-1, [2, 0, 2]] * v[1] + gg.ops.take_along_axis(m, np.array([[1], [0]]), 1)
    joined = gg.ops.concatenate([picked, m[:, None, 1].reshape(2, 1), gg.ops.pad(v[None, :2], ((1, 0), (0, 2)))],
                                axis=-1)
    total = gg.sum(gg.sin(joined)) + s[None][0] * gg.sum(gg.ops.diag(v)[::2])
    graph = gg.grad_graph(Graph([total], [s, v, m]))
    source = compile(graph).source
    assert "T0[i0]" in source and "+= " in source
    _check(Graph([joined, *graph.outputs], [s, v, m]), np.float64, 3)


def test_the_numpy_vocabulary_compiles_into_loops_that_match_the_interpreter():
    """Every new elementwise op, comparison, where, clip and astype in a few fused loops; min and prod reduce."""
    ops = gg.ops
    x, y = make_input("x", (5,)), make_input("y", (5,))
    calculus = (ops.log2(abs(x) + 1) + ops.log10(abs(x) + 1) + ops.log1p(abs(y)) + ops.expm1(x) + ops.exp2(y)
                + ops.sinh(x) * ops.cosh(y) + ops.arcsin(x / 9) + ops.arccos(y / 9) + ops.arctan(x)
                + ops.arcsinh(y) + ops.arccosh(abs(x) + 1) + ops.arctanh(y / 9) + ops.sinc(x) + ops.cbrt(y)
                + ops.square(x) + ops.reciprocal(y) + ops.deg2rad(x) + ops.rad2deg(y) + ops.arctan2(y, x)
                + ops.hypot(x, y) + ops.logaddexp(x, y) + ops.logaddexp2(x, y) + ops.fmax(x, y) + ops.fmin(x, y))
    piecewise = (ops.floor(x) + ops.ceil(y) + ops.trunc(x) + ops.rint(y) + ops.round(x, 1) + x % y
                 + ops.fmod(x, y) + ops.where(x > y, x, y) + ops.clip(x, -1, 1.5))
    logic = ops.logical_xor(ops.logical_and(x < y, x <= 1), ops.logical_or(x >= y, ops.logical_not(x != y)))
    outputs = [calculus, piecewise, logic, ops.isfinite(x / y), ops.astype(x, np.float32), x * (x > 0),
               ops.min(x * y), ops.prod(x + 3)]
    graph = Graph(outputs, [x, y])
    vx, vy = np.array([-2.3, -0.5, 0.0, 0.7, 3.2]), np.array([1.5, -0.5, 2.0, -1.0, 0.3])
    for got, want in zip(compile(graph)(vx, vy), graph(x=vx, y=vy)):
        assert np.asarray(got).dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=1e-12)


def test_a_reduction_of_integers_is_refused():
    x = make_input("x", (3,))
    with pytest.raises(CompileError, match="reduces floats only"):
        compile(Graph([gg.ops.sum(x > 0)], [x]))


def test_a_nan_passes_through_maximum_minimum_clip_relu_and_max_as_in_numpy():
    """Compiled, these choose by comparison; a NaN operand must still win, as it does in NumPy (a NaN made 0
    by a compiled relu would hide a diverging run that the interpreter reports)."""
    x, y = make_input("x", (6,)), make_input("y", (6,))
    graph = Graph([gg.ops.maximum(x, y), gg.ops.minimum(x, y), gg.ops.clip(x, -1.0, 1.0), gg.ops.relu(x),
                      gg.ops.max(x), gg.ops.min(y)], [x, y])
    xv = np.array([np.nan, 2.0, -3.0, 0.5, np.nan, -0.0])
    yv = np.array([1.0, np.nan, -4.0, 0.5, np.nan, 0.0])
    for compiled, expected in zip(compile(graph)(xv, yv), evaluate(graph, {"x": xv, "y": yv})):
        np.testing.assert_array_equal(compiled, expected)


def test_names_of_thousands_of_characters_compile_apart():
    """Numba's LLVM IR cut such names into one ('redefinition of argument'); the kernel keeps 64 characters and
    tells repeats apart by a suffix."""
    x, y = make_input("x" * 3000, (3,)), make_input("x" * 3000 + "y", (3,))
    graph = Graph([gg.ops.sum(gg.ops.exp(x) * y)], [x, y])
    xv, yv = np.array([0.0, 1.0, 2.0]), np.array([2.0, 3.0, 4.0])
    assert compile(graph)(xv, yv) == pytest.approx(float(np.sum(np.exp(xv) * yv)))


def test_a_reduction_over_the_inner_axes_adds_in_a_local_and_sums_as_numpy():
    """A bias's gradient (a relu's output summed over all axes but channels, as in a convolution's backward
    pass) and a mean over the image: each element they add into is kept in a local over the inner loops
    (``_reduction_loops``, over the image's axes merged into one: ``_merged_axes``); a sum keeping the last
    axis adds into its array; a sum over a unit axis keeps the others. Sums match NumPy's."""
    x = make_input("x", (3, 4, 5, 6), np.float64)
    t = gg.ops.relu(x - 0.25)
    row = gg.reshape(gg.tanh(x), (1, 360))                  # a unit axis reduced: the others are kept
    graph = Graph([t, gg.sum(t, axis=(0, 2, 3)), gg.mean(t, axis=(2, 3)), gg.sum(t, axis=(0, 1, 2)),
                   gg.sum(row, axis=0)], [x])
    value = np.random.default_rng(3).normal(size=(3, 4, 5, 6))
    compiled = compile(graph)
    assert len(re.findall(r"_acc = v\d+\[", compiled.source)) == 2      # the two that keep no inner axis
    relu = np.maximum(value - 0.25, 0)
    for got, expected in zip(compiled(value), (relu, relu.sum(axis=(0, 2, 3)), relu.mean(axis=(2, 3)),
                                               relu.sum(axis=(0, 1, 2)), np.tanh(value).reshape(360))):
        np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-15)
