"""Keras models: the seed 003 summary, progress bars, saving, and tape loops that match fit."""
import numpy as np
import pytest

import graphgrad.tensorflow as tf
from graphgrad import keras
from graphgrad.keras import layers, models, optimizers
from graphgrad.errors import InputValueError
from graphgrad.nn.errors import WeightsFileError


def _tutorial_model():
    model = models.Sequential()
    model.add(layers.Dense(4, activation="sigmoid", input_shape=(2,)))
    model.add(layers.Dense(4, activation="sigmoid"))
    model.add(layers.Dense(1, activation="sigmoid"))
    return model


def test_seed003_summary_counts_37_parameters(capsys):
    model = _tutorial_model()
    assert model.summary() is None
    out = capsys.readouterr().out
    assert "dense (Dense)" in out and "dense_1 (Dense)" in out and "dense_2 (Dense)" in out
    assert "Total params: 37" in out and "Trainable params: 37" in out


def test_input_first_fixes_the_input_shape():
    model = models.Sequential([keras.Input(shape=(3,)), layers.Dense(2)])
    assert model.built and model.count_params() == 8


def test_evaluate_and_predict_show_a_progress_bar(capsys):
    model = _tutorial_model()
    model.compile(loss="mse", optimizer="sgd", metrics=["mse"])
    x = np.zeros((40, 2))
    loss, mse = model.evaluate(x, np.zeros(40), batch_size=16)
    assert loss == pytest.approx(mse)
    model.predict(x)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("3/3 [==============================] - ") and "loss: " in lines[0]
    assert lines[1].startswith("2/2 [==============================] - ")
    model.predict(x, verbose=0)
    assert capsys.readouterr().out == ""


def test_get_layer_and_weights_are_variables():
    model = _tutorial_model()
    assert model.get_layer("dense_1") is model.layers[1]
    assert len(model.trainable_variables) == 6
    assert model.trainable_variables[0] is model.layers[0].kernel


