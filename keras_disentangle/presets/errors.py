"""The errors raised while resolving, loading, saving and uploading presets.

Each one subclasses the built-in exception a caller would already catch
(`ValueError`, `FileNotFoundError`, `TypeError`), so existing `except`
clauses keep working, and `PresetError` catches them all.
"""


class PresetError(Exception):
    """Base class of every preset error."""


class UnknownPresetError(PresetError, ValueError):
    """The name is neither a built-in preset, a directory nor an `hf://`
    handle."""


class PresetFileNotFoundError(PresetError, FileNotFoundError):
    """A preset directory or Hub repository lacks files a preset needs."""


class PresetNotCachedError(PresetFileNotFoundError):
    """Offline, and the Hub preset is not (or only partly) in the cache."""


class CorruptPresetError(PresetError, ValueError):
    """A preset file is truncated, corrupt, or not what it claims to be."""


class UnsafePresetError(PresetError, ValueError):
    """A config names code that loading a preset must never run."""


class PresetClassMismatchError(PresetError, TypeError):
    """The preset holds a model of another class than the one asked for."""


class HubError(PresetError, OSError):
    """The Hugging Face Hub refused a request or could not be reached."""
