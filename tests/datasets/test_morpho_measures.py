import numpy as np
import pytest

from keras_disentangle.datasets import load_mnist
from keras_disentangle.datasets import measure_digit
from keras_disentangle.datasets import measure_digits


def stroke(thickness, slant, length=16.0, size=28):
    """An anti-aliased straight stroke; slant > 0 leans the top right."""
    ys, xs = np.mgrid[0:size, 0:size] + 0.5
    centre = np.array([size / 2, size / 2])
    direction = np.array([np.sin(slant), -np.cos(slant)])
    start = centre - direction * length / 2
    along = np.stack([xs - start[0], ys - start[1]], axis=-1)
    t = np.clip(along @ direction / length, 0.0, 1.0) * length
    nearest = start + t[..., None] * direction
    distance = np.linalg.norm(np.stack([xs, ys], -1) - nearest, axis=-1)
    return np.clip(thickness / 2 - distance + 0.5, 0.0, 1.0)


# Below ~2 px a stroke measures ~2 px: the binarisation is relative to the
# stroke's own peak, so faint thin strokes widen to whole pixels.
@pytest.mark.parametrize("thickness", [2.0, 2.5, 3.5, 5.0])
@pytest.mark.parametrize("slant", [-0.4, 0.0, 0.3])
def test_thickness_and_slant_of_synthetic_strokes(thickness, slant):
    m = measure_digit(stroke(thickness, slant))
    # The distance transform and the binarisation add up to ~0.45 px.
    assert abs(m.thickness - thickness) < 0.5
    assert abs(m.slant - slant) < 0.05


def test_measures_are_monotone_in_thickness_and_slant():
    thick = [
        measure_digit(stroke(t, 0.1)).thickness for t in (2.0, 3.0, 4.0, 5.0)
    ]
    assert np.all(np.diff(thick) > 0.5)
    slants = [
        measure_digit(stroke(2.5, s)).slant for s in (-0.5, -0.2, 0.0, 0.2, 0.5)
    ]
    assert np.all(np.diff(slants) > 0.15)


def test_width_height_area_of_a_bar():
    image = np.zeros((28, 28, 1), np.float32)
    image[6:22, 10:16] = 1.0  # 6 px wide, 16 px tall
    m = measure_digit(image)
    assert abs(m.width - 6) < 0.6 and abs(m.height - 16) < 0.6
    assert abs(m.area - 96) < 8
    assert abs(m.slant) < 1e-6
    # De-slanting: a slanted stroke is as narrow as an upright one.
    upright = measure_digit(stroke(3.0, 0.0)).width
    slanted = measure_digit(stroke(3.0, 0.4)).width
    assert abs(slanted - upright) < 0.7


def test_batch_measures_and_errors():
    images = np.stack([stroke(2.0, 0.0), stroke(4.0, 0.0)])
    out = measure_digits(images)
    assert sorted(out) == [
        "area",
        "height",
        "length",
        "slant",
        "thickness",
        "width",
    ]
    assert out["thickness"][1] > out["thickness"][0]
    assert out["area"][1] > out["area"][0]
    with pytest.raises(ValueError, match="constant"):
        measure_digit(np.zeros((28, 28)))
    with pytest.raises(ValueError, match="one grey image"):
        measure_digit(np.zeros((28, 28, 3)))


def test_real_digits_have_plausible_measures(mnist_dir):
    images, labels = load_mnist("test", data_dir=mnist_dir)
    out = measure_digits(images[:40])
    assert np.all((out["thickness"] > 1.0) & (out["thickness"] < 6.0))
    assert np.all((out["height"] > 8) & (out["height"] < 22))
    ones = out["width"][labels[:40] == 1]
    others = out["width"][labels[:40] != 1]
    assert np.median(ones) < np.median(others)
