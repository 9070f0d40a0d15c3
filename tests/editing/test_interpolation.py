import numpy as np
import pytest

from keras_disentangle.editing import interpolate
from keras_disentangle.editing import lerp
from keras_disentangle.editing import slerp
from keras_disentangle.latent import CategoricalCode
from keras_disentangle.latent import GaussianCode
from keras_disentangle.latent import LatentSpace
from keras_disentangle.latent import UniformCode


def test_slerp_endpoints_and_norms():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(5, 16))
    b = rng.normal(size=(5, 16))
    b *= np.linalg.norm(a, axis=1, keepdims=True) / np.linalg.norm(
        b, axis=1, keepdims=True
    )
    t = np.linspace(0, 1, 9)
    path = slerp(a, b, t)
    assert path.shape == (5, 9, 16)
    np.testing.assert_allclose(path[:, 0], a, atol=1e-5)
    np.testing.assert_allclose(path[:, -1], b, atol=1e-5)
    # Equal norms: the path stays on the sphere; a straight line cuts in.
    norms = np.linalg.norm(path, axis=-1)
    np.testing.assert_allclose(
        norms, np.repeat(np.linalg.norm(a, axis=1)[:, None], 9, 1), rtol=1e-5
    )
    middle = lerp(a, b, [0.5])[:, 0]
    assert np.all(np.linalg.norm(middle, axis=1) < norms[:, 4] - 1e-3)
    # Angles grow linearly in t.
    cosine = np.sum(path[0] * a[0], axis=-1) / norms[0] ** 2
    angles = np.arccos(np.clip(cosine, -1, 1))
    np.testing.assert_allclose(np.diff(angles), angles[-1] / 8, atol=2e-3)


def test_slerp_hand_example_and_parallel_fallback():
    out = slerp(np.array([1.0, 0.0]), np.array([0.0, 1.0]), [0.5])
    np.testing.assert_allclose(out, [[0.5**0.5, 0.5**0.5]], atol=1e-6)
    same = slerp(np.array([1.0, 2.0]), np.array([2.0, 4.0]), [0.5])
    np.testing.assert_allclose(same, [[1.5, 3.0]])
    zero = slerp(np.zeros(2), np.array([2.0, 4.0]), [0.25])
    np.testing.assert_allclose(zero, [[0.5, 1.0]])


def space():
    return LatentSpace(
        [
            GaussianCode("g", 8, mean=2.0, stddev=1.0),
            UniformCode("u", 2, low=0.0, high=1.0),
            CategoricalCode("cat", 3),
        ]
    )


def test_interpolation_respects_code_types():
    s = space()
    rng = np.random.default_rng(1)
    g_a = rng.normal(size=8)
    g_b = rng.normal(size=8)
    g_b *= np.linalg.norm(g_a) / np.linalg.norm(g_b)
    start = np.concatenate([2.0 + g_a, [0.0, 1.0], [1, 0, 0]])
    end = np.concatenate([2.0 + g_b, [1.0, 0.0], [0, 0, 1]])
    path = interpolate(start, end, steps=5, latent_space=s)
    assert path.shape == (5, s.dim)
    np.testing.assert_allclose(path[0], start, atol=1e-5)
    np.testing.assert_allclose(path[-1], end, atol=1e-5)
    # Gaussian code: spherical about its mean.
    radius = np.linalg.norm(path[:, :8] - 2.0, axis=1)
    np.testing.assert_allclose(radius, np.linalg.norm(g_a), rtol=1e-5)
    # Uniform code: linear, inside the box.
    np.testing.assert_allclose(path[:, 8], np.linspace(0, 1, 5), atol=1e-6)
    # Categorical: linear mixture on the simplex.
    np.testing.assert_allclose(path[2, 10:], [0.5, 0, 0.5], atol=1e-6)

    hold = interpolate(start, end, 5, s, categorical="hold")
    np.testing.assert_allclose(hold[:, 10:], np.tile([1, 0, 0], (5, 1)))
    nearest = interpolate(start, end, 5, s, categorical="nearest")
    np.testing.assert_allclose(nearest[1, 10:], [1, 0, 0])
    np.testing.assert_allclose(nearest[2:, 10:], np.tile([0, 0, 1], (3, 1)))
    linear = interpolate(start, end, 5, s, method="linear")
    np.testing.assert_allclose(linear[2, :8], 2.0 + (g_a + g_b) / 2, atol=1e-5)


def test_matrices_are_row_major_paths():
    s = space()
    starts = np.zeros((2, s.dim))
    ends = np.ones((2, s.dim))
    ends[1] = 3.0
    out = interpolate(starts, ends, steps=3, latent_space=s, method="linear")
    assert out.shape == (6, s.dim)
    np.testing.assert_allclose(out[1], 0.5)
    np.testing.assert_allclose(out[5], 3.0)


def test_interpolation_errors():
    s = space()
    with pytest.raises(ValueError, match="same shape"):
        interpolate(np.zeros(13), np.zeros(12), latent_space=s)
    with pytest.raises(ValueError, match=r"\(batch, 13\)"):
        interpolate(np.zeros(12), np.zeros(12), latent_space=s)
    with pytest.raises(ValueError, match="method"):
        interpolate(np.zeros(13), np.zeros(13), latent_space=s, method="cubic")
    with pytest.raises(ValueError, match="steps"):
        interpolate(np.zeros(13), np.zeros(13), steps=1, latent_space=s)
