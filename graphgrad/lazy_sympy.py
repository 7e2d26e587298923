"""SymPy, imported when first used, so that ``import graphgrad`` (and every training script) does not wait
half a second for it.

``sp.X`` is ``sympy.X`` (SymPy is imported at the first such lookup). ``sympy_function.X`` is a function that
calls ``sympy.X``: the tables of primitives name SymPy's functions at import time but call them only when a
graph is turned into SymPy.
"""
import importlib


class _SymPy:
    """``sympy``'s attributes, looked up in SymPy once it is imported (at the first lookup)."""

    def __getattr__(self, name):
        sympy = importlib.import_module("sympy")
        self.__dict__.update(vars(sympy))     # from now on plain attributes
        return getattr(sympy, name)


class _SympyFunction:
    """``sympy_function.f(*args)`` calls ``sympy.f(*args)``; ``sympy_function.f`` alone imports nothing."""

    def __getattr__(self, name):
        def call(*args, **kwargs):
            return getattr(sp, name)(*args, **kwargs)
        call.__name__ = call.__qualname__ = f"sympy.{name}"
        return call


sp = _SymPy()
sympy_function = _SympyFunction()
