"""The names TensorFlow's guides call (``tutorial_names.txt``), each in a computation of the project's own: ``CASES``
maps a case to a function of the module ``tf`` (real TensorFlow when ``record_tensorflow.py`` records it, the
spelling when ``test_tutorial_cases.py`` replays it). Free of graphgrad, so the recording venv imports it."""
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent / "data" / "tutorial.npz"
M = [[2.0, -1.0, 0.5], [1.5, 3.0, -2.0]]          # a 2x3 matrix with signs and a fraction
SQUARE = [[4.0, 1.0, -2.0], [1.0, 3.0, 0.5], [0.0, -1.0, 2.0]]   # invertible, not symmetric
V = [0.5, -1.5, 2.0]


def _tape(tf, f, *sources, persistent=False, watch=True):
    """``f(*sources)`` recorded by a tape watching ``sources``: (tape, result)."""
    with tf.GradientTape(persistent=persistent) as tape:
        if watch:
            tape.watch(list(sources))
        out = f(*sources)
    return tape, out


def _grad(tf, f, *values, **options):
    """d f / d each value (constants watched), as TensorFlow gives them (None where unconnected)."""
    xs = [tf.constant(v) for v in values]
    tape, out = _tape(tf, f, *xs)
    return tuple(tape.gradient(out, xs, **options))


def _list_and_dict(tf):
    w, b = tf.Variable(np.reshape(np.arange(6, dtype=np.float32), (3, 2)) / 4, name="w"), tf.Variable([1.0, -1.0])
    with tf.GradientTape(persistent=True) as tape:
        loss = tf.reduce_mean((tf.constant([[1.0, -2.0, 0.5]]) @ w + b) ** 2)
    listed = tape.gradient(loss, [w, b])
    named = tape.gradient(loss, {"weights": w, "bias": b})
    return listed[0], listed[1], named["weights"], named["bias"]


def _persistent(tf):
    x = tf.constant([1.0, 3.0])
    tape, (y, z) = _tape(tf, lambda x: (x * x, x * x * x * x), x, persistent=True)
    return tape.gradient(z, x), tape.gradient(y, x), tape.gradient({"a": y, "b": z}, x)


def _watch_accessed(tf):
    a, b = tf.Variable(0.5), tf.Variable(4.0)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(b)
        y = tf.math.sin(a) + tf.nn.softplus(b)
    grads = tape.gradient(y, {"a": a, "b": b})
    return grads["a"], grads["b"], tuple(v.name for v in tape.watched_variables())


def _watched(tf):
    trainable, frozen = tf.Variable(1.5, name="trainable"), tf.Variable(2.5, name="frozen", trainable=False)
    shifted = tf.Variable(0.5, name="shifted") + 1.0
    with tf.GradientTape() as tape:
        y = trainable ** 3 + frozen ** 2 + shifted ** 2
    return tuple(tape.gradient(y, [trainable, frozen, shifted])) + tuple(v.name for v in tape.watched_variables())


def _stop_recording(tf):
    x, y = tf.Variable(1.5), tf.Variable(-2.0)
    with tf.GradientTape() as tape:
        a = x * y
        with tape.stop_recording():
            b = y * y
        c = a + b + tf.stop_gradient(x * x)
    return tuple(tape.gradient(c, [x, y]))


def _reset(tf):
    x, y = tf.Variable(1.5), tf.Variable(-2.0)
    with tf.GradientTape() as tape:
        early = y * y
        tape.reset()
        z = x * y + early
    return tuple(tape.gradient(z, [x, y]))


def _halved(tf):
    @tf.custom_gradient
    def halved_gradient(x):
        def backward(upstream):
            return upstream * 0.5
        return tf.exp(x), backward
    x = tf.Variable([0.0, 1.0])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(halved_gradient(x * 2.0))
    return y, tape.gradient(y, x)


def _clipped(tf):
    @tf.custom_gradient
    def clipped_gradient(x):
        return 3.0 * x, lambda upstream: tf.clip_by_norm(upstream, 1.0)
    x = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = clipped_gradient(x * x)
    return tape.gradient(y, x)


def _second_order(tf):
    x = tf.Variable(1.5)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = x ** 4 - 2.0 * x
        dy = inner.gradient(y, x)
    return dy, outer.gradient(dy, x)


def _jacobians(tf):
    x = tf.constant([[0.5, -1.0], [2.0, 0.25], [1.0, 1.0]])
    w = tf.Variable([[1.0, -0.5, 0.25], [0.5, 2.0, -1.0]])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = tf.nn.elu(x @ w)
    return tape.jacobian(y, w), tape.jacobian(y, x), tape.batch_jacobian(y, x), tape.gradient(y, w)


