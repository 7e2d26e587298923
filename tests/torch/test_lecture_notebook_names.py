"""Names that lecture notebooks and textbook "from scratch" chapters call, against numbers recorded from PyTorch 2.13
(``record_names.py`` wrote ``data/lecture_notebook_names.npz``): NumPy's keyword names on reductions, ``var``/``std``
with Bessel's correction, ``all``/``any``/``allclose``, ``histogram``, the legacy ``torch.Tensor(...)`` constructor,
``dot``/``mv``/``cumsum``, one-element tensors as Python numbers, ``size=`` keywords, ``backward()`` of a
one-element tensor, ``retain_grad()`` called after a tensor was used, and an assignment whose
value has leading axes of length 1."""
from pathlib import Path

import numpy as np
import pytest

from graphgrad import torch
from graphgrad.errors import ArgumentError
from tests.torch.recorded import replay

DATA = Path(__file__).resolve().parent / "data" / "lecture_notebook_names.npz"
M = [[0.5, -1.0, 2.0], [3.0, 0.25, -4.0]]
CUBE = np.arange(24, dtype=np.float32).reshape(2, 3, 4) ** 1.5 / 7


def _m(torch, **kwargs):
    return torch.tensor(M, **kwargs)


def _grad_of_one_element(torch):
    """backward() of a tensor of shape (1,): PyTorch takes its one element as the loss."""
    w = _m(torch, requires_grad=True)
    (w * w).sum(0, keepdim=True).sum(1).backward()
    return w.grad


def _retained_late(torch):
    """retain_grad() called after the tensor fed later operations still fills its .grad."""
    w = _m(torch, requires_grad=True)
    hidden = (w * 3).tanh()
    loss = (hidden * hidden).mean()
    hidden.retain_grad()
    loss.backward()
    return hidden.grad, w.grad


def _row_set_from_recorded(torch):
    """A (1, 3) result assigned to a row of a (2, 3) tensor: the leading 1 is dropped; the gradient flows back."""
    w = torch.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    out = torch.zeros(2, 3)
    out[1] = w * 2
    (out * out).sum().backward()
    return out.detach(), w.grad


def _std_grad(torch):
    w = _m(torch, requires_grad=True)
    w.std(1).sum().backward()
    return w.grad


def _row_set_from_values(torch):
    out = torch.zeros(2, 3)
    out[0] = torch.ones(1, 1, 3) * 5
    return out


