import json

import keras
import numpy as np
import pytest

from keras_disentangle.metrics import FeatureClassifier
from keras_disentangle.metrics import quality_metrics
from keras_disentangle.metrics import real_vs_real_floor

SMALL = dict(
    image_shape=(16, 16, 1), num_classes=2, filters=(8,), feature_dim=16
)


def bars(num, seed=0):
    """Horizontal (class 0) or vertical (class 1) bars at random places."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, num)
    images = np.zeros((num, 16, 16, 1), np.float32)
    where = rng.integers(2, 14, num)
    for i, (label, k) in enumerate(zip(labels, where)):
        if label:
            images[i, :, k - 1 : k + 1] = 1.0
        else:
            images[i, k - 1 : k + 1, :] = 1.0
    return images, labels


def test_config_round_trip_and_registration():
    model = FeatureClassifier(name="digits", dropout_rate=0.25, **SMALL)
    config = model.get_config()
    assert config["name"] == "digits" and config["dropout_rate"] == 0.25
    assert config["image_shape"] == (16, 16, 1) and config["filters"] == (8,)
    serialized = json.loads(
        json.dumps(keras.saving.serialize_keras_object(model))
    )
    assert (
        serialized["registered_name"] == "keras_disentangle>FeatureClassifier"
    )
    revived = keras.saving.deserialize_keras_object(serialized)
    assert isinstance(revived, FeatureClassifier)
    assert revived.get_config() == config
    assert revived.count_params() == model.count_params()


def test_weights_round_trip(tmp_path):
    model = FeatureClassifier(**SMALL)
    images, _ = bars(8)
    path = str(tmp_path / "model.weights.h5")
    model.save_weights(path)
    other = FeatureClassifier(**SMALL)
    assert not np.allclose(other.logits(images), model.logits(images))
    other.load_weights(path)
    np.testing.assert_allclose(
        other.logits(images), model.logits(images), atol=1e-6
    )
    features, logits = model.features_and_logits(images)
    assert features.shape == (8, 16) and logits.shape == (8, 2)
    assert features.min() >= 0.0  # ReLU features
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(model(images, training=False)),
        logits,
        atol=1e-5,
    )
    with pytest.raises(ValueError, match="takes images of shape"):
        model.features(np.zeros((2, 28, 28, 1)))
    # Grey images without the channel axis are accepted.
    assert model.features(images[..., 0]).shape == (8, 16)


def test_training_separates_a_simple_task():
    keras.utils.set_random_seed(0)
    images, labels = bars(512)
    model = FeatureClassifier(**SMALL)
    model.compile(
        optimizer=keras.optimizers.Adam(3e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    model.fit(images, labels, batch_size=64, epochs=4, verbose=0)
    test_images, test_labels = bars(200, seed=1)
    accuracy = np.mean(model.logits(test_images).argmax(axis=1) == test_labels)
    assert accuracy >= 0.95
    # Classes separate in feature space: a real-vs-real floor is small,
    # one class against the other is not.
    floor = real_vs_real_floor(
        test_images, model, num_samples=100, kid_subsets=5
    )
    split = quality_metrics(
        test_images[test_labels == 0],
        test_images[test_labels == 1],
        model,
        kid_subsets=5,
    )
    assert split["frechet_distance"] > 4 * floor["frechet_distance"]
    assert split["precision"] < floor["precision"]
    assert split["classifier_score"] < 1.2 < floor["classifier_score"]


def test_builtin_mnist_digits_preset(mnist_dir):
    from keras_disentangle.datasets import load_mnist

    model = FeatureClassifier.from_preset("mnist_digits")
    with open(_builtin_metadata("mnist_digits")) as f:
        metadata = json.load(f)
    images, labels = load_mnist("test", data_dir=mnist_dir)
    accuracy = float(np.mean(np.argmax(model.logits(images), -1) == labels))
    assert accuracy >= 0.99
    assert abs(accuracy - metadata["metrics"]["test_accuracy"]) <= 0.002
    assert model.features(images[:4]).shape == (4, model.feature_dim)


def test_builtin_dsprites_shapes_preset():
    from keras_disentangle.datasets import DSprites

    model = FeatureClassifier.from_preset("dsprites_shapes")
    with open(_builtin_metadata("dsprites_shapes")) as f:
        metadata = json.load(f)
    # A fresh random draw from the whole grid (the preset's own test split
    # is another draw of the same kind).
    data = DSprites()
    indices = np.random.default_rng(123).choice(len(data), 3000, replace=False)
    shapes = np.asarray(data.factor_classes[indices])[:, 0]
    predictions = np.argmax(model.logits(data.images(indices)), axis=-1)
    accuracy = float(np.mean(predictions == shapes))
    assert accuracy >= 0.98
    assert abs(accuracy - metadata["metrics"]["test_accuracy"]) <= 0.01
    assert model.features(data.images(indices[:4])).shape == (4, 64)


def _builtin_metadata(name):
    from keras_disentangle.presets.builtin_presets import builtin_preset_dir

    return f"{builtin_preset_dir(name)}/metadata.json"
