"""Gradient reversal (Ganin & Lempitsky, 2015)."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_disentangle")
class GradientReversal(keras.layers.Layer):
    """Identity on the forward pass; multiplies gradients by `-scale`.

    Placed between a feature extractor and a domain (or nuisance)
    classifier, one optimizer step trains the classifier to predict the
    domain and the extractor to hide it. `scale` is a non-trainable weight,
    so a callback can follow the DANN schedule `2 / (1 + exp(-10 p)) - 1`
    with `layer.scale.assign(value)`.

    Args:
        scale: the initial multiplier of the reversed gradient.

    Example:

    >>> layer = GradientReversal(scale=1.0)
    >>> x = keras.ops.ones((2, 3))
    >>> bool(keras.ops.all(layer(x) == x))
    True
    """

    def __init__(self, scale=1.0, **kwargs):
        super().__init__(**kwargs)
        self.initial_scale = float(scale)
        self.scale = self.add_weight(
            shape=(),
            initializer=keras.initializers.Constant(self.initial_scale),
            trainable=False,
            name="scale",
        )
        self.built = True

    def call(self, inputs):
        scale = ops.cast(self.scale, inputs.dtype)

        @ops.custom_gradient
        def reverse(x):
            def grad(*args, upstream=None):
                if upstream is None:
                    (upstream,) = args
                return -scale * upstream

            return x, grad

        return reverse(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"scale": self.initial_scale})
        return config
