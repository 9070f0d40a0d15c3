"""Maps unconstrained network outputs onto a latent space's support."""

import keras
from keras import ops

from keras_disentangle.editing.prior import code_bounds
from keras_disentangle.editing.prior import code_kind
from keras_disentangle.latent.latent_space import as_latent_space


@keras.saving.register_keras_serializable(package="keras_disentangle")
class LatentActivation(keras.layers.Layer):
    """The output activation of an encoder that predicts latent vectors.

    Code by code, on a `(batch, latent_space.dim)` input:

    - categorical codes: softmax over the code's columns (a point of the
      simplex, compared with the one-hot code);
    - uniform codes on `[low, high]`: `mid + half_width * tanh(u)`;
    - Gaussian codes: identity.

    Args:
        latent_space: the `LatentSpace` (its config dict, or a list of
            codes).

    Example:

    >>> from keras_disentangle.latent import (
    ...     CategoricalCode, LatentSpace, UniformCode)
    >>> space = LatentSpace([CategoricalCode("d", 2), UniformCode("c")])
    >>> out = LatentActivation(space)(keras.ops.zeros((1, 3)))
    >>> keras.ops.convert_to_numpy(out)
    array([[0.5, 0.5, 0. ]], dtype=float32)
    """

    def __init__(self, latent_space, **kwargs):
        super().__init__(**kwargs)
        self.latent_space = as_latent_space(latent_space)
        self.built = True

    def call(self, inputs):
        parts = []
        for code in self.latent_space:
            start, stop = self.latent_space.offsets[code.name]
            block = inputs[:, start:stop]
            kind = code_kind(code)
            if kind == "categorical":
                block = ops.softmax(block, axis=-1)
            elif kind == "uniform":
                low, high = code_bounds(code)
                block = 0.5 * (low + high) + 0.5 * (high - low) * ops.tanh(
                    block
                )
            parts.append(block)
        return ops.concatenate(parts, axis=-1)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.latent_space.dim,)

    def get_config(self):
        config = super().get_config()
        config["latent_space"] = self.latent_space.get_config()
        return config
