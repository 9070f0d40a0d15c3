import numpy as np
import pytest

from keras_disentangle.datasets import blend_with_patches
from keras_disentangle.datasets import load_mnist_m
from keras_disentangle.datasets import natural_images
from keras_disentangle.datasets import random_patches


def test_natural_image_pool_is_bundled_and_in_range():
    pool = natural_images()
    assert len(pool) >= 2
    for image in pool:
        assert image.ndim == 3 and image.shape[-1] == 3
        assert image.dtype == np.float32
        assert 0.0 <= image.min() and image.max() <= 1.0
    patches = random_patches(16, 28, np.random.default_rng(0))
    assert patches.shape == (16, 28, 28, 3)
    assert patches.std(axis=(1, 2, 3)).min() > 0.0


def test_blend_is_the_absolute_difference_with_the_binary_digit():
    digits = np.zeros((3, 28, 28, 1), np.float32)
    digits[:, 10:18, 12:16] = 0.3  # any positive value counts as ink
    pool = [np.full((40, 40, 3), 0.25, np.float32)]
    blended = blend_with_patches(digits, seed=0, pool=pool)
    assert blended.shape == (3, 28, 28, 3) and blended.dtype == np.float32
    ink = digits[..., 0] > 0
    np.testing.assert_allclose(blended[ink], 0.75)
    np.testing.assert_allclose(blended[~ink], 0.25)
    with pytest.raises(ValueError, match="one channel"):
        blend_with_patches(np.zeros((2, 28, 28, 3)))


def test_mnist_m_on_real_digits(mnist_dir):
    images, labels = load_mnist_m("test", data_dir=mnist_dir, seed=0)
    assert images.shape == (10000, 28, 28, 3) and labels.shape == (10000,)
    assert 0.0 <= images.min() and images.max() <= 1.0
    again, _ = load_mnist_m("test", data_dir=mnist_dir, seed=0)
    np.testing.assert_array_equal(images[:50], again[:50])
    # Backgrounds differ from image to image.
    assert images[:100, 0, 0].std() > 0.02
