"""The preset directory layout (KerasHub's), and reading its JSON files.

A preset is a directory (or a Hub repository) holding:

- `config.json`: the model by `keras.saving.serialize_keras_object`, with
  its registered class name;
- `metadata.json`: versions, backend, dataset, training steps, metrics and
  how the weights are stored;
- `model.weights.h5`: the weights, in Keras' `.weights.h5` format;
- `README.md`: the model card;
- `traversal.png` (optional): the latent traversal shown in the card.
"""

import json
import os

from keras_disentangle.presets.errors import CorruptPresetError
from keras_disentangle.presets.errors import PresetFileNotFoundError

CONFIG_FILE = "config.json"
METADATA_FILE = "metadata.json"
WEIGHTS_FILE = "model.weights.h5"
README_FILE = "README.md"
TRAVERSAL_FILE = "traversal.png"
REQUIRED_FILES = (CONFIG_FILE, METADATA_FILE, WEIGHTS_FILE)
HF_SCHEME = "hf://"


def missing_files(directory, required=REQUIRED_FILES):
    """The names in `required` that are not files in `directory`."""
    return [
        name
        for name in required
        if not os.path.isfile(os.path.join(directory, name))
    ]


def check_preset_files(directory, source, fix=None):
    """Raises `PresetFileNotFoundError` naming every required file missing."""
    missing = missing_files(directory)
    if missing:
        fix = fix or (
            "Save the preset again with `model.save_to_preset(directory)`, "
            "or copy the missing files next to the others."
        )
        raise PresetFileNotFoundError(
            f"{source} is missing {', '.join(missing)} (looked in "
            f"{directory!r}; a preset needs {', '.join(REQUIRED_FILES)}). "
            f"{fix}"
        )


def read_json(directory, filename, source):
    """Parses `directory/filename`; a clear error if it is not JSON."""
    path = os.path.join(directory, filename)
    try:
        with open(path, encoding="utf-8") as f:
            value = json.load(f)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CorruptPresetError(
            f"{filename} of {source} is not valid JSON ({path!r}: {error}). "
            "The file is corrupt or truncated: download or save the preset "
            "again."
        ) from error
    if not isinstance(value, dict):
        raise CorruptPresetError(
            f"{filename} of {source} must hold a JSON object; found "
            f"{type(value).__name__} in {path!r}."
        )
    return value


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, indent=2, sort_keys=False)
        f.write("\n")
