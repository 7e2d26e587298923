"""PyTorch's type promotion in the torch spelling: the dtypes and values PyTorch 2.13 gave for operations mixing
float and integer tensors, 0-d tensors and Python numbers (``record_names.py`` wrote ``data/promotion.npz``)."""
from pathlib import Path


from graphgrad import torch
from tests.torch.recorded import replay

DATA = Path(__file__).resolve().parent / "data" / "promotion.npz"


def _x(torch):
    return torch.linspace(-1, 1, 3)


def _i(torch):
    return torch.tensor([1, 2, 3])


CASES = {
    "float_pow_int_tensor": lambda t: _x(t).unsqueeze(-1).pow(t.tensor([1, 2])),
    "int_div_number": lambda t: _i(t) / 2,
    "number_div_int": lambda t: 1 / _i(t),
    "int_times_float_number": lambda t: _i(t) * 2.5,
    "float_times_int": lambda t: _x(t) * _i(t),
    "int_plus_bool_number": lambda t: _i(t) + True,
    "bool_plus_int_number": lambda t: t.tensor([True, False]) + 1,
    "zero_dim_float64_times_float32": lambda t: t.tensor(2.0, dtype=t.float64) * _x(t),
    "float64_times_int": lambda t: _x(t).double() * _i(t),
    "int_sqrt": lambda t: _i(t).sqrt(),
    "int_exp": lambda t: t.exp(_i(t)),
    "int_pow_number": lambda t: _i(t) ** 2,
    "number_pow_int": lambda t: 2 ** _i(t),
    "zero_dim_int_times_float_number": lambda t: t.tensor(3) * 0.5,
    "int_atan2": lambda t: t.atan2(_i(t), _i(t) + 1),
    "maximum_int_float": lambda t: t.maximum(_i(t), _x(t)),
    "add_alpha_int_float": lambda t: _i(t).add(_x(t), alpha=2),
    "int32_times_zero_dim_int64": lambda t: t.tensor([1, 2], dtype=t.int32) * t.tensor(5),
    "int32_times_int64": lambda t: t.tensor([1, 2], dtype=t.int32) * t.tensor([5]),
    "int_minus_number": lambda t: _i(t) - 1,
}


test_promotes_as_pytorch = replay(CASES, DATA)


def test_a_float_gradient_flows_through_the_cast():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x * torch.tensor([3, 4])).sum().backward()
    assert x.grad.tolist() == [3.0, 4.0] and x.grad.dtype == torch.float32
