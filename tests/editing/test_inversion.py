import os

import keras
import numpy as np
import pytest

from keras_disentangle.editing import EncoderInversion
from keras_disentangle.editing import hybrid_inversion
from keras_disentangle.editing import masked_inversion
from keras_disentangle.editing import optimization_inversion
from tests.editing.tiny_models import IMAGE_SHAPE
from tests.editing.tiny_models import TinyModel
from tests.editing.tiny_models import encoder_mlp


def _np(x):
    return keras.ops.convert_to_numpy(x)


@pytest.fixture(scope="module")
def model():
    return TinyModel(seed=0)


@pytest.fixture(scope="module")
def targets(model):
    """Images of known latents: 16 held-out digits of the tiny model."""
    return _prior_sample(model, 16, seed=123)


def _prior_sample(model, n, seed):
    rng = np.random.default_rng(seed)
    latents = np.concatenate(
        [
            rng.normal(size=(n, 3)),
            np.eye(3)[rng.integers(0, 3, n)],
            rng.uniform(-1, 1, (n, 1)),
        ],
        axis=1,
    ).astype("float32")
    return latents, model.generate(latents)


@pytest.fixture(scope="module")
def trained(model, targets):
    """An encoder trained for 60 steps against the frozen generator."""
    before = [w.copy() for w in model.generator.get_weights()]
    inverter = EncoderInversion(
        model, encoder=encoder_mlp(model.latent_space.dim), seed=0
    )
    inverter.compile(optimizer=keras.optimizers.Adam(3e-3))
    latents, images = targets
    errors_before = _errors(inverter, latents, images)
    _, train = _prior_sample(model, 1920, seed=7)
    inverter.fit(train, batch_size=32, epochs=1, verbose=0)
    return inverter, before, errors_before


def _errors(inverter, latents, images):
    predicted = inverter.invert(images)
    continuous = np.r_[0:3, 6]
    return (
        float(
            np.mean((predicted[:, continuous] - latents[:, continuous]) ** 2)
        ),
        float(np.mean((inverter.reconstruct(images) - images) ** 2)),
    )


@pytest.fixture(scope="module")
def random_start(model, targets):
    """100 Adam steps from a random start, and the start itself."""
    images = targets[1]
    start = optimization_inversion(model, images, steps=0, seed=1)
    result = optimization_inversion(
        model, images, steps=100, learning_rate=0.1, prior_weight=0, seed=1
    )
    return start, result


def test_optimization_recovers_a_known_latent(model, targets, random_start):
    latents, images = targets
    space = model.latent_space
    start, result = random_start
    assert result.latents.shape == latents.shape
    assert result.history["loss"].shape == (101,)
    continuous = np.r_[0:3, 6]

    def latent_errors(found):
        diff = found[:, continuous] - latents[:, continuous]
        return np.mean(diff**2, axis=1)

    # Most images find their latent; a few may stop in a local minimum.
    after, before = latent_errors(result.latents), latent_errors(start.latents)
    assert np.median(after) < 0.02 * np.median(before)
    assert np.mean(after < 0.05) >= 0.75
    history = result.history["reconstruction"]
    assert history[-1] < 0.05 * history[0]
    assert history[0] == pytest.approx(np.mean(start.reconstruction_errors))
    np.testing.assert_allclose(
        result.reconstruction_errors,
        np.mean((result.reconstructions - images) ** 2, axis=(1, 2, 3)),
        rtol=1e-4,
        atol=1e-7,
    )
    # Categorical code (softmax): the right category; uniform code inside
    # its box.
    lo, hi = space.offsets["cls"]
    hits = np.argmax(result.latents[:, lo:hi], 1) == np.argmax(
        latents[:, lo:hi], 1
    )
    assert hits.mean() >= 0.8
    assert np.all(np.abs(result.latents[:, 6]) <= 1.0)


def test_images_are_optimised_independently(model, targets, random_start):
    # Six images in batches of 4 (the second padded): same latents as when
    # all 16 were optimised together from the same start.
    start, result = random_start
    part = optimization_inversion(
        model,
        targets[1][3:9],
        steps=100,
        learning_rate=0.1,
        prior_weight=0,
        init=start.latents[3:9],
        batch_size=4,
    )
    np.testing.assert_allclose(part.latents, result.latents[3:9], atol=1e-4)


def test_encoder_inversion_trains_only_the_encoder(model, targets, trained):
    inverter, before, (latent_before, pixel_before) = trained
    for original, copy, initial in zip(
        model.generator.get_weights(),
        inverter.generator.get_weights(),
        before,
    ):
        np.testing.assert_array_equal(original, initial)
        np.testing.assert_array_equal(copy, initial)
    assert not inverter.generator.trainable
    assert {id(v) for v in inverter.trainable_variables} == {
        id(v) for v in inverter.encoder.trainable_variables
    }
    latent_after, pixel_after = _errors(inverter, *targets)
    assert latent_after < 0.5 * latent_before
    assert pixel_after < 0.5 * pixel_before
    # Outputs lie on the prior's support.
    out = inverter.invert(targets[1])
    np.testing.assert_allclose(out[:, 3:6].sum(axis=1), 1.0, rtol=1e-5)
    assert np.all(np.abs(out[:, 6]) <= 1.0)


