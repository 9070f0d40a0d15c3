"""Colour, noise and background variants of dSprites.

Following disentanglement_lib's `color_dsprites`, `noisy_dsprites` and
`scream_dsprites`: the nuisance (colour, noise, background) is drawn afresh
for every image and is not a factor. The factors are those of `DSprites`.
Images are float32 RGB `(N, 64, 64, 3)` in `[0, 1]`.
"""

import numpy as np

from keras_disentangle.datasets.batches import BatchDataset
from keras_disentangle.datasets.dsprites import DSprites
from keras_disentangle.datasets.natural_images import natural_images
from keras_disentangle.datasets.natural_images import random_patches


class _DSpritesVariant:
    image_shape = (64, 64, 3)

    def __init__(self, dsprites=None, seed=None):
        self.dsprites = DSprites() if dsprites is None else dsprites
        self.factor_names = self.dsprites.factor_names
        self.factor_sizes = self.dsprites.factor_sizes
        self._rng = np.random.default_rng(seed)

    def __len__(self):
        return len(self.dsprites)

    @property
    def shape(self):
        return (len(self),) + self.image_shape

    def __getitem__(self, index):
        if isinstance(index, (int, np.integer)):
            return self.images([index])[0]
        return self._apply(self.dsprites[index], self._rng)

    def images(self, indices, rng=None):
        """Images at flat dSprites indices, with fresh nuisances."""
        rng = self._rng if rng is None else rng
        return self._apply(self.dsprites.images(indices), rng)

    def sample_factors(self, num, rng, fixed=None):
        return self.dsprites.sample_factors(num, rng, fixed=fixed)

    def sample_observations_from_factors(self, factors, rng):
        binary = self.dsprites.sample_observations_from_factors(factors)
        return self._apply(binary, rng)

    def batches(self, batch_size=64, shuffle=True, seed=None, **kwargs):
        """A `BatchDataset` of `(images, factor_classes)` for `model.fit`."""
        return BatchDataset(
            self,
            self.dsprites.factor_classes,
            batch_size=batch_size,
            shuffle=shuffle,
            seed=seed,
            **kwargs,
        )

    def _apply(self, binary, rng):
        raise NotImplementedError


class ColorDSprites(_DSpritesVariant):
    """dSprites with a random RGB colour per image, each channel U(0.5, 1).

    The background stays black.

    Args:
        dsprites: the `DSprites` to colour; defaults to the procedural one.
        seed: seed of the colours drawn by `__getitem__` and `images`.

    Example:

    >>> data = ColorDSprites(seed=0)
    >>> data[[0, 1, 2]].shape
    (3, 64, 64, 3)
    """

    def _apply(self, binary, rng):
        colours = rng.uniform(0.5, 1.0, size=(len(binary), 1, 1, 3))
        return (binary * colours.astype(np.float32)).astype(np.float32)


class NoisyDSprites(_DSpritesVariant):
    """dSprites on uniform noise: `min(image + U(0, 1), 1)` per pixel.

    The sprite is white; every background pixel and channel is noise.

    Example:

    >>> data = NoisyDSprites(seed=0)
    >>> data[[0, 1]].shape
    (2, 64, 64, 3)
    """

    def _apply(self, binary, rng):
        noise = rng.random(size=binary.shape[:3] + (3,), dtype=np.float32)
        return np.minimum(binary + noise, 1.0)


class BackgroundDSprites(_DSpritesVariant):
    """dSprites over natural-image backgrounds, like `scream_dsprites`.

    The background is a random 64x64 crop of a bundled photograph (see
    `natural_images`) shrunk to fit 350x274, tinted as
    `(crop + U(0, 1)^3) / 2`; the sprite's pixels take the inverted colour
    `1 - background`.

    Args:
        dsprites: the `DSprites` to use; defaults to the procedural one.
        seed: seed of the backgrounds drawn by `__getitem__` and `images`.
        pool: optional list of float32 RGB images `(H, W, 3)` in `[0, 1]`.

    Example:

    >>> data = BackgroundDSprites(seed=0)
    >>> data[[0, 1]].shape
    (2, 64, 64, 3)
    """

    def __init__(self, dsprites=None, seed=None, pool=None):
        super().__init__(dsprites=dsprites, seed=seed)
        self.pool = [_shrink(im) for im in (pool or natural_images())]

    def _apply(self, binary, rng):
        crops = random_patches(len(binary), 64, rng, pool=self.pool)
        tint = rng.uniform(0.0, 1.0, size=(len(binary), 1, 1, 3))
        background = (crops + tint.astype(np.float32)) / 2.0
        return np.where(binary > 0.5, 1.0 - background, background).astype(
            np.float32
        )


def _shrink(image, size=(350, 274)):
    from PIL import Image

    height, width = image.shape[:2]
    factor = min(size[0] / width, size[1] / height, 1.0)
    if factor == 1.0:
        return image
    pil = Image.fromarray(np.uint8(np.clip(image, 0, 1) * 255 + 0.5))
    pil = pil.resize(
        (max(64, round(width * factor)), max(64, round(height * factor))),
        Image.Resampling.LANCZOS,
    )
    return np.asarray(pil, dtype=np.float32) / 255.0
