"""The VAE-GAN MNIST networks (`architectures.mnist`), as builders.

Encoder, decoder and discriminator are MLPs with two hidden blocks of
`Dense(units) -> BatchNorm -> ReLU` each, as in the official
`andersbll/autoencoding_beyond_pixels` MNIST architecture. The dense layers
in front of a batch normalization have no bias (the normalization's offset
makes it redundant); batch normalization uses the official momentum 0.9
and epsilon 1e-5.
"""

import math

import keras
from keras import layers

from keras_disentangle.models.image_checks import check_image_shape

_FEATURE_LAYERS = ("dense_1", "bn_1", "relu_1", "dense_2", "bn_2", "relu_2")


def check_feature_layer(feature_layer):
    if feature_layer not in _FEATURE_LAYERS:
        raise ValueError(
            "feature_layer must name a hidden layer of the discriminator, "
            f"one of {list(_FEATURE_LAYERS)}. Received: {feature_layer!r}"
        )
    return feature_layer


def _blocks(x, units):
    for i in (1, 2):
        x = layers.Dense(units, use_bias=False, name=f"dense_{i}")(x)
        x = layers.BatchNormalization(
            momentum=0.9, epsilon=1e-5, name=f"bn_{i}"
        )(x)
        x = layers.ReLU(name=f"relu_{i}")(x)
    return x


def vaegan_encoder(
    latent_dim, image_shape=(28, 28, 1), units=1024, name="encoder"
):
    """Enc: two FC-BN-ReLU blocks, then the mean and log-variance of z."""
    images = keras.Input(check_image_shape(image_shape), name="images")
    x = _blocks(layers.Flatten(name="flatten")(images), units)
    mean = layers.Dense(latent_dim, name="mean")(x)
    log_var = layers.Dense(latent_dim, name="log_var")(x)
    return keras.Model(images, [mean, log_var], name=name)


def vaegan_decoder(
    latent_dim, image_shape=(28, 28, 1), units=1024, name="decoder"
):
    """Dec: two FC-BN-ReLU blocks, then FC-sigmoid reshaped to an image."""
    image_shape = check_image_shape(image_shape)
    latents = keras.Input((latent_dim,), name="latents")
    x = _blocks(latents, units)
    x = layers.Dense(
        math.prod(image_shape), activation="sigmoid", name="pixels"
    )(x)
    outputs = layers.Reshape(image_shape, name="image")(x)
    return keras.Model(latents, outputs, name=name)


def vaegan_discriminator(
    image_shape=(28, 28, 1),
    units=1024,
    feature_layer="dense_2",
    name="discriminator",
):
    """Dis: two FC-BN-ReLU blocks and one logit; also returns `Dis_l(x)`.

    The model maps images to `[logits, features]`, where `features` is the
    output of `feature_layer` (one of `dense_1`, `bn_1`, `relu_1`,
    `dense_2`, `bn_2`, `relu_2`), the layer in which VAE-GAN measures
    reconstructions.
    """
    check_feature_layer(feature_layer)
    images = keras.Input(check_image_shape(image_shape), name="images")
    x = layers.Flatten(name="flatten")(images)
    features = None
    for i in (1, 2):
        x = layers.Dense(units, use_bias=False, name=f"dense_{i}")(x)
        if feature_layer == f"dense_{i}":
            features = x
        x = layers.BatchNormalization(
            momentum=0.9, epsilon=1e-5, name=f"bn_{i}"
        )(x)
        if feature_layer == f"bn_{i}":
            features = x
        x = layers.ReLU(name=f"relu_{i}")(x)
        if feature_layer == f"relu_{i}":
            features = x
    logits = layers.Dense(1, name="logit")(x)
    return keras.Model(images, [logits, features], name=name)
