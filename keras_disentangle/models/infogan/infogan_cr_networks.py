"""The 64x64 dSprites networks of InfoGAN-CR (Lin et al., ICML 2020).

Builders for the generator, the InfoGAN discriminator (shared trunk, D head
and Q network) and the contrastive-regulariser (CR) discriminator of the
official dSprites code (`fjxmlzn/InfoGAN-CR`, `InfoGAN-CR_dSprites/gan/
network.py`, with the layer helpers of `gan/op.py` and `gan/sn.py`):

- generator: FC128-ReLU-BN, FC(4*4*64)-ReLU-BN, then 4x4 stride-2
  transposed convolutions 64, 32, 32 (each lReLU(0.2)-BN) and a last one to
  the image channels with a sigmoid. Activations come before BatchNorm, as
  in the official code.
- InfoGAN discriminator: 4x4 stride-2 convolutions 32, 32, 64, 64 and
  FC128, each followed by lReLU(0.2); the D head is one FC unit (a logit;
  the official sigmoid is folded into the loss) and the Q network is
  FC128-lReLU(0.2) then one FC layer giving every regularised code's
  posterior mean. Every layer is spectrally normalised; there is no
  BatchNorm.
- CR discriminator: the same convolutional trunk and FC128 (spectrally
  normalised) on the two images of a pair stacked along the channel axis,
  then an FC layer without spectral normalisation giving one logit per
  regularised code.

Initialisers follow `gan/op.py`: convolutions truncated N(0, 0.02),
transposed convolutions and FC layers N(0, 0.02), biases 0; the
power-iteration vector of spectral normalisation is drawn from a truncated
N(0, 1). BatchNorm uses momentum 0.9 and epsilon 1e-5.
"""

import keras
import numpy as np
from keras import layers
from keras import ops

from keras_disentangle.heads.q_head import posterior_units
from keras_disentangle.heads.q_head import resolve_regularized_latent_space
from keras_disentangle.layers import Conv2DTranspose

_TRUNK_FILTERS = (32, 32, 64, 64)
_FEATURES = 128
_SLOPE = 0.2


def _normal():
    return keras.initializers.RandomNormal(stddev=0.02)


def _truncated_normal():
    return keras.initializers.TruncatedNormal(stddev=0.02)


def check_image_shape(image_shape):
    """Validates `(64, 64, channels)`, the size the networks are made for."""
    shape = tuple(int(d) for d in image_shape)
    if len(shape) != 3 or shape[:2] != (64, 64) or shape[2] not in (1, 3):
        raise ValueError(
            "The InfoGAN-CR networks (architecture='infogan_cr') are defined "
            "for 64x64 images with 1 or 3 channels, channels last, e.g. "
            f"(64, 64, 1) for dSprites. Received image_shape={shape}."
        )
    return shape


def _l2_normalize(x, epsilon=1e-12):
    return x / (ops.sqrt(ops.sum(ops.square(x))) + epsilon)


class _SpectralNormMixin:
    """Spectral normalisation by one power iteration per call.

    `u` (shape `(1, out)`) is a non-trainable weight. Each call runs one
    power iteration from the stored `u` on the current kernel reshaped to
    `(-1, out)`, divides the kernel by the estimated largest singular value
    `sigma = v W u^T` and, in training mode only, stores the new `u`. As in
    the official code, gradients flow through the power iteration (no
    stop-gradient on `u` or `v` within the call).
    """

    def _add_u(self, units):
        self.u = self.add_weight(
            shape=(1, units),
            initializer=keras.initializers.TruncatedNormal(stddev=1.0),
            trainable=False,
            name="u",
        )

    def normalized_kernel(self, training=False):
        kernel = self.kernel
        matrix = ops.reshape(kernel, (-1, kernel.shape[-1]))
        # A copy: the stored vector is updated in place below, after the
        # forward pass has used it.
        u = ops.copy(ops.cast(self.u, matrix.dtype))
        v = _l2_normalize(ops.matmul(u, ops.transpose(matrix)))
        product = ops.matmul(v, matrix)
        new_u = _l2_normalize(product)
        sigma = ops.sum(product * new_u)
        if training:
            self.u.assign(ops.stop_gradient(new_u))
        return kernel / sigma


@keras.saving.register_keras_serializable(package="keras_disentangle")
class SpectralDense(_SpectralNormMixin, layers.Layer):
    """A fully connected layer with a spectrally normalised kernel.

    Args:
        units: output width.
        kernel_initializer: initialiser of the kernel (N(0, 0.02)).

    Example:

    >>> layer = SpectralDense(4)
    >>> tuple(layer(keras.ops.ones((2, 3))).shape)
    (2, 4)
    """

    def __init__(self, units, kernel_initializer=None, **kwargs):
        super().__init__(**kwargs)
        self.units = int(units)
        self.kernel_initializer = keras.initializers.get(
            kernel_initializer or _normal()
        )

    def build(self, input_shape):
        self.kernel = self.add_weight(
            shape=(int(input_shape[-1]), self.units),
            initializer=self.kernel_initializer,
            name="kernel",
        )
        self.bias = self.add_weight(
            shape=(self.units,), initializer="zeros", name="bias"
        )
        self._add_u(self.units)

    def call(self, inputs, training=False):
        kernel = self.normalized_kernel(training=bool(training))
        return ops.matmul(inputs, kernel) + self.bias

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "units": self.units,
                "kernel_initializer": keras.initializers.serialize(
                    self.kernel_initializer
                ),
            }
        )
        return config


