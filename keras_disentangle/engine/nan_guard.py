"""Stops training with a clear error when a loss term is not finite."""

import math

import keras


class NaNGuard(keras.callbacks.Callback):
    """Raises `FloatingPointError` naming the first non-finite loss term.

    `AdversarialModel.fit` adds it. It reads the logs every `every` batches
    and at each epoch end, so it adds no host round trip to most steps.
    """

    def __init__(self, every=50):
        super().__init__()
        self.every = every
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if (batch + 1) % self.every == 0:
            self._check(logs, f"epoch {self._epoch + 1}, batch {batch + 1}")

    def on_epoch_end(self, epoch, logs=None):
        self._check(logs, f"the end of epoch {epoch + 1}")

    def _check(self, logs, when):
        for name, value in (logs or {}).items():
            try:
                value = float(value)
            except (TypeError, ValueError):
                continue
            if not math.isfinite(value):
                raise FloatingPointError(
                    f"The loss term '{name}' of {type(self.model).__name__} "
                    f"became {value} at {when}. Check that the training "
                    "images are finite and in the model's range, and lower "
                    "the learning rates in compile(optimizer={...})."
                )
