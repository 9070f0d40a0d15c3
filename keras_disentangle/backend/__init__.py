"""The only place where keras_disentangle touches a backend framework.

Each backend module implements the same functions:

- `train_step(model, *args)`: one adversarial update of an
  `AdversarialModel`, as `model.fit` calls it on that backend.
- `value_and_input_gradient(fn, x)`: `fn(x)` and the gradient of
  `sum(fn(x))` with respect to `x`, differentiable again (second order) for
  penalties such as R1 and WGAN-GP.
- `inference_call(owner, name, fn, *args)`: `fn(*args)` for inference
  outside training (`generate`, `encode`), compiled once per owner and name
  on JAX, eager elsewhere.
- `build_then_load(build, load)`: builds a model and loads its weights,
  skipping the random initializers where they are costly (JAX).
"""

import importlib

import keras

_MODULES = {
    "jax": "keras_disentangle.backend.jax_engine",
    "tensorflow": "keras_disentangle.backend.tensorflow_engine",
    "torch": "keras_disentangle.backend.torch_engine",
}


def engine():
    """Returns the engine module of the active Keras backend."""
    name = keras.backend.backend()
    if name not in _MODULES:
        raise RuntimeError(
            f"keras_disentangle trains on the 'tensorflow', 'jax' and 'torch' "
            f"backends; the active Keras backend is '{name}'. Set the "
            "KERAS_BACKEND environment variable before importing keras."
        )
    return importlib.import_module(_MODULES[name])


def inference_call(owner, name, fn, *args):
    """Runs `fn(*args)` (layers of `owner`, inference only) on the backend."""
    return engine().inference_call(owner, name, fn, *args)
