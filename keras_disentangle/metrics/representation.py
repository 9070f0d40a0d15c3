"""Turning a Keras encoder into a representation function."""

import numpy as np


def representation_function(model, output_index=None, batch_size=256):
    """Wraps a Keras model as a numpy representation function.

    Args:
        model: a Keras model (e.g. InfoGAN's Q network or a VAE encoder)
            mapping images to codes.
        output_index: for a model with several outputs (e.g. mean and
            log-variance), which one is the representation. disentanglement_lib
            scores the encoder mean.
        batch_size: batch size of `model.predict`.

    Returns:
        A function from float32 images `(n, H, W, C)` to float64 codes
        `(n, num_codes)` (flattened).

    Example:

    >>> import keras
    >>> encoder = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    >>> encode = representation_function(encoder)
    >>> encode(np.zeros((3, 4), "float32")).shape
    (3, 2)
    """

    def encode(images):
        outputs = model.predict(
            np.asarray(images, dtype=np.float32),
            batch_size=batch_size,
            verbose=0,
        )
        if output_index is not None:
            outputs = outputs[output_index]
        elif isinstance(outputs, (list, tuple, dict)):
            raise ValueError(
                f"{model.name} has several outputs; pass output_index to say "
                "which one is the representation."
            )
        codes = np.asarray(outputs, dtype=np.float64)
        return codes.reshape(len(codes), -1)

    return encode
