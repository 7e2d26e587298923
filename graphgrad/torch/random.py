"""The random generators of the torch spelling: ``torch.Generator`` objects and the default one, which
``manual_seed(s)`` seeds, so ``randn``, ``randint``, ``multinomial`` and weight initialisation are repeatable
(NumPy's PCG64 generator: PyTorch's distributions, not its stream of numbers)."""
import numpy as np


class Generator:
    """``torch.Generator()``: a stream of random numbers of its own, passed as ``generator=``."""

    def __init__(self, device="cpu"):
        """``device`` is PyTorch's argument; the numbers are NumPy's, on the CPU, wherever they are asked for."""
        self.manual_seed(int(np.random.SeedSequence().entropy % 2**63))

    def manual_seed(self, seed):
        """Start the stream again from ``seed``; returns the generator, as PyTorch's does."""
        self._seed = int(seed)
        self.rng = np.random.default_rng(self._seed)
        return self

    def initial_seed(self):
        return self._seed


default_generator = Generator()


def manual_seed(seed):
    return default_generator.manual_seed(seed)


def generator(g=None):
    """The NumPy generator behind ``g`` (``generator=`` of a torch function; None: the default generator)."""
    return (default_generator if g is None else g).rng
