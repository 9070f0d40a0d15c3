"""A `keras.utils.PyDataset` that serves batches on every backend."""

import math

import keras
import numpy as np


class BatchDataset(keras.utils.PyDataset):
    """Batches of arrays or of lazily rendered data, for `model.fit`.

    `x` (and `y`, if given) may be numpy arrays or any object with
    `__len__` and numpy-style `__getitem__` on an int64 index array, such
    as `DSprites` (which renders the requested images on the fly) or
    `DSprites.factor_classes`. Nothing is materialised beyond one batch.

    Args:
        x: inputs, length N.
        y: optional targets, length N.
        batch_size: number of samples per batch.
        shuffle: whether to draw a new permutation every epoch.
        seed: seed of the shuffling.
        drop_remainder: whether to drop the last, smaller batch.
        **kwargs: `workers`, `use_multiprocessing`, `max_queue_size`,
            passed to `keras.utils.PyDataset`.

    Example:

    >>> x = np.random.rand(100, 8, 8, 1).astype("float32")
    >>> y = np.arange(100) % 2
    >>> batches = BatchDataset(x, y, batch_size=32)
    >>> len(batches), batches[3][0].shape
    (4, (4, 8, 8, 1))
    """

    def __init__(
        self,
        x,
        y=None,
        batch_size=32,
        shuffle=False,
        seed=None,
        drop_remainder=False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if y is not None and len(y) != len(x):
            raise ValueError(f"x and y differ in length: {len(x)} vs {len(y)}.")
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}.")
        self.x = x
        self.y = y
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.drop_remainder = drop_remainder
        self._rng = np.random.default_rng(seed)
        self._order = np.arange(len(x), dtype=np.int64)
        if shuffle:
            self._rng.shuffle(self._order)

    def __len__(self):
        count = len(self.x) / self.batch_size
        return math.floor(count) if self.drop_remainder else math.ceil(count)

    def __getitem__(self, index):
        if index < 0 or index >= len(self):
            raise IndexError(f"Batch {index} out of range ({len(self)}).")
        start = index * self.batch_size
        indices = self._order[start : start + self.batch_size]
        if self.shuffle:
            # Sorted reads are faster for memory-mapped or lazy sources.
            indices = np.sort(indices)
        x = self.x[indices]
        if self.y is None:
            return (x,)
        return x, self.y[indices]

    def on_epoch_end(self):
        if self.shuffle:
            self._rng.shuffle(self._order)
