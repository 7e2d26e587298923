"""SymPy is imported when first used: not by ``import graphgrad``, the front ends or training."""
import subprocess
import sys

import sympy

from graphgrad.lazy_sympy import sympy_function, sp

TRAIN_THEN_DIFFERENTIATE = """
import sys
import numpy as np
import graphgrad as gg
import graphgrad.keras, graphgrad.tensorflow, graphgrad.torch
from graphgrad import nn
model = nn.Sequential([nn.Dense(3, activation="tanh", input_shape=(2,)), nn.Dense(1, activation="sigmoid")], seed=0)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy", "auc"])
model.fit(np.zeros((16, 2)), np.zeros(16), epochs=2, batch_size=8, verbose=0, backend="numpy")
print("sympy" in sys.modules)
print(gg.symbolic.gradient(gg.parse("y = x**2 * sin(x)"))["x"])
print("sympy" in sys.modules)
"""


def test_graphgrad_and_training_do_not_import_sympy_and_symbolic_work_imports_it():
    out = subprocess.run([sys.executable, "-c", TRAIN_THEN_DIFFERENTIATE], capture_output=True, text=True,
                         check=True).stdout.split("\n")
    assert out[0] == "False" and out[2] == "True"
    x = sympy.Symbol("x")
    assert sympy.simplify(sympy.sympify(out[1]) - (2 * x * sympy.sin(x) + x ** 2 * sympy.cos(x))) == 0


def test_sp_is_sympy_and_later_calls_sympy_when_called():
    x = sympy.Symbol("x")
    assert sp.Symbol is sympy.Symbol and sp.pi is sympy.pi
    assert sympy_function.Max(x, 2) == sympy.Max(x, 2) and sympy_function.sin.__name__ == "sympy.sin"
