"""An MNIST-M-style domain: digits blended with natural image patches.

The recipe of Ganin et al.'s MNIST-M, with an offline background pool: the
digit is binarised and repeated to RGB, a random patch is cropped from a
photograph, and the output is the absolute difference `|patch - digit|`,
so the stroke shows the inverted photograph. The photographs are those
that ship with scikit-learn (and scikit-image when installed) instead of
BSDS500, so the images differ from the published MNIST-M.
"""

import numpy as np

from keras_disentangle.datasets.mnist import load_mnist
from keras_disentangle.datasets.natural_images import random_patches


def blend_with_patches(digits, seed=42, pool=None):
    """Blends digit images with random natural patches, MNIST-M style.

    Args:
        digits: float images `(N, H, W)` or `(N, H, W, 1)` in `[0, 1]`.
        seed: seed of the patch positions (an int or a
            `numpy.random.Generator`).
        pool: optional list of float32 RGB images in `[0, 1]`; defaults to
            `natural_images()`.

    Returns:
        float32 `(N, H, W, 3)` in `[0, 1]`.

    Example:

    >>> digits = np.zeros((2, 28, 28, 1), "float32")
    >>> blend_with_patches(digits).shape
    (2, 28, 28, 3)
    """
    digits = np.asarray(digits)
    if digits.ndim == 4:
        if digits.shape[-1] != 1:
            raise ValueError(
                f"digits must have one channel, got shape {digits.shape}."
            )
        digits = digits[..., 0]
    if digits.ndim != 3 or digits.shape[1] != digits.shape[2]:
        raise ValueError(
            f"digits must be square images (N, H, W[, 1]), got {digits.shape}."
        )
    rng = (
        seed
        if isinstance(seed, np.random.Generator)
        else np.random.default_rng(seed)
    )
    binary = (digits > 0).astype(np.float32)[..., None]
    patches = random_patches(len(digits), digits.shape[1], rng, pool=pool)
    return np.abs(patches - binary)


def load_mnist_m(split="train", data_dir=None, seed=42):
    """MNIST digits blended with natural patches, with their labels.

    Args:
        split: `"train"` or `"test"`.
        data_dir: MNIST IDX directory (see `load_mnist`).
        seed: seed of the patch positions.

    Returns:
        `(images, labels)`: float32 `(N, 28, 28, 3)` in `[0, 1]`, int64
        `(N,)`.
    """
    digits, labels = load_mnist(split, data_dir=data_dir)
    return blend_with_patches(digits, seed=seed), labels