@keras.saving.register_keras_serializable(package="keras_disentangle")
class SpectralConv2D(_SpectralNormMixin, layers.Layer):
    """A 2-D convolution ("same" padding) with a spectrally normalised kernel.

    Args:
        filters: output channels.
        kernel_size: square kernel size (4 in InfoGAN-CR).
        strides: square stride (2 in InfoGAN-CR).
        kernel_initializer: initialiser of the kernel (truncated
            N(0, 0.02)).

    Example:

    >>> layer = SpectralConv2D(8, 4, 2)
    >>> tuple(layer(keras.ops.ones((2, 16, 16, 1))).shape)
    (2, 8, 8, 8)
    """

    def __init__(
        self, filters, kernel_size=4, strides=2, kernel_initializer=None, **kw
    ):
        super().__init__(**kw)
        self.filters = int(filters)
        self.kernel_size = int(kernel_size)
        self.strides = int(strides)
        self.kernel_initializer = keras.initializers.get(
            kernel_initializer or _truncated_normal()
        )

    def build(self, input_shape):
        k = self.kernel_size
        self.kernel = self.add_weight(
            shape=(k, k, int(input_shape[-1]), self.filters),
            initializer=self.kernel_initializer,
            name="kernel",
        )
        self.bias = self.add_weight(
            shape=(self.filters,), initializer="zeros", name="bias"
        )
        self._add_u(self.filters)

    def call(self, inputs, training=False):
        kernel = self.normalized_kernel(training=bool(training))
        outputs = ops.conv(inputs, kernel, strides=self.strides, padding="same")
        return outputs + self.bias

    def compute_output_shape(self, input_shape):
        def out(size):
            return None if size is None else -(-int(size) // self.strides)

        return (
            input_shape[0],
            out(input_shape[1]),
            out(input_shape[2]),
            self.filters,
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "filters": self.filters,
                "kernel_size": self.kernel_size,
                "strides": self.strides,
                "kernel_initializer": keras.initializers.serialize(
                    self.kernel_initializer
                ),
            }
        )
        return config


@keras.saving.register_keras_serializable(package="keras_disentangle")
class SpectralQHead(layers.Layer):
    """Q's last layer in InfoGAN-CR: one spectrally normalised FC layer.

    The official code predicts all regularised codes with a single linear
    layer whose whole kernel is normalised by one singular value, which
    differs from normalising one layer per code. The output is split into
    the dict `code name -> posterior parameters` of `QHead` (logits for
    categorical codes; means, and log-scales with `learn_scale=True`, for
    continuous codes).

    Args:
        latent_space: the `LatentSpace` (or its config).
        learn_scale: whether continuous posteriors learn their scale (the
            official code fixes the standard deviation at 1).
    """

    def __init__(self, latent_space, learn_scale=False, **kwargs):
        super().__init__(**kwargs)
        latent_space = resolve_regularized_latent_space(
            latent_space, type(self).__name__
        )
        self.latent_space = latent_space
        self.learn_scale = bool(learn_scale)
        self.splits = [
            (code.name, posterior_units(code, self.learn_scale))
            for code in latent_space.regularized_codes
        ]
        self.dense = SpectralDense(
            sum(units for _, units in self.splits), name="posteriors"
        )

    def build(self, input_shape):
        self.dense.build(input_shape)

    def call(self, features, training=False):
        outputs = self.dense(features, training=training)
        posteriors = {}
        start = 0
        for name, units in self.splits:
            posteriors[name] = outputs[:, start : start + units]
            start += units
        return posteriors

    def compute_output_shape(self, input_shape):
        return {
            name: tuple(input_shape[:-1]) + (units,)
            for name, units in self.splits
        }

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "latent_space": self.latent_space.get_config(),
                "learn_scale": self.learn_scale,
            }
        )
        return config


def infogan_cr_generator(
    latent_dim,
    image_shape=(64, 64, 1),
    leaky_relu_slope=_SLOPE,
    name="generator",
):
    """G of InfoGAN-CR's dSprites code (`Decoder`), 4x4 to 64x64."""
    _, _, channels = check_image_shape(image_shape)

    def batch_norm():
        return layers.BatchNormalization(momentum=0.9, epsilon=1e-5)

    inputs = keras.Input((latent_dim,), name="latents")
    x = layers.Dense(128, kernel_initializer=_normal())(inputs)
    x = layers.ReLU()(x)
    x = batch_norm()(x)
    x = layers.Dense(4 * 4 * 64, kernel_initializer=_normal())(x)
    x = layers.ReLU()(x)
    x = batch_norm()(x)
    x = layers.Reshape((4, 4, 64))(x)
    for filters in (64, 32, 32):
        x = Conv2DTranspose(
            filters, 4, strides=2, padding="same", kernel_initializer=_normal()
        )(x)
        x = layers.LeakyReLU(leaky_relu_slope)(x)
        x = batch_norm()(x)
    outputs = Conv2DTranspose(
        channels,
        4,
        strides=2,
        padding="same",
        activation="sigmoid",
        kernel_initializer=_normal(),
    )(x)
    return keras.Model(inputs, outputs, name=name)


