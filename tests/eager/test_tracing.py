"""Traced training steps (``eager.tracing``): a loop as written gives the eager run's numbers, step for step,
in every case the eager semantics cover (values read mid-step, in-place changes, ``no_grad``, changing
structure, accumulated gradients, domain errors), with ``GRAPHGRAD_EAGER=1`` as the reference."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import graphgrad.torch as torch
from graphgrad.eager import tracing
from graphgrad.errors import ArgumentError, DomainError
from graphgrad.graph import Graph
from graphgrad.torch import nn

STEPS = 12


def data(n=32, seed=0):
    rng = np.random.default_rng(seed)
    return (torch.tensor(rng.normal(size=(n, 3)).astype(np.float32)),
            torch.tensor(rng.normal(size=(n, 1)).astype(np.float32)))


def make(optimizer="SGD", **options):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 1))
    options = options or {"lr": 0.05, "momentum": 0.9}
    return model, getattr(torch.optim, optimizer)(model.parameters(), **options)


def run(monkeypatch, eager, body, steps=STEPS, **make_options):
    """``body(model, optimizer, x, y, step)`` each step, traced or eager: (its results, weights, optimizer)."""
    if eager:
        monkeypatch.setenv("GRAPHGRAD_EAGER", "1")
    else:
        monkeypatch.delenv("GRAPHGRAD_EAGER", raising=False)
    model, optimizer = make(**make_options)
    x, y = data()
    results = [body(model, optimizer, x[8 * (s % 4):8 * (s % 4) + 8], y[8 * (s % 4):8 * (s % 4) + 8], s)
               for s in range(steps)]
    return results, [p.detach().numpy() for p in model.parameters()], optimizer


def both(monkeypatch, body, **options):
    """The traced and the eager run of ``body``, checked to give the same results and weights."""
    traced, traced_w, optimizer = run(monkeypatch, False, body, **options)
    eager, eager_w, eager_optimizer = run(monkeypatch, True, body, **options)
    np.testing.assert_allclose(np.array(traced, dtype=float), np.array(eager, dtype=float), rtol=1e-5, atol=1e-6)
    for a, b in zip(traced_w, eager_w):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert tracing.programs(eager_optimizer) == []
    return optimizer


def plain_step(model, optimizer, x, y, step):
    optimizer.zero_grad()
    loss = nn.functional.mse_loss(model(x), y)
    loss.backward()
    optimizer.step()
    return loss.item()


def traced_calls(optimizer):
    return sum(p.calls for p in tracing.programs(optimizer))


def replays(optimizer):
    return sum(p.replays for p in tracing.programs(optimizer))


@pytest.mark.parametrize("optimizer, options", [("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
                                                ("Adam", {"lr": 0.01}), ("RMSprop", {"lr": 0.01})])
def test_a_plain_loop_is_traced_after_its_first_step_and_gives_the_eager_numbers(monkeypatch, optimizer, options):
    traced = both(monkeypatch, plain_step, optimizer=optimizer, **options)
    assert len(tracing.programs(traced)) == 1
    assert traced_calls(traced) == STEPS - 1          # the first step runs eagerly, then arms the tracing


def test_the_loss_of_a_traced_step_is_the_programs_output_not_computed_again(monkeypatch):
    def body(model, optimizer, x, y, step):
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        optimizer.step()
        computed = not loss.pending                       # the program gave it (eagerly: computed anyway)
        return [loss.item(), computed]
    traced = both(monkeypatch, body)
    assert traced_calls(traced) > 0


def test_a_value_read_before_the_step_runs_that_step_eagerly(monkeypatch):
    def body(model, optimizer, x, y, step):
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        seen = loss.item() if step % 3 == 0 else None    # read before backward: computed on the spot
        loss.backward()
        optimizer.step()
        return [loss.item(), seen if seen is not None else np.nan]
    traced = both(monkeypatch, body)
    eager_steps = sum(1 for s in range(STEPS) if s % 3 == 0)
    assert traced_calls(traced) == STEPS - eager_steps


def test_a_conditional_and_printing_read_the_values_they_show(monkeypatch, capsys):
    def body(model, optimizer, x, y, step):
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        optimizer.step()
        print(loss)
        return float(loss) if loss > 0.5 else -1.0
    both(monkeypatch, body)
    printed = capsys.readouterr().out.splitlines()
    assert printed[:STEPS] == printed[STEPS:]           # the traced run printed what the eager one printed
    assert all(line.startswith("tensor(") for line in printed)


def test_the_output_read_after_the_step_is_the_forward_before_the_update(monkeypatch):
    def body(model, optimizer, x, y, step):
        optimizer.zero_grad()
        output = model(x)
        loss = nn.functional.mse_loss(output, y)
        loss.backward()
        optimizer.step()
        return output.detach().numpy().ravel().tolist()
    both(monkeypatch, body)


def test_in_place_changes_and_no_grad_blocks_inside_the_loop(monkeypatch):
    def body(model, optimizer, x, y, step):
        optimizer.zero_grad()
        h = model[0](x)
        h.mul_(0.5)                                       # in place on a recorded tensor
        loss = nn.functional.mse_loss(model[2](torch.tanh(h)), y)
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            for p in model.parameters():
                p.mul_(0.99)                              # weight decay by hand
            check = model(x).sum().item()                 # evaluation without recording
        return [loss.item(), check]
    traced = both(monkeypatch, body)
    assert traced_calls(traced) > 0


def test_a_layer_frozen_mid_loop_keeps_its_weights_traced_as_eagerly(monkeypatch):
    frozen = []                                           # the weights each run froze

    def body(model, optimizer, x, y, step):
        if step == 2:                                     # transfer learning's freeze, after the loop is traced
            for p in model[0].parameters():
                p.requires_grad = False
            frozen.append([p.detach().numpy().copy() for p in model[0].parameters()])
        loss = plain_step(model, optimizer, x, y, step)
        if step >= 2:
            assert [p.grad for p in model[0].parameters()] == [None, None]
            for before, p in zip(frozen[-1], model[0].parameters()):
                np.testing.assert_array_equal(p.detach().numpy(), before)
        return loss
    assert traced_calls(both(monkeypatch, body)) > 0
    assert len(frozen) == 2                               # the traced run and the eager run both froze


def test_accumulated_gradients_run_eagerly_and_sum(monkeypatch):
    def body(model, optimizer, x, y, step):
        if step % 2 == 0:
            optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        if step % 2 == 1:
            optimizer.step()
        return [loss.item()] + [p.grad.numpy().sum() for p in model.parameters()]
    both(monkeypatch, body)


def test_a_step_whose_structure_changes_gets_a_program_of_its_own(monkeypatch):
    def body(model, optimizer, x, y, step):
        optimizer.zero_grad()
        out = model(x)
        loss = nn.functional.mse_loss(out, y) if step % 2 else (out - y).abs().mean()
        loss.backward()
        optimizer.step()
        return loss.item()
    traced = both(monkeypatch, body)
    assert len(tracing.programs(traced)) == 2
    assert traced_calls(traced) == STEPS - 1            # every step after the first, of either kind
    assert replays(traced) == STEPS - 3                 # both replayed, after steps 1 and 2 recorded them


def test_a_loop_whose_structure_keeps_changing_stays_eager(monkeypatch):
    def body(model, optimizer, x, y, step):
        optimizer.zero_grad()
        rows = 1 + step                                   # a new batch size every step
        loss = nn.functional.mse_loss(model(_rows(x, rows)), _rows(y, rows))
        loss.backward()
        optimizer.step()
        return loss.item()
    traced = both(monkeypatch, body, steps=tracing.MOST_VARIANTS + 4)
    assert len(tracing.programs(traced)) == tracing.MOST_VARIANTS
    assert tracing.tracer_of(traced._updater).off


def _rows(t, n):
    return torch.cat([t] * (n // len(t) + 1))[:n]


def test_a_domain_error_in_a_traced_step_is_reported_as_eagerly(monkeypatch):
    model, optimizer = make(lr=0.5)
    x, y = data()
    monkeypatch.delenv("GRAPHGRAD_EAGER", raising=False)
    with pytest.raises(DomainError) as traced:
        for shift in (5.0, 5.0, 5.0, -50.0):
            optimizer.zero_grad()
            loss = torch.log(model(x) + shift).mean()     # the last step takes the log of negative numbers
            loss.backward()
            optimizer.step()
    assert traced_calls(optimizer) == 2
    assert "ln" in str(traced.value)


@pytest.mark.parametrize("eager", [False, True])
def test_a_weight_steps_in_its_own_dtype_beside_weights_of_another(monkeypatch, eager):
    """A float16 weight stepped with a float64 one stays float16 and takes the steps it takes alone (in its own
    dtype, as PyTorch's per-tensor update; recorded numbers: tests/torch/test_autograd.py), and the float64 one
    the steps it takes alone, its learning rate float64."""
    monkeypatch.setenv("GRAPHGRAD_EAGER", "1") if eager else monkeypatch.delenv("GRAPHGRAD_EAGER", raising=False)

    def trained(*dtypes):
        weights = [nn.Parameter(torch.tensor(values, dtype=dtype))
                   for values, dtype in zip(([1.5, -2.0], [1.0, 2.0]), dtypes) if dtype is not None]
        optimizer = torch.optim.SGD(weights, lr=0.1)
        for _ in range(4):
            optimizer.zero_grad()
            sum(((w * 3.0) ** 2).sum().double() for w in weights).backward()
            optimizer.step()
        return [w.detach().numpy() for w in weights]
    half, wide = trained(torch.float16, torch.float64)
    assert half.dtype == np.float16 and wide.dtype == np.float64
    np.testing.assert_array_equal(half, trained(torch.float16, None)[0])
    np.testing.assert_array_equal(wide, trained(None, torch.float64)[0])


_FLOATS = st.floats(-1e6, 1e6, width=32)


@given(st.lists(st.integers(1, 70_000), min_size=1, max_size=3), st.sampled_from([0.0, np.nan, np.inf, -np.inf]),
       st.data())
@settings(max_examples=40, deadline=None)
def test_a_traced_steps_finite_check_finds_every_nan_and_infinity(sizes, bad, data):
    """Small results are checked together, large ones (a weight of seed 004's net) by sums of squares: a NaN
    or an infinity anywhere among them is found, whatever the sizes."""
    arrays = [np.full(n, data.draw(_FLOATS), np.float32) for n in sizes]
    which = data.draw(st.integers(0, len(arrays) - 1))
    arrays[which][data.draw(st.integers(0, sizes[which] - 1))] = bad
    assert tracing._finite(arrays) == bool(bad == 0.0)


@pytest.mark.filterwarnings("error")
def test_a_large_float16_gradient_is_finite_with_no_overflow_warning():
    """Its sum of squares (70000 · 2², past float16's 65504) overflows in float16 but is finite."""
    large = np.full(70_000, 2.0, np.float16)
    assert tracing._finite([np.float16(1.0), large])
    large[-1] = np.nan
    assert not tracing._finite([np.float16(1.0), large])


def test_the_off_switch_and_the_inspection_of_a_program(monkeypatch):
    traced = both(monkeypatch, plain_step)
    program, = tracing.programs(traced)
    parameters = list(traced.param_groups[0]["params"])
    assert isinstance(program.graph, Graph)
    # outputs: the loss, a gradient and a new value per parameter, the momentum per parameter
    assert len(program.graph.outputs) == 1 + 3 * len(parameters)
    assert "def " in program.source


def test_torch_compile_accepts_a_module_a_function_and_its_arguments(monkeypatch):
    def body(model, optimizer, x, y, step):
        return plain_step(torch.compile(model, mode="reduce-overhead", dynamic=False), optimizer, x, y, step)
    traced = both(monkeypatch, body)
    assert traced_calls(traced) == STEPS - 1
    decorated = torch.compile(fullgraph=True)(plain_step)
    assert decorated is plain_step
    with pytest.raises(ArgumentError, match="unknown mode 'fastest'"):
        torch.compile(plain_step, mode="fastest")


def test_a_repeated_step_is_replayed_call_by_call(monkeypatch):
    traced = both(monkeypatch, plain_step)
    assert replays(traced) == STEPS - 2               # the first traced step is recorded, the next replay it


@pytest.mark.parametrize("change", ["constant", "closure", "shape", "order", "same leaf", "loss"])
def test_a_replay_never_applies_a_stale_structure(monkeypatch, change):
    """From step 5 on, one thing differs that a stale replay of the recorded step would get wrong."""
    def body(model, optimizer, x, y, step):
        later = step >= 5
        optimizer.zero_grad()
        h = model(x[:6] if change == "shape" and later else x)
        target = y[:6] if change == "shape" and later else y
        if change == "order":                            # the same operations, in the other order
            h = torch.tanh(torch.sigmoid(h)) if later else torch.sigmoid(torch.tanh(h))
        if change == "same leaf":                        # one leaf used twice, then two leaves
            a = x[:, :1]
            h = h * a + (a if not later else a + 1)
        scale = 3.0 if change == "constant" and later else 1.0
        reduction = "sum" if change == "closure" and later else "mean"
        loss = nn.functional.mse_loss(h * scale, target, reduction=reduction)
        if change == "loss":                             # the same calls, the other one differentiated
            losses = [loss, (model[0].weight ** 2).mean()]   # (fewer leaves)
            loss = losses[later]
        loss.backward()
        optimizer.step()
        return loss.item()
    traced = both(monkeypatch, body)
    assert len(tracing.programs(traced)) == 2
    assert replays(traced) == STEPS - 3               # step 0 is eager, each structure's first step recorded


def test_two_loops_of_the_same_structure_never_replay_each_other(monkeypatch):
    """Two models alike, trained in turns by two optimizers: one's step is never run as the other's program."""
    def turns(eager):
        if eager:
            monkeypatch.setenv("GRAPHGRAD_EAGER", "1")
        else:
            monkeypatch.delenv("GRAPHGRAD_EAGER", raising=False)
        (first, sgd), (second, _) = make(), make()
        adam = torch.optim.Adam(second.parameters(), lr=0.01)
        x, y = data()
        losses = [plain_step(model, optimizer, x, y, step)
                  for step in range(8) for model, optimizer in ((first, sgd), (second, adam))]
        return losses, [p.detach().numpy() for p in [*first.parameters(), *second.parameters()]]
    (traced, traced_w), (eager, eager_w) = turns(False), turns(True)
    np.testing.assert_allclose(traced, eager, rtol=1e-5, atol=1e-6)
    for a, b in zip(traced_w, eager_w):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_a_classification_loop_replays_with_each_batch_of_labels(monkeypatch):
    def body(model, optimizer, x, y, step):
        optimizer.zero_grad()
        labels = torch.tensor((np.asarray(y.numpy()).ravel() > 0).astype(np.int64))   # new labels each batch
        loss = nn.functional.cross_entropy(torch.cat([model(x), -model(x)], 1), labels)
        loss.backward()
        optimizer.step()
        return loss.item()
    traced = both(monkeypatch, body)
    assert replays(traced) == STEPS - 2


def test_a_model_of_built_in_modules_is_replayed_as_one_call(monkeypatch):
    traced = both(monkeypatch, plain_step)
    recording = tracing.tracer_of(traced._updater).recordings[0]
    assert [entry.key[0] for entry in recording.entries][0] == "group"   # the Sequential, its inner calls not keyed
    assert replays(traced) == STEPS - 2


@pytest.mark.parametrize("change", ["child replaced", "bias dropped", "option changed in place"])
def test_a_module_changed_between_steps_is_never_replayed_stale(monkeypatch, change):
    """From step 5 on, a module of the model differs in a way its replayed call would get wrong."""
    def body(model, optimizer, x, y, step):
        if step == 1 and change == "option changed in place":
            model._modules["1"] = nn.LeakyReLU(0.3)
        if step == 5:
            if change == "child replaced":
                model._modules["1"] = nn.Sigmoid()     # past __setattr__
            elif change == "bias dropped":
                model[0].bias = None
            else:
                model[1].options["negative_slope"] = 0.05
        return plain_step(model, optimizer, x, y, step)
    both(monkeypatch, body)


def test_a_replayed_models_tensors_keep_pytorchs_grad_fn_names(monkeypatch):
    def names(fn):
        return [fn.name()] + [n for f, _ in fn.next_functions if f is not None for n in names(f)]

    def body(model, optimizer, x, y, step):
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        shown = names(loss.grad_fn)
        loss.backward()
        optimizer.step()
        return shown
    monkeypatch.delenv("GRAPHGRAD_EAGER", raising=False)
    model, optimizer = make()
    x, y = data()
    shown = [body(model, optimizer, x, y, step) for step in range(5)]
    assert "AddmmBackward0" in shown[0] and "TBackward0" in shown[0]   # linear's, as PyTorch names them
    assert all(s == shown[0] for s in shown)
    assert replays(optimizer) >= 2


def test_a_user_module_runs_its_forward_each_step(monkeypatch):
    """A module of user code may do more than compute (count, print, keep activations): it is not replayed as
    one call, its built-in children are."""
    seen = []

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 1))

        def forward(self, x):
            seen.append(x.shape[0])
            return self.body(x)

    monkeypatch.delenv("GRAPHGRAD_EAGER", raising=False)
    torch.manual_seed(0)
    net = Net()
    optimizer = torch.optim.SGD(net.parameters(), lr=0.05)
    x, y = data()
    for step in range(6):
        plain_step(net, optimizer, x, y, step)
    assert seen == [32] * 6
    assert replays(optimizer) == 4


def test_a_learning_rate_schedule_runs_on_one_replayed_program(monkeypatch):
    """The rate is an input of the step's program: a schedule changing it every step (more often than
    ``MOST_VARIANTS``) neither builds programs nor stops replaying, and gives eager's numbers."""
    def body(model, optimizer, x, y, step):
        if step == 0:
            optimizer.scheduler = torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.8)
        loss = plain_step(model, optimizer, x, y, step)
        optimizer.scheduler.step()
        return loss
    traced = both(monkeypatch, body, steps=2 * tracing.MOST_VARIANTS)
    assert len(tracing.programs(traced)) == 1
    assert replays(traced) == 2 * tracing.MOST_VARIANTS - 2


def test_after_a_traced_loop_an_operation_on_untracked_tensors_is_not_seen_by_its_replay(monkeypatch):
    """The loop stays armed after its last step; an operation that cannot read its tensors goes straight to
    the eager layer (one check of its operands), a recorded one on a parameter still goes to the replay."""
    from graphgrad.eager import replay
    traced = both(monkeypatch, plain_step)
    session = replay.current(tracing.tracer_of(traced._updater))
    seen = []
    monkeypatch.setattr(session, "call", lambda builder, args, kwargs: seen.append(builder) or
                        replay.run_call(builder, args, kwargs))
    monkeypatch.setattr(replay.tensor, "_watcher", session.call)
    a, b = torch.tensor([1.0, 2.0]), torch.tensor([3.0, -4.0])
    np.testing.assert_allclose((a + b).numpy(), [4.0, -2.0])
    assert seen == []
    p = next(iter(traced.param_groups[0]["params"]))
    (p * 2).sum()
    assert seen
