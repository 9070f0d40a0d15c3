"""A pool of natural photographs that ship inside installed wheels."""

import functools
import importlib.util

import numpy as np


@functools.lru_cache(maxsize=1)
def _cached_pool():
    images = []
    try:
        from sklearn.datasets import load_sample_images
    except ImportError:
        load_sample_images = None
    if load_sample_images is not None:
        # china.jpg and flower.jpg, 427 x 640 RGB.
        images.extend(load_sample_images().images)
    if importlib.util.find_spec("skimage") is not None:
        from skimage import data as skimage_data

        for name in ("astronaut", "chelsea", "coffee", "rocket", "brick"):
            try:
                image = np.asarray(getattr(skimage_data, name)())
            except Exception:  # a missing optional data file
                continue
            if image.ndim == 2:
                image = np.repeat(image[..., None], 3, axis=-1)
            images.append(image[..., :3])
    if not images:
        raise ImportError(
            "No natural images found: install scikit-learn (china.jpg and "
            "flower.jpg ship with it: "
            "`pip install \"keras-disentangle[metrics]\"`) or scikit-image."
        )
    return tuple(np.asarray(im, dtype=np.float32) / 255.0 for im in images)


def natural_images():
    """Bundled photographs as float32 RGB arrays `(H, W, 3)` in `[0, 1]`.

    scikit-learn's `china.jpg` and `flower.jpg`, plus a few scikit-image
    photographs and textures when scikit-image is installed. No network.
    """
    return list(_cached_pool())


def random_patches(num, size, rng, pool=None):
    """Crops `num` random `size x size` RGB patches from the image pool.

    Args:
        num: number of patches.
        size: side of each square patch in pixels.
        rng: a `numpy.random.Generator`.
        pool: list of float32 `(H, W, 3)` images; defaults to
            `natural_images()`.

    Returns:
        float32 `(num, size, size, 3)` in `[0, 1]`.

    Example:

    >>> rng = np.random.default_rng(0)
    >>> random_patches(4, 28, rng).shape
    (4, 28, 28, 3)
    """
    pool = natural_images() if pool is None else pool
    out = np.empty((int(num), size, size, 3), dtype=np.float32)
    which = rng.integers(0, len(pool), size=int(num))
    for k, image_index in enumerate(which):
        image = pool[image_index]
        height, width = image.shape[:2]
        top = rng.integers(0, height - size + 1)
        left = rng.integers(0, width - size + 1)
        out[k] = image[top : top + size, left : left + size, :3]
    return out