def _int_source(tf):
    n = tf.constant(7)
    with tf.GradientTape() as tape:
        tape.watch(n)
        square = n * n
    return tape.gradient(square, n), square


def _connected_or_zero(tf):
    x, unused = tf.Variable([1.0, -2.0]), tf.Variable(3.0)
    with tf.GradientTape(persistent=True) as tape:
        y = tf.reduce_sum(x * x)
    return (tape.gradient(y, unused), tape.gradient(y, unused, unconnected_gradients=tf.UnconnectedGradients.ZERO),
            tape.gradient(y, unused, unconnected_gradients="zero"))


def _output_gradients(tf):
    x = tf.constant([1.0, 2.0, -1.0])
    tape, y = _tape(tf, lambda x: x * x * 3.0, x)
    return tape.gradient(y, x, output_gradients=tf.constant([1.0, 0.5, -2.0]))


def _variable_as_target(tf):
    first, second, x = tf.Variable(2.0), tf.Variable(-1.0), tf.constant(0.5)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        chosen = first if x > 0.0 else second ** 2
    return tuple(tape.gradient(chosen, [first, second])) + (tape.gradient(chosen, x),)


def _broken_chain(tf):
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        squared = np.mean(np.square(x))       # NumPy leaves the tape: no gradient
        y = tf.reduce_sum(tf.constant(squared) * x)
    return squared, tape.gradient(y, x)


def _variable_ops(tf):
    v = tf.Variable([1, 2.5, -3])             # ints and a float: float32
    v.assign([2, 4, 6])
    v.assign_add([1, 1, 1])
    w = tf.Variable(v)
    v.assign_sub([0.5, 0.5, 0.5])
    return v, w, v.name, str(v.dtype), v == w


def _module(tf):
    class Quadratic(tf.Module):
        def __init__(self):
            super().__init__()
            self.w_b, self.w_a = tf.Variable(2.0), tf.Variable(0.5)
            self.frozen = tf.Variable(1.0, trainable=False)

        def __call__(self, x):
            return self.w_a * x ** 2 + self.w_b * x + self.frozen
    model = Quadratic()
    x = tf.constant([0.5, 1.0, 2.0])
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(model(x) - 1.0))
    grads = tape.gradient(loss, model.trainable_variables)
    return (model.name, len(model.variables), tuple(v.numpy() for v in model.trainable_variables)) + tuple(grads)


def _dense_names(tf):
    layer = tf.keras.layers.Dense(2, activation=tf.nn.relu, name="hidden")
    layer(tf.ones((1, 3)))
    return tuple(v.name for v in layer.weights) + tuple(v.path for v in layer.weights) + (layer.kernel.shape,)


