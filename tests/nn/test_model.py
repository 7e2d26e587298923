"""Sequential end to end: seed 003's summary and two moons, fit's options, bad input, saving weights."""
import io
import re

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from graphgrad import nn
from graphgrad.backends.numpy_backend import evaluate
from graphgrad.datasets import moons, standardize
from graphgrad.errors import GraphgradError, ShapeError, UnknownNameError

from tests.nn.nn_helpers import small_model


def seed003_model(seed=0, lr=0.3):
    model = nn.Sequential([
        nn.Dense(4, activation="sigmoid", input_shape=(2,)),
        nn.Dense(4, activation="sigmoid"),
        nn.Dense(1, activation="sigmoid"),
    ], seed=seed)
    model.compile(optimizer=nn.SGD(learning_rate=lr, momentum=0.9), loss="mse", metrics=["accuracy"])
    return model


def test_summary_prints_keras_table_with_seed003_counts(capsys):
    seed003_model().summary()
    out = capsys.readouterr().out
    rows = [line.split() for line in out.splitlines() if line.startswith("dense")]
    assert rows == [["dense_1", "(Dense)", "(None,", "4)", "12"], ["dense_2", "(Dense)", "(None,", "4)", "20"],
                    ["dense_3", "(Dense)", "(None,", "1)", "5"]]
    assert "Layer (type)" in out and "Output Shape" in out and "Param #" in out
    assert "Total params: 37" in out and "Trainable params: 37" in out and "Non-trainable params: 0" in out


def test_seed003_network_learns_two_moons():
    x, y = moons(256, noise=0.1, seed=0)
    x = standardize(x)
    model = seed003_model()
    history = model.fit(x, y, batch_size=16, epochs=300, verbose=0)
    assert history.history["accuracy"][-1] >= 0.95
    assert model.evaluate(x, y)[1] >= 0.95
    assert history.history["loss"][-1] < history.history["loss"][0] / 5


def test_predict_evaluate_and_the_inference_graph_agree(rng):
    model = small_model("tanh", "softmax", units=(4, 3))
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    x = rng.normal(size=(7, 2))
    y = np.eye(3)[rng.integers(0, 3, 7)]
    p = model.predict(x, batch_size=3)
    graph = model.graph
    one = evaluate(graph, {"x": x[:1], **model.weights})[0]
    np.testing.assert_allclose(one, p[:1], rtol=1e-12)
    assert "dense_1/kernel" in str(graph) and "softmax" in str(graph)
    loss, acc = model.evaluate(x, y, batch_size=4)
    assert loss == pytest.approx(np.mean(-np.log(np.sum(p * y, axis=1))), rel=1e-10)
    assert acc == pytest.approx(np.mean(np.argmax(p, 1) == np.argmax(y, 1)))


def test_history_validation_split_and_data(rng):
    x, y = rng.normal(size=(40, 2)), rng.integers(0, 2, 40)
    model = seed003_model()
    h = model.fit(x, y, batch_size=8, epochs=3, validation_split=0.25, verbose=0)
    assert sorted(h.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert h.epoch == [0, 1, 2] and len(h.history["val_loss"]) == 3
    assert h.history["val_loss"][-1] == pytest.approx(model.evaluate(x[30:], y[30:])[0], rel=1e-5)
    h2 = model.fit(x, y, epochs=1, validation_data=(x[:5], y[:5]), verbose=0)
    assert h2.history["val_loss"][0] == pytest.approx(model.evaluate(x[:5], y[:5])[0], rel=1e-5)
    assert model.history is h2


def test_same_seed_trains_the_same_weights_and_shuffle_changes_them(rng):
    x, y = rng.normal(size=(32, 2)), rng.integers(0, 2, 32)
    runs = []
    for seed, shuffle in ((3, True), (3, True), (3, False)):
        model = seed003_model(seed=seed)
        model.fit(x, y, batch_size=8, epochs=2, shuffle=shuffle, verbose=0)
        runs.append(model.get_weights()[0])
    np.testing.assert_array_equal(runs[0], runs[1])
    assert not np.allclose(runs[0], runs[2])


def test_early_stopping_stops_and_restores_best_weights(rng):
    x, y = rng.normal(size=(32, 2)), rng.integers(0, 2, 32)
    model = seed003_model()
    stop = nn.EarlyStopping(monitor="loss", patience=2, min_delta=1e9)    # nothing counts as an improvement
    h = model.fit(x, y, batch_size=8, epochs=50, callbacks=[stop], verbose=0)
    assert len(h.epoch) == 3 and stop.stopped_epoch == 2


def test_early_stopping_restore_best_weights(rng):
    x, y = rng.normal(size=(32, 2)), rng.integers(0, 2, 32)
    model = seed003_model(lr=2.0)
    seen = {}
    record = nn.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.setdefault(epoch, (logs["loss"], model.get_weights())))
    stop = nn.EarlyStopping(monitor="loss", patience=1, restore_best_weights=True)
    model.fit(x, y, batch_size=32, epochs=30, callbacks=[record, stop], verbose=0, shuffle=False)
    best = min(seen, key=lambda e: seen[e][0])
    for a, b in zip(model.get_weights(), seen[best][1]):
        np.testing.assert_array_equal(a, b)


