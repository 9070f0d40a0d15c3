"""`from_preset`, `save_to_preset` and `presets` for every generative model."""

from keras_disentangle.presets.builtin_presets import builtin_presets_for
from keras_disentangle.presets.preset_loader import load_preset
from keras_disentangle.presets.preset_saver import save_preset


class classproperty:
    """A read-only property computed on the class (and its instances)."""

    def __init__(self, fget):
        self.fget = fget
        self.__doc__ = fget.__doc__

    def __get__(self, instance, owner):
        return self.fget(owner)


class PresetMixin:
    """Loading and saving presets, mixed into `GenerativeModel`.

    Example:

    ```python
    import keras_disentangle

    keras_disentangle.InfoGAN.presets  # {"mnist": "InfoGAN trained on ..."}
    model = keras_disentangle.InfoGAN.from_preset("mnist")
    model = keras_disentangle.InfoGAN.from_preset(
        "hf://keras-disentangle/infogan-mnist@main")
    model.save_to_preset("./my-infogan", metadata={"dataset": "mnist"})
    model = keras_disentangle.InfoGAN.from_preset("./my-infogan")
    ```
    """

    @classproperty
    def presets(cls):
        """Built-in presets this class can load: `{name: description}`."""
        return builtin_presets_for(cls)

    @classmethod
    def from_preset(
        cls,
        preset,
        load_weights=True,
        offline=None,
        token=None,
        force_download=False,
        **kwargs,
    ):
        """Builds a model from a preset.

        Loading never runs code from the preset: its config may only name
        classes registered by keras_disentangle and built-in Keras classes,
        and is deserialized in Keras safe mode.

        Args:
            preset: a built-in name (see `cls.presets`), a local directory
                written by `save_to_preset`, or a Hugging Face Hub handle
                `"hf://owner/repo"` or `"hf://owner/repo@revision"` (branch,
                tag or commit hash).
            load_weights: `False` builds the architecture with fresh weights.
            offline: `True` uses only the local Hugging Face cache; default:
                whether `HF_HUB_OFFLINE` is set.
            token: Hub token for private repositories.
            force_download: download Hub files again even if cached.
            **kwargs: constructor arguments overriding the saved config
                (e.g. `seed=3`).

        Example:

        ```python
        model = keras_disentangle.InfoGAN.from_preset("mnist")
        images = model.generate(16, seed=0)
        ```
        """
        return load_preset(
            cls,
            preset,
            load_weights=load_weights,
            offline=offline,
            token=token,
            force_download=force_download,
            **kwargs,
        )

    def save_to_preset(
        self,
        preset_dir,
        metadata=None,
        weights_dtype="float32",
        traversal_image=None,
    ):
        """Writes the model as a preset directory (KerasHub's layout).

        Writes `config.json`, `metadata.json`, `model.weights.h5` and a
        `README.md` model card (plus `traversal.png` if given). Optimizer
        state is not saved.

        Args:
            preset_dir: the directory to write (created if needed).
            metadata: extra entries for `metadata.json` and the model card,
                e.g. `{"dataset": "mnist", "training_steps": 10000,
                "metrics": {"digit_accuracy": 0.95}, "description": ...,
                "hf_handle": "hf://owner/repo"}`. `backend` defaults to the
                current backend.
            weights_dtype: `"float32"` (exact) or `"float16"` (kernels in
                half precision, about half the size; cast back on load).
            traversal_image: an image (array in `[0, 1]` or `uint8`) or PNG
                path shown in the model card.

        Example:

        ```python
        model.save_to_preset("./my-infogan", metadata={"dataset": "mnist"})
        ```
        """
        return save_preset(
            self,
            preset_dir,
            metadata=metadata,
            weights_dtype=weights_dtype,
            traversal_image=traversal_image,
        )
