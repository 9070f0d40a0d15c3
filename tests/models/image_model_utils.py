"""Helpers shared by the tests of the image models (BiGAN, O-GAN, VAE-GAN)."""

import inspect

import keras
import numpy as np
import pytest


def to_numpy(x):
    return keras.ops.convert_to_numpy(x)


def values(variables):
    """Copies of the variables' current values, as numpy arrays."""
    return [np.array(to_numpy(v)) for v in variables]


def assert_moved(variables, before):
    """Every variable differs from its value in `before`."""
    for variable, value in zip(variables, before):
        assert not np.allclose(value, to_numpy(variable)), variable.path


def assert_unchanged(variables, before):
    """Every variable still holds exactly its value in `before`."""
    for variable, value in zip(variables, before):
        np.testing.assert_array_equal(value, to_numpy(variable))


def constructor_defaults(cls):
    """The default value of each argument of `cls`'s constructor."""
    parameters = inspect.signature(cls).parameters
    return {name: p.default for name, p in parameters.items()}


def random_images(n, seed=0):
    return np.random.RandomState(seed).rand(n, 28, 28, 1).astype("float32")


def compile_for(model, optimizer=None, few_steps=False):
    """Eager on TensorFlow for a step or two, graph (not XLA) for more."""
    kwargs = {}
    if keras.backend.backend() == "tensorflow":
        kwargs = {"run_eagerly": True} if few_steps else {"jit_compile": False}
    model.compile(optimizer=optimizer, **kwargs)


def assert_fit_rejects_bad_images(model):
    """`fit()` wants `compile()`, then `(batch, 28, 28, 1)` images in [0, 1].

    Compiles `model` with its default optimizers on the way.
    """
    with pytest.raises(RuntimeError, match=r"model.compile\(\)"):
        model.fit(np.zeros((8, 28, 28, 1), "float32"), verbose=0)
    model.compile()
    with pytest.raises(ValueError, match=r"images\[\.\.\., None\]"):
        model.fit(np.zeros((8, 28, 28), "float32"), verbose=0)
    with pytest.raises(ValueError, match=r"\(batch, 28, 28, 1\)"):
        model.fit(np.zeros((8, 32, 32, 1), "float32"), verbose=0)
    with pytest.raises(ValueError, match=r"\[0, 1\].*/ 255"):
        model.fit(np.full((8, 28, 28, 1), 255.0, "float32"), verbose=0)


def assert_round_trip(model):
    """Serializes `model`, restores it with its weights; returns the copy.

    Checks the copy's class, its config and the images it generates.
    """
    config = keras.saving.serialize_keras_object(model)
    restored = keras.saving.deserialize_keras_object(config)
    assert isinstance(restored, type(model))
    assert restored.get_config() == model.get_config()
    restored.set_weights(model.get_weights())
    z = model.latent_space.concat(model.latent_space.sample(3, seed=0))
    np.testing.assert_allclose(
        to_numpy(model(z)), to_numpy(restored(z)), atol=1e-6
    )
    return restored
