"""Writing a model to a preset directory."""

import datetime
import os

import keras
import numpy as np

from keras_disentangle.presets.model_card import model_card
from keras_disentangle.presets.preset_format import CONFIG_FILE
from keras_disentangle.presets.preset_format import METADATA_FILE
from keras_disentangle.presets.preset_format import README_FILE
from keras_disentangle.presets.preset_format import TRAVERSAL_FILE
from keras_disentangle.presets.preset_format import WEIGHTS_FILE
from keras_disentangle.presets.preset_format import write_json
from keras_disentangle.presets.safe_config import check_config_is_safe
from keras_disentangle.presets.weights_file import save_weights
from keras_disentangle.version import __version__

_RESERVED_METADATA = ("class_name", "registered_name", "weights")


def save_preset(
    model,
    preset_dir,
    metadata=None,
    weights_dtype="float32",
    traversal_image=None,
):
    """Writes `model` as a preset; see `PresetMixin.save_to_preset`."""
    preset_dir = os.fspath(preset_dir)
    metadata = dict(metadata or {})
    reserved = [key for key in _RESERVED_METADATA if key in metadata]
    if reserved:
        raise ValueError(
            f"metadata may not set {reserved}; save_to_preset() records them "
            "itself."
        )
    config = _strip_build_state(keras.saving.serialize_keras_object(model))
    registered = config.get("registered_name")
    if not registered or ">" not in registered:
        raise ValueError(
            f"{type(model).__name__} is not registered with "
            "@keras.saving.register_keras_serializable(package="
            "'keras_disentangle'), so a preset could not name its class."
        )
    check_config_is_safe(config, f"the {type(model).__name__} being saved")
    os.makedirs(preset_dir, exist_ok=True)

    weights = save_weights(
        model, os.path.join(preset_dir, WEIGHTS_FILE), dtype=weights_dtype
    )
    write_json(os.path.join(preset_dir, CONFIG_FILE), config)

    full = {
        "class_name": type(model).__name__,
        "registered_name": registered,
        "keras_disentangle_version": __version__,
        "keras_version": keras.__version__,
        "backend": keras.backend.backend(),
        "parameter_count": int(model.count_params()),
        "date_saved": datetime.datetime.now(datetime.timezone.utc)
        .replace(microsecond=0)
        .isoformat(),
    }
    full.update(_jsonable(metadata))
    full["weights"] = {"file": WEIGHTS_FILE, **weights}

    traversal_file = None
    traversal_path = os.path.join(preset_dir, TRAVERSAL_FILE)
    if traversal_image is not None:
        _write_traversal(traversal_image, traversal_path)
        traversal_file = TRAVERSAL_FILE
    elif os.path.exists(traversal_path):
        os.remove(traversal_path)
    write_json(os.path.join(preset_dir, METADATA_FILE), full)
    with open(
        os.path.join(preset_dir, README_FILE), "w", encoding="utf-8"
    ) as f:
        f.write(model_card(config, full, traversal_file))
    return preset_dir


def _write_traversal(image, path):
    if isinstance(image, (str, os.PathLike)):
        import shutil

        shutil.copyfile(os.fspath(image), path)
        return
    from keras_disentangle.utils.image_grid import save_image_grid

    array = np.asarray(image)
    if array.dtype != np.uint8:
        array = np.round(np.clip(array, 0.0, 1.0) * 255).astype("uint8")
    if array.ndim == 3 and array.shape[-1] == 1:
        array = array[..., 0]
    save_image_grid(path, array)


def _strip_build_state(config):
    """Drops `build_config` / `compile_config` at every level (KerasHub)."""
    if isinstance(config, dict):
        return {
            key: _strip_build_state(value)
            for key, value in config.items()
            if key not in ("build_config", "compile_config")
        }
    if isinstance(config, list):
        return [_strip_build_state(value) for value in config]
    return config


def _jsonable(value):
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value
