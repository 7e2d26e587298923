"""Tiered execution: the interpreter from the first step, the compiled kernel once built, the same numbers."""
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import graphgrad as gg
from graphgrad.compiler import Run, TieredGraph, TieredStep, cache, compile, compile_step, tiers
from graphgrad.compiler.loop import Interpreted
from graphgrad.compiler.randomness import Stream
from graphgrad.graph import Graph
from graphgrad.ops import input as make_input

from tests.compiler.nets import initial_values, moons_step, two_moons

TOLERANCE = {np.float32: 1e-5, np.float64: 1e-12}


@pytest.fixture(scope="module", params=[np.float64, np.float32], ids=["float64", "float32"])
def moons(request):
    """A dropout net (noise every step) whose kernel is compiled into the session's cache."""
    dtype = request.param
    step = moons_step(16, dtype, dropout=True)
    compile_step(step).load()
    return step, two_moons(96, dtype=dtype), dtype


@given(st.integers(0, 2 ** 31 - 1), st.integers(0, 10 ** 6), st.integers(1, 40), st.booleans(),
       st.integers(0, 30))
def test_the_interpreter_draws_the_compiled_loops_orders_and_noise(seed, epoch, n, shuffle, draws):
    from graphgrad.compiler import runtime
    stream = Stream()
    mine, theirs = np.empty(n, np.int64), np.empty(n, np.int64)
    stream.epoch_order(mine, seed, epoch, shuffle)
    runtime.epoch_order(theirs, seed, epoch, shuffle)
    np.testing.assert_array_equal(mine, theirs)
    a, b = np.empty(draws), np.empty(draws)
    stream.fill_uniform(a)
    runtime.fill_uniform(b)
    np.testing.assert_array_equal(a, b)
    state = stream.state()
    assert state[0] == runtime.rng_state()[0] and np.array_equal(state[1], runtime.rng_state()[1])


def _train(runner, step, data, switch_at=None, epochs=3):
    """Weights and epoch losses after ``epochs`` epochs of seed 5 (6 steps each) in chunks of 4 steps; the tier
    switches after ``switch_at`` chunks when given (its build started and awaited there)."""
    params, state = initial_values(step)
    run = Run(runner, *data, params, state, epochs, seed=5)
    chunks = 0
    while not run.finished:
        if chunks == switch_at:
            runner.tier._start()
            runner.tier.build.wait()
        run.advance(steps=4)
        chunks += 1
    return params + state, [float(run.mean_loss(e)) for e in range(epochs)]


@pytest.mark.parametrize("switch_at", [0, 1, 3])
def test_a_switch_between_steps_trains_the_weights_of_either_tier_alone(moons, switch_at, monkeypatch):
    step, data, dtype = moons
    interpreted, interpreted_losses = _train(Interpreted(step), step, data)
    compiled, compiled_losses = _train(compile_step(step), step, data)
    monkeypatch.setattr(tiers, "TIER_UP_SECONDS", 1e9)
    cache.forget()                                      # in the cache, not loaded: the build loads it
    with monkeypatch.context() as held:                 # when the test says
        held.setattr(tiers.Tier, "_start", lambda self: None)
        tiered = TieredStep(step)
    switched, switched_losses = _train(tiered, step, data, switch_at)
    assert tiered.compiled is not None                  # it did move to the kernel
    for reference, losses in ((interpreted, interpreted_losses), (compiled, compiled_losses)):
        np.testing.assert_allclose(switched_losses, losses, rtol=TOLERANCE[dtype] * 10)
        for a, b in zip(switched, reference):
            np.testing.assert_allclose(a, b, rtol=TOLERANCE[dtype] * 10, atol=TOLERANCE[dtype] * 10)


def test_a_kernel_in_the_cache_is_loaded_at_once_and_a_new_one_waits_for_the_threshold(moons, monkeypatch):
    step, data, dtype = moons
    cache.load(compile_step(step).source)
    assert TieredStep(step).tier.compiled is not None     # loaded in this process: used from the first step
    cache.forget()
    assert TieredStep(step).tier.build is not None        # on disk: loading begins with the first step
    fresh = moons_step(16, dtype, learning_rate=0.0123)   # another constant: a kernel not compiled yet
    started = []
    monkeypatch.setattr(tiers.Tier, "_start", lambda self: started.append(self))
    tiered = TieredStep(fresh)
    assert tiered.tier.build is None
    params, state = initial_values(fresh)
    run = Run(tiered, *data, params, state, 1, seed=0)
    monkeypatch.setattr(tiers, "TIER_UP_SECONDS", 1e9)
    run.advance(steps=2)
    assert not started                                    # a short run never compiles
    monkeypatch.setattr(tiers, "TIER_UP_SECONDS", 0.0)
    run.advance(steps=2)
    assert started == [tiered.tier]


