import numpy as np
import pytest

from keras_disentangle.datasets import DSPRITES_FACTOR_SIZES
from keras_disentangle.datasets import DSPRITES_NUM_IMAGES
from keras_disentangle.datasets import DSprites
from keras_disentangle.datasets import GroundTruthDataset
from keras_disentangle.datasets import dsprites_factor_values
from keras_disentangle.datasets import dsprites_factors
from keras_disentangle.datasets import dsprites_index
from keras_disentangle.datasets import render_dsprites


def test_index_formula_matches_the_npz_metadata():
    # latents_sizes of the npz, including the single-valued colour.
    sizes = np.array([1, 3, 6, 40, 32, 32])
    bases = np.concatenate([sizes[::-1].cumprod()[::-1][1:], [1]])
    assert DSPRITES_NUM_IMAGES == 737_280 == sizes.prod()
    rng = np.random.default_rng(0)
    classes = rng.integers(0, sizes, size=(1000, 6))
    classes[:, 0] = 0
    expected = classes @ bases
    np.testing.assert_array_equal(dsprites_index(classes[:, 1:]), expected)
    np.testing.assert_array_equal(dsprites_factors(expected), classes[:, 1:])
    assert dsprites_index([[0, 0, 0, 0, 0]]).tolist() == [0]
    assert dsprites_index([[0, 0, 0, 0, 1]]).tolist() == [1]  # y fastest
    assert dsprites_index([[2, 5, 39, 31, 31]]).tolist() == [737_279]


def test_index_round_trip_over_every_image():
    indices = np.arange(DSPRITES_NUM_IMAGES)
    np.testing.assert_array_equal(
        dsprites_index(dsprites_factors(indices)), indices
    )
    with pytest.raises(IndexError):
        dsprites_factors([DSPRITES_NUM_IMAGES])
    with pytest.raises(ValueError, match="out of range"):
        dsprites_index([[3, 0, 0, 0, 0]])


def test_factor_values_grid():
    grid = np.array([[0, 0, 0, 0, 0], [2, 5, 39, 31, 31], [1, 1, 1, 1, 1]])
    values = dsprites_factor_values(grid)
    np.testing.assert_allclose(values[0], [1, 0.5, 0, 0, 0])
    np.testing.assert_allclose(values[1], [3, 1.0, 2 * np.pi, 1, 1])
    np.testing.assert_allclose(
        values[2], [2, 0.6, 2 * np.pi / 39, 1 / 31, 1 / 31], rtol=1e-12
    )
    assert DSPRITES_FACTOR_SIZES == (3, 6, 40, 32, 32)


def test_rendered_images_are_binary_and_respond_to_factors():
    data = DSprites()
    assert isinstance(data, GroundTruthDataset)
    rng = np.random.default_rng(0)
    factors = data.sample_factors(512, rng)
    images = data.sample_observations_from_factors(factors)
    assert images.shape == (512, 64, 64, 1) and images.dtype == np.float32
    assert set(np.unique(images)) <= {0.0, 1.0}
    assert images.sum(axis=(1, 2, 3)).min() > 10
    # Centroids follow position: 16 + 32 * pos pixels (x right, y down).
    ys, xs = np.mgrid[0:64, 0:64] + 0.5
    mass = images[..., 0].sum(axis=(1, 2))
    cx = (images[..., 0] * xs).sum(axis=(1, 2)) / mass
    cy = (images[..., 0] * ys).sum(axis=(1, 2)) / mass
    values = dsprites_factor_values(factors)
    np.testing.assert_allclose(cx, 16 + 32 * values[:, 3], atol=1.0)
    np.testing.assert_allclose(cy, 16 + 32 * values[:, 4], atol=1.0)
    # Area grows with scale for every shape.
    for shape in range(3):
        grid = np.array([[shape, s, 0, 16, 16] for s in range(6)])
        areas = render_dsprites(grid).sum(axis=(1, 2, 3))
        assert np.all(np.diff(areas) > 0), areas
    # The three shapes differ; orientation 0 and 2 pi render the same pose.
    shapes = render_dsprites([[s, 5, 7, 16, 16] for s in range(3)])
    assert not np.array_equal(shapes[0], shapes[1])
    assert not np.array_equal(shapes[1], shapes[2])
    ends = render_dsprites([[2, 3, 0, 9, 20], [2, 3, 39, 9, 20]])
    np.testing.assert_array_equal(ends[0], ends[1])
    turned = render_dsprites([[2, 3, 10, 9, 20]])
    assert not np.array_equal(ends[0], turned[0])


