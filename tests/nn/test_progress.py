"""The progress bar's text: Keras' number format, durations and per-step times."""
import re

from hypothesis import given, strategies as st

from graphgrad.nn.progress import finished, format_logs


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6))
def test_logs_show_four_decimals_or_scientific_notation_when_tiny(value):
    text = format_logs({"loss": value})
    shown = re.fullmatch(r" - loss: (\S+)", text).group(1)
    tiny = value != 0 and abs(value) < 1e-3
    assert ("e" in shown) == tiny
    if tiny:
        assert abs(float(shown) - value) <= 1e-4 * abs(value)
    else:
        assert re.fullmatch(r"-?\d+\.\d{4}", shown) and abs(float(shown) - value) <= 5e-5 + 1e-12 * abs(value)


def test_logs_keep_their_order_and_show_what_is_not_finite():
    assert format_logs({"loss": 0.25, "accuracy": float("nan"), "mse": float("-inf")}) == \
        " - loss: 0.2500 - accuracy: nan - mse: -inf"


def test_finished_lines_give_the_duration_and_time_per_step_in_keras_units():
    assert finished(469, 2.6, {"loss": 0.2524}) == "469/469 [==============================] - 3s 6ms/step - loss: 0.2524"
    assert finished(16, 0.0004, verbose=2) == "16/16 - 0s 25us/step"
    assert finished(10, 75.0, verbose=2) == "10/10 - 1:15 8s/step"
    assert finished(1, 3700.0, verbose=2) == "1/1 - 1:01:40 3700s/step"