def test_encoder_inversion_saves_and_loads(model, targets, trained, tmp_path):
    inverter = trained[0]
    path = os.path.join(tmp_path, "inverter.keras")
    inverter.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded, EncoderInversion)
    assert loaded.latent_space == model.latent_space
    images = targets[1]
    np.testing.assert_allclose(
        loaded.invert(images), inverter.invert(images), atol=1e-6
    )
    np.testing.assert_allclose(
        loaded.reconstruct(images), inverter.reconstruct(images), atol=1e-6
    )
    assert loaded.get_config()["image_weight"] == inverter.image_weight


def test_hybrid_beats_the_encoder_and_a_random_start(
    model, targets, trained, random_start
):
    images = targets[1]
    inverter = trained[0]
    encoder_only = np.mean((inverter.reconstruct(images) - images) ** 2)
    hybrid = hybrid_inversion(
        model, images, inverter, steps=40, learning_rate=0.1, prior_weight=0
    )
    curve = hybrid.history["reconstruction"]
    assert curve[0] == pytest.approx(encoder_only, rel=1e-4)
    assert curve[-1] < 0.5 * encoder_only
    target = 0.5 * encoder_only
    hybrid_steps = int(np.argmax(curve <= target))
    random_curve = random_start[1].history["reconstruction"][:41]
    random_steps = (
        int(np.argmax(random_curve <= target))
        if np.any(random_curve <= target)
        else len(random_curve)
    )
    assert hybrid_steps < random_steps
    # With the model's own encode(): structured codes, noise at the centre.
    latents = targets[0]
    model.remember(latents)
    q_start = hybrid_inversion(model, images, steps=0)
    np.testing.assert_allclose(
        q_start.latents[:, 3:], latents[:, 3:], atol=1e-5
    )
    np.testing.assert_allclose(q_start.latents[:, :3], 0.0)


def test_masked_inversion_ignores_missing_pixels(model, targets):
    latents, images = targets
    mask = np.ones(IMAGE_SHAPE, "float32")
    mask[:, 4:] = 0.0  # right half missing
    result = masked_inversion(
        model, images, mask, steps=100, learning_rate=0.1, seed=3
    )
    scribbled = images.copy()
    scribbled[:, :, 4:] = np.random.default_rng(0).random(
        scribbled[:, :, 4:].shape
    )
    again = masked_inversion(
        model, scribbled, mask, steps=100, learning_rate=0.1, seed=3
    )
    np.testing.assert_array_equal(again.latents, result.latents)
    np.testing.assert_array_equal(
        again.completions[:, :, 4:], result.completions[:, :, 4:]
    )
    # Observed pixels are pasted; the missing half is filled in far better
    # than by the mean image.
    np.testing.assert_array_equal(
        again.completions[:, :, :4], scribbled[:, :, :4]
    )
    hidden_error = np.mean((result.completions - images)[:, :, 4:] ** 2)
    baseline = np.mean((images.mean(0) - images)[:, :, 4:] ** 2)
    assert hidden_error < 0.2 * baseline
    raw = masked_inversion(
        model, images, mask, steps=0, paste=False, init=latents
    )
    np.testing.assert_allclose(raw.completions, images, atol=1e-4)


def test_inputs_are_validated(model, targets):
    latents, images = targets
    with pytest.raises(ValueError, match=r"shape \(8, 8, 1\).*\(2, 9, 9, 1\)"):
        optimization_inversion(model, np.zeros((2, 9, 9, 1)), steps=1)
    with pytest.raises(ValueError, match=r"images\[None\]"):
        optimization_inversion(model, images[0], steps=1)
    with pytest.raises(ValueError, match="255"):
        optimization_inversion(model, images * 255, steps=1)
    with pytest.raises(ValueError, match=r"init.*\(batch, 7\)"):
        optimization_inversion(model, images, init=np.zeros((16, 5)))
    with pytest.raises(ValueError, match="one starting latent per image"):
        optimization_inversion(model, images, init=latents[:3])
    with pytest.raises(ValueError, match="mask must have"):
        masked_inversion(model, images, np.ones((8, 7)))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        masked_inversion(model, images, np.full((8, 8), 2.0))
    empty = np.ones((16, 8, 8), "float32")
    empty[3] = 0.0
    with pytest.raises(ValueError, match=r"image\(s\) \[3\]"):
        masked_inversion(model, images, empty)
    with pytest.raises(ValueError, match=r"Dense\(7\)"):
        EncoderInversion(model, encoder=encoder_mlp(5))
    with pytest.raises(ValueError, match="latent_weight > 0"):
        EncoderInversion(model, latent_weight=0, image_weight=0)
    with pytest.raises(ValueError, match="feature_extractor"):
        optimization_inversion(model, images, feature_weight=1.0)
