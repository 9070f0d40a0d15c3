"""The presets shipped inside the package, with their Hub handles.

Each built-in preset lives in `keras_disentangle/presets/builtin/<name>/`
and is installed with the package, so `from_preset(name)` needs no network.
A copy without the files (a source checkout before the preset was trained)
falls back to the preset's `hf://` handle.
"""

import importlib.resources
import os

import keras

BUILTIN_PRESETS = {
    "mnist": {
        "class_name": "keras_disentangle>InfoGAN",
        "description": (
            "InfoGAN (Chen et al., 2016) trained on MNIST 28x28: a 10-way "
            "categorical code ('digit') that clusters the digits, two "
            "continuous codes (c1, c2, uniform on [-1, 1]) and 62 noise "
            "dimensions, all learned without labels."
        ),
        "hf_handle": "hf://keras-disentangle/infogan-mnist",
    },
    "mnist_digits": {
        "class_name": "keras_disentangle>FeatureClassifier",
        "description": (
            "A small CNN digit classifier trained on MNIST; its 64-d feature "
            "layer replaces Inception for Frechet distance, KID and "
            "precision/recall of 28x28 digits."
        ),
        "hf_handle": "hf://keras-disentangle/feature-classifier-mnist",
    },
    "dsprites_shapes": {
        "class_name": "keras_disentangle>FeatureClassifier",
        "description": (
            "A small CNN that tells dSprites' three shapes (square, ellipse, "
            "heart) apart in 64x64 images; its 64-d feature layer serves the "
            "quality metrics on dSprites."
        ),
        "hf_handle": "hf://keras-disentangle/feature-classifier-dsprites",
    },
}


def builtin_preset_dir(name):
    """The installed directory of the built-in preset `name`."""
    root = importlib.resources.files("keras_disentangle.presets")
    return os.fspath(root.joinpath("builtin", name))


def builtin_presets_for(cls):
    """`{name: description}` of the built-in presets `cls` can load."""
    presets = {}
    for name, preset in BUILTIN_PRESETS.items():
        preset_cls = keras.saving.get_registered_object(preset["class_name"])
        if isinstance(preset_cls, type) and issubclass(preset_cls, cls):
            presets[name] = preset["description"]
    return presets


def describe_builtin_presets(cls=None):
    """One line per built-in preset, for error messages and the CLI."""
    lines = []
    for name, preset in BUILTIN_PRESETS.items():
        class_name = preset["class_name"].split(">")[-1]
        if cls is not None and name not in builtin_presets_for(cls):
            continue
        lines.append(f"  {name} ({class_name}, {preset['hf_handle']})")
    return "\n".join(lines) or "  (none)"
