"""tf.constant, tf.Variable and tf.Tensor: TensorFlow's dtypes and printing."""
import subprocess
import sys

import numpy as np
import pytest

import graphgrad.tensorflow as tf
from graphgrad.errors import InputValueError


@pytest.mark.parametrize("value, dtype", [(3.0, tf.float32), (3, tf.int32), ([1.5, 2.0], tf.float32),
                                          (np.arange(3), tf.int64), (np.ones(2), tf.float64)])
def test_default_dtypes_are_tensorflows(value, dtype):
    assert tf.constant(value).dtype == dtype


def test_constant_with_shape_reshapes_or_fills():
    a = tf.constant(np.arange(1, 13, dtype=np.int32), shape=[2, 2, 3])
    assert a.shape == (2, 2, 3) and a.dtype == tf.int32
    np.testing.assert_array_equal(tf.constant(7.0, shape=(2, 2)).numpy(), np.full((2, 2), 7.0))
    with pytest.raises(ValueError, match="shape"):
        tf.constant([1, 2, 3], shape=(2, 2))


def test_tensors_print_as_tensorflow_prints_them():
    assert repr(tf.constant(2.0)) == "<tf.Tensor: shape=(), dtype=float32, numpy=2.0>"
    assert repr(tf.constant([1, 2])) == "<tf.Tensor: shape=(2,), dtype=int32, numpy=array([1, 2], dtype=int32)>"
    assert repr(tf.constant([[1.0, 2.0], [3.0, 4.0]])).startswith(
        "<tf.Tensor: shape=(2, 2), dtype=float32, numpy=\narray([[1., 2.],")
    assert str(tf.constant(0.1)) == "tf.Tensor(0.1, shape=(), dtype=float32)"
    assert repr(tf.float16) == "tf.float16"


def test_variable_prints_and_assigns():
    v = tf.Variable(1.0, name="w")
    assert repr(v) == "<tf.Variable 'w:0' shape=() dtype=float32, numpy=1.0>"
    v.assign_add(2.0)
    v.assign_sub(0.5)
    assert v.numpy() == 2.5 and v.dtype == tf.float32
    with pytest.raises(InputValueError, match="shape"):
        v.assign([1.0, 2.0])


def test_unnamed_variables_keep_their_graph_names_apart_after_an_assign():
    v, w = tf.Variable([1.0]), tf.Variable([2.0])
    names = (v.node.name, w.node.name)
    v.assign([3.0])
    w.assign([4.0])
    assert (v.node.name, w.node.name) == names and names[0] != names[1]   # not both "Variable:0"
    assert v.name == w.name == "Variable:0"                                # TensorFlow's own name


def test_batched_int32_matmul_of_seed_003():
    a = tf.constant(np.arange(1, 13, dtype=np.int32), shape=[2, 2, 3])
    b = tf.constant(np.arange(13, 25, dtype=np.int32), shape=[2, 3, 2])
    c = tf.matmul(a, b)
    assert c.dtype == tf.int32
    np.testing.assert_array_equal(c.numpy(), [[[94, 100], [229, 244]], [[508, 532], [697, 730]]])


def test_matmul_transposes():
    a = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(tf.matmul(a, a, transpose_a=True).numpy(), a.numpy().T @ a.numpy())
    np.testing.assert_array_equal(tf.matmul(a, a, transpose_b=True).numpy(), a.numpy() @ a.numpy().T)


def test_random_draws_repeat_with_a_seed():
    tf.random.set_seed(1)
    first = tf.random.normal([3], seed=5).numpy()
    tf.random.set_seed(1)
    assert np.array_equal(first, tf.random.normal([3], seed=5).numpy())
    u = tf.random.uniform([100], minval=2, maxval=3)
    assert u.dtype == tf.float32 and 2 <= u.numpy().min() and u.numpy().max() < 3
    assert tf.random.normal().shape == ()


def test_keras_import_paths_as_the_slides_write_them():
    import graphgrad.keras
    import graphgrad.tensorflow.keras.optimizers as optimizers
    from graphgrad.tensorflow.keras.layers import Dense
    from graphgrad.tensorflow.keras.models import Sequential
    assert tf.keras is graphgrad.keras and optimizers is graphgrad.keras.optimizers
    assert Dense is graphgrad.keras.layers.Dense and Sequential is graphgrad.keras.Sequential


FRESH = """
import sys
import graphgrad.tensorflow as tf
print("graphgrad.keras" in sys.modules)
from graphgrad.tensorflow.keras.optimizers import SGD
import graphgrad.keras
print(tf.keras is graphgrad.keras, SGD is graphgrad.keras.optimizers.SGD, graphgrad.keras.__spec__.name)
"""


def test_tf_keras_loads_keras_on_first_use_in_a_fresh_interpreter():
    out = subprocess.run([sys.executable, "-c", FRESH], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True", "True", "graphgrad.keras"]
