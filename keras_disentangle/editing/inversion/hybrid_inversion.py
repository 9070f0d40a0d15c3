"""Hybrid GAN inversion: an encoder's guess refined by optimisation."""

from keras_disentangle.editing.inversion.inputs import check_images
from keras_disentangle.editing.inversion.inputs import resolve_generator
from keras_disentangle.editing.inversion.optimization_inversion import (
    optimization_inversion,
)
from keras_disentangle.editing.prior import complete_latents


def encode_latents(model, images, encoder=None, latent_space=None):
    """Latents `(n, dim)` of images from an encoder of some kind.

    Args:
        model: the `GenerativeModel` (or Keras generator) whose latent
            space the latents live in.
        images: image batch.
        encoder: `None` for `model.encode` (InfoGAN's Q head: structured
            codes only; the codes it does not infer, such as the noise `z`,
            take the prior centre); an object with an `invert(images)`
            method (`EncoderInversion`); or a callable `images -> latents`
            returning an `(n, dim)` matrix or a dict of codes.
        latent_space: the latent space of a bare Keras generator.

    Returns:
        float32 numpy `(n, dim)`.
    """
    info = resolve_generator(model, latent_space)
    images = check_images(images, info.image_shape)
    if encoder is None:
        if not hasattr(model, "encode"):
            raise ValueError(
                "Pass encoder=: a bare generator has no encode() method."
            )
        output = model.encode(images)
    elif hasattr(encoder, "invert"):
        output = encoder.invert(images)
    elif callable(encoder):
        output = encoder(images)
    else:
        raise TypeError(
            "`encoder` must be None (model.encode), an object with an "
            f"invert() method, or a callable. Received: {encoder!r}"
        )
    return complete_latents(output, info.latent_space)


def hybrid_inversion(
    model, images, encoder=None, steps=50, latent_space=None, **kwargs
):
    """Inversion that starts at an encoder's latents and refines them.

    `z_0 = E(x)`, then `steps` Adam steps of `optimization_inversion` on
    the same objective. The encoder gives a good start in one pass; the
    steps fix what it gets wrong. iGAN (Zhu et al., 2016) projects images
    this way, and in-domain inversion (Zhu et al., 2020) starts its 100
    optimisation steps from its encoder. `history["reconstruction"][0]` of
    the result is the encoder-only error.

    Args:
        model: a `GenerativeModel` or a Keras generator.
        images: the images to invert.
        encoder: see `encode_latents` (`None` uses `model.encode`).
        steps: optimisation steps after the encoder.
        latent_space: the latent space of a bare Keras generator.
        **kwargs: passed to `optimization_inversion` (`learning_rate`,
            `mask`, `prior_weight`, `categorical`, ...).

    Returns:
        An `InversionResult`.

    Example:

    ```python
    import keras_disentangle
    from keras_disentangle.editing import hybrid_inversion

    model = keras_disentangle.InfoGAN.from_preset("mnist")
    images = model.generate(16, seed=0)
    # encoder=None starts from InfoGAN's Q head; an EncoderInversion
    # trained against the generator gives a better start.
    result = hybrid_inversion(model, images, steps=50)
    result.history["reconstruction"][[0, -1]]  # encoder alone, refined
    ```
    """
    if "init" in kwargs:
        raise ValueError(
            "hybrid_inversion starts from the encoder; call "
            "optimization_inversion(init=...) to give the start yourself."
        )
    init = encode_latents(model, images, encoder, latent_space)
    return optimization_inversion(
        model,
        images,
        steps=steps,
        init=init,
        latent_space=latent_space,
        **kwargs,
    )
