"""Saving and loading presets from local directories."""

import json
import os

import h5py
import keras
import numpy as np
import pytest

import keras_disentangle
from keras_disentangle.datasets import load_mnist
from keras_disentangle.metrics import clustering_accuracy
from keras_disentangle.presets import builtin_presets
from keras_disentangle.presets import preset_loader
from tests.presets.conftest import TinyGenerator
from tests.presets.conftest import assert_same_images


def test_layout_and_metadata(saved_preset):
    files = sorted(os.listdir(saved_preset))
    assert files == [
        "README.md",
        "config.json",
        "metadata.json",
        "model.weights.h5",
        "traversal.png",
    ]
    with open(os.path.join(saved_preset, "config.json")) as f:
        config = json.load(f)
    assert config["registered_name"] == "keras_disentangle>InfoGAN"
    assert config["config"]["latent_space"]["codes"][1]["config"] == {
        "name": "digit",
        "num_categories": 10,
        "regularized": True,
    }
    assert "build_config" not in config and "compile_config" not in config
    with open(os.path.join(saved_preset, "metadata.json")) as f:
        metadata = json.load(f)
    assert metadata["keras_version"] == keras.__version__
    assert metadata["keras_disentangle_version"] == (
        keras_disentangle.__version__
    )
    assert metadata["backend"] == keras.backend.backend()
    assert metadata["training_steps"] == 0
    assert metadata["metrics"] == {"digit_accuracy": 0.1}
    assert metadata["parameter_count"] == 13361934
    weights = metadata["weights"]
    assert weights["dtype"] == "float32"
    assert weights["size"] == os.path.getsize(
        os.path.join(saved_preset, "model.weights.h5")
    )
    assert len(weights["sha256"]) == 64
    with open(os.path.join(saved_preset, "README.md")) as f:
        card = f.read()
    assert card.startswith("---\nlibrary_name: keras\n")
    assert "![Latent traversal](traversal.png)" in card
    assert "| Training steps | 0 |" in card


def test_round_trip_gives_identical_images(
    saved_preset, latents, reference_images
):
    model = keras_disentangle.InfoGAN.from_preset(saved_preset)
    assert isinstance(model, keras_disentangle.InfoGAN)
    assert model.latent_space == keras_disentangle.InfoGAN().latent_space
    assert_same_images(model, latents, reference_images)


def test_generative_model_loads_any_class(saved_preset):
    model = keras_disentangle.GenerativeModel.from_preset(saved_preset)
    assert type(model) is keras_disentangle.InfoGAN


def test_pathlike_kwargs_and_no_weights(saved_preset, infogan):
    import pathlib

    model = keras_disentangle.InfoGAN.from_preset(
        pathlib.Path(saved_preset), load_weights=False, seed=7
    )
    assert model.seed == 7
    kernel = model.generator.layers[1].kernel
    reference = infogan.generator.layers[1].kernel
    assert not np.allclose(
        keras.ops.convert_to_numpy(kernel),
        keras.ops.convert_to_numpy(reference),
    )


def _seed_state(model):
    return keras.ops.convert_to_numpy(model.seed_generator.state)


@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_compiled_model_saves_no_optimizer_or_seed_state(dtype, tmp_path):
    model = keras_disentangle.InfoGAN(seed=2)
    model.compile()
    # As after training: the sampler's state has moved on from the seed.
    state = model.seed_generator.state
    state.assign(np.array([2, 40], dtype=state.dtype))
    directory = tmp_path / "compiled"
    model.save_to_preset(directory, weights_dtype=dtype)
    with h5py.File(directory / "model.weights.h5") as f:
        assert "optimizer" not in f
        assert "d_head" in f and "generator" in f
        names = []
        f.visit(names.append)
    assert not [name for name in names if "seed_state" in name]
    # Sampling starts from the config's seed, or the one passed.
    for kwargs, seed in (({}, 2), ({"seed": 5}, 5)):
        loaded = keras_disentangle.InfoGAN.from_preset(directory, **kwargs)
        np.testing.assert_array_equal(
            _seed_state(loaded),
            _seed_state(keras_disentangle.InfoGAN(seed=seed)),
        )


