"""Input checks of the image models with an encoder (BiGAN, VAE-GAN, O-GAN).

Errors name the expected shape or range and how to fix the input.
"""

import keras
import numpy as np
from keras import ops


def check_image_shape(image_shape):
    """Validates an `(height, width, channels)` shape for the builders."""
    try:
        shape = tuple(int(d) for d in image_shape)
    except (TypeError, ValueError):
        shape = ()
    if len(shape) != 3 or min(shape) < 1:
        raise ValueError(
            "image_shape must be (height, width, channels) with positive "
            f"sizes, e.g. (28, 28, 1). Received image_shape={image_shape!r}."
        )
    return shape


def check_image_batch(model, x):
    """Raises a clear error unless `x` is a batch of `model.image_shape`."""
    name = type(model).__name__
    if isinstance(x, dict):
        raise ValueError(
            f"{name}.fit() takes a batch of images, not a dict; pass the "
            "image array as x."
        )
    shape = tuple(x.shape[1:])
    if shape != model.image_shape:
        hint = ""
        if shape == model.image_shape[:2]:
            hint = " Add a channel axis: images[..., None]."
        raise ValueError(
            f"{name}(image_shape={model.image_shape}) takes images of shape "
            f"(batch, {', '.join(map(str, model.image_shape))}); received "
            f"shape {tuple(x.shape)}.{hint}"
        )
    return x


def training_images(model, data):
    """The checked images of a `fit()` batch, in `model.compute_dtype`."""
    x, _, _ = keras.utils.unpack_x_y_sample_weight(data)
    return ops.cast(check_image_batch(model, x), model.compute_dtype)


def check_image_array(model, x):
    """Checks the shape and the `[0, 1]` range of a numpy image array."""
    x = np.asarray(x)
    check_image_batch(model, x)
    if x.size:
        low, high = float(np.min(x)), float(np.max(x))
        if not (np.isfinite(low) and np.isfinite(high)):
            raise ValueError(
                f"{type(model).__name__} received images with NaN or "
                "infinite values."
            )
        if low < 0.0 or high > 1.0:
            raise ValueError(
                f"{type(model).__name__} expects pixel values in [0, 1]; "
                f"received values in [{low:g}, {high:g}]. Scale uint8 images "
                "with images.astype('float32') / 255."
            )


def as_image_array(model, images):
    """Float32 numpy images for inference, with a channel axis added."""
    images = np.asarray(images, dtype="float32")
    if images.ndim == 3 and model.image_shape[-1] == 1:
        images = images[..., None]
    if images.ndim != 4 or not len(images):
        raise ValueError(
            f"{type(model).__name__} takes a non-empty batch of images of "
            f"shape (n, {', '.join(map(str, model.image_shape))}). Received "
            f"shape {images.shape}."
        )
    check_image_array(model, images)
    return images
