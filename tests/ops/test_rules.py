"""Every primitive's VJP and JVP agree with finite differences and with each other (hypothesis)."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import graphgrad as gg
from graphgrad import ops
from graphgrad.ops import convolution as conv, pooling
from graphgrad.numeric import gradient as numeric_gradient

# (name, builder, input shapes, a sampler of values inside the domain, away from kinks)
away = lambda x: x + np.sign(x) * 0.1 + (x == 0) * 0.3
CONV = dict(strides=(1, 2), padding="same", dilation=(1, 1), groups=1, layout="NHWC")
POOL = dict(pool=(2, 2), strides=(2, 2), padding="valid", layout="NHWC")
CASES = [
    ("add", lambda x, y: x + y, [(3,), (2, 3)], None),
    ("sub", lambda x, y: x - y, [(2, 1), (3,)], None),
    ("mul", lambda x, y: x * y, [(2, 3), ()], None),
    ("div", lambda x, y: x / y, [(3,), (3,)], lambda v: [v[0], np.abs(v[1]) + 0.5]),
    ("pow", lambda x, y: x ** y, [(3,), (3,)], lambda v: [np.abs(v[0]) + 0.5, v[1]]),
    ("neg", lambda x: -x, [(2, 2)], None),
    ("ln", ops.ln, [(3,)], lambda v: [np.abs(v[0]) + 0.2]),
    ("exp", ops.exp, [(3,)], None),
    ("sin", ops.sin, [(3,)], None),
    ("cos", ops.cos, [(3,)], None),
    ("tan", ops.tan, [(3,)], lambda v: [np.clip(v[0], -1.2, 1.2)]),
    ("tanh", ops.tanh, [(3,)], None),
    ("sqrt", ops.sqrt, [(3,)], lambda v: [np.abs(v[0]) + 0.2]),
    ("abs", ops.abs, [(3,)], lambda v: [away(v[0])]),
    ("sigmoid", ops.sigmoid, [(3,)], None),
    ("relu", ops.relu, [(3,)], lambda v: [away(v[0])]),
    ("softplus", ops.softplus, [(3,)], None),
    ("maximum", ops.maximum, [(3,), (3,)], lambda v: [v[0], v[0] + np.where(np.arange(3) % 2, 0.5, -0.5)]),
    ("minimum", ops.minimum, [(3,), (3,)], lambda v: [v[0], v[0] + np.where(np.arange(3) % 2, 0.5, -0.5)]),
    ("sum", lambda x: ops.sum(x, axis=1), [(2, 3)], None),
    ("sum_keepdims", lambda x: ops.sum(x, axis=0, keepdims=True), [(2, 3)], None),
    ("mean", lambda x: ops.mean(x, axis=(0, 2)), [(2, 3, 2)], None),
    ("max", lambda x: ops.max(x, axis=-1), [(2, 3)], None),
    ("softmax", ops.softmax, [(2, 4)], None),
    ("log_softmax", lambda x: ops.log_softmax(x, axis=0), [(3, 2)], None),
    ("matmul_2d", ops.matmul, [(2, 3), (3, 4)], None),
    ("matmul_vec_mat", ops.matmul, [(3,), (3, 2)], None),
    ("matmul_mat_vec", ops.matmul, [(2, 3), (3,)], None),
    ("matmul_dot", ops.matmul, [(3,), (3,)], None),
    ("matmul_batch", ops.matmul, [(2, 2, 3), (3, 2)], None),
    ("transpose", lambda x: ops.transpose(x, (1, 2, 0)), [(2, 3, 4)], None),
    ("reshape", lambda x: ops.reshape(x, (3, -1)), [(2, 3)], None),
    ("broadcast_to", lambda x: ops.broadcast_to(x, (2, 3)), [(3,)], None),
    ("index", lambda x: x[::-1, [0, 2, 2]], [(2, 3)], None),
    ("scatter_add", lambda g: ops.scatter_add(g, (slice(None), [1, 1]), (2, 3)), [(2, 2)], None),
    ("concatenate", lambda x, y: ops.concatenate([x, y, x], axis=-1), [(2, 1), (2, 3)], None),
    ("einsum", lambda x, y: ops.einsum("ij,jk->ik", x, y), [(2, 3), (3, 2)], None),
    ("conv2d", lambda x, w: ops.conv2d(x, w, strides=(1, 2), padding="same"), [(2, 4, 5, 2), (3, 2, 2, 3)], None),
    ("conv2d_groups_nchw", lambda x, w: ops.conv2d(x, w, padding=1, dilation=(2, 1), groups=2, layout="NCHW"),
     [(1, 4, 5, 4), (4, 2, 2, 3)], None),
    ("max_pool2d", lambda x: ops.max_pool2d(x, 2, padding="same"), [(2, 3, 5, 2)], None),
    ("max_pool2d_nchw", lambda x: ops.max_pool2d(x, 3, strides=2, layout="NCHW"), [(1, 2, 5, 5)], None),
    ("avg_pool2d", lambda x: ops.avg_pool2d(x, (2, 3), strides=1, padding=1), [(2, 3, 4, 2)], None),
    ("batch_norm", lambda x, g, b: ops.batch_norm(x, g, b, *ops.moments(x)), [(4, 2, 3), (3,), (3,)], None),
    # the primitives that the derivatives of the windowed ones are made of
    ("conv2d_input_grad", lambda g, w: conv.conv2d_input_grad_p(g, w, size=(4, 5), **CONV), [(2, 4, 3, 3), (3, 2, 2, 3)],
     None),
    ("conv2d_weight_grad", lambda x, g: conv.conv2d_weight_grad_p(x, g, kernel=(3, 2), **CONV),
     [(2, 4, 5, 2), (2, 4, 3, 3)], None),
    ("max_pool2d_grad", lambda x, g: pooling.max_pool2d_grad_p(x, g, **POOL), [(1, 4, 4, 2), (1, 2, 2, 2)], None),
    ("max_pool2d_select", lambda x, c: pooling.max_pool2d_select_p(x, c, **POOL), [(1, 4, 4, 2), (1, 4, 4, 2)], None),
    ("avg_pool2d_grad", lambda g: pooling.avg_pool2d_grad_p(g, size=(4, 4), **POOL), [(1, 2, 2, 2)], None),
    # functions of calculus
    ("log2", ops.log2, [(3,)], lambda v: [np.abs(v[0]) + 0.2]),
    ("log10", ops.log10, [(3,)], lambda v: [np.abs(v[0]) + 0.2]),
    ("log1p", ops.log1p, [(3,)], lambda v: [np.abs(v[0]) - 0.5]),
    ("expm1", ops.expm1, [(3,)], None),
    ("exp2", ops.exp2, [(3,)], None),
    ("sinh", ops.sinh, [(3,)], None),
    ("cosh", ops.cosh, [(3,)], None),
    ("arcsin", ops.arcsin, [(3,)], lambda v: [v[0] * 0.6]),
    ("arccos", ops.arccos, [(3,)], lambda v: [v[0] * 0.6]),
    ("arctan", ops.arctan, [(3,)], None),
    ("arcsinh", ops.arcsinh, [(3,)], None),
    ("arccosh", ops.arccosh, [(3,)], lambda v: [np.abs(v[0]) + 1.2]),
    ("arctanh", ops.arctanh, [(3,)], lambda v: [v[0] * 0.6]),
    ("sinc", ops.sinc, [(3,)], lambda v: [away(v[0])]),
    ("cbrt", ops.cbrt, [(3,)], lambda v: [away(v[0])]),
    ("square", ops.square, [(2, 3)], None),
    ("reciprocal", ops.reciprocal, [(3,)], lambda v: [away(v[0])]),
    ("deg2rad", ops.deg2rad, [(3,)], None),
    ("rad2deg", ops.rad2deg, [(3,)], None),
    ("arctan2", ops.arctan2, [(3,), (2, 3)], lambda v: [v[0], away(v[1])]),
    ("hypot", ops.hypot, [(3,), (3,)], lambda v: [away(v[0]), v[1]]),
    ("logaddexp", ops.logaddexp, [(2, 1), (3,)], None),
    ("logaddexp2", ops.logaddexp2, [(3,), ()], None),
    # piecewise: rounding (derivative 0), remainders (1 and -floor/trunc), selection
    ("floor", ops.floor, [(3,)], lambda v: [v[0] + 0.01]),
    ("ceil", ops.ceil, [(3,)], lambda v: [v[0] + 0.01]),
    ("trunc", ops.trunc, [(3,)], lambda v: [v[0] + 0.01]),
    ("rint", ops.rint, [(3,)], lambda v: [v[0] + 0.01]),
    ("round", lambda x: ops.round(x, 1), [(3,)], lambda v: [np.round(v[0], 1) + 0.02]),
    ("mod", lambda x, y: x % y, [(3,), (3,)], lambda v: [3 * v[0] + 0.01, away(v[1])]),
    ("fmod", ops.fmod, [(3,), ()], lambda v: [3 * v[0] + 0.01, away(v[1])]),
    ("where", lambda x, y: ops.where(x > y, x, y * y), [(2, 3), (3,)], None),
    ("clip", lambda x, lo, hi: ops.clip(x, lo, hi), [(4,), (), ()], lambda v: [v[0] * 2, v[1] - 1.7, v[2] + 1.7]),
    ("fmax", ops.fmax, [(3,), (3,)], lambda v: [v[0], v[0] + np.where(np.arange(3) % 2, 0.5, -0.5)]),
    ("fmin", ops.fmin, [(3,), (3,)], lambda v: [v[0], v[0] + np.where(np.arange(3) % 2, 0.5, -0.5)]),
    # reductions and scans
    ("min", lambda x: ops.min(x, axis=(0, -1), keepdims=True), [(2, 3, 2)], None),
    ("prod", lambda x: ops.prod(x, axis=-1), [(2, 3)], None),
    ("prod_zeros", lambda x: ops.prod(x, axis=1), [(3, 3)],
     lambda v: [v[0] * np.array([[0, 1, 1], [0, 0, 1], [1, 1, 1]])]),
    ("var", lambda x: ops.var(x, axis=0, ddof=1), [(3, 2)], None),
    ("std", lambda x: ops.std(x, axis=(0, 1)), [(2, 3)], None),
    ("logsumexp", lambda x: ops.logsumexp(x, axis=-1), [(2, 3)], None),
    ("cumsum", lambda x: ops.cumsum(x, axis=-2), [(3, 2)], None),
    ("cumsum_flat", ops.cumsum, [(2, 2)], None),
    ("cumprod", lambda x: ops.cumprod(x, axis=1), [(2, 3)], lambda v: [away(v[0])]),
    ("norm", lambda x: ops.norm(x, axis=1), [(2, 3)], None),
    ("norm_p", lambda x: ops.norm(x, ord=3), [(4,)], lambda v: [away(v[0])]),
]


def build(case):
    name, f, shapes, _ = case
    xs = [gg.ops.input(f"x{i}", s) for i, s in enumerate(shapes)]
    out = f(*xs)
    weights = gg.const(np.linspace(0.5, 1.5, out.size).reshape(out.shape))
    return gg.Graph([ops.sum(out * weights)], xs), gg.Graph([out], xs)


def sample(case, seed):
    _, _, shapes, fix = case
    rng = np.random.default_rng(seed)
    values = [rng.uniform(-1.5, 1.5, s) for s in shapes]
    return fix(values) if fix else values


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
@settings(max_examples=8)
@given(seed=st.integers(0, 2**32 - 1))
def test_vjp_matches_finite_differences(case, seed):
    scalar, _ = build(case)
    values = dict(zip(scalar.input_names, sample(case, seed)))
    exact = gg.grad_graph(scalar)(**values)[1:]
    approx = numeric_gradient(scalar, values)
    for name, g in zip(scalar.input_names, exact):
        np.testing.assert_allclose(g, approx[name], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
@settings(max_examples=5)
@given(seed=st.integers(0, 2**32 - 1))
def test_jvp_is_the_transpose_of_vjp(case, seed):
    """<ȳ, J ṫ> == <Jᵀ ȳ, ṫ> for random ṫ: forward and reverse rules describe the same Jacobian."""
    scalar, plain = build(case)
    values = dict(zip(plain.input_names, sample(case, seed)))
    rng = np.random.default_rng(seed + 1)
    direction = {n.name: rng.normal(size=n.shape) for n in plain.inputs}
    _, y_dot = gg.directional(plain, values, direction)
    weights = np.linspace(0.5, 1.5, plain.output.size).reshape(plain.output.shape)
    grads = gg.grad_graph(scalar)(**values)[1:]
    lhs = float(np.sum(weights * y_dot))
    rhs = sum(float(np.sum(g * direction[n])) for g, n in zip(grads, plain.input_names))
    assert lhs == pytest.approx(rhs, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
@settings(max_examples=3)
@given(seed=st.integers(0, 2**32 - 1))
def test_second_order_matches_finite_differences_of_the_gradient(case, seed):
    """Hessian-vector products: reverse over reverse against finite differences of the first derivative."""
    scalar, _ = build(case)
    values = dict(zip(scalar.input_names, sample(case, seed)))
    first = gg.grad_graph(scalar)
    rng = np.random.default_rng(seed + 2)
    w = [gg.const(rng.normal(size=n.shape)) for n in scalar.inputs]
    along = gg.Graph([sum((ops.sum(g * wk) for g, wk in zip(first.outputs[1:], w)), gg.const(0.0))], scalar.inputs)
    exact = gg.grad_graph(along)(**values)[1:]
    approx = numeric_gradient(along, values)
    for name, h in zip(along.input_names, exact):
        np.testing.assert_allclose(h, approx[name], rtol=1e-4, atol=1e-5)


def test_every_differentiable_primitive_is_covered():
    covered = {c[0].split("_")[0] for c in CASES} | {c[0] for c in CASES} | {
        "matmul", "log_softmax", "broadcast_to", "sum", "max_pool2d", "avg_pool2d", "astype"}  # astype: test_casting
    declared = {name for name, p in ops.REGISTRY.items() if p.differentiable and name not in ("input", "const")}
    covered |= {c[0].split("_")[0] for c in CASES if c[0].split("_")[0] in declared}
    assert declared <= covered, declared - covered
