"""Griffe extension for the API reference: the names a package's ``__init__.py`` imports are its public API,
and so are those of a module that only gathers names (``keras.callbacks``).

graphgrad's packages gather what users call in ``__init__.py`` (``from .render import render``) and define no
``__all__``; griffe counts every imported name as private, so without this the reference would be empty, and
with ``show_submodules`` it would list the internal helpers of every module instead.
"""
import griffe


class PublicReexports(griffe.Extension):
    """Mark as public each function, class or attribute a package's ``__init__`` (or a module that only
    gathers names) imports from graphgrad."""

    def on_package(self, *, pkg, **kwargs):
        for module in _modules(pkg):                # first, so that ``gg.from_sympy`` finds the function
            if module.is_init_module:
                _unshadow(module)
        for module in _modules(pkg):
            if module.is_init_module or all(member.is_alias for member in module.members.values()):
                for name, member in module.members.items():
                    if member.is_alias and not name.startswith("_") and _imported_from_graphgrad(member, pkg):
                        member.public = True


def _modules(module):
    """``module`` and all its submodules, depth first."""
    yield module
    for member in module.modules.values():
        yield from _modules(member)


def _unshadow(package):
    """``from .render import render`` makes ``viz.render`` the function, not the submodule: say so to griffe,
    which keeps the submodule under that name."""
    for name, path in package.imports.items():
        member = package.members.get(name)
        if member is not None and not member.is_alias and member.is_module and path != member.path:
            package.set_member(name, griffe.Alias(name, path, parent=package))


def _imported_from_graphgrad(alias, pkg):
    """True for a name defined in ``pkg`` other than a module (``from . import nn`` is documented on its own)."""
    try:
        target = alias.final_target
    except griffe.AliasResolutionError:      # imported from numpy, builtins...: not ours to document
        return False
    return target.package.name == pkg.name and not target.is_module
