"""Sizes as names: a Size's text, read back with the model's values, is its value; equal values share a name."""
from hypothesis import given, strategies as st

from graphgrad.compiler.sizes import SMALLEST, Size, Sizes, prod


@st.composite
def size_expressions(draw):
    """A Size built by +, - and * from named sizes and plain ints, and the values of its names."""
    values = draw(st.lists(st.integers(2, 10 ** 4), min_size=1, max_size=4))
    sizes = Sizes(named=values)
    pool = [sizes(v) for v in values] + draw(st.lists(st.integers(0, 50), max_size=3))
    expression = pool[0]
    for _ in range(draw(st.integers(0, 6))):
        other = draw(st.sampled_from(pool))
        op = draw(st.sampled_from(["+", "-", "*", "r+", "r*"]))
        expression = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
                      "r+": lambda a, b: b + a, "r*": lambda a, b: b * a}[op](expression, other)
        pool.append(expression)
    return expression, {f"d{k}": v for k, v in enumerate(sizes.values)}


@given(size_expressions())
def test_a_size_read_back_with_the_model_values_is_its_value(case):
    expression, dims = case
    assert eval(str(expression), {}, dims) == int(expression)


def test_equal_values_share_a_name_and_small_extents_stay_numbers():
    sizes = Sizes(named=[16])
    shape = sizes.shape((16, 784, 10, 784, 1))
    assert [str(s) for s in shape] == ["d0", "d1", "10", "d1", "1"] and sizes.values == [16, 784]
    assert SMALLEST > 10 and not isinstance(shape[2], Size)
    assert str(prod(shape)) == "d0 * d1 * 10 * d1" and prod(shape) == 16 * 784 * 10 * 784
    assert sizes.bindings() == ["    d0 = dims[0]", "    d1 = dims[1]"]
