import numpy as np

from keras_disentangle.datasets import BackgroundDSprites
from keras_disentangle.datasets import ColorDSprites
from keras_disentangle.datasets import GroundTruthDataset
from keras_disentangle.datasets import NoisyDSprites
from keras_disentangle.datasets import render_dsprites


def _factors(num=32, seed=0):
    rng = np.random.default_rng(seed)
    return ColorDSprites().sample_factors(num, rng), rng


def test_color_variant_keeps_the_sprite_and_a_black_background():
    data = ColorDSprites(seed=0)
    assert isinstance(data, GroundTruthDataset)
    factors, rng = _factors()
    images = data.sample_observations_from_factors(factors, rng)
    binary = render_dsprites(factors)[..., 0] > 0
    assert images.shape == (32, 64, 64, 3) and images.dtype == np.float32
    assert np.all(images[~binary] == 0.0)
    sprite = images[binary]
    assert sprite.min() >= 0.5 and sprite.max() <= 1.0
    # One colour per image, different across images.
    first = images[0][binary[0]]
    assert np.all(first == first[0])
    assert not np.allclose(images[0][binary[0]][0], images[1][binary[1]][0])


def test_noisy_variant_is_white_sprite_on_uniform_noise():
    data = NoisyDSprites(seed=0)
    factors, rng = _factors()
    images = data.sample_observations_from_factors(factors, rng)
    binary = render_dsprites(factors)[..., 0] > 0
    assert np.all(images[binary] == 1.0)
    background = images[~binary]
    assert 0.0 <= background.min() and background.max() < 1.0
    assert abs(background.mean() - 0.5) < 0.01


def test_background_variant_inverts_the_sprite():
    data = BackgroundDSprites(
        seed=0, pool=[np.full((300, 300, 3), 0.2, np.float32)]
    )
    factors, rng = _factors()
    images = data.sample_observations_from_factors(factors, rng)
    binary = render_dsprites(factors)[..., 0] > 0
    # Background = (0.2 + tint) / 2 in [0.1, 0.6]; sprite = 1 - that.
    for image, mask in zip(images, binary):
        background = image[~mask]
        assert np.allclose(background, background[0], atol=1e-6)
        inverted = np.broadcast_to(1.0 - background[0], image[mask].shape)
        np.testing.assert_allclose(image[mask], inverted, atol=1e-6)
        assert np.all((background[0] >= 0.1) & (background[0] <= 0.6))


def test_background_variant_with_bundled_photographs():
    data = BackgroundDSprites(seed=1)
    images = data[[0, 100_000, 737_279]]
    assert images.shape == (3, 64, 64, 3)
    assert 0.0 <= images.min() and images.max() <= 1.0
    assert images[0].std() > 0.02  # a textured background, not a flat one
    images, factors = data.batches(batch_size=4, seed=0)[0]
    assert images.shape == (4, 64, 64, 3) and factors.shape == (4, 5)
