"""The interface every generative model in keras_disentangle speaks."""

import numpy as np
from keras import ops

from keras_disentangle.backend import inference_call
from keras_disentangle.latent.latent_space import LatentSpace
from keras_disentangle.latent.traversal import traversal_codes
from keras_disentangle.presets.preset_mixin import PresetMixin


def inference_in_batches(owner, name, fn, inputs, batch_size):
    """`fn(inputs)` as a numpy array, `batch_size` rows per call.

    Each batch goes through the backend's `inference_call(owner, name, fn,
    batch)`: `owner` holds the weights `fn` reads and `name` tells its
    inference functions apart (JAX compiles one per owner and name).
    """
    outputs = []
    for start in range(0, int(inputs.shape[0]), batch_size):
        chunk = inputs[start : start + batch_size]
        outputs.append(
            ops.convert_to_numpy(inference_call(owner, name, fn, chunk))
        )
    return np.concatenate(outputs, axis=0)


class GenerativeModel(PresetMixin):
    """Mixin: a latent space, `generate()`, and `encode()` where possible.

    A model using it sets `self.latent_space` (a `LatentSpace`) and
    `self.generator` (a network mapping the concatenated latent vector to
    images in `[0, 1]`). Models with an encoder or a Q head override
    `encode()`. Editing tools, metrics, presets and the command line work on
    any model with this interface. Presets come from `PresetMixin`:
    `Model.from_preset(...)`, `model.save_to_preset(...)`, `Model.presets`.
    """

    latent_space: LatentSpace

    def generate(self, n_or_codes, seed=None, batch_size=256):
        """Generates images as a numpy array in `[0, 1]`.

        Args:
            n_or_codes: the number of images to sample from the prior; or a
                dict `code name -> array` (codes left out are sampled with
                `seed`); or a `(batch, latent_space.dim)` latent matrix.
            seed: integer seed for sampled codes (drawn on the host with
                numpy, so a seed gives the same codes on every backend).
            batch_size: images generated per forward pass.
        """
        latents = self.latents(n_or_codes, seed=seed)
        generator = self.generator
        return inference_in_batches(
            generator,
            "generate",
            lambda x: generator(x, training=False),
            latents,
            batch_size,
        )

    def latents(self, n_or_codes, seed=None):
        """The concatenated latent matrix for `generate()`'s argument."""
        if isinstance(n_or_codes, (int, np.integer)):
            if n_or_codes < 1:
                raise ValueError(
                    f"Ask for at least one image. Received n={n_or_codes}."
                )
            codes = self.latent_space.complete(
                {}, batch_size=int(n_or_codes), seed=seed
            )
            return self.latent_space.concat(codes)
        if isinstance(n_or_codes, dict):
            codes = self.latent_space.complete(n_or_codes, seed=seed)
            return self.latent_space.concat(codes)
        latents = n_or_codes
        if isinstance(latents, (np.ndarray, list, tuple)):
            latents = np.asarray(latents, dtype="float32")
        if (
            len(latents.shape) != 2
            or latents.shape[-1] != self.latent_space.dim
        ):
            raise ValueError(
                "generate() takes a number of images, a dict of codes, or a "
                f"latent matrix of shape (batch, {self.latent_space.dim}). "
                f"Received shape {tuple(latents.shape)}."
            )
        return latents

    def encode(self, images, batch_size=256):
        """Infers codes from images; models with an encoder override this."""
        raise NotImplementedError(
            f"{type(self).__name__} has no encoder or Q head to infer codes "
            "from images."
        )

    def traverse(self, code, values, base=None, seed=None, column=None):
        """Images sweeping `code` through `values`, other codes held fixed.

        `column` sweeps one column of a multi-dimensional code (see
        `keras_disentangle.latent.traversal_codes`).
        """
        codes = traversal_codes(
            self.latent_space, code, values, base=base, seed=seed, column=column
        )
        return self.generate(codes)
