import keras
import numpy as np
import pytest

from keras_disentangle.editing import apply_direction
from keras_disentangle.editing import direction_code_norms
from keras_disentangle.editing import latent_projection
from keras_disentangle.editing import sefa_directions
from tests.editing.tiny_models import TinyModel
from tests.editing.tiny_models import dense
from tests.editing.tiny_models import seeded
from tests.editing.tiny_models import tiny_space


def _same_up_to_sign(a, b, atol=1e-5):
    signs = np.sign(np.sum(a * b, axis=1, keepdims=True))
    np.testing.assert_allclose(a, signs * b, atol=atol)


def test_hand_example():
    # Columns (1, 0) and (1, 1)/sqrt(2) after normalisation:
    # W W^T = [[1.5, 0.5], [0.5, 0.5]], eigenvalues 1 +- 1/sqrt(2), top
    # eigenvector at 22.5 degrees.
    directions, eigenvalues = sefa_directions(np.array([[1.0, 1.0], [0, 1.0]]))
    np.testing.assert_allclose(
        eigenvalues, [1 + 0.5**0.5, 1 - 0.5**0.5], rtol=1e-6
    )
    angle = np.pi / 8
    np.testing.assert_allclose(
        directions[0], [np.cos(angle), np.sin(angle)], atol=1e-6
    )
    np.testing.assert_allclose(
        directions[1], [-np.sin(angle), np.cos(angle)], atol=1e-6
    )


def test_matches_eigh_and_svd_of_the_column_normalised_kernel():
    rng = np.random.default_rng(0)
    kernel = rng.normal(size=(6, 20)) * rng.uniform(0.1, 5.0, size=20)
    directions, eigenvalues = sefa_directions(kernel)
    assert directions.shape == (6, 6) and eigenvalues.shape == (6,)
    np.testing.assert_allclose(directions @ directions.T, np.eye(6), atol=1e-5)
    assert np.all(np.diff(eigenvalues) <= 0)

    weight = kernel / np.linalg.norm(kernel, axis=0, keepdims=True)
    values, vectors = np.linalg.eigh(weight @ weight.T)
    order = np.argsort(values)[::-1]
    np.testing.assert_allclose(eigenvalues, values[order], rtol=1e-5)
    _same_up_to_sign(directions, vectors[:, order].T)
    # Equivalently: right singular vectors of A = weight^T.
    _, singular, vt = np.linalg.svd(weight.T, full_matrices=False)
    np.testing.assert_allclose(eigenvalues, singular**2, rtol=1e-5)
    _same_up_to_sign(directions, vt)
    # Sign convention: the largest entry of each direction is positive.
    rows = np.arange(6)
    largest = directions[rows, np.argmax(np.abs(directions), axis=1)]
    assert np.all(largest > 0)


def test_finds_the_first_dense_of_a_generative_model():
    model = TinyModel()
    kernel, layer = latent_projection(model)
    assert layer.name == "projection"
    assert kernel.shape == (model.latent_space.dim, 32)
    from_model, values = sefa_directions(model)
    from_kernel, kernel_values = sefa_directions(
        keras.ops.convert_to_numpy(layer.kernel)
    )
    np.testing.assert_allclose(from_model, from_kernel)
    np.testing.assert_allclose(values, kernel_values)


def test_restricting_to_codes():
    model = TinyModel()
    space = model.latent_space
    directions, eigenvalues = sefa_directions(model, codes=["z"])
    assert directions.shape == (3, space.dim)
    start, stop = space.offsets["z"]
    outside = np.delete(directions, np.arange(start, stop), axis=1)
    assert np.all(outside == 0)
    np.testing.assert_allclose(directions @ directions.T, np.eye(3), atol=1e-5)
    kernel, _ = latent_projection(model)
    weight = kernel / np.linalg.norm(kernel, axis=0)
    sub = weight[start:stop]
    values = np.sort(np.linalg.eigvalsh(sub @ sub.T))[::-1]
    np.testing.assert_allclose(eigenvalues, values, rtol=1e-5)
    shares = direction_code_norms(directions[0], space)
    assert shares["z"] == pytest.approx(1.0)


def test_top_direction_changes_images_more_than_the_bottom_one():
    dim = 6
    rng = np.random.default_rng(1)
    u, _ = np.linalg.qr(rng.normal(size=(dim, dim)))
    v, _ = np.linalg.qr(rng.normal(size=(64, dim)))
    kernel = u @ np.diag([4.0, 2.0, 1.0, 0.5, 0.2, 0.05]) @ v.T
    generator = keras.Sequential(
        [
            keras.Input((dim,)),
            dense(64, "tanh"),
            dense(49, "sigmoid"),
            keras.layers.Reshape((7, 7, 1)),
        ]
    )
    seeded(generator, 2)
    generator.layers[0].kernel.assign(kernel.astype("float32"))
    directions, _ = sefa_directions(generator)
    latents = rng.normal(size=(16, dim)).astype("float32")

    def change(direction):
        moved = apply_direction(latents, direction, 1.0)
        before = keras.ops.convert_to_numpy(generator(latents))
        after = keras.ops.convert_to_numpy(generator(moved))
        return float(np.mean((after - before) ** 2))

    assert change(directions[0]) > 5 * change(directions[-1])


def test_convolution_reading_a_one_by_one_latent():
    dim = 5
    generator = keras.Sequential(
        [
            keras.Input((dim,)),
            keras.layers.Reshape((1, 1, dim)),
            keras.layers.Conv2DTranspose(8, 4, kernel_initializer="zeros"),
        ]
    )
    seeded(generator, 3)
    kernel = keras.ops.convert_to_numpy(generator.layers[-1].kernel)
    assert kernel.shape == (4, 4, 8, dim)
    directions, values = sefa_directions(generator)
    expected, expected_values = sefa_directions(
        np.moveaxis(kernel, -1, 0).reshape(dim, -1)
    )
    np.testing.assert_allclose(directions, expected, atol=1e-6)
    np.testing.assert_allclose(values, expected_values, rtol=1e-6)


def test_apply_direction():
    latents = np.zeros((2, 3), "float32")
    latents[1] = 1.0
    direction = np.array([1.0, 0.0, 2.0])
    out = apply_direction(latents, direction, 0.5)
    np.testing.assert_allclose(out, latents + 0.5 * direction)
    sweep = apply_direction(latents, direction, [-1.0, 0.0, 1.0])
    assert sweep.shape == (6, 3)
    np.testing.assert_allclose(sweep[3:6, 2], [-1.0, 1.0, 3.0])
    np.testing.assert_allclose(sweep[4], latents[1])


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match="matrix"):
        sefa_directions(np.ones((2, 3, 4)))
    with pytest.raises(ValueError, match="rows"):
        sefa_directions(np.ones((5, 3)), latent_space=tiny_space())
    with pytest.raises(ValueError, match="latent_space"):
        sefa_directions(np.ones((5, 3)), codes=["z"])
    with pytest.raises(KeyError, match="cls"):
        sefa_directions(TinyModel(), codes=["missing"])
    with pytest.raises(ValueError, match="does not read"):
        latent_projection(TinyModel(), layer="pixels")
    with pytest.raises(ValueError, match="shape"):
        apply_direction(np.zeros((2, 3)), np.ones(4), 1.0)
    with pytest.raises(ValueError, match="batch axis"):
        apply_direction(np.zeros(3), np.ones(3), 1.0)
