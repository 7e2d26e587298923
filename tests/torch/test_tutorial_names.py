"""The names the public PyTorch tutorials call (``tutorial_names.txt``), in the spelling: each resolves and takes
the keywords the tutorials pass, and the cases below (the project's own computations, not the tutorials' code)
give the numbers, dtypes and text PyTorch 2.13 gave (``record_names.py`` wrote ``data/tutorial_names.npz``).
Random draws are compared by shape and dtype; their distributions are test_random.py's."""
import inspect
import io
from pathlib import Path

import numpy as np
import pytest

from graphgrad import torch
from graphgrad.errors import ArgumentError
from tests.torch.recorded import replay

DATA = Path(__file__).resolve().parent / "data" / "tutorial_names.npz"
NAMES = Path(__file__).resolve().parent / "tutorial_names.txt"


def listed():
    """(name, keywords) of each line of ``tutorial_names.txt``."""
    lines = [line.split("|")[0].split() for line in NAMES.read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    return [(words[0], words[1:]) for words in lines]


def resolve(module, name):
    """The object ``name`` (``torch.nn.Linear``, ``torch.Tensor.add_``) reached from ``module`` (it is ``torch``)."""
    found = module
    for part in name.split(".")[1:]:
        found = getattr(found, part)
    return found


@pytest.mark.parametrize("name, keywords", listed(), ids=[name for name, _ in listed()])
def test_tutorial_name_resolves_and_takes_its_keywords(name, keywords):
    found = resolve(torch, name)
    if keywords:
        signature = inspect.signature(found)
        missing = [k for k in keywords if k not in signature.parameters]
        assert not missing, f"{name} takes no keyword {missing}: {signature}"


def test_a_missing_name_fails_the_check():
    with pytest.raises(AttributeError):
        resolve(torch, "torch.Tensor.no_such_method")


# --- the cases: each name at work, with numbers of the project's own ------------------------------------------
M = [[1.0, -2.0, 0.5], [-0.25, 3.0, -1.5]]


def _fixed(torch, module):
    """``module`` with every parameter set to evenly spaced numbers in [-1, 1] (so results are PyTorch's)."""
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.linspace(-1, 1, p.numel()).view(p.shape))
    return module


