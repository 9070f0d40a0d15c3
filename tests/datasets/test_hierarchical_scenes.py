import numpy as np
import pytest

from keras_disentangle.datasets import GroundTruthDataset
from keras_disentangle.datasets import HierarchicalScenes


def test_shapes_ranges_and_protocol():
    scenes = HierarchicalScenes()
    assert isinstance(scenes, GroundTruthDataset)
    assert scenes.factor_sizes == (4, 4, 3, 4, 4, 3)
    assert scenes.num_child_classes == 12
    batch = scenes.sample(64, np.random.default_rng(0))
    assert batch["images"].shape == (64, 64, 64, 3)
    assert batch["images"].dtype == np.float32
    assert 0.0 <= batch["images"].min() and batch["images"].max() <= 1.0
    assert set(np.unique(batch["masks"])) == {0.0, 1.0}
    assert batch["boxes"].shape == (64, 4)


def test_boxes_are_tight_around_masks():
    scenes = HierarchicalScenes()
    batch = scenes.sample(32, np.random.default_rng(1))
    for mask, (x0, y0, x1, y1) in zip(batch["masks"][..., 0], batch["boxes"]):
        rows, cols = np.nonzero(mask)
        assert (x0, y0, x1, y1) == (
            cols.min(),
            rows.min(),
            cols.max() + 1,
            rows.max() + 1,
        )


def test_parent_sets_the_mask_child_the_look_background_the_rest():
    scenes = HierarchicalScenes()
    base = np.array([[1, 2, 0, 1, 2, 1]])
    variants = np.repeat(base, 3, axis=0)
    variants[1, 2] = 2  # another child of the same parent
    variants[2, 0] = 3  # another background
    out = scenes.render(variants)
    masks, images = out["masks"][..., 0] > 0, out["images"]
    np.testing.assert_array_equal(masks[0], masks[1])
    np.testing.assert_array_equal(masks[0], masks[2])
    inside, outside = masks[0], ~masks[0]
    assert not np.allclose(images[0][inside], images[1][inside])
    np.testing.assert_array_equal(images[0][outside], images[1][outside])
    np.testing.assert_array_equal(images[0][inside], images[2][inside])
    assert not np.allclose(images[0][outside], images[2][outside])
    other_parent = base.copy()
    other_parent[0, 1] = 0
    assert not np.array_equal(
        scenes.render(other_parent)["masks"][0], out["masks"][0]
    )


def test_children_are_nested_and_have_distinct_looks():
    scenes = HierarchicalScenes(num_parents=3, children_per_parent=4)
    factors = np.array([[0, p, c, 1, 1, 2] for p in range(3) for c in range(4)])
    out = scenes.render(factors)
    assert out["child_classes"].tolist() == list(range(12))
    looks = {
        tuple(np.round(image[mask[..., 0] > 0].mean(axis=0), 4))
        for image, mask in zip(out["images"], out["masks"])
    }
    assert len(looks) == 12


def test_lazy_grid_and_errors():
    scenes = HierarchicalScenes(
        num_backgrounds=2,
        num_parents=2,
        children_per_parent=2,
        num_positions=2,
        num_scales=2,
    )
    assert len(scenes) == 64
    images, factors = scenes.batches(batch_size=8, shuffle=False)[1]
    np.testing.assert_array_equal(images, scenes.render(factors)["images"])
    expected = [int(i) for i in np.unravel_index(8, scenes.factor_sizes)]
    assert factors[0].tolist() == expected
    with pytest.raises(ValueError, match="num_parents"):
        HierarchicalScenes(num_parents=9)
    with pytest.raises(ValueError, match="out of range"):
        scenes.render([[0, 0, 0, 0, 0, 5]])
