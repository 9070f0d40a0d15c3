import keras
import numpy as np
import pytest
from keras import ops

from keras_disentangle import value_and_input_gradient
from keras_disentangle.backend.transposed_convolution import (
    PHASE_FORM_MIN_FILTERS,
)
from keras_disentangle.backend.transposed_convolution import (
    conv_transpose_4x4_stride2,
)
from keras_disentangle.layers import Conv2DTranspose


@pytest.mark.parametrize(
    "shape, filters",
    [
        ((2, 7, 7, 5), 3),  # the tap form
        ((1, 4, 6, 2), 1),
        ((2, 5, 6, 3), PHASE_FORM_MIN_FILTERS),  # the output-phase form
        ((1, 3, 3, 9), 12),
    ],
)
def test_matrix_product_forms_equal_conv_transpose(shape, filters):
    rng = np.random.default_rng(0)
    x = rng.normal(size=shape).astype("float32")
    kernel = rng.normal(size=(4, 4, filters, shape[-1])).astype("float32")
    expected = ops.conv_transpose(x, kernel, 2, padding="same")
    got = conv_transpose_4x4_stride2(x, kernel)
    np.testing.assert_allclose(
        ops.convert_to_numpy(got), ops.convert_to_numpy(expected), atol=1e-5
    )

    # Same input gradient (the backward pass of the generator) and kernel
    # gradient (the generator's update).
    def with_x(conv):
        return lambda t: ops.square(conv(t, kernel))

    def with_kernel(conv):
        return lambda k: ops.square(conv(x, k))

    def keras_conv(t, k):
        return ops.conv_transpose(t, k, 2, padding="same")

    for wrt, value in ((with_x, x), (with_kernel, kernel)):
        _, grad = value_and_input_gradient(
            wrt(conv_transpose_4x4_stride2), value
        )
        _, ref = value_and_input_gradient(wrt(keras_conv), value)
        np.testing.assert_allclose(
            ops.convert_to_numpy(grad),
            ops.convert_to_numpy(ref),
            rtol=1e-4,
            atol=1e-4,
        )


def test_layer_matches_keras_layer_with_the_same_weights():
    x = np.random.default_rng(1).normal(size=(2, 7, 7, 4)).astype("float32")
    ours = Conv2DTranspose(3, 4, strides=2, padding="same", activation="tanh")
    theirs = keras.layers.Conv2DTranspose(
        3, 4, strides=2, padding="same", activation="tanh"
    )
    ours.build(x.shape)
    theirs.build(x.shape)
    theirs.set_weights(ours.get_weights())
    np.testing.assert_allclose(
        ops.convert_to_numpy(ours(x)),
        ops.convert_to_numpy(theirs(x)),
        atol=1e-5,
    )
    # Other configurations fall back to Keras's own computation.
    odd = Conv2DTranspose(3, 3, strides=1, padding="valid")
    assert tuple(odd(x).shape) == (2, 9, 9, 3)
    restored = keras.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(ours)
    )
    assert isinstance(restored, Conv2DTranspose)