def test_callbacks_are_called_in_keras_order():
    calls = []
    cb = nn.LambdaCallback(on_train_begin=lambda logs=None: calls.append("train_begin"),
                           on_epoch_begin=lambda e, logs=None: calls.append(f"epoch_begin {e}"),
                           on_train_batch_end=lambda b, logs: calls.append(f"batch {b}"),
                           on_epoch_end=lambda e, logs: calls.append(f"epoch_end {e} {sorted(logs)}"),
                           on_train_end=lambda logs=None: calls.append("train_end"))
    seed003_model().fit(np.zeros((4, 2)), np.zeros(4), batch_size=2, epochs=2, callbacks=[cb], verbose=0)
    assert calls == ["train_begin", "epoch_begin 0", "batch 0", "batch 1", "epoch_end 0 ['accuracy', 'loss']",
                     "epoch_begin 1", "batch 0", "batch 1", "epoch_end 1 ['accuracy', 'loss']", "train_end"]


def test_verbose_1_prints_keras_progress_and_verbose_0_is_quiet(capsys):
    x, y = np.zeros((10, 2)), np.zeros(10)
    seed003_model().fit(x, y, batch_size=4, epochs=2, verbose=0)
    assert capsys.readouterr().out == ""
    seed003_model().fit(x, y, batch_size=4, epochs=2, verbose=1)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2"
    assert lines[1].startswith("3/3 [==============================] - ")
    assert "/step - loss: " in lines[1] and " - accuracy: " in lines[1]


def test_progress_bar_redraws_in_place_on_a_terminal():
    from graphgrad.nn.progress import ProgressBar, bar

    class Tty(io.StringIO):
        def isatty(self):
            return True
    stream = Tty()
    pb = ProgressBar(epochs=1, steps=4, verbose=1, stream=stream, interval=0)
    pb.on_epoch_begin(0)
    pb.on_train_batch_end(0, {"loss": 0.5})
    pb.on_epoch_end(0, {"loss": 0.25})
    out = stream.getvalue()
    assert "\r1/4 [======>.......................] - ETA: " in out and out.endswith("loss: 0.2500\n")
    assert bar(2, 4, width=10) == "[====>.....]"


