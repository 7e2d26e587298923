"""``astype``: the same values in another dtype; adjoints flow back between float dtypes only."""
import numpy as np

from ..graph.primitive import Primitive, as_node, is_float


def _astype_vjp(g, ans, x, needs, to):
    return (astype(g, x.dtype) if is_float(ans.dtype) else None,)


astype_p = Primitive(
    "astype", impl=lambda x, to: np.asarray(x).astype(to), shape=lambda shape, to: tuple(shape),
    dtype=lambda nodes, params: np.dtype(params["to"]), vjp=_astype_vjp,
    jvp=lambda ts, ans, x, to: astype(ts[0], to), sympy=lambda x, to: x,
    text="{0} as {to}", latex=r"{0}", pointwise=True, scalar="np.{to}({0})")


def astype(x, dtype):
    """``x`` converted to ``dtype`` (a node already of that dtype is returned as is)."""
    x, dtype = as_node(x), np.dtype(dtype)
    return x if x.dtype == dtype else astype_p(x, to=dtype.name)
