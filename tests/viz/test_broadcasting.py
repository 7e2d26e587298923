"""Broadcasting pictures: conforming shapes draw the sum, others draw graphgrad's error message."""
import numpy as np
import pytest

from graphgrad.viz import broadcast_picture


@pytest.mark.parametrize("a, b", [(np.arange(3), 5), (np.ones((3, 3)), np.arange(3)),
                                  (np.arange(3).reshape(3, 1), np.arange(3))])
def test_seed000_examples_draw_without_error(tmp_path, a, b):
    path, error = broadcast_picture(a, b, tmp_path / "b.png")
    assert error is None and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_mismatch_draws_the_message_with_both_shapes_and_the_rule(tmp_path):
    path, error = broadcast_picture(np.ones((3, 2)), np.arange(3), tmp_path / "b.svg")
    assert "(3, 2)" in error and "(3,)" in error and "from the right" in error
    svg = path.read_text()
    assert svg.lstrip().startswith("<?xml") and "shape mismatch" in svg
