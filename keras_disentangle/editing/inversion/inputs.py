"""Resolving the generator to invert and validating images and masks."""

import collections

import keras
import numpy as np

from keras_disentangle.editing.prior import resolve_latent_space

GeneratorInfo = collections.namedtuple(
    "GeneratorInfo", ["generator", "latent_space", "image_shape"]
)


def resolve_generator(model, latent_space=None):
    """`(generator, latent_space, image_shape)` of a model to invert.

    Args:
        model: a `GenerativeModel` (its `generator` and `latent_space` are
            used) or a Keras generator mapping `(batch, dim)` latents to
            images.
        latent_space: with a bare generator, its `LatentSpace`; default one
            standard normal code as wide as the generator input.
    """
    generator = getattr(model, "generator", None)
    space = getattr(model, "latent_space", None)
    if generator is None or space is None:
        generator = model
        if not isinstance(generator, keras.Model):
            raise TypeError(
                "Pass a GenerativeModel (with `generator` and `latent_space`) "
                "or a Keras generator model. Received: "
                f"{type(model).__name__}."
            )
        input_dim = _input_dim(generator)
        space = resolve_latent_space(latent_space, latent_dim=input_dim)
        if input_dim is not None and space.dim != input_dim:
            raise ValueError(
                f"The latent space is {space.dim}-dimensional but the "
                f"generator reads {input_dim} inputs; pass the generator's "
                "own latent space."
            )
    elif (
        latent_space is not None and resolve_latent_space(latent_space) != space
    ):
        raise ValueError(
            "A GenerativeModel carries its own latent space; do not pass "
            "latent_space= with it."
        )
    return GeneratorInfo(generator, space, _image_shape(generator, space.dim))


def check_images(images, image_shape, name="images"):
    """float32 `(n, *image_shape)` copy of `images`, or a clear error."""
    array = np.asarray(keras.ops.convert_to_numpy(images), dtype="float32")
    shape = tuple(image_shape)
    if array.shape == shape:
        raise ValueError(
            f"`{name}` is a single image of shape {shape}; pass a batch: "
            f"{name}[None]."
        )
    if (
        array.ndim == len(shape)
        and shape[-1] == 1
        and array.shape[1:] == shape[:-1]
    ):
        array = array[..., None]
    if array.ndim != len(shape) + 1 or array.shape[1:] != shape:
        raise ValueError(
            f"The generator makes images of shape {shape}, so `{name}` must "
            f"have shape (n, {', '.join(map(str, shape))}); received "
            f"{array.shape}. Resize or convert the images to the "
            "generator's size and channels first."
        )
    if array.shape[0] == 0:
        raise ValueError(f"`{name}` is empty.")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"`{name}` contains NaN or infinite values.")
    if array.max() > 2.0:
        raise ValueError(
            f"`{name}` has values up to {array.max():g}; generators in "
            "keras_disentangle make images in [0, 1]. Scale uint8 images "
            "with images.astype('float32') / 255."
        )
    return array


def check_mask(mask, images):
    """A float32 mask broadcast to `images.shape`, or a clear error.

    1 marks an observed pixel (used in the loss), 0 a missing one. Accepted
    shapes: the images' shape, one image's shape (shared by the batch), or
    either without the channel axis.
    """
    array = np.asarray(keras.ops.convert_to_numpy(mask))
    if array.dtype == bool:
        array = array.astype("float32")
    if not np.issubdtype(array.dtype, np.number):
        raise ValueError(
            f"The mask must be numeric or boolean; got {array.dtype}."
        )
    array = array.astype("float32")
    shape = images.shape
    candidates = [shape, shape[1:], shape[:-1], shape[1:-1]]
    expand = {
        shape: lambda m: m,
        shape[1:]: lambda m: m[None],
        shape[:-1]: lambda m: m[..., None],
        shape[1:-1]: lambda m: m[None, ..., None],
    }
    if array.shape not in candidates:
        raise ValueError(
            f"The mask must have the images' shape {shape}, one image's "
            f"shape {shape[1:]}, or either without the channel axis; "
            f"received {array.shape}."
        )
    array = np.broadcast_to(expand[array.shape](array), shape).copy()
    if not np.all(np.isfinite(array)) or array.min() < 0 or array.max() > 1:
        raise ValueError(
            "Mask values must lie in [0, 1]: 1 for observed pixels (used in "
            "the loss), 0 for missing ones."
        )
    empty = np.flatnonzero(array.reshape(shape[0], -1).sum(axis=1) == 0)
    if empty.size:
        raise ValueError(
            f"The mask hides every pixel of image(s) {empty[:10].tolist()}; "
            "each image needs observed pixels (mask value 1) to invert."
        )
    return array


def frozen_copy(network, example_input=None):
    """A copy of a Keras model with the same weights and `trainable=False`.

    Inversion keeps its own frozen copies of the generator (and of an
    optional feature extractor), so that the model being inverted is never
    modified, its variables are never trained and BatchNorm statistics
    never move.
    """
    try:
        copy = keras.models.clone_model(network)
    except Exception as error:
        raise ValueError(
            f"Could not copy the network '{network.name}'. Inversion needs a "
            "Functional or Sequential Keras model, or a subclassed one that "
            "implements get_config()/from_config()."
        ) from error
    if len(copy.weights) != len(network.weights) and example_input is not None:
        copy(example_input, training=False)
    copy.set_weights(network.get_weights())
    copy.trainable = False
    return copy


def _input_dim(generator):
    try:
        shape = generator.input_shape
    except (AttributeError, ValueError):
        return None
    if isinstance(shape, list):
        raise ValueError(
            "Inversion needs a generator with one latent input; this one has "
            f"{len(shape)} inputs."
        )
    return shape[-1]


def _image_shape(generator, latent_dim):
    try:
        shape = generator.output_shape
    except (AttributeError, ValueError):
        shape = None
    if shape is None or isinstance(shape, list) or None in shape[1:]:
        spec = generator.compute_output_spec(
            keras.KerasTensor((1, latent_dim), dtype="float32")
        )
        shape = spec.shape
    return tuple(int(d) for d in shape[1:])
