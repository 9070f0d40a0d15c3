"""DCGAN-style O-GAN networks after the official `o_gan_celeba.py`.

The encoder (O-GAN's discriminator) halves the image with 5x5, stride-2
convolutions until it reaches 7x7 (28 px) or 4x4 (32, 64, 128 px), with
`base_filters * 2^i` channels (officially up to `8 * size` in the last
convolution, see `official_base_filters`), batch normalization on all but
the first and leaky ReLU 0.2, then a linear layer to the latent size. The
generator mirrors it: a dense layer to the smallest feature map, 5x5
stride-2 transposed convolutions with batch normalization and ReLU, and a
tanh output. Weights start from `N(0, 0.02)`.

For 28x28 MNIST (the default) the official rule gives E: conv112 ->
conv224-BN -> FC(z) and G: FC(7*7*224)-BN -> deconv112-BN -> deconv1-tanh.
The networks work on `[-1, 1]` images like the official ones; E rescales
its `[0, 1]` input and G rescales its output to `[0, 1]`.
"""

import keras
from keras import layers

from keras_disentangle.layers import SelfModulatedBatchNormalization
from keras_disentangle.models.image_checks import check_image_shape


def _init():
    return keras.initializers.RandomNormal(stddev=0.02)


def num_downsamplings(image_shape):
    """`(stride-2 layers, smallest feature-map size)` for a square image."""
    height, width, _ = check_image_shape(image_shape)
    size, count = height, 0
    while height == width and size % 2 == 0 and size // 2 >= 4:
        size //= 2
        count += 1
    if height != width or count == 0:
        raise ValueError(
            "O-GAN networks need square images whose side halves at least "
            "once down to a feature map of 4 pixels or more, e.g. (28, 28, "
            f"1), (32, 32, 3) or (64, 64, 3). Received image_shape="
            f"{tuple(image_shape)}."
        )
    return count, size


def official_base_filters(image_shape):
    """The official channel rule's first width for a square image.

    `o_gan_celeba.py` gives E's last convolution `8 * size` channels and
    halves them towards the first: 64 for 32, 64 and 128 px (64 ... 8 *
    size), 112 for 28 px (112, 224).
    """
    count, _ = num_downsamplings(image_shape)
    return 8 * image_shape[0] // 2 ** (count - 1)


def ogan_encoder(
    latent_dim,
    image_shape=(28, 28, 1),
    base_filters=64,
    leaky_relu_slope=0.2,
    name="encoder",
):
    """E: stride-2 5x5 convs (BN after the first), lReLU, FC to the code."""
    image_shape = check_image_shape(image_shape)
    count, _ = num_downsamplings(image_shape)
    images = keras.Input(image_shape, name="images")
    x = layers.Rescaling(2.0, offset=-1.0, name="to_symmetric_range")(images)
    for i in range(count):
        x = layers.Conv2D(
            base_filters * 2**i,
            5,
            strides=2,
            padding="same",
            use_bias=i == 0,
            kernel_initializer=_init(),
            name=f"conv_{i + 1}",
        )(x)
        if i > 0:
            x = layers.BatchNormalization(name=f"bn_{i + 1}")(x)
        x = layers.LeakyReLU(leaky_relu_slope, name=f"lrelu_{i + 1}")(x)
    x = layers.Flatten(name="flatten")(x)
    codes = layers.Dense(latent_dim, kernel_initializer=_init(), name="code")(x)
    return keras.Model(images, codes, name=name)


def ogan_generator(
    latent_dim,
    image_shape=(28, 28, 1),
    base_filters=64,
    self_modulated=False,
    name="generator",
):
    """G: FC-BN-ReLU to the smallest map, 5x5 stride-2 deconvs, tanh.

    With `self_modulated=True` every batch normalization is a
    `SelfModulatedBatchNormalization` of z (the official `_sm_` variant).
    """
    image_shape = check_image_shape(image_shape)
    count, size = num_downsamplings(image_shape)
    top = base_filters * 2 ** (count - 1)
    latents = keras.Input((latent_dim,), name="latents")

    def normalize(x, index):
        if self_modulated:
            return SelfModulatedBatchNormalization(name=f"sm_bn_{index}")(
                [x, latents]
            )
        return layers.BatchNormalization(name=f"bn_{index}")(x)

    x = layers.Dense(
        size * size * top,
        use_bias=False,
        kernel_initializer=_init(),
        name="dense",
    )(latents)
    x = layers.Reshape((size, size, top), name="reshape")(x)
    x = normalize(x, 0)
    x = layers.ReLU(name="relu_0")(x)
    for i in range(1, count):
        x = layers.Conv2DTranspose(
            top // 2**i,
            5,
            strides=2,
            padding="same",
            use_bias=False,
            kernel_initializer=_init(),
            name=f"deconv_{i}",
        )(x)
        x = normalize(x, i)
        x = layers.ReLU(name=f"relu_{i}")(x)
    x = layers.Conv2DTranspose(
        image_shape[-1],
        5,
        strides=2,
        padding="same",
        activation="tanh",
        kernel_initializer=_init(),
        name=f"deconv_{count}",
    )(x)
    outputs = layers.Rescaling(0.5, offset=0.5, name="to_unit_range")(x)
    return keras.Model(latents, outputs, name=name)