CASES = {
    # tensors: making, printing, shapes (basics, tensor, variable guides)
    "constant_float": lambda tf: tf.constant(M),
    "constant_int_str": lambda tf: str(tf.constant([[1, 2], [3, 4]])),
    "constant_float16_repr": lambda tf: repr(tf.constant([[1, 2], [3, 4]], dtype=tf.float16)),
    "scalar_numpy": lambda tf: tf.constant(2.5).numpy(),
    "scalar_str": lambda tf: str(tf.constant(4)),
    "convert_to_tensor": lambda tf: tf.convert_to_tensor([1, 2, 3]),
    "shape": lambda tf: (repr(tf.zeros([3, 2, 4]).shape), str(tf.zeros([3, 2, 4]).shape),
                         tf.zeros([3, 2, 4]).shape.as_list(), tf.zeros([3, 2, 4]).ndim),
    "size_rank_shape": lambda tf: (tf.size(tf.ones([2, 3])), tf.rank(tf.ones([2, 3])), tf.shape(tf.ones([2, 3]))),
    "zeros_int_shape": lambda tf: tf.zeros(2, dtype=tf.float32),
    "dtype_text": lambda tf: (str(tf.float32), repr(tf.float64), str(tf.constant(1).dtype)),
    "indexing": lambda tf: (tf.constant(M)[1, :], tf.constant(M)[:, ::-1], tf.constant(V)[-1]),
    "reshape": lambda tf: (tf.reshape(tf.constant(M), [3, -1]), tf.reshape(tf.constant(M), [-1])),
    "cast_chain": lambda tf: tf.cast(tf.cast(tf.constant([2.2, 3.7, 4.4], tf.float64), tf.float16), tf.uint8),
    "broadcast_to": lambda tf: tf.broadcast_to(tf.constant([1, 2, 3]), [2, 3]),
    "broadcast_multiply": lambda tf: tf.multiply(tf.reshape(tf.constant([1, 2, 3]), [3, 1]), tf.range(1, 5)),
    "arithmetic": lambda tf: (tf.add(tf.constant(M), 1.0), 5 * tf.constant(M), tf.constant(M) @ tf.transpose(
        tf.constant(M)), tf.matmul(tf.constant(M), tf.constant(M), transpose_b=True)),
    "concat": lambda tf: tf.concat([tf.constant(M), tf.constant(M)], axis=1),
    "softmax": lambda tf: tf.nn.softmax(tf.constant(M), axis=-1),
    "reductions": lambda tf: (tf.reduce_sum([1, 2, 3]), tf.reduce_max(np.array([1, 5, 3])),
                              tf.reduce_mean(tf.constant(M), axis=0), tf.reduce_prod(tf.constant(M).shape)),
    "argmax": lambda tf: (tf.math.argmax(tf.constant(M)), tf.argmax(tf.constant(M), axis=1)),
    "linspace": lambda tf: (tf.linspace(-2.0, 2.0, 5), tf.linspace(-2, 2, 5)),
    "eye_pad_einsum": lambda tf: (tf.eye(2) * 0.5, tf.pad(tf.constant(M), [[1, 0], [0, 2]], constant_values=-1.0),
                                  tf.einsum("ij,kj->ik", tf.constant(M), tf.constant(M))),
    "norm": lambda tf: (tf.norm(tf.constant(M)), tf.norm(tf.constant(M), axis=1), tf.norm(tf.constant(V), ord=1)),
    "clip_by_norm": lambda tf: (tf.clip_by_norm(tf.constant(V), 1.0), tf.clip_by_norm(tf.constant(V), 10.0)),
    "clip_by_norm_gradient_at_zero": lambda tf: _grad(tf, lambda x: tf.clip_by_norm(x, 1.0), [0.0, 0.0, 0.0]),
    "clip_by_norm_gradient": lambda tf: _grad(tf, lambda x: tf.clip_by_norm(x, 1.0), V),
    "linalg": lambda tf: (tf.linalg.matmul(tf.constant(SQUARE), tf.constant(SQUARE)),
                          tf.linalg.matvec(tf.constant(SQUARE), tf.constant(V)), tf.linalg.norm(tf.constant(SQUARE)),
                          tf.linalg.trace(tf.constant(SQUARE)), tf.linalg.diag_part(tf.constant(SQUARE)),
                          tf.linalg.matrix_transpose(tf.constant(M))),
    "linalg_inverse": lambda tf: (tf.linalg.inv(tf.constant(SQUARE)), tf.linalg.det(tf.constant(SQUARE)),
                                  tf.linalg.solve(tf.constant(SQUARE), tf.constant([[1.0], [-2.0], [0.5]]))),
    "linalg_inverse_gradients": lambda tf: (
        _grad(tf, lambda a: tf.reduce_sum(tf.linalg.inv(a) ** 2), SQUARE)
        + _grad(tf, tf.linalg.det, SQUARE)
        + _grad(tf, lambda a, b: tf.reduce_sum(tf.linalg.solve(a, b) * tf.constant([[1.0], [2.0], [3.0]])),
                SQUARE, [[1.0], [-2.0], [0.5]])),
    "variable_ops": _variable_ops,
    "variable_repr": lambda tf: repr(tf.Variable([[1.0, 2.0], [3.0, 4.0]], name="mark")),
    "scalar_texts": lambda tf: tuple(f(t) for t in (tf.reduce_sum(tf.constant([10.0, 9.1, 8.2])), tf.constant(0.1),
                                                     tf.constant(0.1, tf.float64), tf.constant(0.1, tf.float16),
                                                     tf.constant(1e-8), tf.constant(3), tf.constant(True),
                                                     tf.constant(float("nan")), tf.Variable(2.7, name="s"))
                                     for f in (repr, str)),
    "variable_converted": lambda tf: (repr(tf.convert_to_tensor(tf.Variable([1.5, -2.0]))),
                                      _converted_gradient(tf)),
    "variable_shape_mismatch_kept": lambda tf: tf.Variable([2.0, 3.0]).assign([1, 2]),
    "device_block": lambda tf: _on_cpu(tf),
    "gpu_listed": lambda tf: len(tf.config.list_physical_devices("GPU")),
    # gradients (autodiff and advanced_autodiff guides)
    "gradient_scalar": lambda tf: _grad(tf, lambda x: x ** 2 + 2 * x - 5, 1.5),
    "gradient_list_and_dict": _list_and_dict,
    "gradient_persistent": _persistent,
    "gradient_watch_accessed": _watch_accessed,
    "gradient_watched_variables": _watched,
    "gradient_intermediate": lambda tf: _intermediate(tf),
    "gradient_stop_recording": _stop_recording,
    "gradient_reset": _reset,
    "gradient_custom": _halved,
    "gradient_custom_clip": _clipped,
    "gradient_second_order": _second_order,
    "gradient_jacobians": _jacobians,
    "gradient_int_source": _int_source,
    "gradient_unconnected": _connected_or_zero,
    "gradient_output_gradients": _output_gradients,
    "gradient_variable_target": _variable_as_target,
    "gradient_numpy_breaks_tape": _broken_chain,
    "gradient_vector_target": lambda tf: _grad(tf, lambda x: x * tf.constant([3.0, 4.0]), 2.0),
    "gradient_sigmoid": lambda tf: _grad(tf, tf.nn.sigmoid, [-10.0, -1.0, 0.0, 2.5]),
    "module_variables": _module,
    "dense_weight_names": _dense_names,
    # Keras guides (sequential_model, functional_api) and basics' Lambda
    "keras_pop": lambda tf: _keras_pop(tf, tf.keras),
    "keras_global_pooling": lambda tf: tuple(layer()(tf.constant(_IMAGES)) for layer in (
        tf.keras.layers.GlobalMaxPooling2D, tf.keras.layers.GlobalAveragePooling2D)),
    "keras_feature_extractor": lambda tf: _feature_extractor(tf, tf.keras),
    "keras_lambda": lambda tf: _lambda(tf, tf.keras),
}
_IMAGES = (np.arange(2 * 5 * 5 * 1, dtype=np.float32).reshape(2, 5, 5, 1) % 7 - 3) / 2   # signs, repeats


