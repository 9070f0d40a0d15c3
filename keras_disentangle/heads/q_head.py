"""Posterior (Q) heads: predict latent codes back from images."""

import keras
from keras import layers

from keras_disentangle.latent.codes import CategoricalCode
from keras_disentangle.latent.latent_space import as_latent_space


def posterior_units(code, learn_scale):
    """Width of a code's posterior parameters: logits, or mean (and log-std)."""
    if isinstance(code, CategoricalCode) or not learn_scale:
        return code.dim
    return 2 * code.dim


def resolve_regularized_latent_space(latent_space, head_name):
    """The `LatentSpace` (also from a config or a code list), checked to
    have a regularised code."""
    latent_space = as_latent_space(latent_space)
    if not latent_space.regularized_codes:
        raise ValueError(
            f"{head_name} needs at least one regularized code in the latent "
            f"space; received {latent_space}."
        )
    return latent_space


@keras.saving.register_keras_serializable(package="keras_disentangle")
class QHead(layers.Layer):
    """Posterior parameters for every regularised code of a latent space.

    Maps features to a dict keyed by code name:

    - categorical codes: logits, shape `(batch, num_categories)`;
    - continuous codes: the Gaussian mean, shape `(batch, dim)`, or with
      `learn_scale=True` the mean and the log standard deviation
      concatenated, shape `(batch, 2 * dim)`. With a fixed scale the
      posterior standard deviation is 1 (the official InfoGAN choice), so
      the mutual-information term on that code is a squared error.

    Args:
        latent_space: the `LatentSpace` (its config, or a list of codes)
            whose regularised codes the head predicts.
        learn_scale: whether continuous posteriors learn their scale.

    Example:

    >>> from keras_disentangle.models.infogan import infogan_mnist_latent_space
    >>> head = QHead(infogan_mnist_latent_space())
    >>> out = head(keras.ops.ones((2, 128)))
    >>> {name: tuple(value.shape) for name, value in out.items()}
    {'digit': (2, 10), 'c1': (2, 1), 'c2': (2, 1)}
    """

    def __init__(self, latent_space, learn_scale=False, **kwargs):
        super().__init__(**kwargs)
        latent_space = resolve_regularized_latent_space(
            latent_space, type(self).__name__
        )
        self.latent_space = latent_space
        self.learn_scale = bool(learn_scale)
        self.dense = {}
        for code in latent_space.regularized_codes:
            self.dense[code.name] = layers.Dense(
                posterior_units(code, self.learn_scale),
                kernel_initializer=keras.initializers.RandomNormal(stddev=0.02),
                name=f"{code.name}_posterior",
            )

    def build(self, input_shape):
        for dense in self.dense.values():
            dense.build(input_shape)
        self.built = True

    def call(self, features):
        return {name: dense(features) for name, dense in self.dense.items()}

    def compute_output_shape(self, input_shape):
        return {
            name: tuple(input_shape[:-1]) + (dense.units,)
            for name, dense in self.dense.items()
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
