"""Resolving a preset handle to a directory, and loading a model from it."""

import os

import keras

from keras_disentangle.backend import engine
from keras_disentangle.presets.builtin_presets import BUILTIN_PRESETS
from keras_disentangle.presets.builtin_presets import builtin_preset_dir
from keras_disentangle.presets.builtin_presets import describe_builtin_presets
from keras_disentangle.presets.errors import CorruptPresetError
from keras_disentangle.presets.errors import PresetClassMismatchError
from keras_disentangle.presets.errors import PresetError
from keras_disentangle.presets.errors import PresetFileNotFoundError
from keras_disentangle.presets.errors import UnknownPresetError
from keras_disentangle.presets.errors import UnsafePresetError
from keras_disentangle.presets.hub import download_preset
from keras_disentangle.presets.preset_format import CONFIG_FILE
from keras_disentangle.presets.preset_format import HF_SCHEME
from keras_disentangle.presets.preset_format import METADATA_FILE
from keras_disentangle.presets.preset_format import WEIGHTS_FILE
from keras_disentangle.presets.preset_format import check_preset_files
from keras_disentangle.presets.preset_format import missing_files
from keras_disentangle.presets.preset_format import read_json
from keras_disentangle.presets.safe_config import check_config_is_safe
from keras_disentangle.presets.weights_file import load_weights as load_file


def resolve_preset(preset, offline=None, token=None, force_download=False):
    """Finds the local directory of a preset.

    Args:
        preset: a built-in name (`"mnist"`), a local directory, or a Hub
            handle `"hf://owner/repo"` / `"hf://owner/repo@revision"`.
        offline, token, force_download: see `download_preset`.

    Returns:
        `(directory, source, fix)`: the folder holding the preset files, a
        description of the preset for messages, and how to repair it.
    """
    if isinstance(preset, os.PathLike):
        preset = os.fspath(preset)
    if not isinstance(preset, str):
        raise TypeError(
            "A preset is a built-in name, a directory or an 'hf://owner/repo"
            f"[@revision]' handle. Received: {preset!r}"
        )
    if preset.startswith(HF_SCHEME):
        folder = download_preset(
            preset, offline=offline, token=token, force_download=force_download
        )
        return folder, f"the Hub preset {preset}", _hub_fix(preset, folder)
    if preset in BUILTIN_PRESETS:
        return _resolve_builtin(preset, offline, token, force_download)
    if os.path.isdir(preset):
        return (
            preset,
            f"the preset directory {preset!r}",
            "Save the preset again with `model.save_to_preset(...)`, or copy "
            "it again from where it came from.",
        )
    if os.path.isfile(preset):
        raise UnknownPresetError(
            f"{preset!r} is a file; pass the preset directory that holds "
            f"{CONFIG_FILE}, {METADATA_FILE} and {WEIGHTS_FILE}."
        )
    hint = ""
    if preset.count("/") == 1 and not preset.startswith((".", "/", "~")):
        hint = (
            f" For a Hugging Face Hub repository write '{HF_SCHEME}{preset}'."
        )
    raise UnknownPresetError(
        f"Unknown preset {preset!r}: it is neither a built-in preset name nor "
        f"an existing directory.{hint} Built-in presets:\n"
        f"{describe_builtin_presets()}\n"
        "Or pass a preset directory, or a Hub handle 'hf://owner/repo' / "
        "'hf://owner/repo@revision'."
    )


def _resolve_builtin(name, offline, token, force_download):
    directory = builtin_preset_dir(name)
    source = f"the built-in preset {name!r}"
    if not missing_files(directory):
        fix = (
            "The installed package is damaged: reinstall it with `pip install "
            "--force-reinstall keras-disentangle`."
        )
        return directory, source, fix
    handle = BUILTIN_PRESETS[name]["hf_handle"]
    try:
        folder = download_preset(
            handle, offline=offline, token=token, force_download=force_download
        )
    except (PresetError, ImportError) as error:
        raise PresetFileNotFoundError(
            f"{source} is not bundled with this installation ({directory!r} "
            f"lacks {', '.join(missing_files(directory))}), and its Hub copy "
            f"{handle} could not be loaded: {error}\nInstall a release of "
            "keras-disentangle (which ships the preset), or reproduce it with "
            "`python presets/train_infogan_mnist.py` from a source checkout."
        ) from error
    return folder, f"{source} ({handle})", _hub_fix(handle, folder)


def _hub_fix(handle, folder):
    return (
        f"Download it again with from_preset({handle!r}, "
        f"force_download=True), or delete the cached copy {folder!r}."
    )


def load_preset(
    cls,
    preset,
    load_weights=True,
    offline=None,
    token=None,
    force_download=False,
    **kwargs,
):
    """Builds a `cls` instance from a preset; see `PresetMixin.from_preset`."""
    directory, source, fix = resolve_preset(
        preset, offline=offline, token=token, force_download=force_download
    )
    check_preset_files(directory, source, fix)
    config = read_json(directory, CONFIG_FILE, source)
    metadata = read_json(directory, METADATA_FILE, source)
    check_config_is_safe(config, source)
    preset_cls = _preset_class(config, metadata, source)
    if not issubclass(preset_cls, cls):
        name = preset_cls.__name__
        raise PresetClassMismatchError(
            f"{source} holds {_a(name)} ({config['registered_name']}), not "
            f"{_a(cls.__name__)}. Load it with keras_disentangle.{name}."
            f"from_preset({preset!r}), or with keras_disentangle."
            f"GenerativeModel.from_preset({preset!r}) for whichever class it "
            "holds."
        )
    if kwargs:
        config = dict(config)
        config["config"] = {**config.get("config", {}), **kwargs}

    def build():
        try:
            return keras.saving.deserialize_keras_object(config, safe_mode=True)
        except (TypeError, ValueError, KeyError) as error:
            given = f" with the overrides {sorted(kwargs)}" if kwargs else ""
            raise CorruptPresetError(
                f"{CONFIG_FILE} of {source} could not be turned into a "
                f"{preset_cls.__name__}{given}: {error}"
            ) from error

    if not load_weights:
        return build()
    if kwargs:
        fix = (
            f"The overrides {sorted(kwargs)} may have changed the "
            "architecture; drop them, or pass load_weights=False. " + fix
        )

    def load(model):
        load_file(
            model,
            os.path.join(directory, WEIGHTS_FILE),
            metadata.get("weights") or {},
            source,
            fix,
        )

    return engine().build_then_load(build, load)


def _preset_class(config, metadata, source):
    registered = config.get("registered_name")
    if not isinstance(registered, str) or ">" not in registered:
        raise UnsafePresetError(
            f"{CONFIG_FILE} of {source} names no registered keras_disentangle "
            f"class (registered_name={registered!r}); a preset config must "
            "come from `model.save_to_preset(...)`."
        )
    recorded = metadata.get("registered_name")
    if recorded is not None and recorded != registered:
        raise CorruptPresetError(
            f"{source} is inconsistent: {CONFIG_FILE} holds {registered} but "
            f"{METADATA_FILE} says {recorded}. Save the preset again."
        )
    return keras.saving.get_registered_object(registered)


def _a(name):
    return f"{'an' if name[:1] in 'AEIOU' else 'a'} {name}"