def _step_by_tape(model, x, y, optimizer):
    loss_fn = keras.losses.MeanSquaredError()
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return float(loss)


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop", "Nadam"])
def test_a_tape_step_makes_the_same_update_as_fit(name):
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(8, 2)).astype(np.float32), rng.normal(size=(8, 1)).astype(np.float32)
    by_fit, by_tape = _tutorial_model(), _tutorial_model()
    by_tape.set_weights(by_fit.get_weights())
    by_fit.compile(loss="mse", optimizer=getattr(optimizers, name)(learning_rate=0.1))
    optimizer = getattr(optimizers, name)(learning_rate=0.1)
    for _ in range(2):
        history = by_fit.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0, backend="numpy")
        loss = _step_by_tape(by_tape, x, y, optimizer)
        assert loss == pytest.approx(history.history["loss"][0], rel=1e-5)
    for a, b in zip(by_fit.get_weights(), by_tape.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_lr_is_accepted_with_a_deprecation_warning():
    with pytest.warns(DeprecationWarning, match="learning_rate"):
        opt = optimizers.SGD(lr=0.5, momentum=0.9)
    assert opt.learning_rate == 0.5 and opt.momentum == 0.9


def test_save_and_load_model_round_trip(tmp_path):
    model = _tutorial_model()
    model.compile(loss="mse", optimizer=optimizers.SGD(learning_rate=0.3, momentum=0.5), metrics=["mse"])
    x = np.random.default_rng(2).normal(size=(10, 2))
    model.fit(x, np.ones(10), epochs=1, verbose=0, backend="numpy")
    model.save(tmp_path / "m.keras")
    loaded = models.load_model(tmp_path / "m.keras")
    assert [l.name for l in loaded.layers] == ["dense", "dense_1", "dense_2"]
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.optimizer.learning_rate == 0.3 and loaded.optimizer.momentum == 0.5
    for k, v in model._state.items():
        np.testing.assert_array_equal(loaded._state[k], v)


@pytest.mark.parametrize("name, message", [("m.h5", "HDF5"), ("m.txt", "named \\*.keras")])
def test_other_model_file_names_are_refused(tmp_path, name, message):
    with pytest.raises(WeightsFileError, match=message):
        _tutorial_model().save(tmp_path / name)


def test_a_foreign_keras_file_is_refused(tmp_path):
    import zipfile
    path = tmp_path / "real.keras"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("config.json", "{}")
    with pytest.raises(WeightsFileError, match="not a graphgrad model file"):
        models.load_model(path)


def _edited_model_file(tmp_path, edit):
    """A saved, trained and compiled model's file with its entries changed by ``edit(entries)``."""
    model = _tutorial_model()
    model.compile(loss="mse", optimizer=optimizers.SGD(learning_rate=0.3, momentum=0.5))
    model.fit(np.ones((4, 2)), np.ones(4), verbose=0, backend="numpy")
    path = tmp_path / "m.keras"
    model.save(path)
    with np.load(path) as data:
        entries = {k: data[k] for k in data.files}
    edit(entries)
    with open(path, "wb") as f:
        np.savez(f, **entries)
    return path


def _drop_weights(entries):
    for k in [k for k in entries if k.startswith("weights/")]:
        del entries[k]


def _nan_state(entries):
    slot = next(k for k in entries if k.startswith("state/optimizer/dense/"))
    entries[slot] = np.full_like(entries[slot], np.nan)


@pytest.mark.parametrize("edit, message", [
    (_drop_weights, r"holds weights for another model: missing \['dense/kernel'"),
    (lambda e: e.update({"weights/dense/kernel": np.full((2, 4), np.nan)}), "'dense/kernel' holds NaN"),
    (lambda e: e.update({"weights/dense/bias": np.full(4, 1e300)}), "'dense/bias' holds values too large for "
                                                                    "float32"),
    (_nan_state, r"optimizer state 'optimizer/dense/.*' holds NaN"),
], ids=["no weights", "NaN weight", "1e300 weight", "NaN optimizer state"])
def test_a_model_file_with_missing_or_unrepresentable_numbers_is_refused(tmp_path, edit, message):
    path = _edited_model_file(tmp_path, edit)
    with pytest.raises(WeightsFileError, match=message) as error:
        models.load_model(path)
    assert "\n" not in str(error.value)


def test_load_weights_refuses_float64_weights_too_large_for_float32(tmp_path):
    model = _tutorial_model()
    weights = {f"{l.name}/{s}": v.numpy().astype(np.float64) for l in model.layers for s, v in l.variables.items()}
    weights["dense/kernel"][0, 0] = 1e300
    np.savez(tmp_path / "w.npz", **weights)
    before = model.get_weights()
    with pytest.raises(WeightsFileError, match="'dense/kernel' holds values too large for float32"):
        model.load_weights(tmp_path / "w.npz")
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def _edited_description(edit):
    """An ``_edited_model_file`` edit that changes the model's JSON description by ``edit(description)``, or
    replaces its text with what ``edit`` returns."""
    import json

    def change(entries):
        description = json.loads(str(entries["graphgrad_model"]))
        text = edit(description)
        entries["graphgrad_model"] = np.array(text if isinstance(text, str) else json.dumps(description))
    return change


@pytest.mark.parametrize("edit, message", [
    (lambda d: "{not json", "the model description is not JSON"),
    (lambda d: "[1]", r"unknown model format \[1\]"),
    (lambda d: d.pop("layers"), "at the top level: 'layers' is missing"),
    (lambda d: d.update(name=3), "at the top level: 'name' is 3, not a str"),
    (lambda d: d["layers"][0].update({"class": "Nope"}), r"at layers\[0\] \(Nope\): unknown class 'Nope'"),
    (lambda d: d["layers"][0].update({"class": "__class__"}), r"unknown class '__class__'"),
    (lambda d: d["layers"][1]["kwargs"].update(bogus=1), r"at layers\[1\] \(Dense\): .*keyword argument 'bogus'"),
    (lambda d: d["layers"][0].update(kwargs=[]), r"at layers\[0\] \(Dense\): 'kwargs' is \[\], not a dict"),
    (lambda d: d["layers"][0].update(name="a/b"), r"at layers\[0\] \(Dense\): a layer name must be .* without '/'"),
    (lambda d: d["layers"][1].update(name="dense"), r"at layers\[1\] \(Dense\): a layer called 'dense' is already"),
    (lambda d: d["layers"][0]["kwargs"].update(kernel_regularizer={"regularizer": "X", "factor": 1}),
     r"unknown class 'X' \(the known ones are L1, L2\)"),
    (lambda d: d.update(input_shape=[-1]), "at input_shape: .*each size must be a whole number >= 1, got -1"),
    (lambda d: d["compile"]["optimizer"].update({"class": "Nope"}), "at compile.optimizer: unknown class 'Nope'"),
    (lambda d: d["compile"]["optimizer"]["config"].update(zz=1), "at compile.optimizer: .*keyword argument 'zz'"),
    (lambda d: d["compile"]["loss"].update({"class": "X"}), "at compile.loss: unknown class 'X'"),
    (lambda d: d["compile"].update(metrics=[{"class": "X", "name": "x"}]), "at compile.metrics: unknown class"),
])
def test_a_damaged_model_description_is_refused_naming_what_and_where(tmp_path, edit, message):
    path = _edited_model_file(tmp_path, _edited_description(edit))
    with pytest.raises(WeightsFileError, match=message) as error:
        models.load_model(path)
    assert "\n" not in str(error.value) and str(path) in str(error.value)


@pytest.mark.parametrize("call", [lambda m, x, y: m.fit(x, y, verbose="x"),
                                  lambda m, x, y: m.evaluate(x, y, verbose="x"),
                                  lambda m, x, y: m.predict(x, verbose="x")], ids=["fit", "evaluate", "predict"])
def test_a_verbose_that_is_not_0_1_2_or_auto_is_refused_naming_the_method(call):
    model = _tutorial_model()
    model.compile(loss="mse")
    with pytest.raises(InputValueError, match=r"(fit|evaluate|predict): verbose must be 0 \(silent\)"):
        call(model, np.ones((2, 2)), np.ones(2))


def test_jupyter_shows_a_keras_model_as_its_summary_table():
    shown = _tutorial_model()._repr_html_()
    assert shown.startswith('<pre style="text-align:left">Model: &quot;sequential&quot;')
    assert "dense_2 (Dense)" in shown and "Total params: 37" in shown
    assert keras.Sequential([layers.Dense(3)])._repr_html_() is None        # not built: the text repr shows


def test_a_model_called_in_training_runs_its_layers_as_they_run_alone():
    """Dropout's noise (one draw per layer, in order) and batch normalisation's moving averages: the model's one
    forward pass gives what calling its layers one by one gives."""
    def make():
        return models.Sequential([keras.Input(shape=(3,)), layers.Dense(4), layers.BatchNormalization(),
                                  layers.Dropout(0.5), layers.Dense(2)])
    whole, alone = make(), make()
    alone.set_weights(whole.get_weights())
    x = np.random.default_rng(2).normal(size=(5, 3)).astype(np.float32)
    keras.utils.set_random_seed(7)
    out = whole(x, training=True).numpy()
    keras.utils.set_random_seed(7)
    h = x
    for layer in alone.layers:
        h = layer(h, training=True)
    np.testing.assert_allclose(out, h.numpy(), rtol=1e-6)
    assert not np.allclose(whole.layers[1].moving_mean.numpy(), 0)
    for a, b in zip(whole.get_weights(), alone.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_what_a_functional_chain_cannot_do_is_refused_in_one_line(tmp_path):
    """Outputs on two branches, training a model of several outputs, saving a Lambda's Python function, and
    popping an empty model each stop with one line naming the problem (not a silent wrong model)."""
    from graphgrad.errors import ArgumentError
    inputs = keras.Input(shape=(3,))
    a, b = layers.Dense(2)(inputs), layers.Dense(2)(inputs)
    with pytest.raises(ArgumentError, match="one chain"):
        keras.Model(inputs, [a, b])
    extractor = keras.Model(inputs, [a, layers.Dense(1)(a)])
    assert [t.shape for t in extractor(np.ones((4, 3), np.float32))] == [(4, 2), (4, 1)]
    with pytest.raises(ArgumentError, match="several outputs"):
        extractor.compile(loss="mse")
    model = keras.Sequential([keras.Input(shape=(3,)), layers.Lambda(lambda x: x * 2), layers.Dense(1)])
    with pytest.raises(WeightsFileError, match="cannot save layer 'lambda'"):
        model.save(tmp_path / "lambda.keras")
    with pytest.raises(TypeError, match="no layers"):
        keras.Sequential().pop()
    with pytest.raises(AttributeError, match="never been called"):
        layers.Dense(2).output
