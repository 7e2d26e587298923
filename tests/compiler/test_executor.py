"""Compiled training: the same weights as the NumPy interpreter from the same seed, in place, with clear errors."""
import numpy as np
import pytest

import graphgrad as gg
from graphgrad import nn
from graphgrad.compiler import TrainingDivergedError, compile, compile_step, train_loop
from graphgrad.compiler.loop import Interpreted, Run
from graphgrad.graph import Graph
from graphgrad.ops import input as make_input

from tests.compiler.nets import StepGraph, glorot_values, initial_values, mlp_step, moons_step, two_moons

TOLERANCE = {np.float32: 1e-5, np.float64: 1e-12}


@pytest.fixture(scope="module", params=[np.float64, np.float32], ids=["float64", "float32"])
def moons(request):
    dtype = request.param
    step = moons_step(16, dtype, dropout=True)
    compile_step(step)
    return step, two_moons(96, dtype=dtype), dtype


def _train_both(step, data, epochs, seed=3, init=initial_values):
    results = []
    for backend in ("numba", "numpy"):
        params, state = init(step)
        losses = train_loop(step, *data, params, state, epochs, step.x.shape[0], seed=seed, backend=backend)
        results.append((losses, params, state))
    return results


def test_a_graph_kernel_takes_read_only_arrays_as_they_are():
    """Eager tensors hold read-only arrays: the kernel itself takes them, and writable ones, with no copy made
    for it (a traced step's weights are read-only)."""
    a, b = make_input("a", (3, 4), np.float32), make_input("b", (4,), np.float32)
    compiled = compile(Graph([gg.ops.relu(a * b + 1.0)], [a, b]))
    x = np.arange(12, dtype=np.float32).reshape(3, 4) - 5
    y = np.linspace(-1, 1, 4, dtype=np.float32)
    expected = np.maximum(x * y + 1, 0)
    x.setflags(write=False)
    for args in ((x, y), (x.copy(), y)):
        np.testing.assert_array_equal(compiled.kernel(*args, *compiled.sizes).reshape(3, 4), expected)


def test_compiled_loop_trains_the_same_weights_as_the_interpreter(moons):
    step, data, dtype = moons
    (l1, p1, s1), (l2, p2, s2) = _train_both(step, data, epochs=5)
    tol = TOLERANCE[dtype] * 10 if dtype == np.float32 else TOLERANCE[dtype]
    np.testing.assert_allclose(l1, l2, rtol=tol)
    for a, b in zip(p1 + s1, p2 + s2):
        assert a.dtype == dtype
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)
    assert s1[-1] == 5 * (96 // 16)  # the step counter, updated in place


def test_the_seed_decides_the_order_and_noise(moons):
    step, data, _ = moons
    finals = []
    for seed in (1, 1, 2):
        params, state = initial_values(step)
        finals.append(train_loop(step, *data, params, state, 2, 16, seed=seed)[-1])
    assert finals[0] == finals[1] != finals[2]


def test_one_step_updates_in_place_and_returns_the_loss(moons):
    step, (x, y), dtype = moons
    compiled = compile_step(step)
    params, state = initial_values(step)
    before = [p.copy() for p in params]
    loss = compiled.run_step(x[:16], y[:16], params, state)
    assert np.isfinite(loss) and loss > 0
    assert all(not np.array_equal(a, b) for a, b in zip(before, params))
    assert state[-1] == 1


def test_the_seed_003_net_learns_two_moons():
    step = moons_step(16, np.float64)
    x, y = two_moons(256, seed=0)
    params, state = initial_values(step, seed=1)
    losses = train_loop(step, x, y, params, state, 300, 16, seed=0)
    assert losses[-1] < losses[0] / 3
    predict = compile(Graph([step.graph.outputs[0]], step.graph.inputs))  # the loss alone
    assert predict.source.count("def forward") == 1


def test_softmax_rmsprop_mlp_matches_the_interpreter():
    step = mlp_step(batch=8, sizes=(6, 5, 3), dtype=np.float64)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 6))
    y = np.eye(3)[rng.integers(0, 3, 40)]
    (l1, p1, s1), (l2, p2, s2) = _train_both(step, (x, y), epochs=3, init=glorot_values)
    np.testing.assert_allclose(l1, l2, rtol=1e-12)
    for a, b in zip(p1 + s1, p2 + s2):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_nets_of_one_structure_with_other_sizes_share_one_training_kernel():
    first = compile_step(mlp_step(batch=8, sizes=(70, 65, 3), dtype=np.float64))
    step = mlp_step(batch=8, sizes=(90, 80, 3), dtype=np.float64)   # (the graph's mean holds 1/batch)
    second = compile_step(step)
    assert second.path == first.path and second._train is first._train   # compiled once
    assert list(second.sizes[0]) == [8, 90, 80] != list(first.sizes[0])
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(35, 90)), np.eye(3)[rng.integers(0, 3, 35)]
    (l1, p1, s1), (l2, p2, s2) = _train_both(step, (x, y), epochs=2, init=glorot_values)
    np.testing.assert_allclose(l1, l2, rtol=1e-12)
    for a, b in zip(p1 + s1, p2 + s2):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_callback_between_epochs_can_stop_training(moons):
    step, data, _ = moons
    params, state = initial_values(step)
    seen = []
    losses = train_loop(step, *data, params, state, 10, 16, on_epoch_end=lambda e, loss: seen.append((e, loss))
                        or e == 2)
    assert [e for e, _ in seen] == [0, 1, 2] and len(losses) == 3
    assert [loss for _, loss in seen] == losses


