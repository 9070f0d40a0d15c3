"""Batch normalization whose scale and offset are functions of a code."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_disentangle")
class SelfModulatedBatchNormalization(keras.layers.Layer):
    """Batch normalization with a scale and an offset computed from a code.

    Called on `[features, code]`: the features are normalised over the
    batch without a learned scale or offset, then modulated per sample as
    `normalised * (1 + gamma(code)) + beta(code)`, where `gamma` and `beta`
    are two small MLPs (`Dense(hidden_units, relu) -> Dense(channels)`).
    This is the self-modulated batch normalization of Chen et al. (ICLR
    2019) in the form the official O-GAN `_sm_` generators use: every
    normalization layer of the generator sees the latent vector, with
    `hidden_units` equal to its width.

    Args:
        hidden_units: width of the hidden layer of each MLP; `None` uses
            the width of the code.
        momentum, epsilon: as in `keras.layers.BatchNormalization`.
        kernel_initializer: initializer of the MLPs' dense kernels.

    Example:

    >>> layer = SelfModulatedBatchNormalization()
    >>> features = keras.ops.ones((4, 7, 7, 16))
    >>> code = keras.random.normal((4, 8), seed=0)
    >>> tuple(layer([features, code]).shape)
    (4, 7, 7, 16)
    """

    def __init__(
        self,
        hidden_units=None,
        momentum=0.99,
        epsilon=1e-3,
        kernel_initializer="glorot_uniform",
        **kwargs,
    ):
        super().__init__(**kwargs)
        if hidden_units is not None and (
            int(hidden_units) != hidden_units or hidden_units < 1
        ):
            raise ValueError(
                "hidden_units must be a positive integer or None (the width "
                f"of the code). Received: hidden_units={hidden_units!r}"
            )
        self.hidden_units = None if hidden_units is None else int(hidden_units)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.normalization = keras.layers.BatchNormalization(
            momentum=self.momentum,
            epsilon=self.epsilon,
            center=False,
            scale=False,
            name="normalization",
        )

    def build(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) != 2:
            raise ValueError(
                "SelfModulatedBatchNormalization is called on [features, "
                f"code]. Received input shape {input_shape!r}."
            )
        features_shape, code_shape = (tuple(s) for s in input_shape)
        if len(code_shape) != 2 or code_shape[-1] is None:
            raise ValueError(
                "The code must be a (batch, width) tensor with a known width. "
                f"Received code shape {code_shape}."
            )
        channels = features_shape[-1]
        hidden = self.hidden_units or code_shape[-1]
        self.normalization.build(features_shape)
        self.gamma_hidden, self.gamma_out, self.beta_hidden, self.beta_out = (
            keras.layers.Dense(
                units,
                activation=activation,
                kernel_initializer=self.kernel_initializer,
                name=name,
            )
            for units, activation, name in (
                (hidden, "relu", "gamma_hidden"),
                (channels, None, "gamma"),
                (hidden, "relu", "beta_hidden"),
                (channels, None, "beta"),
            )
        )
        self.gamma_hidden.build(code_shape)
        self.gamma_out.build((code_shape[0], hidden))
        self.beta_hidden.build(code_shape)
        self.beta_out.build((code_shape[0], hidden))

    def call(self, inputs, training=None):
        features, code = inputs
        normalised = self.normalization(features, training=training)
        gamma = self.gamma_out(self.gamma_hidden(code))
        beta = self.beta_out(self.beta_hidden(code))
        for _ in range(len(normalised.shape) - 2):  # (batch, 1, .., C)
            gamma = ops.expand_dims(gamma, 1)
            beta = ops.expand_dims(beta, 1)
        return normalised * (1.0 + gamma) + beta

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0])

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "hidden_units": self.hidden_units,
                "momentum": self.momentum,
                "epsilon": self.epsilon,
                "kernel_initializer": keras.initializers.serialize(
                    self.kernel_initializer
                ),
            }
        )
        return config
