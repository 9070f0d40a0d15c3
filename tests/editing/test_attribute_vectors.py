import numpy as np
import pytest

from keras_disentangle.editing import apply_attribute_vector
from keras_disentangle.editing import attribute_vector
from keras_disentangle.editing import attribute_vector_from_images
from keras_disentangle.editing import complete_latents
from keras_disentangle.editing import prior_center
from keras_disentangle.editing import snap_to_prior
from tests.editing.tiny_models import TinyModel
from tests.editing.tiny_models import tiny_space


def test_attribute_arithmetic_on_known_latents():
    rng = np.random.default_rng(0)
    vector = np.array([1.0, -2.0, 0.5, 0, 0, 0, 0.25])
    base = rng.normal(size=(64, 7))
    noise = rng.normal(size=(64, 7)) * 0.1
    noise -= noise.mean(axis=0)  # the group means differ by `vector` exactly
    positive = base + vector + noise
    negative = base - noise
    found = attribute_vector(positive, negative)
    np.testing.assert_allclose(found, vector, atol=1e-6)
    new = rng.normal(size=(3, 7)).astype("float32")
    np.testing.assert_allclose(
        apply_attribute_vector(new, found, 2.0), new + 2 * vector, atol=1e-5
    )
    sweep = apply_attribute_vector(new, found, [0.0, 1.0])
    np.testing.assert_allclose(sweep[0::2], new)
    np.testing.assert_allclose(sweep[1::2], new + vector, atol=1e-5)
    # Unequal group sizes: means, not sums.
    np.testing.assert_allclose(
        attribute_vector(np.ones((5, 2)), np.zeros((1, 2))), [1.0, 1.0]
    )


def test_dicts_of_codes_give_zero_on_missing_codes():
    space = tiny_space()
    positive = {"cls": np.eye(3)[[0, 0]], "c": np.array([[0.5], [0.7]])}
    negative = {"cls": np.eye(3)[[1, 2]], "c": np.array([[-0.5], [-0.3]])}
    vector = attribute_vector(positive, negative, space)
    np.testing.assert_allclose(vector[:3], 0.0)  # z is not given
    np.testing.assert_allclose(vector[3:6], [1.0, -0.5, -0.5])
    np.testing.assert_allclose(vector[6], 1.0)
    with pytest.raises(ValueError, match="latent_space"):
        attribute_vector(positive, negative)


def test_attribute_vector_from_images():
    model = TinyModel()
    space = model.latent_space
    rng = np.random.default_rng(1)
    latents = model.latents(8, seed=0)
    latents = np.asarray(latents)
    latents[:4, space.offsets["c"][0]] = 0.8
    latents[4:, space.offsets["c"][0]] = -0.6
    images = model.remember(latents)
    # model.encode (structured codes only): the noise part is zero.
    vector = attribute_vector_from_images(model, images[:4], images[4:])
    expected = latents[:4].mean(0) - latents[4:].mean(0)
    expected[:3] = 0.0
    np.testing.assert_allclose(vector, expected, atol=1e-6)
    # An inverter giving full latents.
    lookup = {image.tobytes(): z for image, z in zip(images, latents)}
    full = attribute_vector_from_images(
        model,
        images[:4],
        images[4:],
        invert=lambda x: np.stack([lookup[i.tobytes()] for i in x]),
    )
    np.testing.assert_allclose(
        full, latents[:4].mean(0) - latents[4:].mean(0), atol=1e-6
    )
    with pytest.raises(ValueError, match=r"\(8, 8, 1\)"):
        attribute_vector_from_images(model, rng.random((2, 9, 9, 1)), images)


def test_prior_helpers():
    space = tiny_space()
    center = prior_center(space)
    np.testing.assert_allclose(center, [0, 0, 0, 1 / 3, 1 / 3, 1 / 3, 0])
    filled = complete_latents({"c": np.array([[0.3]])}, space)
    np.testing.assert_allclose(filled[0, :6], center[:6])
    assert filled[0, 6] == pytest.approx(0.3)
    edited = np.array([[3.0, -1, 0, 0.2, 0.5, 0.3, 1.7]])
    snapped = snap_to_prior(edited, space)
    np.testing.assert_allclose(snapped, [[3.0, -1, 0, 0, 1, 0, 1.0]])
    with pytest.raises(ValueError, match=r"\(batch, 7\)"):
        snap_to_prior(np.zeros((2, 6)), space)
