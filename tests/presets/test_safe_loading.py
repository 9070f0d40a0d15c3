"""Malicious configs are refused before anything they name can run."""

import json
import os
import sys

import keras
import pytest

import keras_disentangle
from keras_disentangle.presets import UnsafePresetError
from keras_disentangle.presets import check_config_is_safe


@pytest.fixture
def sentinel(tmp_path):
    """A file that any executed payload would create."""
    path = tmp_path / "payload_ran"
    yield str(path)
    assert not path.exists(), "a payload from the preset config was executed"


def _load_with(preset_dir, edit):
    path = os.path.join(preset_dir, "config.json")
    with open(path) as f:
        config = json.load(f)
    config = edit(config) or config
    with open(path, "w") as f:
        json.dump(config, f)
    return keras_disentangle.InfoGAN.from_preset(preset_dir)


def _lambda_layer_config(sentinel):
    payload = lambda x: (open(sentinel, "w").close(), x)[1]  # noqa: E731
    return keras.saving.serialize_keras_object(keras.layers.Lambda(payload))


def test_lambda_layer_is_refused(preset_copy, sentinel):
    layer = _lambda_layer_config(sentinel)

    def edit(config):
        config["config"]["dtype"] = layer

    with pytest.raises(UnsafePresetError, match="__lambda__|'Lambda'"):
        _load_with(preset_copy, edit)


def test_lambda_function_config_is_refused(preset_copy, sentinel):
    function = _lambda_layer_config(sentinel)["config"]["function"]
    assert function["class_name"] == "__lambda__"

    def edit(config):
        codes = config["config"]["latent_space"]["codes"]
        codes[0]["config"]["distribution"] = function

    with pytest.raises(UnsafePresetError, match="serialized lambda"):
        _load_with(preset_copy, edit)


@pytest.mark.parametrize(
    "payload",
    [
        {"module": "os", "class_name": "system", "config": {}},
        {
            "module": "subprocess",
            "class_name": "Popen",
            "config": {"args": ["touch", "x"]},
            "registered_name": "subprocess>Popen",
        },
        {
            "module": "builtins",
            "class_name": "function",
            "config": "eval",
            "registered_name": "eval",
        },
        {
            "module": "keras.layers",
            "class_name": "TorchModuleWrapper",
            "config": {},
        },
        {"module": "keras.layers", "class_name": "TFSMLayer", "config": {}},
        {
            "class_name": "system",
            "config": {},
            "module": None,
            "registered_name": "os>system",
        },
    ],
    ids=["os", "subprocess", "function", "torch-wrapper", "tfsm", "os-name"],
)
def test_foreign_modules_and_functions_are_refused(
    preset_copy, sentinel, payload
):
    def edit(config):
        config["config"]["dtype"] = payload

    with pytest.raises(UnsafePresetError, match="Refusing to load"):
        _load_with(preset_copy, edit)


def test_registered_name_with_a_foreign_module_is_refused(preset_copy):
    def edit(config):
        config["module"] = "os"

    with pytest.raises(UnsafePresetError, match="module 'os'"):
        _load_with(preset_copy, edit)


def test_unknown_module_is_never_imported(
    preset_copy, sentinel, tmp_path, monkeypatch
):
    payload_dir = tmp_path / "payload_module"
    payload_dir.mkdir()
    (payload_dir / "kd_preset_payload.py").write_text(
        f"open({sentinel!r}, 'w').close()\n"
        "class Payload:\n"
        "    @classmethod\n"
        "    def from_config(cls, config):\n"
        "        return cls()\n"
    )
    monkeypatch.syspath_prepend(str(payload_dir))

    def edit(config):
        config["config"]["dtype"] = {
            "module": "kd_preset_payload",
            "class_name": "Payload",
            "config": {},
            "registered_name": "Payload",
        }

    with pytest.raises(UnsafePresetError, match="kd_preset_payload"):
        _load_with(preset_copy, edit)
    assert "kd_preset_payload" not in sys.modules


def test_top_level_plain_keras_model_is_refused(preset_copy):
    inputs = keras.Input((74,))
    outputs = keras.layers.Dense(784)(inputs)
    functional = keras.saving.serialize_keras_object(
        keras.Model(inputs, outputs)
    )
    with pytest.raises(UnsafePresetError, match="no registered"):
        _load_with(preset_copy, lambda config: functional)


def test_safe_configs_pass(infogan):
    check_config_is_safe(keras.saving.serialize_keras_object(infogan))
    inputs = keras.Input((3,))
    x = keras.layers.Dense(
        4, kernel_initializer=keras.initializers.RandomNormal(stddev=0.1)
    )(inputs)
    x = keras.layers.BatchNormalization()(x)
    model = keras.Model(inputs, keras.layers.LeakyReLU(0.1)(x))
    check_config_is_safe(keras.saving.serialize_keras_object(model))
    check_config_is_safe(
        keras.saving.serialize_keras_object(keras.optimizers.Adam(1e-3))
    )
