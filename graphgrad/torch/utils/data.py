"""``torch.utils.data``: a ``Dataset`` (indexable samples), ``TensorDataset`` and the ``DataLoader`` that draws
batches from one, shuffled by the spelling's generator (PyTorch's order in distribution, not its stream)."""
import math

import numpy as np

from ...errors import ArgumentError
from ..random import generator as rng
from ..tensor import Tensor


class Dataset:
    """Samples by index: subclasses define ``__getitem__`` and ``__len__``."""

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")


class TensorDataset(Dataset):
    """Sample i is ``(t[i] for t in tensors)``; the tensors share their first size."""

    def __init__(self, *tensors):
        if len({t.shape[0] for t in tensors}) > 1:
            raise ArgumentError("Size mismatch between tensors: TensorDataset needs one first size")
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self):
        return self.tensors[0].shape[0]


def default_collate(samples):
    """Samples as one batch: tensors (and numbers) stacked along a new first axis, tuples and dicts by part."""
    first = samples[0]
    if isinstance(first, Tensor):
        return Tensor.leaf(np.stack([np.asarray(s.value) for s in samples]))
    if isinstance(first, (int, float, np.number)):
        return Tensor.leaf(np.array(samples, np.float64 if isinstance(first, float) else None))
    if isinstance(first, dict):
        return {k: default_collate([s[k] for s in samples]) for k in first}
    if isinstance(first, (tuple, list)):
        return [default_collate(list(part)) for part in zip(*samples)]
    raise ArgumentError(f"default_collate: cannot batch samples of type {type(first).__name__}")


class DataLoader:
    """Batches of ``batch_size`` samples of ``dataset`` in order, or shuffled anew each pass; ``num_workers``
    is accepted (the samples are read in this process)."""

    def __init__(self, dataset, batch_size=1, shuffle=False, num_workers=0, collate_fn=None, drop_last=False,
                 generator=None):
        self.dataset, self.batch_size, self.shuffle, self.drop_last = dataset, batch_size, shuffle, drop_last
        self.collate_fn, self.generator = collate_fn or default_collate, generator

    def __len__(self):
        n = len(self.dataset) / self.batch_size
        return math.floor(n) if self.drop_last else math.ceil(n)

    def __iter__(self):
        order = rng(self.generator).permutation(len(self.dataset)) if self.shuffle else range(len(self.dataset))
        for b in range(len(self)):
            picked = order[b * self.batch_size:(b + 1) * self.batch_size]
            yield self.collate_fn([self.dataset[int(i)] for i in picked])
