"""Attribute vectors: latent arithmetic from two groups of examples."""

import keras
import numpy as np

from keras_disentangle.editing.inversion.hybrid_inversion import encode_latents
from keras_disentangle.editing.prior import complete_latents
from keras_disentangle.editing.prior import resolve_latent_space
from keras_disentangle.editing.sefa import apply_direction


def attribute_vector(positive, negative, latent_space=None):
    """Mean latent of a group with an attribute minus that of a group without.

    `v = mean(z | attribute) - mean(z | no attribute)`; adding `s * v` to a
    new latent moves it towards the attribute (the "smiling vector" and
    "eyeglasses" arithmetic of VAE-GAN, Larsen et al. 2016). Averaging
    over many examples cancels what the groups do not share.

    Args:
        positive, negative: latents of the two groups, each an `(n, dim)`
            matrix, or a dict of codes as `model.encode` returns. With dicts,
            codes that are missing (InfoGAN's Q head does not infer the
            noise `z`) are filled with the prior centre in both groups, so
            the vector is zero on them.
        latent_space: a `LatentSpace` or model; needed for dicts.

    Returns:
        The attribute vector, float32 `(dim,)`.

    Example:

    >>> pos = np.array([[1.0, 2.0], [3.0, 2.0]])
    >>> neg = np.array([[0.0, 1.0]])
    >>> attribute_vector(pos, neg)
    array([2., 1.], dtype=float32)
    """
    if isinstance(positive, dict) or isinstance(negative, dict):
        if latent_space is None:
            raise ValueError(
                "Dicts of codes need latent_space= (a LatentSpace or the "
                "model) to lay the codes out in the latent vector."
            )
    if latent_space is not None:
        space = resolve_latent_space(latent_space)
        positive = complete_latents(positive, space)
        negative = complete_latents(negative, space)
    positive = _matrix(positive, "positive")
    negative = _matrix(negative, "negative")
    if positive.shape[1] != negative.shape[1]:
        raise ValueError(
            f"The groups have latents of width {positive.shape[1]} and "
            f"{negative.shape[1]}; both must come from the same latent space."
        )
    return (positive.mean(axis=0) - negative.mean(axis=0)).astype("float32")


def attribute_vector_from_images(
    model, positive_images, negative_images, invert=None
):
    """An attribute vector from two groups of real images.

    The images are mapped to latents with `invert` and the group means are
    subtracted (`attribute_vector`).

    Args:
        model: the `GenerativeModel` whose latent space the vector lives in.
        positive_images, negative_images: image batches with and without
            the attribute.
        invert: how to get latents from images: `None` uses
            `model.encode` (codes it does not infer get a zero component);
            an object with an `invert(images)` method (an
            `EncoderInversion`); or a callable `images -> latents` (an
            `(n, dim)` matrix or a dict of codes), e.g.
            `lambda x: optimization_inversion(model, x).latents`. See
            `encode_latents`.

    Returns:
        float32 `(dim,)`.

    Example:

    ```python
    import keras_disentangle
    from keras_disentangle.editing import (
        apply_attribute_vector, attribute_vector_from_images, snap_to_prior)

    model = keras_disentangle.InfoGAN.from_preset("mnist")
    images = model.generate(512, seed=0)
    digit = model.encode(images)["digit"].argmax(axis=1)
    # Q's codes of one digit cluster minus those of another.
    vector = attribute_vector_from_images(
        model, images[digit == digit[0]], images[digit != digit[0]])
    edited = apply_attribute_vector(model.latents(8, seed=1), vector, 1.0)
    images = model.generate(snap_to_prior(edited, model))
    ```
    """
    return attribute_vector(
        encode_latents(model, positive_images, invert),
        encode_latents(model, negative_images, invert),
    )


def apply_attribute_vector(latents, vector, strength=1.0):
    """Adds `strength * vector` to latents (see `apply_direction`).

    `strength` may be a scalar (`(n, dim)` out) or a 1-D sweep (`(n * k,
    dim)` out, row-major). Categorical blocks may leave the one-hot set;
    `snap_to_prior` maps them back.

    Example:

    >>> apply_attribute_vector(np.zeros((1, 2)), np.array([2.0, 1.0]), 0.5)
    array([[1. , 0.5]], dtype=float32)
    """
    return apply_direction(latents, vector, strength)


def _matrix(latents, name):
    array = np.asarray(keras.ops.convert_to_numpy(latents), dtype="float64")
    if array.ndim != 2 or array.shape[0] == 0:
        raise ValueError(
            f"`{name}` must be a non-empty latent matrix (n, dim); received "
            f"shape {array.shape}."
        )
    return array
