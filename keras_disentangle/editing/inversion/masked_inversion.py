"""Completion of partly observed images by masked inversion."""

from keras_disentangle.editing.inversion.hybrid_inversion import encode_latents
from keras_disentangle.editing.inversion.inputs import check_images
from keras_disentangle.editing.inversion.inputs import check_mask
from keras_disentangle.editing.inversion.inputs import resolve_generator
from keras_disentangle.editing.inversion.optimization_inversion import (
    optimization_inversion,
)


def masked_inversion(
    model,
    images,
    mask,
    steps=200,
    paste=True,
    init=None,
    encoder=None,
    latent_space=None,
    **kwargs,
):
    """Completes images from their observed pixels through the generator.

    Finds `z* = argmin_z sum(m * (G(z) - x)^2) / sum(m) + prior terms` (see
    `optimization_inversion`), where the mask `m` is 1 on observed pixels
    and 0 on missing ones. Missing pixels enter neither the loss nor its
    gradient, so their values in `images` do not matter. The completion is
    `G(z*)`, or with `paste=True` the observed pixels kept as they are,
    `m * x + (1 - m) * G(z*)`.

    Args:
        model: a `GenerativeModel` or a Keras generator.
        images: `(n, *image_shape)` images (missing pixels may hold
            anything finite).
        mask: 1 for observed, 0 for missing pixels (values in between
            weigh pixels); the images' shape, one image's shape, or either
            without the channel axis.
        steps: Adam steps.
        paste: whether to keep the observed pixels in the completion.
        init: starting latents; default a random prior sample (`seed=`).
        encoder: optional encoder for a hybrid start (see
            `encode_latents`); it sees the images with missing pixels set
            to 0.
        latent_space: the latent space of a bare Keras generator.
        **kwargs: passed to `optimization_inversion` (`learning_rate`,
            `seed`, `prior_weight`, ...).

    Returns:
        An `InversionResult` whose `completions` holds the completed images.

    Example:

    ```python
    import numpy as np
    import keras_disentangle
    from keras_disentangle.editing import masked_inversion

    model = keras_disentangle.InfoGAN.from_preset("mnist")
    digits = model.generate(8, seed=0)
    mask = np.ones((28, 28, 1), "float32")
    mask[:14] = 0.0  # top half missing
    result = masked_inversion(model, digits, mask, steps=200, seed=0)
    result.completions  # observed bottom halves, generated top halves
    ```
    """
    info = resolve_generator(model, latent_space)
    images = check_images(images, info.image_shape)
    masks = check_mask(mask, images)
    if init is not None and encoder is not None:
        raise ValueError("Pass either init= or encoder=, not both.")
    if encoder is not None:
        init = encode_latents(model, images * masks, encoder, latent_space)
    result = optimization_inversion(
        model,
        images,
        steps=steps,
        init=init,
        mask=masks,
        latent_space=latent_space,
        **kwargs,
    )
    if paste:
        result.completions = (
            masks * images + (1.0 - masks) * result.reconstructions
        )
    else:
        result.completions = result.reconstructions.copy()
    return result