CASES = {
    "sum_keepdims": lambda torch: _m(torch).sum(1, keepdims=True),
    "sum_axis": lambda torch: torch.sum(_m(torch), axis=0),
    "mean_axis_keepdims": lambda torch: _m(torch).mean(axis=1, keepdims=True),
    "max_axis": lambda torch: tuple(_m(torch).max(axis=1)),
    "var": lambda torch: _m(torch).var(),
    "var_dim_keepdim": lambda torch: _m(torch).var(0, keepdim=True),
    "var_biased": lambda torch: _m(torch).var(1, unbiased=False),
    "var_correction": lambda torch: torch.var(_m(torch), dim=1, correction=0),
    "var_dims": lambda torch: torch.tensor(CUBE).var((0, 1), keepdim=True),
    "std": lambda torch: torch.std(_m(torch)),
    "std_dim": lambda torch: _m(torch).std(1),
    "std_float64": lambda torch: _m(torch, dtype=torch.float64).std(0, keepdim=True),
    "std_grad": _std_grad,
    "all": lambda torch: torch.all(_m(torch) > -2),
    "all_dim": lambda torch: (_m(torch) > 0).all(1),
    "any_dim_keepdim": lambda torch: torch.any(_m(torch) > 2.5, dim=0, keepdim=True),
    "allclose": lambda torch: np.array([torch.allclose(_m(torch), _m(torch) + 1e-9),
                                        torch.allclose(_m(torch), _m(torch) * 1.001),
                                        _m(torch).allclose(_m(torch) + 0.01, atol=0.1)]),
    "histogram": lambda torch: tuple(torch.histogram(torch.tensor(CUBE.ravel()), bins=5)),
    "histogram_density": lambda torch: tuple(torch.histogram(torch.tensor(CUBE.ravel()), 8, range=(0.0, 16.0),
                                                             density=True)),
    "histogram_range": lambda torch: tuple(torch.histogram(_m(torch).flatten(), 3, range=(-1.0, 2.0))),
    "histogram_weight": lambda torch: tuple(torch.histogram(_m(torch).flatten(), 4, weight=torch.ones(6) * 2)),
    "histogram_edges": lambda torch: tuple(torch.histogram(_m(torch).flatten(), torch.tensor([-5.0, 0.0, 1.0, 5.0]))),
    "histogram_float64": lambda torch: tuple(torch.histogram(_m(torch, dtype=torch.float64).flatten(), 2)),
    "legacy_tensor": lambda torch: torch.Tensor(M),
    "legacy_tensor_ints": lambda torch: torch.Tensor([[1, 2], [3, 4]]),
    "legacy_tensor_double": lambda torch: torch.Tensor([2.0]).double(),
    "legacy_tensor_sizes": lambda torch: (np.array(torch.Tensor(2, 3).shape), str(torch.Tensor(2, 3).dtype)),
    "legacy_tensor_empty": lambda torch: np.array(torch.Tensor().shape),
    "dot": lambda torch: torch.dot(torch.tensor([1.0, 2.0, 3.0]), torch.tensor([4.0, -5.0, 0.5])),
    "dot_int": lambda torch: torch.tensor([1, 2]).dot(torch.tensor([3, 4])),
    "mv": lambda torch: torch.mv(_m(torch), torch.tensor([1.0, 2.0, -1.0])),
    "cumsum": lambda torch: _m(torch).cumsum(1),
    "cumsum_axis": lambda torch: torch.cumsum(_m(torch), axis=0),
    "cumsum_int": lambda torch: torch.tensor([[1, 2], [3, 4]], dtype=torch.int32).cumsum(dim=0),
    "cumsum_dtype": lambda torch: torch.cumsum(torch.tensor([1, 2, 3]), 0, dtype=torch.float64),
    "one_element_numbers": lambda torch: np.array([float(torch.tensor([3.5])), int(torch.tensor([[7.9]])),
                                                   torch.tensor([[2.5]]).item()]),
    "sizes_by_keyword": lambda torch: (np.array(torch.randn(size=(2, 3)).shape), torch.zeros(size=(2, 1)),
                                       torch.ones(size=[3])),
    "grad_of_one_element": _grad_of_one_element,
    "retained_late": _retained_late,
    "row_set_from_recorded": _row_set_from_recorded,
    "row_set_from_values": _row_set_from_values,
}

test_name_gives_pytorchs_numbers = replay(CASES, DATA)


def test_legacy_constructor_gives_leaves_and_the_internal_one_still_works():
    x = torch.Tensor([1.0, 2.0])
    assert x.is_leaf and not x.requires_grad and isinstance(x, torch.Tensor)
    assert isinstance(torch.Parameter(x), torch.Tensor)
    y = torch.Tensor(x.node, x.value)     # graphgrad's own (node, value)
    np.testing.assert_array_equal(y, x)


def test_a_value_of_other_leading_sizes_is_refused_with_the_shapes():
    out = torch.zeros(2, 3)
    with pytest.raises(Exception, match="broadcast"):
        out[0] = torch.ones(2, 3, requires_grad=True) * 1


def test_backward_of_several_elements_still_needs_a_gradient():
    w = torch.ones(2, requires_grad=True)
    with pytest.raises(ArgumentError, match="only for scalar outputs"):
        (w * 2).backward()


def test_dot_and_mv_refuse_what_pytorch_refuses():
    with pytest.raises(ArgumentError, match="1D tensors expected"):
        torch.dot(torch.ones(2, 2), torch.ones(2))
    with pytest.raises(ArgumentError, match="same dtype"):
        torch.dot(torch.ones(2), torch.tensor([1, 2]))
    with pytest.raises(ArgumentError, match="a matrix and a vector"):
        torch.mv(torch.ones(2), torch.ones(2))
    with pytest.raises(ArgumentError, match="with 2 elements cannot be converted"):
        float(torch.ones(2))


def test_return_types_name_their_parts():
    pair = torch.histogram(torch.tensor([0.0, 1.0]), bins=2)
    assert pair.hist is pair[0] and pair.bin_edges is pair[1]
    with pytest.raises(AttributeError, match="no attribute 'values'"):
        pair.values
    assert repr(pair).startswith("torch.return_types.histogram(\nhist=tensor([1., 1.]),\nbin_edges=")