def _keras_pop(tf, keras):
    """pop() removes the last layer of a built model: the model computes with the others."""
    model = keras.Sequential([keras.Input(shape=(3,))] + [keras.layers.Dense(n, kernel_initializer="ones",
                                                                             bias_initializer="ones")
                                                          for n in (4, 2, 1)])
    popped = model.pop()
    return (len(model.layers), type(popped).__name__, popped.units, model(tf.constant([[1.0, -2.0, 0.5]])),
            str(tuple(model.outputs[0].shape)), len(model.weights))


def _feature_extractor(tf, keras):
    """keras.Model(inputs=model.inputs, outputs=[layer.output ...]) of a Sequential's layers, and of one."""
    conv = dict(kernel_size=2, activation="relu", kernel_initializer="ones", bias_initializer="zeros")
    initial = keras.Sequential([keras.Input(shape=(5, 5, 1)), keras.layers.Conv2D(2, name="first", **conv),
                                keras.layers.Conv2D(1, name="middle", **conv), keras.layers.GlobalMaxPooling2D()])
    every = keras.Model(inputs=initial.inputs, outputs=[layer.output for layer in initial.layers])
    one = keras.Model(inputs=initial.inputs, outputs=initial.get_layer(name="middle").output)
    x = tf.constant(_IMAGES)
    return tuple(every(x)) + (one(x), str(tuple(initial.layers[1].output.shape)), str(tuple(initial.inputs[0].shape)))


def _lambda(tf, keras):
    """A Lambda layer of tf operations before a Dense layer, called and trained (the basics guide's model)."""
    x = tf.linspace(-2.0, 2.0, 9)
    model = keras.Sequential([keras.layers.Lambda(lambda x: tf.stack([x, x ** 2], axis=1)),
                              keras.layers.Dense(1, kernel_initializer="ones", bias_initializer="zeros")])
    before = model(x)
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.01))
    history = model.fit(x, 3 * x - x ** 2 + 1, epochs=3, batch_size=4, shuffle=False, verbose=0)
    return before, np.array(history.history["loss"]), model.layers[1].kernel


def _converted_gradient(tf):
    """A variable read through ``convert_to_tensor`` inside a tape still takes the gradient."""
    v = tf.Variable([1.5, -2.0])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.convert_to_tensor(v) ** 2)
    return tape.gradient(y, v)


def _on_cpu(tf):
    with tf.device("CPU:0"):
        product = tf.matmul(tf.Variable(M), tf.transpose(tf.constant(M)))
    return product


def _intermediate(tf):
    x = tf.constant(1.5)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
        z = y * y
    return tape.gradient(z, y)
