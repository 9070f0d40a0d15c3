import keras
import numpy as np
import pytest
from keras import ops

from keras_disentangle.layers import SelfModulatedBatchNormalization


def to_numpy(x):
    return ops.convert_to_numpy(x)


def relu(x):
    return np.maximum(x, 0.0)


def test_modulates_batch_statistics_with_mlps_of_the_code():
    rng = np.random.default_rng(0)
    features = rng.normal(2.0, 3.0, size=(6, 3, 3, 4)).astype("float32")
    code = rng.normal(size=(6, 5)).astype("float32")
    layer = SelfModulatedBatchNormalization(hidden_units=7, epsilon=1e-3)
    layer([features, code])
    for dense in (
        layer.gamma_hidden,
        layer.gamma_out,
        layer.beta_hidden,
        layer.beta_out,
    ):
        kernel, bias = dense.get_weights()
        dense.set_weights(
            [
                rng.normal(size=kernel.shape).astype("float32"),
                rng.normal(size=bias.shape).astype("float32"),
            ]
        )
    weights = [d.get_weights() for d in (
        layer.gamma_hidden, layer.gamma_out, layer.beta_hidden, layer.beta_out
    )]  # fmt: skip
    gamma = relu(code @ weights[0][0] + weights[0][1]) @ weights[1][0]
    gamma = gamma + weights[1][1]
    beta = relu(code @ weights[2][0] + weights[2][1]) @ weights[3][0]
    beta = beta + weights[3][1]
    mean = features.mean(axis=(0, 1, 2))
    var = features.var(axis=(0, 1, 2))
    normalised = (features - mean) / np.sqrt(var + 1e-3)
    expected = (
        normalised * (1 + gamma[:, None, None, :]) + beta[:, None, None, :]
    )
    got = to_numpy(layer([features, code], training=True))
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)
    # Training advanced the moving statistics; inference uses them.
    moving_mean = to_numpy(layer.normalization.moving_mean)
    np.testing.assert_allclose(moving_mean, 0.01 * mean, rtol=1e-4, atol=1e-5)
    inference = to_numpy(layer([features, code], training=False))
    assert not np.allclose(inference, got, atol=1e-2)
    # The normalization itself has no scale or offset of its own.
    assert len(layer.normalization.trainable_weights) == 0
    # One code per sample: different codes, different modulation.
    swapped = to_numpy(layer([features, code[::-1]], training=True))
    assert not np.allclose(swapped, got, atol=1e-3)


def test_hidden_units_default_to_the_code_width_and_round_trip():
    layer = SelfModulatedBatchNormalization(momentum=0.9, epsilon=1e-5)
    features = np.ones((2, 4, 4, 3), "float32")
    code = np.ones((2, 6), "float32")
    layer([features, code])
    assert layer.gamma_hidden.units == 6 and layer.beta_out.units == 3
    restored = keras.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(layer)
    )
    assert isinstance(restored, SelfModulatedBatchNormalization)
    assert restored.get_config() == layer.get_config()
    restored([features, code])
    restored.set_weights(layer.get_weights())
    np.testing.assert_allclose(
        to_numpy(restored([features, code])),
        to_numpy(layer([features, code])),
    )


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="hidden_units"):
        SelfModulatedBatchNormalization(hidden_units=0)
    with pytest.raises(ValueError, match=r"\[features, code\]"):
        SelfModulatedBatchNormalization()(np.ones((2, 4, 4, 3), "float32"))
    with pytest.raises(ValueError, match="code must be"):
        SelfModulatedBatchNormalization()(
            [np.ones((2, 4, 4, 3), "float32"), np.ones((2, 2, 3), "float32")]
        )
