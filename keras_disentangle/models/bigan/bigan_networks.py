"""The BiGAN permutation-invariant MNIST networks, as builders.

All three networks are MLPs on the flattened image (the official
`mnist_mlp` / `deconvnet_mnist_mlp` of `jeffdonahue/bigan`): fully connected
layers without biases, batch normalization without a learned scale or offset
(the official `--nogain --nobias`), weights drawn from `N(0, 0.02)`.
"""

import math

import keras
from keras import layers

from keras_disentangle.models.image_checks import check_image_shape

_LATENT_DISTRIBUTIONS = ("uniform", "normal")


def _init():
    return keras.initializers.RandomNormal(stddev=0.02)


def _dense(units, name=None, **kwargs):
    return layers.Dense(
        units, use_bias=False, kernel_initializer=_init(), name=name, **kwargs
    )


def _batch_norm(name=None):
    # No gain and no bias, as in the official MNIST run.
    return layers.BatchNormalization(
        center=False, scale=False, epsilon=1e-5, name=name
    )


def check_latent_distribution(distribution):
    if distribution not in _LATENT_DISTRIBUTIONS:
        raise ValueError(
            "latent_distribution must be 'uniform' (U(-1, 1), the paper's "
            f"MNIST prior) or 'normal'. Received: {distribution!r}"
        )
    return distribution


def bigan_generator(
    latent_dim, image_shape=(28, 28, 1), units=1024, name="generator"
):
    """G: FC-BN-ReLU, FC(+ FC(z))-BN-ReLU, FC-sigmoid, reshaped to an image.

    The second hidden layer also receives `z` through its own linear map
    added before the batch normalization (the official `apply_cond`).
    """
    image_shape = check_image_shape(image_shape)
    latents = keras.Input((latent_dim,), name="latents")
    x = _dense(units, name="dense_1")(latents)
    x = _batch_norm(name="bn_1")(x)
    x = layers.ReLU(name="relu_1")(x)
    x = layers.Add(name="add_latents")(
        [
            _dense(units, name="dense_2")(x),
            _dense(units, name="z_bias")(latents),
        ]
    )
    x = _batch_norm(name="bn_2")(x)
    x = layers.ReLU(name="relu_2")(x)
    x = _dense(math.prod(image_shape), name="pixels", activation="sigmoid")(x)
    outputs = layers.Reshape(image_shape, name="image")(x)
    return keras.Model(latents, outputs, name=name)


def bigan_encoder(
    latent_dim,
    image_shape=(28, 28, 1),
    units=1024,
    latent_distribution="uniform",
    leaky_relu_slope=0.2,
    name="encoder",
):
    """E: FC-lReLU, FC-BN-lReLU (the `"features"` layer), FC to `z`.

    For the uniform prior the last layer's output goes through
    `2 * sigmoid(.) - 1`, which puts `E(x)` in the prior's support
    `(-1, 1)` as the official code does before feeding it to D; for the
    normal prior it stays linear.
    """
    image_shape = check_image_shape(image_shape)
    check_latent_distribution(latent_distribution)
    images = keras.Input(image_shape, name="images")
    x = layers.Flatten(name="flatten")(images)
    x = _dense(units, name="dense_1")(x)
    x = layers.LeakyReLU(leaky_relu_slope, name="lrelu_1")(x)
    x = _dense(units, name="dense_2")(x)
    x = _batch_norm(name="bn_2")(x)
    x = layers.LeakyReLU(leaky_relu_slope, name="features")(x)
    z = _dense(latent_dim, name="latent_logits")(x)
    if latent_distribution == "uniform":
        z = layers.Activation("sigmoid", name="sigmoid")(z)
        z = layers.Rescaling(2.0, offset=-1.0, name="to_uniform_range")(z)
    return keras.Model(images, z, name=name)


def bigan_discriminator(
    latent_dim,
    image_shape=(28, 28, 1),
    units=1024,
    leaky_relu_slope=0.2,
    name="discriminator",
):
    """Joint D(x, z): FC-lReLU on x, then FC(h) + FC(z)-BN-lReLU, one logit.

    `z` enters as a learned bias of the second hidden layer (the official
    `apply_cond`). The logit layer starts at zero, as in the official code,
    so both players' losses start at exactly `log 2`.
    """
    image_shape = check_image_shape(image_shape)
    images = keras.Input(image_shape, name="images")
    latents = keras.Input((latent_dim,), name="latents")
    x = layers.Flatten(name="flatten")(images)
    x = _dense(units, name="dense_1")(x)
    x = layers.LeakyReLU(leaky_relu_slope, name="lrelu_1")(x)
    x = layers.Add(name="add_latents")(
        [
            _dense(units, name="dense_2")(x),
            _dense(units, name="z_bias")(latents),
        ]
    )
    x = _batch_norm(name="bn_2")(x)
    x = layers.LeakyReLU(leaky_relu_slope, name="lrelu_2")(x)
    logits = layers.Dense(
        1, use_bias=False, kernel_initializer="zeros", name="logit"
    )(x)
    return keras.Model([images, latents], logits, name=name)
