"""Helpers for the nn tests: small float64 models and central finite differences."""
import numpy as np
from graphgrad import nn


def numeric_gradient(f, w, h=1e-6):
    """Central differences of the scalar function ``f`` of array ``w`` (modified in place, then restored)."""
    g = np.zeros_like(w)
    for i in np.ndindex(w.shape):
        old = w[i]
        w[i] = old + h
        up = f()
        w[i] = old - h
        down = f()
        w[i] = old
        g[i] = (up - down) / (2 * h)
    return g


def model_numeric_gradients(model, x, y):
    """d loss / d weight for every weight of ``model`` by finite differences of ``model.evaluate``."""
    weights = model.get_weights()
    out = {}
    for k, name in enumerate(model.param_shapes):
        def f():
            model.set_weights(weights)
            return model.evaluate(x, y, batch_size=len(x))
        out[name] = numeric_gradient(f, weights[k])
    model.set_weights(weights)
    return out



def small_model(activation="sigmoid", out_activation="sigmoid", units=(3, 2), inputs=2, seed=0, **kw):
    layers = [nn.Dense(units[0], activation=activation, input_shape=(inputs,), **kw)]
    layers += [nn.Dense(u, activation=activation, **kw) for u in units[1:-1]]
    layers += [nn.Dense(units[-1], activation=out_activation, **kw)]
    return nn.Sequential(layers, seed=seed, dtype="float64")