def _linear_regression_step(learning_rate):
    """y ≈ x @ w by plain gradient descent: the loss grows without bound when the rate is too large."""
    x, y, w = make_input("x", (8, 2)), make_input("y", (8, 1)), make_input("w", (2, 1))
    loss = gg.mean((x @ w - y) ** 2)
    (grad,) = gg.grad_graph(Graph([loss], [x, y, w]), [w]).outputs[1:]
    new_w = w - learning_rate * grad
    return StepGraph(Graph([loss, new_w], [x, y, w]), x, y, (w,), (), (), loss, (new_w,), ())


def test_divergence_stops_with_the_epoch_step_and_last_finite_weights():
    from graphgrad.nn import DivergenceError
    step = _linear_regression_step(1e3)
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(32, 2)), rng.normal(size=(32, 1))
    stopped = []
    for backend in ("numba", "numpy"):
        w = np.ones((2, 1))
        with pytest.raises(DivergenceError, match=r"diverged at epoch \d+, step \d+: the loss became") as error:
            train_loop(step, x, y, [w], [], 100, 8, backend=backend)
        assert isinstance(error.value, TrainingDivergedError)      # the one class fit raises, too
        assert np.all(np.isfinite(w)) and np.abs(w).max() > 1e100
        stopped.append((str(error.value), w, error.value))
    assert stopped[0][0] == stopped[1][0]
    np.testing.assert_allclose(stopped[0][1], stopped[1][1], rtol=1e-12)
    failed = stopped[0][2]
    assert f"epoch {failed.epoch}, step {failed.step}:" in stopped[0][0] and 1 <= failed.step <= 4
    assert failed.epoch > 1 and len(failed.losses) == failed.epoch - 1      # the epochs completed before
    np.testing.assert_allclose(failed.losses, stopped[1][2].losses, rtol=1e-12)
    assert np.all(np.isfinite(failed.losses))
    w = np.ones((2, 1))                           # the same epochs again, stopping before the failing one
    losses = train_loop(step, x, y, [w], [], failed.epoch - 1, 8)
    np.testing.assert_allclose(losses, failed.losses, rtol=1e-12)


