"""On random scalar programs, reverse = forward = symbolic (= SymPy's own diff) to 1e-9 relative."""
import sympy as sp
from hypothesis import given, strategies as st

import graphgrad as gg
from graphgrad.symbolic import gradient, gradient_function, symbol, to_sympy

# (arity, builder): each keeps values finite and inside the domain for any real input
OPS = [
    (2, lambda u, v: u + v), (2, lambda u, v: u - v), (2, lambda u, v: u * v),
    (2, lambda u, v: u / (1.5 + gg.sin(v))), (1, lambda u: -u), (1, gg.sin), (1, gg.cos),
    (1, gg.tanh), (1, gg.sigmoid), (1, lambda u: gg.exp(gg.tanh(u))), (1, lambda u: gg.ln(1 + u * u)),
    (1, lambda u: gg.sqrt(1 + u * u)), (1, lambda u: u ** 3), (1, lambda u: gg.tan(gg.tanh(u))),
    (1, lambda u: 2.5 * u), (1, lambda u: u * u * u * gg.sin(u)),
]


@st.composite
def programs(draw):
    """A random DAG over inputs a, b, c: each step applies a primitive to earlier nodes (reuse allowed)."""
    inputs = list(gg.vars("a b c"))
    pool = list(inputs)
    for _ in range(draw(st.integers(1, 8))):
        arity, build = OPS[draw(st.integers(0, len(OPS) - 1))]
        args = [pool[draw(st.integers(0, len(pool) - 1))] for _ in range(arity)]
        pool.append(build(*args))
    return gg.Graph([pool[-1]], inputs)


point = st.fixed_dictionaries({n: st.floats(-2, 2) for n in "abc"})


def close(a, b):
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b)) + 1e-12


@given(programs(), point)
def test_reverse_forward_and_symbolic_gradients_agree(graph, at):
    names = graph.input_names
    reverse = dict(zip(names, (float(g) for g in graph_grad(graph, at))))
    forward = {k: float(v) for k, v in gg.jacobian(graph, at).items()}
    args = [symbol(n) for n in names]
    closed = gradient(graph, simplify=False)
    symbolic = {n: float(sp.lambdify(args, closed[n])(*(at[m] for m in names))) for n in names}
    compiled = {k: float(v) for k, v in gradient_function(graph)(**at).items()}
    expr = to_sympy(graph)
    by_sympy = {n: float(sp.lambdify(args, sp.diff(expr, symbol(n)))(*(at[m] for m in names))) for n in names}
    for n in names:
        assert close(reverse[n], forward[n]), (n, reverse[n], forward[n])
        assert close(reverse[n], symbolic[n]), (n, reverse[n], symbolic[n])
        assert close(reverse[n], compiled[n]), (n, reverse[n], compiled[n])
        assert close(reverse[n], by_sympy[n]), (n, reverse[n], by_sympy[n])


def graph_grad(graph, at):
    _, *grads = gg.grad_graph(graph)(**at)
    return grads


@given(programs(), point)
def test_central_differences_agree_with_reverse_mode_to_1e_5(graph, at):
    from graphgrad.numeric import gradient as numeric_gradient
    numeric = numeric_gradient(graph, at)
    for name, g in zip(graph.input_names, graph_grad(graph, at)):
        assert abs(float(g) - float(numeric[name])) <= 1e-5 * max(1.0, abs(float(g))), (name, g, numeric[name])
