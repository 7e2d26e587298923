"""Every primitive's VJP and JVP agree with finite differences and with each other (hypothesis)."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from graphgrad import ops
from graphgrad.ops import convolution as conv, pooling
from tests.ops.checks import check_jvp, check_second_order, check_vjp

# (name, builder, no NumPy reference, input shapes, a sampler of values inside the domain, away from kinks)
away = lambda x: x + np.sign(x) * 0.1 + (x == 0) * 0.3
CONV = dict(strides=(1, 2), padding="same", dilation=(1, 1), groups=1, layout="NHWC")
POOL = dict(pool=(2, 2), strides=(2, 2), padding="valid", layout="NHWC")


def _apart(values):
    """The first operand's elements replaced by evenly spaced ones in the same order: a window's maximum then
    leads by at least 3 / (size - 1), so no finite-difference step moves it (random values can nearly tie)."""
    x = values[0]
    spaced = np.empty(x.size)
    spaced[np.argsort(x, axis=None)] = np.linspace(-1.5, 1.5, x.size)
    return [spaced.reshape(x.shape), *values[1:]]


CASES = [
    ("add", lambda x, y: x + y, None, [(3,), (2, 3)], None),
    ("sub", lambda x, y: x - y, None, [(2, 1), (3,)], None),
    ("mul", lambda x, y: x * y, None, [(2, 3), ()], None),
    ("div", lambda x, y: x / y, None, [(3,), (3,)], lambda v: [v[0], np.abs(v[1]) + 0.5]),
    ("pow", lambda x, y: x ** y, None, [(3,), (3,)], lambda v: [np.abs(v[0]) + 0.5, v[1]]),
    ("xlogy", ops.xlogy, None, [(3,), (3,)], lambda v: [v[0], np.abs(v[1]) + 0.2]),
    ("neg", lambda x: -x, None, [(2, 2)], None),
    ("ln", ops.ln, None, [(3,)], lambda v: [np.abs(v[0]) + 0.2]),
    ("exp", ops.exp, None, [(3,)], None),
    ("sin", ops.sin, None, [(3,)], None),
    ("cos", ops.cos, None, [(3,)], None),
    ("tan", ops.tan, None, [(3,)], lambda v: [np.clip(v[0], -1.2, 1.2)]),
    ("tanh", ops.tanh, None, [(3,)], None),
    ("sqrt", ops.sqrt, None, [(3,)], lambda v: [np.abs(v[0]) + 0.2]),
    ("abs", ops.abs, None, [(3,)], lambda v: [away(v[0])]),
    ("sigmoid", ops.sigmoid, None, [(3,)], None),
    ("relu", ops.relu, None, [(3,)], lambda v: [away(v[0])]),
    ("softplus", ops.softplus, None, [(3,)], None),
    ("maximum", ops.maximum, None, [(3,), (3,)], lambda v: [v[0], v[0] + np.where(np.arange(3) % 2, 0.5, -0.5)]),
    ("minimum", ops.minimum, None, [(3,), (3,)], lambda v: [v[0], v[0] + np.where(np.arange(3) % 2, 0.5, -0.5)]),
    ("sum", lambda x: ops.sum(x, axis=1), None, [(2, 3)], None),
    ("sum_keepdims", lambda x: ops.sum(x, axis=0, keepdims=True), None, [(2, 3)], None),
    ("mean", lambda x: ops.mean(x, axis=(0, 2)), None, [(2, 3, 2)], None),
    ("max", lambda x: ops.max(x, axis=-1), None, [(2, 3)], None),
    ("softmax", ops.softmax, None, [(2, 4)], None),
    ("log_softmax", lambda x: ops.log_softmax(x, axis=0), None, [(3, 2)], None),
    ("matmul_2d", ops.matmul, None, [(2, 3), (3, 4)], None),
    ("matmul_vec_mat", ops.matmul, None, [(3,), (3, 2)], None),
    ("matmul_mat_vec", ops.matmul, None, [(2, 3), (3,)], None),
    ("matmul_dot", ops.matmul, None, [(3,), (3,)], None),
    ("matmul_batch", ops.matmul, None, [(2, 2, 3), (3, 2)], None),
    ("transpose", lambda x: ops.transpose(x, (1, 2, 0)), None, [(2, 3, 4)], None),
    ("reshape", lambda x: ops.reshape(x, (3, -1)), None, [(2, 3)], None),
    ("broadcast_to", lambda x: ops.broadcast_to(x, (2, 3)), None, [(3,)], None),
    # functions of calculus
    ("log2", ops.log2, None, [(3,)], lambda v: [np.abs(v[0]) + 0.2]),
    ("log10", ops.log10, None, [(3,)], lambda v: [np.abs(v[0]) + 0.2]),
    ("log1p", ops.log1p, None, [(3,)], lambda v: [np.abs(v[0]) - 0.5]),
    ("expm1", ops.expm1, None, [(3,)], None),
    ("exp2", ops.exp2, None, [(3,)], None),
    ("sinh", ops.sinh, None, [(3,)], None),
    ("cosh", ops.cosh, None, [(3,)], None),
    ("arcsin", ops.arcsin, None, [(3,)], lambda v: [v[0] * 0.6]),
    ("arccos", ops.arccos, None, [(3,)], lambda v: [v[0] * 0.6]),
    ("arctan", ops.arctan, None, [(3,)], None),
    ("arcsinh", ops.arcsinh, None, [(3,)], None),
    ("arccosh", ops.arccosh, None, [(3,)], lambda v: [np.abs(v[0]) + 1.2]),
    ("arctanh", ops.arctanh, None, [(3,)], lambda v: [v[0] * 0.6]),
    ("sinc", ops.sinc, None, [(3,)], lambda v: [away(v[0])]),
    ("cbrt", ops.cbrt, None, [(3,)], lambda v: [away(v[0])]),
    ("square", ops.square, None, [(2, 3)], None),
    ("reciprocal", ops.reciprocal, None, [(3,)], lambda v: [away(v[0])]),
    ("deg2rad", ops.deg2rad, None, [(3,)], None),
    ("rad2deg", ops.rad2deg, None, [(3,)], None),
    ("erf", ops.erf, None, [(3,)], None),
    ("arctan2", ops.arctan2, None, [(3,), (2, 3)], lambda v: [v[0], away(v[1])]),
    ("hypot", ops.hypot, None, [(3,), (3,)], lambda v: [away(v[0]), v[1]]),
    ("logaddexp", ops.logaddexp, None, [(2, 1), (3,)], None),
    ("logaddexp2", ops.logaddexp2, None, [(3,), ()], None),
    # piecewise: rounding (derivative 0), remainders (1 and -floor/trunc), selection
    ("floor", ops.floor, None, [(3,)], lambda v: [v[0] + 0.01]),
    ("ceil", ops.ceil, None, [(3,)], lambda v: [v[0] + 0.01]),
    ("trunc", ops.trunc, None, [(3,)], lambda v: [v[0] + 0.01]),
    ("rint", ops.rint, None, [(3,)], lambda v: [v[0] + 0.01]),
    ("round", lambda x: ops.round(x, 1), None, [(3,)], lambda v: [np.round(v[0], 1) + 0.02]),
    ("mod", lambda x, y: x % y, None, [(3,), (3,)], lambda v: [3 * v[0] + 0.01, away(v[1])]),
    ("fmod", ops.fmod, None, [(3,), ()], lambda v: [3 * v[0] + 0.01, away(v[1])]),
    ("floor_divide", ops.floor_divide, None, [(3,), (3,)], lambda v: [3 * v[0] + 0.01, away(v[1])]),
    ("where", lambda x, y: ops.where(x > y, x, y * y), None, [(2, 3), (3,)], None),
    ("clip", lambda x, lo, hi: ops.clip(x, lo, hi), None, [(4,), (), ()], lambda v: [v[0] * 2, v[1] - 1.7, v[2] + 1.7]),
    ("fmax", ops.fmax, None, [(3,), (3,)], lambda v: [v[0], v[0] + np.where(np.arange(3) % 2, 0.5, -0.5)]),
    ("fmin", ops.fmin, None, [(3,), (3,)], lambda v: [v[0], v[0] + np.where(np.arange(3) % 2, 0.5, -0.5)]),
    # reductions and scans
    ("min", lambda x: ops.min(x, axis=(0, -1), keepdims=True), None, [(2, 3, 2)], None),
    ("prod", lambda x: ops.prod(x, axis=-1), None, [(2, 3)], None),
    ("prod_zeros", lambda x: ops.prod(x, axis=1), None, [(3, 3)],
     lambda v: [v[0] * np.array([[0, 1, 1], [0, 0, 1], [1, 1, 1]])]),
    ("var", lambda x: ops.var(x, axis=0, ddof=1), None, [(3, 2)], None),
    ("std", lambda x: ops.std(x, axis=(0, 1)), None, [(2, 3)], None),
    ("logsumexp", lambda x: ops.logsumexp(x, axis=-1), None, [(2, 3)], None),
    ("cumsum", lambda x: ops.cumsum(x, axis=-2), None, [(3, 2)], None),
    ("cumsum_flat", ops.cumsum, None, [(2, 2)], None),
    ("cumprod", lambda x: ops.cumprod(x, axis=1), None, [(2, 3)], lambda v: [away(v[0])]),
    ("norm", lambda x: ops.norm(x, axis=1), None, [(2, 3)], None),
    ("norm_p", lambda x: ops.norm(x, ord=3), None, [(4,)], lambda v: [away(v[0])]),
    ("index", lambda x: x[::-1, [0, 2, 2]], None, [(2, 3)], None),
    ("scatter_add", lambda g: ops.scatter_add(g, (slice(None), [1, 1]), (2, 3)), None, [(2, 2)], None),
    ("concatenate", lambda x, y: ops.concatenate([x, y, x], axis=-1), None, [(2, 1), (2, 3)], None),
    ("einsum", lambda x, y: ops.einsum("ij,jk->ik", x, y), None, [(2, 3), (3, 2)], None),
    ("conv2d", lambda x, w: ops.conv2d(x, w, strides=(1, 2), padding="same"), None, [(2, 4, 5, 2), (3, 2, 2, 3)], None),
    ("conv2d_groups_nchw", lambda x, w: ops.conv2d(x, w, padding=1, dilation=(2, 1), groups=2, layout="NCHW"), None,
     [(1, 4, 5, 4), (4, 2, 2, 3)], None),
    ("max_pool2d", lambda x: ops.max_pool2d(x, 2, padding="same"), None, [(2, 3, 5, 2)], _apart),
    ("max_pool2d_nchw", lambda x: ops.max_pool2d(x, 3, strides=2, layout="NCHW"), None, [(1, 2, 5, 5)], _apart),
    ("avg_pool2d", lambda x: ops.avg_pool2d(x, (2, 3), strides=1, padding=1), None, [(2, 3, 4, 2)], None),
    ("avg_pool2d_inside", lambda x: ops.avg_pool2d(x, 3, strides=2, padding="same", count_include_pad=False), None,
     [(2, 4, 5, 2)], None),
    ("batch_norm", lambda x, g, b: ops.batch_norm(x, g, b, *ops.moments(x)), None, [(4, 2, 3), (3,), (3,)], None),
    # the primitives that the derivatives of the windowed ones are made of
    ("conv2d_input_grad", lambda g, w: conv.conv2d_input_grad_p(g, w, size=(4, 5), **CONV), None,
     [(2, 4, 3, 3), (3, 2, 2, 3)], None),
    ("conv2d_weight_grad", lambda x, g: conv.conv2d_weight_grad_p(x, g, kernel=(3, 2), **CONV), None,
     [(2, 4, 5, 2), (2, 4, 3, 3)], None),
    ("max_pool2d_grad", lambda x, g: pooling.max_pool2d_grad_p(x, g, **POOL), None, [(1, 4, 4, 2), (1, 2, 2, 2)],
     _apart),
    ("max_pool2d_select", lambda x, c: pooling.max_pool2d_select_p(x, c, **POOL), None, [(1, 4, 4, 2), (1, 4, 4, 2)],
     _apart),
    ("avg_pool2d_grad", lambda g: pooling.avg_pool2d_grad_p(g, size=(4, 4), count_include_pad=True, **POOL), None,
     [(1, 2, 2, 2)], None),
    ("avg_pool2d_grad_inside", lambda g: pooling.avg_pool2d_grad_p(g, size=(3, 3), count_include_pad=False,
                                                                  **dict(POOL, padding="same")), None,
     [(1, 2, 2, 2)], None),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
@settings(max_examples=8)
@given(seed=st.integers(0, 2**32 - 1))
def test_vjp_matches_finite_differences(case, seed):
    check_vjp(case, seed)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
@settings(max_examples=5)
@given(seed=st.integers(0, 2**32 - 1))
def test_jvp_is_the_transpose_of_vjp(case, seed):
    """<ȳ, J ṫ> == <Jᵀ ȳ, ṫ> for random ṫ: forward and reverse rules describe the same Jacobian."""
    check_jvp(case, seed)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
@settings(max_examples=3)
@given(seed=st.integers(0, 2**32 - 1))
def test_second_order_matches_finite_differences_of_the_gradient(case, seed):
    """Hessian-vector products: reverse over reverse against finite differences of the first derivative."""
    check_second_order(case, seed)


def test_every_differentiable_primitive_is_covered():
    covered = {c[0].split("_")[0] for c in CASES} | {c[0] for c in CASES} | {"matmul", "log_softmax", "broadcast_to",
                                                                            "sum", "max_pool2d", "avg_pool2d",
                                                                            "astype"}  # astype: test_casting.py
    declared = {name for name, p in ops.REGISTRY.items() if p.differentiable and name not in ("input", "const")}
    assert declared <= covered, declared - covered
