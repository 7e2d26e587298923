"""``tf.Module``: a container whose ``variables`` are the ``tf.Variable``s its attributes hold (in lists, dicts and
other modules too), in TensorFlow's order: attributes sorted by name, depth first."""
import re

from .. import eager
from .tensor import Variable


class Module:
    """Subclass it and keep variables as attributes; ``variables``/``trainable_variables`` collect them."""

    def __init__(self, name=None):
        self._name = name

    @property
    def name(self):
        """The name given, else the class's in snake case (``MyModule`` -> ``my_module``), as TensorFlow names it."""
        return self.__dict__.get("_name") or re.sub(r"(?<!^)(?=[A-Z])", "_", type(self).__name__).lower()

    def _walk(self, seen):
        for key in sorted(vars(self)):
            for item in eager.leaves(vars(self)[key]):
                if isinstance(item, Module) and id(item) not in seen:
                    seen.add(id(item))
                    yield item
                    yield from item._walk(seen)
                elif isinstance(item, Variable) and id(item) not in seen:
                    seen.add(id(item))
                    yield item

    @property
    def variables(self):
        return tuple(v for v in self._walk(set()) if isinstance(v, Variable))

    @property
    def trainable_variables(self):
        return tuple(v for v in self.variables if v.trainable)

    @property
    def submodules(self):
        return tuple(m for m in self._walk(set()) if isinstance(m, Module))
