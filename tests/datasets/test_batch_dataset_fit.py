import keras
import numpy as np
import pytest

from keras_disentangle.datasets import BatchDataset
from keras_disentangle.datasets import ColorDSprites
from keras_disentangle.datasets import DSprites


def test_batches_cover_arrays_once_per_epoch():
    x = np.arange(10, dtype=np.float32)[:, None]
    y = np.arange(10)
    batches = BatchDataset(x, y, batch_size=4, shuffle=True, seed=0)
    assert len(batches) == 3
    seen = np.concatenate([batches[i][1] for i in range(len(batches))])
    assert sorted(seen.tolist()) == list(range(10))
    for i in range(3):
        bx, by = batches[i]
        np.testing.assert_array_equal(bx[:, 0], by)
    assert len(BatchDataset(x, batch_size=4, drop_remainder=True)) == 2
    assert BatchDataset(x, batch_size=4)[2][0].shape == (2, 1)
    with pytest.raises(IndexError):
        batches[3]
    with pytest.raises(ValueError, match="differ in length"):
        BatchDataset(x, y[:5])


def _small_classifier(channels):
    model = keras.Sequential(
        [
            keras.Input((64, 64, channels)),
            keras.layers.AveragePooling2D(8),
            keras.layers.Flatten(),
            keras.layers.Dense(3),
        ]
    )
    model.compile(
        optimizer="adam",
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model


class ShapeTargets:
    """Lazy targets: the shape class of each dSprites index."""

    def __init__(self, data):
        self.classes = data.factor_classes

    def __len__(self):
        return len(self.classes)

    def __getitem__(self, index):
        return self.classes[index][:, 0]


def test_fit_accepts_lazy_dsprites_batches():
    data = DSprites()
    batches = BatchDataset(
        data, ShapeTargets(data), batch_size=32, seed=0, shuffle=True
    )
    model = _small_classifier(1)
    history = model.fit(batches, epochs=1, steps_per_epoch=4, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    coloured = ColorDSprites(seed=0)
    model = _small_classifier(3)
    model.fit(
        BatchDataset(
            coloured, ShapeTargets(data), batch_size=16, shuffle=True, seed=1
        ),
        epochs=1,
        steps_per_epoch=2,
        verbose=0,
    )
    images = coloured[np.arange(40)]
    predictions = model.predict(BatchDataset(images, batch_size=16), verbose=0)
    assert predictions.shape == (40, 3)


def test_repeated_batches_give_fit_exactly_its_steps():
    """`repeat=True`: every epoch of `steps_per_epoch` is that many updates,
    across passes, each pass a new permutation of the data."""
    x = np.arange(10, dtype=np.float32)[:, None]
    batches = BatchDataset(
        x, batch_size=4, shuffle=True, seed=0, drop_remainder=True, repeat=True
    )
    assert batches.num_batches is None and len(batches) == 2
    passes = [
        np.concatenate([batches[2 * p + i][0][:, 0] for i in range(2)])
        for p in range(4)
    ]
    for seen in passes:  # 8 distinct samples per pass, remainder dropped
        assert len(set(seen.tolist())) == 8
    assert len({tuple(sorted(seen.tolist())) for seen in passes}) > 1
    # Deterministic and independent of the order of access.
    again = BatchDataset(
        x, batch_size=4, shuffle=True, seed=0, drop_remainder=True, repeat=True
    )
    np.testing.assert_array_equal(again[7][0], batches[7][0])
    np.testing.assert_array_equal(again[0][0], batches[0][0])
    with pytest.raises(IndexError):
        batches[-1]
    with pytest.raises(ValueError, match="at least one batch"):
        BatchDataset(x, batch_size=16, drop_remainder=True, repeat=True)

    # Keras' own array input ends an epoch early where the data runs out
    # (5 epochs of 2 steps over 2.5 batches: 9 updates); `repeat` gives 10.
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(
        batches_with_targets(x),
        epochs=5,
        steps_per_epoch=2,
        shuffle=False,
        verbose=0,
    )
    assert int(model.optimizer.iterations.numpy()) == 10
    assert len(history.history["loss"]) == 5


def batches_with_targets(x):
    return BatchDataset(
        x,
        x,
        batch_size=4,
        shuffle=True,
        seed=0,
        drop_remainder=True,
        repeat=True,
    )
