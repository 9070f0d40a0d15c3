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
        repeat: serve batches without end, pass after pass over the data
            (each pass in a new order with `shuffle`), so that an epoch of
            `fit(..., steps_per_epoch=k)` is always k batches, wherever it
            starts. `fit` then needs `steps_per_epoch`. Batch `i` is batch
            `i % len(self)` of pass `i // len(self)`.
        **kwargs: `workers`, `use_multiprocessing`, `max_queue_size`,
            passed to `keras.utils.PyDataset`.

    Example:

    >>> x = np.random.rand(100, 8, 8, 1).astype("float32")
    >>> y = np.arange(100) % 2
    >>> batches = BatchDataset(x, y, batch_size=32)
    >>> len(batches), batches[3][0].shape
    (4, (4, 8, 8, 1))

    Exactly 10 updates of 32, over three passes of the 100 samples:

    >>> endless = BatchDataset(x, batch_size=32, shuffle=True, seed=0,
    ...                        drop_remainder=True, repeat=True)
    >>> endless.num_batches is None, endless[7][0].shape
    (True, (32, 8, 8, 1))
    """

    def __init__(
        self,
        x,
        y=None,
        batch_size=32,
        shuffle=False,
        seed=None,
        drop_remainder=False,
        repeat=False,
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
        self.repeat = bool(repeat)
        if self.repeat and len(self) == 0:
            raise ValueError(
                f"repeat=True needs at least one batch; {len(x)} samples "
                f"make none of {batch_size} with drop_remainder=True."
            )
        self._rng = np.random.default_rng(seed)
        self._order = np.arange(len(x), dtype=np.int64)
        if shuffle:
            self._rng.shuffle(self._order)
        if self.repeat and shuffle:
            # The order of pass p > 0 is a function of (seed, p) alone.
            self._pass_seed = int(self._rng.integers(2**63))
        self._pass_cache = (None, None)

    def __len__(self):
        count = len(self.x) / self.batch_size
        return math.floor(count) if self.drop_remainder else math.ceil(count)

    @property
    def num_batches(self):
        return None if self.repeat else len(self)

    def __getitem__(self, index):
        if self.repeat and index >= 0:
            pass_, index = divmod(index, len(self))
            order = self._pass_order(pass_)
        elif 0 <= index < len(self):
            order = self._order
        else:
            raise IndexError(f"Batch {index} out of range ({len(self)}).")
        start = index * self.batch_size
        indices = order[start : start + self.batch_size]
        if self.shuffle:
            # Sorted reads are faster for memory-mapped or lazy sources.
            indices = np.sort(indices)
        x = self.x[indices]
        if self.y is None:
            return (x,)
        return x, self.y[indices]

    def _pass_order(self, pass_):
        if pass_ == 0 or not self.shuffle:
            return self._order
        cached, order = self._pass_cache  # one read: safe with workers
        if cached != pass_:
            rng = np.random.default_rng([self._pass_seed, pass_])
            order = rng.permutation(len(self.x))
            self._pass_cache = (pass_, order)
        return order

    def on_epoch_end(self):
        # With `repeat`, epochs and passes are unrelated: batch indices
        # carry on across epochs and pick their pass themselves.
        if self.shuffle and not self.repeat:
            self._rng.shuffle(self._order)
