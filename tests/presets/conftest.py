"""Shared fixtures: one InfoGAN, its saved preset, and a local fake Hub."""

import os
import shutil

import keras
import numpy as np
import pytest

import keras_disentangle
from keras_disentangle.latent import LatentSpace
from keras_disentangle.latent import NoiseCode
from keras_disentangle.models.generative_model import GenerativeModel
from tests.presets.hub_server import FakeHub


@keras.saving.register_keras_serializable(package="keras_disentangle")
class TinyGenerator(keras.Model, GenerativeModel):
    """A second model class (test only): a dense decoder from 4 noise dims."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.latent_space = LatentSpace([NoiseCode("z", 4)])
        inputs = keras.Input((4,))
        x = keras.layers.Dense(28 * 28, activation="sigmoid")(inputs)
        outputs = keras.layers.Reshape((28, 28, 1))(x)
        self.generator = keras.Model(inputs, outputs, name="generator")
        self.built = True

    def call(self, latents):
        return self.generator(latents)


@pytest.fixture(scope="session")
def infogan():
    return keras_disentangle.InfoGAN(seed=1)


@pytest.fixture(scope="session")
def latents():
    """Explicit codes: 4 digits x 2 continuous values, noise fixed."""
    rng = np.random.default_rng(0)
    z = rng.uniform(-1, 1, (8, 62))
    digit = np.eye(10)[[0, 1, 2, 3, 4, 5, 6, 7]]
    c = rng.uniform(-2, 2, (8, 2))
    return np.concatenate([z, digit, c], axis=1).astype("float32")


@pytest.fixture(scope="session")
def reference_images(infogan, latents):
    return infogan.generate(latents)


@pytest.fixture(scope="session")
def saved_preset(infogan, reference_images, tmp_path_factory):
    """A float32 preset of `infogan`, written once per session."""
    directory = tmp_path_factory.mktemp("presets") / "infogan"
    infogan.save_to_preset(
        directory,
        metadata={
            "dataset": "none (untrained test model)",
            "training_steps": 0,
            "metrics": {"digit_accuracy": 0.1},
            "description": "An untrained InfoGAN for tests.",
        },
        traversal_image=reference_images[:4, ..., 0].reshape(-1, 28),
    )
    return str(directory)


@pytest.fixture
def preset_copy(saved_preset, tmp_path):
    """A private copy of `saved_preset` that a test may damage."""
    target = tmp_path / "preset"
    shutil.copytree(saved_preset, target)
    return str(target)


@pytest.fixture(scope="session")
def hub_server():
    hub = FakeHub().start()
    yield hub
    hub.stop()


@pytest.fixture
def hub(hub_server, tmp_path, monkeypatch):
    """The fake Hub as `HF_ENDPOINT`, with an empty cache in `tmp_path`."""
    monkeypatch.setenv("HF_ENDPOINT", hub_server.url)
    cache = str(tmp_path / "hf_home" / "hub")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf_home"))
    monkeypatch.setenv("HF_HUB_CACHE", cache)
    monkeypatch.setenv("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("HF_TOKEN", raising=False)
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(huggingface_hub.constants, "ENDPOINT", hub_server.url)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", cache)
    hub_server.requests.clear()
    return hub_server


def assert_same_images(model, latents, reference, atol=0.0):
    images = model.generate(latents)
    np.testing.assert_allclose(images, reference, rtol=0, atol=atol)


def repo_name(request):
    """A repository id unique to the calling test."""
    return f"tests/{request.node.name.replace('[', '-').rstrip(']')}"[:90]


os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
