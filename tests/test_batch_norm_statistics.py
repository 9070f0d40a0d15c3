import keras
import numpy as np
import pytest

from keras_disentangle.utils import batch_norm_layers
from keras_disentangle.utils import reestimate_batch_norm_statistics


def _net():
    inner = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(3, use_bias=False)],
        name="inner",
    )
    inner.layers[0].set_weights([np.eye(3, dtype="float32") * 2.0])
    return keras.Sequential(
        [
            keras.Input((3,)),
            keras.layers.BatchNormalization(momentum=0.9, name="bn1"),
            inner,
            keras.layers.BatchNormalization(momentum=0.8, name="bn2"),
        ]
    )


def _np(x):
    return np.asarray(keras.ops.convert_to_numpy(x))


def test_statistics_become_the_average_of_batch_statistics():
    net = _net()
    rng = np.random.default_rng(0)
    batches = [
        rng.normal(loc=k, scale=1 + k, size=(16, 3)).astype("float32")
        for k in range(5)
    ]
    weights = [_np(w) for w in net.trainable_weights]
    assert reestimate_batch_norm_statistics(net, iter(batches)) == 5
    bn1, bn2 = net.get_layer("bn1"), net.get_layer("bn2")
    means = np.mean([b.mean(0) for b in batches], axis=0)
    variances = np.mean([b.var(0) for b in batches], axis=0)
    np.testing.assert_allclose(_np(bn1.moving_mean), means, rtol=1e-5)
    np.testing.assert_allclose(_np(bn1.moving_variance), variances, rtol=1e-4)
    # bn2 sees 2 * (normalised batch), whose batch variance is about 4.
    normalised = [
        (b - b.mean(0)) / np.sqrt(b.var(0) + bn1.epsilon) for b in batches
    ]
    expected = np.mean([(2 * n).var(0) for n in normalised], axis=0)
    np.testing.assert_allclose(_np(bn2.moving_variance), expected, rtol=1e-4)
    np.testing.assert_allclose(_np(bn2.moving_mean), 0.0, atol=1e-5)
    # Only the statistics change; the layers keep their settings.
    for before, after in zip(weights, net.trainable_weights):
        np.testing.assert_array_equal(before, _np(after))
    assert (bn1.momentum, bn2.momentum) == (0.9, 0.8)


def test_frozen_layers_are_re_estimated_and_stay_frozen():
    net = _net()
    net.trainable = False
    batch = np.full((4, 3), 3.0, "float32")
    reestimate_batch_norm_statistics(net, [batch])
    np.testing.assert_allclose(_np(net.get_layer("bn1").moving_mean), 3.0)
    assert not any(layer.trainable for layer in batch_norm_layers(net))


def test_nested_layers_are_found_and_errors_are_clear():
    assert [layer.name for layer in batch_norm_layers(_net())] == [
        "bn1",
        "bn2",
    ]
    plain = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="no BatchNormalization"):
        reestimate_batch_norm_statistics(plain, [np.zeros((2, 3))])
    with pytest.raises(ValueError, match="at least one batch"):
        reestimate_batch_norm_statistics(_net(), [])