def _cube_function(torch):
    """A custom Function: x³ - 2x forward, its hand-written derivative 3x² - 2 backward."""
    class Cubic(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3 - 2 * x

        @staticmethod
        def backward(ctx, grad_output):
            x, = ctx.saved_tensors
            return grad_output * (3 * x ** 2 - 2)
    x = torch.tensor([-1.5, 0.5, 2.0], requires_grad=True)
    y = Cubic.apply(x * 2)
    y.sum().backward()
    return y.detach(), x.grad


def _variable(torch):
    v = torch.autograd.Variable(torch.tensor([1.0, -2.0]), requires_grad=True)
    (v * v * 3).mean().backward()
    return v.grad


def _eye_backward_twice(torch):
    x = torch.eye(2, 3, requires_grad=True)
    y = (x + 2).pow(2).t()
    y.backward(torch.ones_like(y), retain_graph=True)
    first = x.grad.clone()
    y.backward(gradient=torch.full((3, 2), 0.5), retain_graph=True)
    second = x.grad.clone()
    x.grad.zero_()
    return first, second, x.grad


def _from_numpy_shares(torch):
    a = np.arange(4.0)
    t = torch.from_numpy(a)
    a[1] = 9.0
    t.add_(1)
    return t, a.copy(), str(t.dtype)


def _numpy_shares(torch):
    t = torch.zeros(3)
    n = t.numpy()
    t.add_(2)
    n[0] = 7.0
    return n.copy(), t


def _out(torch):
    added, multiplied, product = torch.zeros(2, 2), torch.zeros(2, 2), torch.zeros(2, 2)
    torch.add(torch.ones(2, 2), torch.eye(2), out=added)
    torch.mul(torch.tensor([[2.0, 3.0]]), torch.tensor([[1.0], [-1.0]]), out=multiplied)
    torch.matmul(input=torch.tensor([[1.0, 2.0], [3.0, 4.0]]), other=torch.eye(2) * 2, out=product)
    return added, multiplied, product


def _save_load(torch):
    buffer = io.BytesIO()
    torch.save({"w": torch.arange(3.0), "n": torch.tensor(4)}, buffer)
    buffer.seek(0)
    loaded = torch.load(buffer, weights_only=True)
    return loaded["w"], loaded["n"]


def _module_state(torch):
    class Scale(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.k = torch.nn.Parameter(torch.tensor([2.0, -1.0]))
            self.inner = torch.nn.Linear(in_features=2, out_features=1)

        def forward(self, x):
            return self.inner(self.k * x)
    model = _fixed(torch, Scale()).to("cpu")
    names = tuple(name for name, _ in model.named_parameters())
    state = model.state_dict()
    copy = Scale()
    copy.load_state_dict(state)
    out = copy(torch.tensor([[1.0, 3.0]]))
    out.sum().backward()
    grads = tuple(p.grad.clone() for p in copy.parameters())
    copy.zero_grad()
    modes = (copy.train().training, copy.eval().training)
    return (out.detach(), len(list(model.parameters())), names, tuple(state), modes,
            all(p.grad is None for p in copy.parameters())) + grads


def _lenet_like(torch):
    """Conv2d, relu, max pooling (functional and module), flatten and Linear with fixed weights."""
    F = torch.nn.functional
    conv, pool = _fixed(torch, torch.nn.Conv2d(1, 2, 3)), torch.nn.MaxPool2d(2, 2)
    fc = _fixed(torch, torch.nn.Linear(2 * 3 * 3, 3))
    x = torch.linspace(-2, 2, 64).view(1, 1, 8, 8)
    h = F.max_pool2d(F.relu(conv(x)), (2, 2))
    y = fc(torch.flatten(pool(F.relu(conv(x))) * 0 + h, 1))
    return y.detach()


def _sequential(torch):
    nn = torch.nn
    model = _fixed(torch, nn.Sequential(nn.Flatten(), nn.Linear(6, 4), nn.ReLU(), nn.Linear(4, 3)))
    logits = model(torch.linspace(-1, 1, 12).view(2, 2, 3))
    probabilities = nn.Softmax(dim=1)(logits)
    return logits.detach(), probabilities.detach(), probabilities.argmax(1), len(model), tuple(model[1].weight.shape)


def _polynomial_layer(torch):
    nn = torch.nn
    x = torch.linspace(-1, 1, 5)
    features = x.unsqueeze(-1).pow(torch.tensor([1, 2, 3]))
    model = _fixed(torch, nn.Sequential(nn.Linear(3, 1), nn.Flatten(0, 1)))
    loss = nn.MSELoss(reduction="sum")(model(features), torch.sin(x))
    loss.backward()
    return features, loss.detach(), model[0].weight.grad


def _losses(torch):
    F = torch.nn.functional
    logits = torch.tensor(M)
    z, target = torch.tensor([0.3, -1.2, 2.0]), torch.tensor([1.0, 0.0, 1.0])
    return (torch.nn.CrossEntropyLoss()(logits, torch.tensor([2, 1])), torch.nn.MSELoss()(logits, logits * 0),
            F.binary_cross_entropy_with_logits(z, target))


def _sgd(torch):
    w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
    optimizer = torch.optim.SGD([w], lr=0.1, momentum=0.9)
    for _ in range(3):
        optimizer.zero_grad()
        (w ** 2).sum().backward()
        optimizer.step()
    return w.detach()


def _learning_rate_schedule(make):
    """A learning rate written into ``param_groups`` between steps, as a schedule does, in a traced loop: PyTorch
    scales the whole momentum buffer by the new rate (float64: float32's rounding differs in the last digits)."""
    def case(torch):
        w = torch.nn.Parameter(torch.tensor([[1.0, -2.0], [0.5, 3.0]], dtype=torch.float64))
        x = torch.tensor([[0.5, 1.0], [-1.0, 2.0]], dtype=torch.float64)
        optimizer = make(torch.optim, [w])
        losses = []
        for step in range(6):
            optimizer.param_groups[0]["lr"] = 0.1 * 0.5 ** (step // 2)
            optimizer.zero_grad()
            loss = ((x @ w).tanh() ** 2).mean()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        return torch.tensor(losses), w.detach(), optimizer.param_groups[0]["lr"]
    return case


def _scheduled(make):
    """A scheduler's rates over five epochs of SGD with momentum, and the weights they reach."""
    def case(torch):
        w = torch.nn.Parameter(torch.tensor([1.0, -2.0], dtype=torch.float64))
        optimizer = torch.optim.SGD([w], lr=0.1, momentum=0.9)
        scheduler = make(torch.optim.lr_scheduler, optimizer)
        rates = []
        for epoch in range(5):
            for _ in range(2):
                optimizer.zero_grad()
                (w ** 2).sum().backward()
                optimizer.step()
            scheduler.step()
            rates.append(scheduler.get_last_lr()[0])
        return torch.tensor(rates, dtype=torch.float64), w.detach()
    return case


def _reduced_and_selected(torch):
    """prod, logsumexp, where, expand and expand_as, each with its gradient (weights fixed, all distinct)."""
    x = torch.tensor([[1.5, -2.0, 0.5], [4.0, 0.25, -1.0]], requires_grad=True)
    parts = (x.prod(1), torch.prod(x), x.logsumexp(1), torch.logsumexp(x, dim=0, keepdim=True),
             torch.where(x > 0, x, 0.5), x.where(x < 1, x * 3), x[0].expand(2, -1), x[:, :1].expand_as(x))
    total = sum((part * torch.arange(1, part.numel() + 1).reshape(part.shape) / 5).sum() for part in parts)
    total.backward()
    ints = torch.tensor([[1, 2], [3, 4]], dtype=torch.int32)
    return (*[p.detach() for p in parts], x.grad, ints.prod(), ints.prod(0, keepdim=True), ints.logsumexp(1),
            str(x.prod(1).grad_fn).split(" ")[0], str(x[0].expand(2, 3).grad_fn).split(" ")[0],
            str(x[None].grad_fn).split(" ")[0], str(x[None, :].grad_fn).split(" ")[0])


def _manual_descent(torch):
    """Gradient steps by hand: ``-=`` inside no_grad, ``.data.sub_``, ``.grad`` set to None and zeroed."""
    a = torch.tensor(1.5, requires_grad=True)
    b = torch.tensor([0.5, -0.5], requires_grad=True)
    for _ in range(2):
        loss = ((a * b - 1) ** 2).sum()
        loss.backward()
        with torch.no_grad():
            a -= 0.1 * a.grad
            inside = (a * 2).requires_grad
        b.data.sub_(b.grad.data * 0.1)
        a.grad = None
        b.grad.zero_()
    return a.detach(), b.detach(), inside


def _indexing(torch):
    x = torch.ones(3, 4)
    x[:, 1] = 0
    h = torch.tensor(M)
    g = h.clone()
    g[h < 0] = 0
    return x, x[0], x[:, 1], x[..., -1], g, h[:2]


def _grad_flags(torch):
    x, z = torch.rand(2, 2), torch.rand((2, 2), requires_grad=True)
    y = x + z
    with torch.no_grad():
        w = x + z
    return ((x + x).requires_grad, y.requires_grad, w.requires_grad, y.detach().requires_grad, y.grad_fn is None,
            x.grad_fn is None, repr(y.grad_fn).split(" ")[0])


def _doubling(torch):
    """Doubling until the norm passes a bound (the loop of .data.norm()), then backward with weights."""
    x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    y = x * 2
    while y.data.norm() < 100:
        y = y * 2
    y.backward(torch.FloatTensor([0.5, 1.0, 0.001]))
    return y.detach(), x.grad


CASES = {
    "param_groups_lr": _learning_rate_schedule(lambda optim, w: optim.SGD(w, lr=0.1, momentum=0.9)),
    "param_groups_lr_rmsprop": _learning_rate_schedule(lambda optim, w: optim.RMSprop(w, lr=0.1, momentum=0.5)),
    "step_lr": _scheduled(lambda s, optimizer: s.StepLR(optimizer, step_size=2, gamma=0.5)),
    "multi_step_lr": _scheduled(lambda s, optimizer: s.MultiStepLR(optimizer, milestones=[1, 3, 3], gamma=0.3)),
    "exponential_lr": _scheduled(lambda s, optimizer: s.ExponentialLR(optimizer, gamma=0.7)),
    "lambda_lr": _scheduled(lambda s, optimizer: s.LambdaLR(optimizer, lambda epoch: 1 / (1 + epoch))),
    "prod_logsumexp_where_expand": _reduced_and_selected,
    "empty": lambda torch: (tuple(torch.empty(2, 3).shape), str(torch.empty(2, 3).dtype)),
    "zeros_long": lambda torch: torch.zeros(2, 4, dtype=torch.long),
    "ones": lambda torch: torch.ones(3),
    "tensor": lambda torch: (torch.tensor([[1, 2, 3]]), torch.tensor([0.5, 2.0])),
    "ones_like": lambda torch: torch.ones_like(torch.zeros(2, 2, dtype=torch.int64), device="cpu"),
    "full": lambda torch: (torch.full((2,), -1.5, dtype=torch.float64, device="cpu"),
                           torch.full((), 0.25, requires_grad=True).detach()),
    "linspace": lambda torch: torch.linspace(-1, 1, 5, device="cpu", dtype=torch.float64),
    "eye_backward": _eye_backward_twice,
    "from_numpy": _from_numpy_shares,
    "numpy": _numpy_shares,
    "FloatTensor": lambda torch: torch.FloatTensor([1, 2.5]),
    "out": _out,
    "sin": lambda torch: torch.sin(torch.linspace(0, 3, 4)),
    "cat": lambda torch: torch.cat([torch.eye(2), torch.ones(2, 1)], dim=1),
    "flatten": lambda torch: torch.flatten(torch.arange(24.0).view(2, 3, 4), 1),
    "max_dim": lambda torch: tuple(torch.max(torch.tensor(M), 1)),
    "save_load": _save_load,
    "device": lambda torch: (str(torch.device("cpu")), torch.device("cuda:1").index,
                             str(torch.device("cuda:0" if torch.cuda.is_available() else "cpu"))),
    "no_device": lambda torch: (torch.cuda.is_available(), torch.backends.mps.is_available(),
                                torch.accelerator.is_available(), torch.accelerator.current_accelerator() is None),
    "set_default_device": lambda torch: (torch.set_default_device("cpu"), str(torch.zeros(1).device))[1],
    "dtypes": lambda torch: (str(torch.float), str(torch.double), str(torch.long)),
    "Size": lambda torch: (torch.ones(2, 3).size() == torch.Size([2, 3]), repr(torch.ones(2, 3).size())),
    "Variable": _variable,
    "Function": _cube_function,
    "DataLoader": lambda torch: tuple(part for batch in torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.arange(10.0).view(5, 2), torch.arange(5)), batch_size=2)
        for part in batch),
    "new_ones": lambda torch: (torch.tensor([1, 2]).new_ones(2, 2, dtype=torch.float64),
                               torch.tensor([1, 2]).new_ones(3)),
    "attributes": lambda torch: (torch.ones(2, 5).size(1), tuple(torch.ones(2, 5).shape), str(torch.ones(2).dtype),
                                 str(torch.ones(2).device)),
    "in_place": lambda torch: torch.ones(3).add_(torch.arange(3.0)).sub_(0.5),
    "view_item": lambda torch: (torch.arange(8.0).view(-1, 4), torch.arange(8.0).view(8)[5].item()),
    "to": lambda torch: (torch.tensor([1.5, -2.5]).to(torch.float64), torch.tensor([1, 2]).to("cpu", torch.double)),
    "transpose_products": lambda torch: (torch.tensor(M) @ torch.tensor(M).T, torch.tensor(M).matmul(torch.tensor(M).T),
                                         torch.tensor(M).t().mm(torch.tensor(M)), torch.tensor(M).mul(torch.tensor(M))),
    "reductions": lambda torch: (torch.tensor(M).sum(), torch.tensor(M).mean(), torch.tensor(M).norm(),
                                 torch.tensor(M).argmax(1)),
    "clamp_clone_pow": lambda torch: (torch.tensor(M).clamp(min=0), torch.tensor(M).clone().pow(3)),
    "type_float_sum": lambda torch: (torch.tensor([1, 2, 3]) == torch.tensor([1, 0, 3])).type(torch.float).sum(),
    "comparisons": lambda torch: (torch.tensor(M) < 0, 9 * torch.tensor([1.0, 2.0]) ** 2 == torch.tensor([9.0, 30.0])),
    "format": lambda torch: (f"{torch.tensor(0.123456):>10f}", f"{torch.ones(2)}", f"{torch.tensor(3):>3d}",
                             str(torch.tensor(M))),
    "module_state": _module_state,
    "lenet_like": _lenet_like,
    "sequential": _sequential,
    "polynomial_layer": _polynomial_layer,
    "losses": _losses,
    "sgd": _sgd,
    "manual_descent": _manual_descent,
    "indexing": _indexing,
    "grad_flags": _grad_flags,
    "doubling": _doubling,
}
# random draws as zeros of their shape and dtype (their distributions: test_random.py)
DRAWS = {
    "rand": lambda torch: torch.rand(2, 3, device="cpu"),
    "rand_requires_grad": lambda torch: torch.rand((2, 2), requires_grad=True).detach(),
    "randn": lambda torch: torch.randn((), device="cpu", dtype=torch.float64),
    "randn_like": lambda torch: torch.randn_like(torch.ones(2, 2, dtype=torch.float64), dtype=torch.float),
    "rand_like": lambda torch: torch.rand_like(torch.ones(3, dtype=torch.int64), dtype=torch.float),
    "linear_init": lambda torch: torch.nn.Linear(3, 2).weight.detach(),
}
CASES.update({f"draw/{name}": (lambda torch, draw=draw: torch.zeros_like(draw(torch))) for name, draw in DRAWS.items()})


test_case_gives_pytorchs_numbers = replay(CASES, DATA)


def test_every_listed_name_has_a_case():
    """Each name of the list is at work in some case (by its last part, as the cases spell it)."""
    source = inspect.getsource(inspect.getmodule(test_every_listed_name_has_a_case))
    cases = source[source.index("# --- the cases"):source.index("test_case_gives_pytorchs_numbers")]
    spelled = {"__getitem__": "[", "__setitem__": "] =", "__isub__": "-=", "__matmul__": "@", "__lt__": "<",
               "__eq__": "==", "__format__": 'f"{', "Tensor": "torch."}
    missing = [name for name, _ in listed() if spelled.get(name.split(".")[-1], name.split(".")[-1]) not in cases]
    assert not missing, f"names of tutorial_names.txt without a case: {missing}"


def test_refusals_name_the_problem():
    from graphgrad.errors import ArgumentError, ShapeError
    with pytest.raises(ArgumentError, match="CPU only"):
        torch.set_default_device("cuda")
    with pytest.raises(TypeError, match="grad of type float"):
        torch.ones(1, requires_grad=True).grad = 0.0
    with pytest.raises(ArgumentError, match="don't support automatic differentiation"):
        torch.add(torch.ones(2, requires_grad=True), 1, out=torch.zeros(2))
    with pytest.raises(ShapeError, match="does not resize out"):
        torch.add(torch.ones(2), 1, out=torch.zeros(3))
    buffer = io.BytesIO()
    torch.save(torch.nn.Linear(2, 1), buffer)      # a whole module: loading it runs its class's code
    buffer.seek(0)
    with pytest.raises(Exception, match="Weights only load failed"):
        torch.load(buffer)
    buffer.seek(0)
    assert isinstance(torch.load(buffer, weights_only=False), torch.nn.Linear)
    with pytest.raises(ArgumentError, match=r"torch.where\(condition\) .* not supported"):
        torch.where(torch.ones(2) > 0)
    with pytest.raises(TypeError, match="'dim' must be int"):
        torch.ones(2, 2).prod((0, 1))
    with pytest.raises(ArgumentError, match="must be greater or equal"):
        torch.ones(2, 3).expand(3)


def test_a_zero_dimensional_tensor_and_a_scheduler_come_back_from_save_and_load_as_they_were():
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.ones(2))], lr=0.1)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    scheduler.step()
    buffer = io.BytesIO()
    torch.save({"scalar": torch.tensor(2.5), "norm": torch.nn.BatchNorm1d(2).state_dict(),
                "scheduler": scheduler.state_dict()}, buffer)
    buffer.seek(0)
    loaded = torch.load(buffer)
    assert loaded["scalar"].shape == () and loaded["scalar"].item() == 2.5
    assert loaded["norm"]["num_batches_tracked"].shape == ()
    again = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    again.load_state_dict(loaded["scheduler"])
    assert again.last_epoch == 1 and again.get_last_lr() == [0.05]
    with pytest.raises(ArgumentError, match=r"step\(epoch\)"):
        again.step(3)


def test_zero_grad_keeps_zeros_when_asked_not_to_set_none():
    p = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
    optimizer = torch.optim.SGD([p], lr=0.1)
    (p * torch.tensor([float("inf"), 3.0])).sum().backward()      # an infinite gradient is zeroed too
    optimizer.zero_grad(set_to_none=False)
    assert p.grad is not None and p.grad.tolist() == [0.0, 0.0]
    optimizer.zero_grad()
    assert p.grad is None