def test_save_and_load_weights_round_trip_and_atomic(tmp_path, rng):
    a, b = seed003_model(seed=1), seed003_model(seed=2)
    path = tmp_path / "w.npz"
    a.save_weights(path)
    b.load_weights(path)
    for u, v in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(u, v)
    before = path.read_bytes()
    bad = seed003_model()
    bad._weights["dense_1/kernel"] = Exploding()
    with pytest.raises(RuntimeError, match="disk full"):
        bad.save_weights(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["w.npz"]      # no temporary file left behind


class Exploding:
    """An 'array' that fails while being written, to check saving leaves the old file intact."""

    def __array__(self, *args, **kwargs):
        raise RuntimeError("disk full")


def test_load_weights_errors_name_the_problem(tmp_path):
    model = seed003_model()
    with pytest.raises(nn.WeightsFileError, match="no weights file at"):
        model.load_weights(tmp_path / "missing.npz")
    other = nn.Sequential([nn.Dense(3, input_shape=(2,))])
    other.save_weights(tmp_path / "other.npz")
    with pytest.raises(nn.WeightsFileError, match="another model.*dense_2/kernel"):
        model.load_weights(tmp_path / "other.npz")
    for special in ("/dev/zero", tmp_path):           # read forever / not a file: refused at once
        with pytest.raises(nn.WeightsFileError, match="is not a regular file"):
            model.load_weights(special)


def test_wrong_input_width_is_a_shape_error_naming_both_widths():
    model = seed003_model()
    with pytest.raises(ShapeError, match=r"wrong input width.*\(None, 2\).*\(5, 3\).*3 features.*built for 2"):
        model.fit(np.zeros((5, 3)), np.zeros(5), verbose=0)
    with pytest.raises(ShapeError, match="wrong input width"):
        model.predict(np.zeros((5, 3)))


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_or_inf_in_the_data_is_reported_with_its_index(bad):
    x = np.zeros((6, 2))
    x[4, 1] = bad
    with pytest.raises(nn.DataError, match=r"x contains (NaN|inf) at index \(4, 1\)"):
        seed003_model().fit(x, np.zeros(6), verbose=0)
    with pytest.raises(nn.DataError, match=r"y contains"):
        seed003_model().fit(np.zeros((6, 2)), np.where(np.arange(6) == 2, bad, 0.0), verbose=0)


def test_diverging_learning_rate_stops_with_epoch_and_step_and_finite_weights(rng):
    x = rng.normal(size=(64, 2)) * 100
    y = rng.normal(size=(64, 1)) * 100
    model = nn.Sequential([nn.Dense(8, activation="relu", input_shape=(2,)), nn.Dense(1)], seed=0)
    model.compile(optimizer=nn.SGD(learning_rate=10.0), loss="mse")
    with pytest.raises(nn.DivergenceError, match=r"diverged at epoch \d+, step \d+") as info:
        model.fit(x, y, batch_size=8, epochs=50, verbose=0)
    assert info.value.epoch >= 1 and info.value.step >= 1
    assert all(np.all(np.isfinite(w)) for w in model.get_weights())
    assert isinstance(info.value, GraphgradError)


def test_fit_needs_compile_and_known_backend():
    model = nn.Sequential([nn.Dense(1, input_shape=(2,))])
    with pytest.raises(nn.NotCompiledError, match="compile"):
        model.fit(np.zeros((2, 2)), np.zeros(2), verbose=0)
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(UnknownNameError, match="unknown backend 'jax'.*numba, numpy|numpy, numba"):
        model.fit(np.zeros((2, 2)), np.zeros(2), backend="jax", verbose=0)


def test_model_without_input_shape_is_built_by_fit(rng):
    model = nn.Sequential([nn.Dense(3, activation="relu"), nn.Dense(1)], seed=0)
    model.compile(optimizer="adam", loss="mse")
    model.fit(rng.normal(size=(8, 5)), rng.normal(size=8), verbose=0)
    assert model.input_shape == (5,) and model.count_params() == 5 * 3 + 3 + 3 + 1


def test_network_pictures_show_the_layers_and_weights():
    model = seed003_model()
    layers = model.network_layers()
    assert [(l.name, l.units, l.activation) for l in layers] == [
        ("input", 2, None), ("dense_1", 4, "sigmoid"), ("dense_2", 4, "sigmoid"), ("dense_3", 1, "sigmoid")]
    np.testing.assert_array_equal(layers[2].kernel, model.weights["dense_2/kernel"])
    layer_level = str(model.picture("layer"))
    assert "dense_2" in layer_level and "37" in layer_level         # 37 trainable parameters
    neuron_level = str(model.picture("neuron"))
    assert neuron_level.count("->") >= 2 * 4 + 4 * 4 + 4 * 1          # one edge per weight


def test_model_graph_renders_like_any_other_graph():
    from graphgrad.viz import graph_layers, to_dot
    graph = seed003_model().graph
    assert "dense_1/kernel" in to_dot(graph)
    boxes = graph_layers(graph)
    assert all(f"{name}</B>" in boxes and f"{count} params" in boxes
               for name, count in (("dense_1", 12), ("dense_2", 20), ("dense_3", 5)))
    assert "matmul → add → sigmoid" in boxes


def test_dropout_is_active_in_fit_and_off_in_predict(rng):
    x, y = rng.normal(size=(64, 2)), rng.normal(size=(64, 1))
    model = nn.Sequential([nn.Dense(16, activation="relu", input_shape=(2,)), nn.Dropout(0.5), nn.Dense(1)],
                          seed=0, dtype="float64")
    model.compile(optimizer=nn.SGD(learning_rate=1e-12), loss="mse")    # weights all but frozen: the masks vary
    h = model.fit(x, y, batch_size=64, epochs=3, verbose=0)
    assert len(set(h.history["loss"])) == 3                              # fresh noise every step
    assert all(loss != pytest.approx(model.evaluate(x, y)) for loss in h.history["loss"])
    np.testing.assert_array_equal(model.predict(x), model.predict(x))


@pytest.mark.parametrize("bad, message", [
    (np.array([[1.0, np.nan, 0.0]] * 2), "weight 'dense_1/kernel' holds NaN or infinite values"),
    (np.array([[1.0, np.inf, 0.0]] * 2), "weight 'dense_1/kernel' holds NaN or infinite values"),
    (np.array([[1.0, 1e300, 0.0]] * 2), "weight 'dense_1/kernel' holds values too large for float32 (largest "
                                         "magnitude 1e+300)"),
    (np.ones((2, 3)) * 1j, "weight 'dense_1/kernel' holds complex128 values, not real numbers"),
    (np.array([["a", "b", "c"]] * 2), "weight 'dense_1/kernel' holds <U1 values, not real numbers"),
])
def test_load_weights_refuses_arrays_that_are_not_finite_reals(tmp_path, bad, message):
    model = nn.Sequential([nn.Dense(3, input_shape=(2,))])
    before = model.get_weights()
    weights = dict(model.weights)
    weights["dense_1/kernel"] = bad
    np.savez(tmp_path / "w.npz", **weights)
    with pytest.raises(nn.WeightsFileError, match=re.escape(message)):
        model.load_weights(tmp_path / "w.npz")
    for u, v in zip(before, model.get_weights()):
        np.testing.assert_array_equal(u, v)                      # nothing the user had is lost


def test_load_weights_says_a_file_that_is_not_npz_is_not_a_weights_file(tmp_path):
    model = nn.Sequential([nn.Dense(3, input_shape=(2,))])
    (tmp_path / "w.npz").write_text("these are not weights")
    with pytest.raises(nn.WeightsFileError, match="is not a weights file") as caught:
        model.load_weights(tmp_path / "w.npz")
    assert "pickle" not in str(caught.value)


@given(st.integers(1, 5), st.integers(1, 1000), st.integers(0, 2 ** 16))
@settings(max_examples=25)
def test_the_logs_of_several_epochs_are_each_epochs_own_logs(epochs, rows, seed):
    """``epoch_logs`` (the epochs of a chunk at once, as fit tells recording callbacks) against each
    metric's ``value`` of each epoch's sums."""
    model = _metrics_model()
    shapes = [node.shape for node in model.sums_graph(4).outputs]
    rng = np.random.default_rng(seed)
    per_epoch = [[rng.uniform(0, rows, shape) for shape in shapes] for _ in range(epochs)]
    expected = []
    for sums in per_epoch:
        logs, at = {"loss": float(sums[0]) / rows}, 1
        for metric, count in model._metric_layout():
            logs[metric.name] = float(metric.value(sums[at:at + count], rows))
            at += count
        expected.append(logs)
    got = model.epoch_logs([np.stack([sums[i] for sums in per_epoch]) for i in range(len(shapes))], rows)
    assert got == expected
    assert model.logs(per_epoch[0], rows) == expected[0]


def _metrics_model():
    model = nn.Sequential([nn.Dense(3, activation="sigmoid", input_shape=(2,))], seed=0)
    model.compile(optimizer="sgd", loss="binary_crossentropy",
                  metrics=["accuracy", "precision", "mse", "auc", "recall"])
    return model


def test_building_a_built_model_for_another_width_is_refused_and_keeps_the_weights():
    model = nn.Sequential([nn.Dense(4, input_shape=(3,)), nn.Dense(1)], seed=0)
    before = model.get_weights()
    with pytest.raises(ShapeError, match=r"'dense_1' \(Dense\) was built for samples of shape \(3,\) and got "
                                         r"samples of shape \(5,\)"):
        model.build((5,))
    assert model.input_shape == (3,)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    model.add(nn.Dense(2))
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()[:4]))


def test_a_model_of_absurd_size_is_refused_before_anything_is_allocated():
    with pytest.raises(ShapeError, match=r"the model would have 785,000,000,000 weights .* check the layers' sizes"):
        nn.Sequential([nn.Dense(10 ** 9, input_shape=(784,))])
    assert nn.Sequential([nn.Dense(512, input_shape=(784,)), nn.Dense(10)]).count_params() == 407_050
