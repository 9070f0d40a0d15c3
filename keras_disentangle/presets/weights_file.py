"""Writing, checking and loading a preset's `model.weights.h5`.

Weights are saved with `keras.saving.save_weights`, without optimizer,
metric or random seed state (a preset starts sampling from its config's
`seed`, which `from_preset(..., seed=...)` can override). With
`dtype="float16"` the file is rewritten so that every float32 kernel (2 or
more axes, at least 1024 entries) is stored as float16, all datasets
gzip-compressed with byte shuffling; biases and normalization statistics
stay float32. Keras casts each value to its variable's dtype on
load, so a float16 file loads into the same float32 model on every backend.
This halves the size of the built-in presets (the 13.4M-parameter MNIST
InfoGAN: 53.5 MB in float32, about 24 MB stored this way); the relative
rounding of each kernel entry is at most 2**-11.

`metadata.json` records the file's size and SHA-256, which `load_weights`
checks first, so a truncated or altered file is reported as such instead of
loading silently.
"""

import hashlib
import os
import shutil
import tempfile
import warnings

import h5py
import keras
import numpy as np

from keras_disentangle.engine.adversarial_model import SEED_STATE_PREFIX
from keras_disentangle.presets.errors import CorruptPresetError

WEIGHT_DTYPES = ("float32", "float16")
_HALF_MIN_SIZE = 1024
# Keras warns, instead of failing, when a file lacks some layers' groups.
_PARTIAL_LOAD = "retain their freshly-initialized weights"
_HALF_MAX = float(np.finfo(np.float16).max)


def save_weights(model, path, dtype="float32"):
    """Saves `model`'s weights to `path`; returns the storage record.

    Args:
        model: a built Keras model.
        path: a file name ending in `.weights.h5`.
        dtype: `"float32"` (exact) or `"float16"` (kernels in half
            precision, see the module docstring).

    Returns:
        A dict for `metadata.json`: `dtype`, `size` and `sha256`.
    """
    if dtype not in WEIGHT_DTYPES:
        raise ValueError(
            f"weights_dtype must be one of {WEIGHT_DTYPES}. Received: {dtype!r}"
        )
    skip = [getattr(model, "optimizer", None)] + list(model.metrics)
    skip = [obj for obj in skip if obj is not None]
    if dtype == "float32":
        keras.saving.save_weights(model, path, objects_to_skip=skip)
        _delete_seed_states(path)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            full = os.path.join(tmp, "full.weights.h5")
            keras.saving.save_weights(model, full, objects_to_skip=skip)
            _delete_seed_states(full)
            _write_half_precision(full, path)
    record = {"dtype": dtype, "size": os.path.getsize(path)}
    record["sha256"] = file_sha256(path)
    if dtype == "float16":
        record["float16_kernels"] = (
            f"float32 kernels with >= {_HALF_MIN_SIZE} entries are stored as "
            "float16 (gzip, shuffle); Keras casts them back to float32 on load"
        )
    return record


def _write_half_precision(source, target):
    def copy(src, dst):
        for key, value in src.attrs.items():
            dst.attrs[key] = value
        for name, obj in src.items():
            if isinstance(obj, h5py.Group):
                copy(obj, dst.create_group(name))
                continue
            array = obj[()]
            if (
                isinstance(array, np.ndarray)
                and array.dtype == np.float32
                and array.ndim >= 2
                and array.size >= _HALF_MIN_SIZE
                and np.all(np.isfinite(array))
                and np.max(np.abs(array)) < _HALF_MAX
            ):
                array = array.astype(np.float16)
            options = {}
            if isinstance(array, np.ndarray) and array.ndim:
                options = {"compression": "gzip", "shuffle": True}
            dataset = dst.create_dataset(name, data=array, **options)
            for key, value in obj.attrs.items():
                dataset.attrs[key] = value

    partial = target + ".partial"
    with h5py.File(source, "r") as src, h5py.File(partial, "w") as dst:
        copy(src, dst)
    shutil.move(partial, target)


def _delete_seed_states(path):
    """Removes the seed states `AdversarialModel` writes with its weights."""
    found = []

    def visit(name, obj):
        last = name.rsplit("/", 1)[-1]
        if isinstance(obj, h5py.Dataset) and last.startswith(SEED_STATE_PREFIX):
            found.append(name)

    with h5py.File(path, "r+") as f:
        f.visititems(visit)
        for name in found:
            del f[name]


def file_sha256(path, chunk_size=1 << 20):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_weights(model, path, record, source, fix):
    """Loads `path` into `model`; raises `CorruptPresetError` with `fix`.

    Args:
        model: the freshly deserialized model.
        path: the preset's `model.weights.h5`.
        record: the `weights` entry of `metadata.json` (may be empty).
        source: how to name the preset in error messages.
        fix: a sentence telling the user how to get a good copy.
    """
    name = os.path.basename(path)

    def corrupt(problem, error=None):
        message = (
            f"{name} of {source} is corrupt: {problem} (file {path!r}). {fix}"
        )
        raise CorruptPresetError(message) from error

    size = os.path.getsize(path)
    expected_size = record.get("size")
    if expected_size is not None and size != expected_size:
        state = "truncated" if size < expected_size else "altered"
        corrupt(
            f"it is {state}: {size} bytes on disk, {expected_size} bytes "
            "recorded in metadata.json"
        )
    expected_hash = record.get("sha256")
    if expected_hash is not None and file_sha256(path) != expected_hash:
        corrupt(
            "its SHA-256 differs from the one recorded in metadata.json "
            "(the file was altered or damaged)"
        )
    if not h5py.is_hdf5(path):
        corrupt("it is not an HDF5 file (truncated, or another format)")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            keras.saving.load_weights(model, path)
        except (OSError, ValueError, KeyError, TypeError) as error:
            corrupt(
                f"Keras could not load it into {type(model).__name__} "
                f"({type(error).__name__}: {_first_line(error)})",
                error,
            )
    partial = [w for w in caught if _PARTIAL_LOAD in str(w.message)]
    if partial:
        corrupt(
            f"it does not match the {type(model).__name__} architecture; "
            f"Keras left layers unloaded ({_first_line(partial[0].message)})"
        )
    for warning in caught:
        warnings.warn_explicit(
            warning.message,
            warning.category,
            warning.filename,
            warning.lineno,
        )


def _first_line(error):
    text = str(error).strip()
    return text.splitlines()[0] if text else repr(error)
