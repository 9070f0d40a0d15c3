"""Bad presets: each fails with an error naming the problem and the fix."""

import json
import os

import pytest

import keras_disentangle
from keras_disentangle.presets import CorruptPresetError
from keras_disentangle.presets import PresetClassMismatchError
from keras_disentangle.presets import PresetError
from keras_disentangle.presets import PresetFileNotFoundError
from keras_disentangle.presets import UnknownPresetError
from keras_disentangle.presets import UnsafePresetError
from tests.presets.conftest import TinyGenerator

InfoGAN = keras_disentangle.InfoGAN


def _edit_json(directory, name, edit):
    path = os.path.join(directory, name)
    with open(path) as f:
        value = json.load(f)
    value = edit(value) or value
    with open(path, "w") as f:
        json.dump(value, f)


def test_unknown_name_lists_builtin_presets():
    with pytest.raises(UnknownPresetError) as info:
        InfoGAN.from_preset("mnist_typo")
    message = str(info.value)
    assert "Unknown preset 'mnist_typo'" in message
    assert "mnist (InfoGAN, hf://keras-disentangle/infogan-mnist)" in message
    assert isinstance(info.value, ValueError)


def test_repo_id_without_scheme_suggests_hf_handle():
    with pytest.raises(UnknownPresetError, match="hf://someone/infogan"):
        InfoGAN.from_preset("someone/infogan")


def test_file_instead_of_directory(saved_preset):
    with pytest.raises(UnknownPresetError, match="is a file"):
        InfoGAN.from_preset(os.path.join(saved_preset, "config.json"))


@pytest.mark.parametrize("name", ["model.weights.h5", "config.json"])
def test_missing_files_are_named(preset_copy, name):
    os.remove(os.path.join(preset_copy, name))
    with pytest.raises(PresetFileNotFoundError) as info:
        InfoGAN.from_preset(preset_copy)
    assert f"is missing {name}" in str(info.value)
    assert isinstance(info.value, FileNotFoundError)


def test_truncated_weights(preset_copy):
    path = os.path.join(preset_copy, "model.weights.h5")
    with open(path, "r+b") as f:
        f.truncate(os.path.getsize(path) // 3)
    with pytest.raises(CorruptPresetError) as info:
        InfoGAN.from_preset(preset_copy)
    message = str(info.value)
    assert "model.weights.h5" in message and "truncated" in message
    assert path in message


def test_damaged_weights_of_the_same_size(preset_copy):
    path = os.path.join(preset_copy, "model.weights.h5")
    with open(path, "r+b") as f:
        f.seek(os.path.getsize(path) // 2)
        f.write(b"\0" * 4096)
    with pytest.raises(CorruptPresetError, match="SHA-256"):
        InfoGAN.from_preset(preset_copy)


def test_truncated_weights_without_a_checksum(preset_copy):
    _edit_json(preset_copy, "metadata.json", lambda m: m.pop("weights"))
    path = os.path.join(preset_copy, "model.weights.h5")
    with open(path, "r+b") as f:
        f.truncate(os.path.getsize(path) // 3)
    with pytest.raises(CorruptPresetError, match="model.weights.h5 of"):
        InfoGAN.from_preset(preset_copy)


def test_weights_of_another_architecture(preset_copy, tmp_path):
    other = InfoGAN(image_shape=(32, 32, 1))
    other.save_to_preset(tmp_path / "other")
    os.replace(
        tmp_path / "other" / "model.weights.h5",
        os.path.join(preset_copy, "model.weights.h5"),
    )
    _edit_json(preset_copy, "metadata.json", lambda m: m.pop("weights"))
    with pytest.raises(CorruptPresetError) as info:
        InfoGAN.from_preset(preset_copy)
    assert "Keras could not load it into InfoGAN" in str(info.value)


def test_config_that_is_not_json(preset_copy):
    with open(os.path.join(preset_copy, "config.json"), "w") as f:
        f.write('{"class_name": "InfoGAN", ')
    with pytest.raises(CorruptPresetError, match="config.json of .* not valid"):
        InfoGAN.from_preset(preset_copy)


def test_unregistered_class(preset_copy):
    def edit(config):
        config["class_name"] = "BetaVAE9000"
        config["registered_name"] = "keras_disentangle>BetaVAE9000"

    _edit_json(preset_copy, "config.json", edit)
    with pytest.raises(UnsafePresetError) as info:
        InfoGAN.from_preset(preset_copy)
    message = str(info.value)
    assert "'keras_disentangle>BetaVAE9000'" in message
    assert "not registered" in message and "upgrade" in message


def test_preset_of_another_model_class(tmp_path, saved_preset):
    TinyGenerator().save_to_preset(tmp_path / "tiny")
    with pytest.raises(PresetClassMismatchError) as info:
        InfoGAN.from_preset(tmp_path / "tiny")
    message = str(info.value)
    assert "holds a TinyGenerator" in message and "not an InfoGAN" in message
    with pytest.raises(PresetClassMismatchError, match="holds an InfoGAN"):
        TinyGenerator.from_preset(saved_preset)
    model = keras_disentangle.GenerativeModel.from_preset(tmp_path / "tiny")
    assert isinstance(model, TinyGenerator)


def test_all_errors_share_a_base_class():
    with pytest.raises(PresetError):
        InfoGAN.from_preset("no-such-preset")
