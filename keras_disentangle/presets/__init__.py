"""Presets: saving, loading and sharing trained models.

`Model.from_preset(name | directory | "hf://owner/repo[@revision]")`,
`model.save_to_preset(directory)`, `upload_preset("hf://owner/repo",
directory)` and `Model.presets`.
"""

from keras_disentangle.presets.builtin_presets import BUILTIN_PRESETS
from keras_disentangle.presets.errors import CorruptPresetError
from keras_disentangle.presets.errors import HubError
from keras_disentangle.presets.errors import PresetClassMismatchError
from keras_disentangle.presets.errors import PresetError
from keras_disentangle.presets.errors import PresetFileNotFoundError
from keras_disentangle.presets.errors import PresetNotCachedError
from keras_disentangle.presets.errors import UnknownPresetError
from keras_disentangle.presets.errors import UnsafePresetError
from keras_disentangle.presets.hub import download_preset
from keras_disentangle.presets.hub import parse_hf_handle
from keras_disentangle.presets.hub import upload_preset
from keras_disentangle.presets.preset_loader import resolve_preset
from keras_disentangle.presets.preset_mixin import PresetMixin
from keras_disentangle.presets.safe_config import check_config_is_safe