def test_a_failed_compile_leaves_training_on_the_interpreter_with_one_warning(moons, monkeypatch, capsys):
    from graphgrad.compiler import background
    step, data, dtype = moons
    fresh = moons_step(16, dtype, learning_rate=0.0456)

    def broken(source):
        raise RuntimeError("compiling the kernel failed: no compiler today")
    monkeypatch.setattr(background, "compile_in_subprocess", broken)
    monkeypatch.setattr(tiers, "TIER_UP_SECONDS", 0.0)
    tiered = TieredStep(fresh)
    params, state = initial_values(fresh)
    run = Run(tiered, *data, params, state, 3, seed=5)
    run.advance(steps=4)                                  # past the threshold: the compile starts, and fails
    tiered.tier.build.wait()
    while not run.finished:
        run.advance(steps=4)
    reference, reference_losses = _train(Interpreted(fresh), fresh, data)
    assert tiered.compiled is None
    np.testing.assert_array_equal([run.mean_loss(e) for e in range(3)], reference_losses)
    for a, b in zip(params + state, reference):
        np.testing.assert_array_equal(a, b)
    warnings = capsys.readouterr().err.strip().splitlines()
    assert warnings == ["graphgrad: warning: the training loop runs on the interpreter: RuntimeError: compiling "
                        "the kernel failed: no compiler today"]


def test_a_tiered_graph_returns_what_the_interpreter_and_the_kernel_return():
    x = make_input("x", (5, 3))
    w = make_input("w", (3, 2))
    graph = Graph([gg.sum(gg.tanh(x @ w), axis=0)], [x, w])
    rng = np.random.default_rng(0)
    xv, wv = rng.normal(size=(5, 3)), rng.normal(size=(3, 2))
    tiered = TieredGraph(graph)
    first = tiered(xv, wv)[0]
    tiered.tier._start()
    tiered.tier.build.wait()
    second = tiered(xv, wv)
    assert tiered.tier.compiled is not None
    np.testing.assert_allclose(first, compile(graph)(xv, wv), rtol=1e-12)
    np.testing.assert_allclose(second, first, rtol=1e-12)


def test_a_tiered_graph_interprets_each_repeated_value_once_and_gives_the_same_bits():
    x = make_input("x", (4, 3), np.float32)
    w = make_input("w", (3, 2), np.float32)
    graph = Graph([gg.tanh(x @ w), gg.sum(gg.tanh(x @ w) * 2.0, axis=0)], [x, w])
    tiered = TieredGraph(graph)
    count = lambda g, op: sum(n.op.name == op for n in g.nodes)   # noqa: E731
    assert (count(graph, "matmul"), count(tiered.interpreted, "matmul")) == (2, 1)
    rng = np.random.default_rng(0)
    xv, wv = rng.normal(size=(4, 3)).astype(np.float32), rng.normal(size=(3, 2)).astype(np.float32)
    for a, b in zip(tiered(xv, wv), graph(xv, wv)):
        np.testing.assert_array_equal(a, b)


def test_a_short_fit_on_auto_neither_imports_numba_nor_compiles(tmp_path):
    code = """
import sys
import numpy as np
from graphgrad import nn
model = nn.Sequential([nn.Dense(3, activation="relu", input_shape=(2,)), nn.Dense(1)], seed=0)
model.compile(optimizer="sgd", loss="mse")
model.fit(np.ones((20, 2)), np.ones(20), epochs=3, verbose=0)
model.evaluate(np.ones((20, 2)), np.ones(20))
print("numba" in sys.modules)
"""
    env = {"GRAPHGRAD_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False"]
    assert list(tmp_path.iterdir()) == []


def test_divergence_after_the_switch_names_the_step_and_keeps_the_weights_the_interpreter_keeps(moons, monkeypatch):
    from graphgrad.compiler import TrainingDivergedError
    step, (x, y), dtype = moons
    x = x.copy()
    x[60:64] = np.nan                                     # the loss is NaN in batch 4 of every epoch
    monkeypatch.setattr(tiers, "TIER_UP_SECONDS", 1e9)
    cache.forget()
    with monkeypatch.context() as held:
        held.setattr(tiers.Tier, "_start", lambda self: None)
        tiered = TieredStep(step)
    outcomes = []
    for runner in (Interpreted(step), tiered):
        params, state = initial_values(step)
        run = Run(runner, x, y, params, state, 3, seed=5, shuffle=False)
        run.advance(steps=2)                              # interpreted
        if runner is tiered:
            tiered.tier._start()
            tiered.tier.build.wait()
        with pytest.raises(TrainingDivergedError) as info:
            while not run.finished:
                run.advance(steps=2)                      # compiled, for the tiered runner
        outcomes.append(((info.value.epoch, info.value.step), params + state))
    assert tiered.compiled is not None
    (where, interpreted), (switched_where, switched) = outcomes
    assert switched_where == where == (1, 4)
    for a, b in zip(switched, interpreted):
        np.testing.assert_allclose(a, b, rtol=TOLERANCE[dtype] * 10, atol=TOLERANCE[dtype] * 10)
