"""The spellings' dtypes over NumPy's: equal to the NumPy dtype they name, read by NumPy as it, copied whole."""
import copy
import pickle

import numpy as np
import pytest

import graphgrad.tensorflow as tf
import graphgrad.torch as torch


@pytest.mark.parametrize("dtype, text", [(tf.float32, "tf.float32"), (torch.int64, "torch.int64"),
                                         (tf.bool, "tf.bool")])
def test_a_dtype_is_the_numpy_dtype_it_names(dtype, text):
    numpy_dtype = np.dtype(text.split(".")[1])
    assert repr(dtype) == text and dtype == numpy_dtype and dtype == numpy_dtype.name
    assert hash(dtype) == hash(numpy_dtype) and np.zeros(2, dtype).dtype == numpy_dtype
    assert dtype.name == numpy_dtype.name and dtype.itemsize == numpy_dtype.itemsize
    assert dtype != np.float16 and dtype != object() and dtype != 3


@pytest.mark.parametrize("dtype", [tf.float32, torch.float64])
def test_a_dtype_survives_copy_and_pickle(dtype):
    assert copy.deepcopy(dtype) == dtype and pickle.loads(pickle.dumps(dtype)) == dtype