def test_float16_storage_is_small_and_close(
    infogan, latents, reference_images, saved_preset, tmp_path
):
    directory = tmp_path / "half"
    infogan.save_to_preset(directory, weights_dtype="float16")
    size = os.path.getsize(directory / "model.weights.h5")
    assert size < 0.5 * os.path.getsize(
        os.path.join(saved_preset, "model.weights.h5")
    )
    model = keras_disentangle.InfoGAN.from_preset(directory)
    assert {v.dtype for v in model.weights} == {"float32"}
    difference = np.abs(model.generate(latents) - reference_images).max()
    assert difference < 1e-3, difference
    with open(directory / "README.md") as f:
        assert "stored as float16" in f.read()


def test_presets_property():
    assert "mnist" in keras_disentangle.InfoGAN.presets
    assert "MNIST" in keras_disentangle.InfoGAN.presets["mnist"]
    assert "mnist" in keras_disentangle.GenerativeModel.presets
    assert TinyGenerator.presets == {}
    assert keras_disentangle.InfoGAN(seed=0).presets.keys() == {"mnist"}


def test_builtin_name_resolves_inside_the_package(
    saved_preset, latents, reference_images, tmp_path, monkeypatch
):
    """A built-in name loads from the installed folder, from any cwd."""
    monkeypatch.setattr(
        preset_loader, "builtin_preset_dir", lambda name: saved_preset
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    model = keras_disentangle.InfoGAN.from_preset("mnist")
    assert_same_images(model, latents, reference_images)


def test_builtin_directory_is_inside_the_package():
    directory = builtin_presets.builtin_preset_dir("mnist")
    package = os.path.dirname(keras_disentangle.__file__)
    assert directory == os.path.join(package, "presets", "builtin", "mnist")


def test_builtin_mnist_preset(monkeypatch, mnist_dir):
    directory = builtin_presets.builtin_preset_dir("mnist")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    model = keras_disentangle.InfoGAN.from_preset("mnist")
    images = model.generate(4, seed=0)
    assert images.shape == (4, 28, 28, 1)
    with open(os.path.join(directory, "metadata.json")) as f:
        metadata = json.load(f)
    # The shipped weights are the trained ones: the categorical code
    # clusters real test digits as well as metadata.json says.
    test_images, test_labels = load_mnist("test", data_dir=mnist_dir)
    clusters = model.encode(test_images)["digit"].argmax(axis=1)
    accuracy = clustering_accuracy(test_labels, clusters)
    reported = metadata["metrics"]["test_digit_accuracy_hungarian"]
    assert abs(accuracy - reported) < 0.005, (accuracy, reported)
    assert metadata["hf_handle"] == "hf://keras-disentangle/infogan-mnist"
    assert metadata["dataset"].startswith("MNIST")
    total = sum(
        os.path.getsize(os.path.join(root, name))
        for root, _, names in os.walk(os.path.dirname(directory))
        for name in names
    )
    assert total <= 25_000_000, total


def test_loaded_preset_is_fully_initialized_and_trains(saved_preset):
    """Loading skips the random initializers (on JAX); every variable must
    still hold a value, and training must continue from the loaded one."""
    model = keras_disentangle.InfoGAN.from_preset(saved_preset)
    for variable in model.variables:
        value = keras.ops.convert_to_numpy(variable.value)
        assert value.shape == tuple(variable.shape)
        assert np.all(np.isfinite(value)), variable.path
    before = keras.ops.convert_to_numpy(model.generator.layers[1].kernel)
    model.compile()
    rng = np.random.default_rng(0)
    images = rng.random((8, 28, 28, 1)).astype("float32")
    history = model.fit(images, batch_size=8, epochs=1, verbose=0)
    assert np.isfinite(history.history["g_loss"][-1])
    after = keras.ops.convert_to_numpy(model.generator.layers[1].kernel)
    assert 0 < np.max(np.abs(after - before)) < 0.1
    # A model built afterwards gets ordinary random initial weights.
    fresh = keras_disentangle.InfoGAN(seed=3)
    kernel = keras.ops.convert_to_numpy(fresh.generator.layers[1].kernel)
    assert np.std(kernel) > 0
