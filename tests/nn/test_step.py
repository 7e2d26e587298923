"""The StepGraph contract the compiler relies on: input and output order, names, the batch mask, and that
one run of the graph is one SGD step along the finite-difference gradient."""
import numpy as np
import pytest

from graphgrad import nn
from graphgrad.backends.numpy_backend import run

from tests.nn.nn_helpers import model_numeric_gradients


def compiled(optimizer="sgd", dropout=False):
    layers = [nn.Dense(3, activation="tanh", input_shape=(2,))]
    layers += [nn.Dropout(0.5)] if dropout else []
    layers += [nn.Dense(1, activation="sigmoid")]
    model = nn.Sequential(layers, dtype="float64", seed=0)
    model.compile(optimizer=optimizer, loss="binary_crossentropy")
    return model


def test_step_graph_inputs_and_outputs_follow_the_contract():
    model = compiled(nn.Adam())
    step = model.step_graph(8)
    assert isinstance(step, nn.StepGraph)
    assert step.graph.inputs == (step.x, step.y, step.mask, *step.params, *step.state, *step.noise)
    assert step.graph.outputs == (step.loss, *step.new_params, *step.new_state, *step.sums)
    assert step.mask.shape == (8,) and len(step.sums) == 1 and step.sums[0].shape == ()   # loss times rows
    assert [p.name for p in step.params] == ["dense_1/kernel", "dense_1/bias", "dense_2/kernel", "dense_2/bias"]
    assert step.state[-1].name == "optimizer/iterations" and step.state[-1].shape == ()
    assert [s.name for s in step.state[:2]] == ["optimizer/dense_1/kernel/momentum", "optimizer/dense_1/kernel/velocity"]
    assert step.x.shape == (8, 2) and step.y.shape == (8, 1) and step.loss.shape == ()
    assert all(p.shape == n.shape for p, n in zip(step.params + step.state, step.new_params + step.new_state))
    assert step.noise == ()


def test_dropout_noise_is_an_input_of_the_batch_shape():
    step = compiled(dropout=True).step_graph(4)
    assert [(n.name, n.shape) for n in step.noise] == [("dropout_1/noise", (4, 3))]


def test_one_run_is_one_sgd_step_along_the_numeric_gradient(rng):
    model = compiled(nn.SGD(learning_rate=0.5))
    x, y = rng.normal(size=(6, 2)), rng.integers(0, 2, (6, 1)).astype(float)
    grads = model_numeric_gradients(model, x, y)
    step = model.step_graph(6)
    arrays = {step.x.id: x, step.y.id: y, step.mask.id: np.ones(6)}
    arrays.update({p.id: model.weights[p.name] for p in step.params})
    arrays.update({s.id: np.zeros(s.shape) for s in step.state})
    env = run(step.graph, arrays)
    assert float(env[step.loss.id]) == pytest.approx(model.evaluate(x, y), rel=1e-12)
    for p, new in zip(step.params, step.new_params):
        np.testing.assert_allclose(env[new.id], model.weights[p.name] - 0.5 * grads[p.name], rtol=1e-7, atol=1e-9)
    assert float(env[step.new_state[-1].id]) == 1.0


def test_hyperparameters_are_constants_in_the_graph():
    step = compiled(nn.SGD(learning_rate=0.123)).step_graph(2)
    constants = [float(n.params["value"]) for n in step.graph.nodes if n.is_const and n.params["value"].ndim == 0]
    assert 0.123 in constants


def batch_normalized():
    model = nn.Sequential([nn.Dense(3, input_shape=(2,)), nn.BatchNormalization(unbiased_moving_variance=True),
                           nn.Dense(1, activation="sigmoid")], dtype="float64", seed=0)
    model.compile(optimizer=nn.SGD(learning_rate=0.5), loss="binary_crossentropy")
    return model


@pytest.mark.parametrize("build", [lambda: compiled(nn.SGD(learning_rate=0.5)), batch_normalized],
                         ids=["dense", "batch_norm"])
def test_a_smaller_batch_is_the_same_graph_with_padding_masked_out(build, rng):
    """Rows the mask leaves out change neither the loss nor the update (batch statistics and moving averages
    included): a batch of 4 padded to 6 is a batch of 4."""
    model = build()
    x, y = rng.normal(size=(6, 2)), rng.integers(0, 2, (6, 1)).astype(float)
    results = []
    for size, mask in ((4, np.ones(4)), (6, np.array([1, 1, 1, 1, 0, 0.0]))):
        step = model.step_graph(size)
        padded = {step.x.id: x[:size], step.y.id: y[:size], step.mask.id: mask}
        padded.update({p.id: model.weights[p.name] for p in step.params})
        padded.update({s.id: np.zeros(s.shape) for s in step.state})
        env = run(step.graph, padded)
        results.append([float(env[step.loss.id]), float(env[step.sums[0].id])]
                       + [env[new.id] for new in step.new_params])
    (loss4, sum4, *new4), (loss6, sum6, *new6) = results
    assert loss6 == pytest.approx(loss4, rel=1e-12) and sum6 == pytest.approx(4 * loss4, rel=1e-12)
    for a, b, (name, before) in zip(new4, new6, model.weights.items()):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)
        if "kernel" in name or "moving" in name:
            assert not np.allclose(a, before)        # the step moved them (the moving averages too)


def test_fit_trains_the_last_partial_batch_with_the_same_step_graph(rng):
    model = compiled(nn.SGD(learning_rate=0.1))
    x, y = rng.normal(size=(10, 2)), rng.integers(0, 2, 10)
    model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    sizes = sorted(k[1] for k in model._cache if k[0] == "step")
    assert sizes == [4]
    assert float(model._state["optimizer/iterations"]) == 3      # 4 + 4 + 2 samples