def test_parallel_selects_workqueue_only_when_no_threading_layer_was_chosen(monkeypatch):
    """compile(parallel=True) sets Numba's layer for the whole process, so it must yield to the user's choice."""
    import numba
    from numba.np.ufunc import parallel
    from graphgrad.compiler.executor import _use_workqueue
    monkeypatch.setattr(parallel, "_is_initialized", False)
    for variable in ("NUMBA_THREADING_LAYER", "NUMBA_THREADING_LAYER_PRIORITY"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(numba.config, "THREADING_LAYER", "default")
    assert _use_workqueue() and numba.config.THREADING_LAYER == "workqueue"
    monkeypatch.setattr(numba.config, "THREADING_LAYER", "omp")          # from the environment, or set in code
    monkeypatch.setenv("NUMBA_THREADING_LAYER", "omp")
    assert not _use_workqueue() and numba.config.THREADING_LAYER == "omp"
    monkeypatch.delenv("NUMBA_THREADING_LAYER")
    assert not _use_workqueue() and numba.config.THREADING_LAYER == "omp"
    monkeypatch.setattr(numba.config, "THREADING_LAYER", "default")
    monkeypatch.setenv("NUMBA_THREADING_LAYER_PRIORITY", "omp workqueue")
    assert not _use_workqueue() and numba.config.THREADING_LAYER == "default"
    monkeypatch.delenv("NUMBA_THREADING_LAYER_PRIORITY")
    monkeypatch.setattr(parallel, "_is_initialized", True)                # threads started: too late to change
    assert not _use_workqueue() and numba.config.THREADING_LAYER == "default"


def test_bad_training_input_is_named():
    step = moons_step(16, np.float64)
    x, y = two_moons(64)
    params, state = initial_values(step)
    with pytest.raises(gg.ShapeError, match="batch_size 32"):
        train_loop(step, x, y, params, state, 1, 32)
    with pytest.raises(gg.ShapeError, match="rows of shape"):
        train_loop(step, x[:, :1], y, params, state, 1, 16)
    with pytest.raises(gg.InputValueError, match="dense_1/kernel"):
        train_loop(step, x, y, [params[0].astype(np.float32)] + params[1:], state, 1, 16)
    with pytest.raises(gg.UnknownNameError, match="numba, numpy"):
        train_loop(step, x, y, params, state, 1, 16, backend="torch")


def test_parallel_loops_match_serial_ones():
    x = make_input("x", (300, 300))
    graph = Graph([gg.sigmoid(x) * 2.0 + gg.sum(x, axis=0)], [x])
    value = np.random.default_rng(0).normal(size=(300, 300))
    parallel = compile(graph, parallel=True)
    assert "prange(d0)" in parallel.source
    np.testing.assert_allclose(parallel(value), graph(value), rtol=1e-12)


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "ftrl", "rmsprop"])
def test_step_graphs_of_graphgrad_nn_train_as_on_the_interpreter(optimizer):
    from graphgrad.nn.step import build_step, initial_state
    model = nn.Sequential([nn.Dense(5, activation="relu", input_shape=(3,)), nn.Dropout(0.2),
                           nn.Dense(4, activation="softmax")])
    model.compile(optimizer=optimizer, loss="categorical_crossentropy")
    step = build_step(model, 8)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3)).astype(model.dtype)
    y = np.eye(4, dtype=model.dtype)[rng.integers(0, 4, 40)]
    start = {n.name: (rng.normal(size=n.shape) * 0.5).astype(model.dtype) for n in step.params}
    results = []
    for backend in ("numba", "numpy"):
        weights = {k: v.copy() for k, v in start.items()}
        params = [weights[n.name] for n in step.params]
        slots = initial_state(model, weights)
        state = [np.array(slots[n.name], dtype=model.dtype) for n in step.state]
        results.append((train_loop(step, x, y, params, state, 3, 8, seed=2, backend=backend), params))
    (l1, p1), (l2, p2) = results
    np.testing.assert_allclose(l1, l2, rtol=1e-5)
    for a, b in zip(p1, p2):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert len(step.noise) == 1  # the dropout mask, drawn inside the compiled loop


def test_the_training_loop_allocates_nothing_per_step(moons):
    from numba.core.runtime import _nrt_python, rtsys
    step, data, dtype = moons
    params, state = initial_values(step)
    counts = []
    _nrt_python.memsys_enable_stats()
    try:
        for epochs in (1, 5):
            run = Run(compile_step(step), *data, params, state, epochs)
            before = rtsys.get_allocation_stats().alloc
            run.advance(steps=epochs * 6)          # one chunk: all steps in one call
            counts.append(rtsys.get_allocation_stats().alloc - before)
            assert run.finished
    finally:
        _nrt_python.memsys_disable_stats()
    assert counts[0] == counts[1]    # 5x the steps, the same few allocations (the call's own buffers)


def test_a_step_and_a_chunk_run_one_kernel_compiled_when_first_used(moons):
    from graphgrad.compiler import CompiledStep
    step, (x, y), dtype = moons
    fresh = CompiledStep(step)
    assert fresh._kernel is None
    params, state = initial_values(step)
    loss = fresh.run_step(x[:16], y[:16], params, state)
    assert fresh._kernel is not None
    chunked, chunked_state = initial_values(step)      # the first step of an unshuffled loop of seed 0
    Run(fresh, x, y, chunked, chunked_state, 1, seed=0, shuffle=False).advance(steps=1)
    for a, b in zip(params + state, chunked + chunked_state):
        np.testing.assert_array_equal(a, b)
    interpreted, interpreted_state = initial_values(step)
    run = Run(Interpreted(step), x, y, interpreted, interpreted_state, 1, seed=0, shuffle=False)
    run.advance(steps=1)
    assert loss == pytest.approx(run.mean_loss(0), rel=TOLERANCE[dtype])


def test_a_step_refuses_a_batch_of_another_size_naming_the_sizes(moons):
    step, (x, y), dtype = moons
    params, state = initial_values(step)
    with pytest.raises(gg.ShapeError, match="a step takes a batch of 16 rows in x and y; got 10 and 10"):
        compile_step(step).run_step(x[:10], y[:10], params, state)   # no mask in this step graph
    with pytest.raises(gg.ShapeError, match="got 16 and 15"):
        compile_step(step).run_step(x[:16], y[:15], params, state)


def test_only_the_latest_step_graphs_keep_their_compiled_step_and_its_arenas():
    import gc
    import weakref
    from graphgrad.compiler import executor
    steps = [moons_step(16) for _ in range(executor.KEPT_STEPS + 2)]
    held = [weakref.ref(compile_step(step)) for step in steps]
    assert compile_step(steps[-1]) is held[-1]()            # the latest is shared
    gc.collect()
    assert held[0]() is None and held[1]() is None            # the oldest went, arenas and all
    assert all(ref() is not None for ref in held[2:])
