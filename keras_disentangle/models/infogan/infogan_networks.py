"""The InfoGAN networks (Chen et al., 2016, appendix C.1), as builders."""

import keras
from keras import layers

from keras_disentangle.layers import Conv2DTranspose

_SIZES = (28, 32, 64)


# The official code's batch normalization (`infogan/misc/custom_ops.py`):
# epsilon 1e-5, moving averages with decay 0.9, gamma drawn from N(1, 0.02).
OFFICIAL_BATCH_NORM_EPSILON = 1e-5


def _init():
    return keras.initializers.RandomNormal(stddev=0.02)


def _conv_init():
    # `custom_conv2d` draws from a normal truncated at two standard deviations.
    return keras.initializers.TruncatedNormal(stddev=0.02)


def _batch_norm(epsilon):
    return layers.BatchNormalization(
        momentum=0.9,
        epsilon=epsilon,
        gamma_initializer=keras.initializers.RandomNormal(1.0, 0.02),
    )


def check_image_shape(image_shape):
    """Validates an `(height, width, channels)` shape for the builders."""
    shape = tuple(int(d) for d in image_shape)
    if (
        len(shape) != 3
        or shape[0] != shape[1]
        or shape[0] not in _SIZES
        or shape[2] not in (1, 3)
    ):
        raise ValueError(
            "InfoGAN networks are defined for square images of 28, 32 or 64 "
            "pixels with 1 or 3 channels, channels last, e.g. (28, 28, 1) or "
            f"(64, 64, 3). Received image_shape={tuple(image_shape)}."
        )
    return shape


def _num_upsamplings(size):
    return 2 if size in (28, 32) else 3


def infogan_generator(
    latent_dim,
    image_shape=(28, 28, 1),
    batch_norm_epsilon=OFFICIAL_BATCH_NORM_EPSILON,
    name="generator",
):
    """G: FC1024-BN-ReLU, FC(s*s*128)-BN-ReLU, deconvs to a sigmoid image.

    For 28 px this is the paper's MNIST generator (7x7x128, deconv 64,
    deconv 1); 32 px starts at 8x8, and 64 px adds a 128-channel deconv.
    Weights start from N(0, 0.02); BatchNorm as in the official code.
    """
    size, _, channels = check_image_shape(image_shape)
    ups = _num_upsamplings(size)
    base = size // 2**ups
    inputs = keras.Input((latent_dim,), name="latents")
    x = layers.Dense(1024, kernel_initializer=_init())(inputs)
    x = _batch_norm(batch_norm_epsilon)(x)
    x = layers.ReLU()(x)
    x = layers.Dense(base * base * 128, kernel_initializer=_init())(x)
    x = _batch_norm(batch_norm_epsilon)(x)
    x = layers.ReLU()(x)
    x = layers.Reshape((base, base, 128))(x)
    for filters in [128, 64][-(ups - 1) :]:
        x = Conv2DTranspose(
            filters, 4, strides=2, padding="same", kernel_initializer=_init()
        )(x)
        x = _batch_norm(batch_norm_epsilon)(x)
        x = layers.ReLU()(x)
    outputs = Conv2DTranspose(
        channels,
        4,
        strides=2,
        padding="same",
        activation="sigmoid",
        kernel_initializer=_init(),
    )(x)
    return keras.Model(inputs, outputs, name=name)


def infogan_trunk(
    image_shape=(28, 28, 1),
    leaky_relu_slope=0.1,
    batch_norm_epsilon=OFFICIAL_BATCH_NORM_EPSILON,
    name="trunk",
):
    """D/Q trunk: conv64, conv128-BN (, conv256-BN), FC1024-BN; leaky ReLUs.

    Convolution kernels start from a truncated N(0, 0.02), the dense one
    from N(0, 0.02), as in the official code.
    """
    size, _, _ = check_image_shape(image_shape)
    filters = [64, 128, 256][: _num_upsamplings(size)]
    inputs = keras.Input(image_shape, name="images")
    x = inputs
    for i, f in enumerate(filters):
        x = layers.Conv2D(
            f, 4, strides=2, padding="same", kernel_initializer=_conv_init()
        )(x)
        if i > 0:
            x = _batch_norm(batch_norm_epsilon)(x)
        x = layers.LeakyReLU(leaky_relu_slope)(x)
    x = layers.Flatten()(x)
    x = layers.Dense(1024, kernel_initializer=_init())(x)
    x = _batch_norm(batch_norm_epsilon)(x)
    outputs = layers.LeakyReLU(leaky_relu_slope)(x)
    return keras.Model(inputs, outputs, name=name)


def infogan_d_head(feature_dim=1024, name="d_head"):
    """D head: one logit (the paper's sigmoid is folded into the loss)."""
    inputs = keras.Input((feature_dim,), name="features")
    outputs = layers.Dense(1, kernel_initializer=_init())(inputs)
    return keras.Model(inputs, outputs, name=name)


def infogan_q_network(
    q_head,
    feature_dim=1024,
    leaky_relu_slope=0.1,
    batch_norm_epsilon=OFFICIAL_BATCH_NORM_EPSILON,
    name="q_network",
):
    """Q: FC128-BN-lReLU, then the code posteriors of `q_head`."""
    inputs = keras.Input((feature_dim,), name="features")
    x = layers.Dense(128, kernel_initializer=_init())(inputs)
    x = _batch_norm(batch_norm_epsilon)(x)
    x = layers.LeakyReLU(leaky_relu_slope)(x)
    outputs = q_head(x)
    return keras.Model(inputs, outputs, name=name)