def test_no_pixel_leaves_the_frame():
    corners = [
        [shape, 5, orientation, x, y]
        for shape in range(3)
        for orientation in range(0, 40, 3)
        for x in (0, 31)
        for y in (0, 31)
    ]
    images = render_dsprites(corners)
    full = render_dsprites(
        np.array(corners) * [1, 1, 1, 0, 0] + [0, 0, 0, 16, 16]
    )
    # Moving the sprite to a corner keeps every pixel (none clipped).
    np.testing.assert_array_equal(images.sum(axis=(1, 2, 3)) > 0, True)
    assert np.all(
        np.abs(images.sum(axis=(1, 2, 3)) - full.sum(axis=(1, 2, 3))) < 12
    )


def test_lazy_indexing_and_factor_conditioning():
    data = DSprites()
    assert len(data) == DSPRITES_NUM_IMAGES
    assert data.shape == (DSPRITES_NUM_IMAGES, 64, 64, 1)
    single = data[1234]
    assert single.shape == (64, 64, 1)
    np.testing.assert_array_equal(data[[1234]][0], single)
    np.testing.assert_array_equal(data[-1], data[DSPRITES_NUM_IMAGES - 1])
    assert data[10:14].shape == (4, 64, 64, 1)
    np.testing.assert_array_equal(
        data.factor_classes[[1234]], dsprites_factors([1234])
    )
    rng = np.random.default_rng(1)
    hearts = data.sample_factors(20, rng, fixed={"shape": 2, 1: 0})
    assert np.all(hearts[:, 0] == 2) and np.all(hearts[:, 1] == 0)
    with pytest.raises(ValueError, match="classes"):
        data.sample_factors(2, rng, fixed={"scale": 6})
    chunks = list(data.iterate(batch_size=1000, start=0, stop=2500))
    assert [len(i) for i, _ in chunks] == [1000, 1000, 500]
    np.testing.assert_array_equal(chunks[2][1], data[2000:2500])


def test_npz_mode_reads_images_by_flat_index(tmp_path):
    path = tmp_path / "small.npz"
    np.savez(path, imgs=np.zeros((10, 64, 64), np.uint8))
    with pytest.raises(ValueError, match="737280"):
        DSprites(npz_path=path)[[0]]
    data = DSprites(npz_path=path)
    # Stand-in for the 737,280 original images: pixel (0, 0) = index % 251.
    fake = np.zeros((DSPRITES_NUM_IMAGES, 1, 1), np.uint8)
    fake[:, 0, 0] = np.arange(DSPRITES_NUM_IMAGES) % 251
    data._npz_images = np.broadcast_to(fake, (DSPRITES_NUM_IMAGES, 64, 64))
    factors = np.array([[1, 2, 3, 4, 5], [2, 5, 39, 31, 31]])
    images = data.sample_observations_from_factors(factors)
    np.testing.assert_array_equal(
        images[:, 0, 0, 0], dsprites_index(factors) % 251
    )


def test_batches_pair_images_with_their_factors():
    data = DSprites()
    batches = data.batches(batch_size=16, shuffle=True, seed=3)
    assert len(batches) == DSPRITES_NUM_IMAGES // 16
    images, factors = batches[5]
    assert images.shape == (16, 64, 64, 1) and factors.shape == (16, 5)
    np.testing.assert_array_equal(images, render_dsprites(factors))
    first = batches[0][1]
    batches.on_epoch_end()
    assert not np.array_equal(first, batches[0][1])