def _spectral_trunk(inputs, leaky_relu_slope):
    x = inputs
    for filters in _TRUNK_FILTERS:
        x = SpectralConv2D(filters, 4, 2)(x)
        x = layers.LeakyReLU(leaky_relu_slope)(x)
    x = layers.Flatten()(x)
    x = SpectralDense(_FEATURES)(x)
    return layers.LeakyReLU(leaky_relu_slope)(x)


def infogan_cr_trunk(
    image_shape=(64, 64, 1), leaky_relu_slope=_SLOPE, name="trunk"
):
    """The shared trunk of InfoGAN-CR's discriminator: 128 features."""
    image_shape = check_image_shape(image_shape)
    inputs = keras.Input(image_shape, name="images")
    outputs = _spectral_trunk(inputs, leaky_relu_slope)
    return keras.Model(inputs, outputs, name=name)


def infogan_cr_d_head(feature_dim=_FEATURES, name="d_head"):
    """D head: one spectrally normalised FC unit, a logit."""
    inputs = keras.Input((feature_dim,), name="features")
    outputs = SpectralDense(1)(inputs)
    return keras.Model(inputs, outputs, name=name)


def infogan_cr_q_network(
    latent_space,
    learn_scale=False,
    feature_dim=_FEATURES,
    leaky_relu_slope=_SLOPE,
    name="q_network",
):
    """Q: spectrally normalised FC128-lReLU, then `SpectralQHead`."""
    inputs = keras.Input((feature_dim,), name="features")
    x = SpectralDense(_FEATURES)(inputs)
    x = layers.LeakyReLU(leaky_relu_slope)(x)
    outputs = SpectralQHead(latent_space, learn_scale=learn_scale)(x)
    return keras.Model(inputs, outputs, name=name)


def contrastive_discriminator(
    image_shape, num_codes, leaky_relu_slope=_SLOPE, name="cr_discriminator"
):
    """The CR discriminator: which regularised code does a pair share?

    Takes the two images of a pair stacked along the channel axis,
    `(batch, height, width, 2 * channels)`, and returns `num_codes` logits.
    The layers are those of the official `CrDiscriminator` (built there for
    64x64 dSprites); other square sizes work with the same layers.
    """
    height, width, channels = (int(d) for d in image_shape)
    inputs = keras.Input((height, width, 2 * channels), name="image_pairs")
    x = _spectral_trunk(inputs, leaky_relu_slope)
    outputs = layers.Dense(int(num_codes), kernel_initializer=_normal())(x)
    return keras.Model(inputs, outputs, name=name)


def _draw(initializer, shape, rng):
    """numpy values distributed as a zeros, normal or truncated normal
    Keras initializer (truncation at two standard deviations, as Keras)."""
    if isinstance(initializer, keras.initializers.Zeros):
        return np.zeros(shape)
    if not isinstance(
        initializer,
        (keras.initializers.RandomNormal, keras.initializers.TruncatedNormal),
    ):
        raise ValueError(
            f"Cannot redraw weights initialised by {initializer!r}; expected "
            "Zeros, RandomNormal or TruncatedNormal."
        )
    config = initializer.get_config()
    values = rng.standard_normal(shape)
    if isinstance(initializer, keras.initializers.TruncatedNormal):
        outside = np.abs(values) > 2.0
        while outside.any():
            values[outside] = rng.standard_normal(int(outside.sum()))
            outside = np.abs(values) > 2.0
    return config["mean"] + config["stddev"] * values


def reinitialize(network, seed=None, power_iteration=True):
    """Redraws the weights of an InfoGAN-CR network with numpy.

    Each kernel is drawn from its layer's initialiser and biases are
    zeroed, as when the network was built; with `power_iteration=True` the
    spectral-norm vectors `u` are redrawn too (truncated N(0, 1)), else
    they are kept. `seed` (anything `numpy.random.default_rng` takes) makes
    the draw reproducible on every backend.
    """
    rng = np.random.default_rng(seed)
    u_initializer = keras.initializers.TruncatedNormal(stddev=1.0)
    for layer in network.layers:
        if not layer.weights:
            continue
        if not isinstance(layer, (SpectralConv2D, SpectralDense, layers.Dense)):
            raise ValueError(
                f"reinitialize() handles dense and convolution layers; "
                f"{network.name} has {type(layer).__name__} '{layer.name}'."
            )
        drawn = {
            "kernel": layer.kernel_initializer,
            "bias": keras.initializers.Zeros(),
            "u": u_initializer,
        }
        for variable in layer.weights:
            if variable.name == "u" and not power_iteration:
                continue
            value = _draw(drawn[variable.name], variable.shape, rng)
            variable.assign(value.astype(variable.dtype))
