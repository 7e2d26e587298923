"""Griffe extension for the API reference: the names a package's ``__init__.py`` imports are its public API,
and so are those of a module that only gathers names (``keras.callbacks``); a function or class made at
import (``add = _binary(ops.add, ...)``) is documented as Python has it, with its signature.

graphgrad's packages gather what users call in ``__init__.py`` (``from .render import render``) and define no
``__all__``; griffe counts every imported name as private, so without this the reference would be empty, and
with ``show_submodules`` it would list the internal helpers of every module instead.
"""
import importlib
import inspect

import griffe


class PublicReexports(griffe.Extension):
    """Mark as public each function, class or attribute a package's ``__init__`` (or a module that only
    gathers names) imports from graphgrad."""

    def on_package(self, *, pkg, **kwargs):
        packages = [module for module in _modules(pkg) if module.is_init_module]
        for package in packages:       # first, so that ``gg.from_sympy`` finds the function
            _unshadow(package)
        for module in _modules(pkg):   # resolved now (an alias keeps its target): ``torch.Tensor`` still finds
            for member in module.members.values():          # torch/tensor.py, which gives way below to the
                if member.is_alias:                         # function ``torch.tensor``
                    _target(member)
        for module in _modules(pkg):
            _made_at_import(module)
        for module in _modules(pkg):
            if module.is_init_module or all(member.is_alias for member in module.members.values()):
                for name, member in module.members.items():
                    if member.is_alias and not name.startswith("_") and _imported_from_graphgrad(member, pkg):
                        member.public = True


def _modules(module):
    """``module`` and all its submodules, depth first."""
    yield module
    for member in module.members.values():    # its own submodules, not the modules it imports
        if not member.is_alias and member.is_module:
            yield from _modules(member)


def _unshadow(package):
    """``from .render import render`` makes ``viz.render`` the function, not the submodule: say so to griffe,
    which keeps the submodule under that name."""
    for name, path in package.imports.items():
        member = package.members.get(name)
        if member is not None and not member.is_alias and member.is_module and path != member.path:
            package.set_member(name, griffe.Alias(name, path, parent=package))


def _made_at_import(module):
    """Put the inspected function or class in place of what griffe reads statically where Python has one:
    ``add = _binary(...)`` (an attribute to griffe), ``def tensor`` in torch/__init__.py (where griffe keeps
    the ``tensor`` submodule), and the functions and classes a name table or a tuple defines (``tf.math.add``,
    ``keras.optimizers.Adam``), which griffe does not see."""
    maybe = [name for name, member in module.members.items() if not name.startswith("_") and not member.is_alias
             and (member.is_module or (member.is_attribute and isinstance(member.value, griffe.ExprCall)))]
    if not module.is_alias and module.name != "__main__":    # names a table or a tuple defines at import
        runtime = importlib.import_module(module.path)
        maybe += [name for name, value in vars(runtime).items() if not name.startswith("_")
                  and name not in module.members and (inspect.isfunction(value) or inspect.isclass(value))
                  and value.__module__ == module.path]
    if not maybe:
        return
    runtime, inspected = importlib.import_module(module.path), griffe.inspect(module.path)
    for name in maybe:
        value = getattr(runtime, name, None)
        found = inspected.members.get(name)
        if (inspect.isfunction(value) or inspect.isclass(value)) and found is not None and not found.is_alias:
            module.set_member(name, found)    # (an alias here points at a closure's inner function: no page)


def _target(alias):
    """What ``alias`` finally names, or None when it is not in the loaded packages (numpy, builtins...)."""
    try:
        return alias.final_target
    except griffe.AliasResolutionError:
        return None


def _imported_from_graphgrad(alias, pkg):
    """True for a name defined in ``pkg`` other than a module (``from . import nn`` is documented on its own)."""
    target = _target(alias)
    return target is not None and target.package.name == pkg.name and not target.is_module
