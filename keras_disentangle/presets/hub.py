"""Presets on the Hugging Face Hub: `hf://owner/repo[@revision]` handles.

Downloads use `huggingface_hub.snapshot_download` into the standard Hugging
Face cache (`HF_HOME`, `HF_HUB_CACHE`), pinned to a revision (branch, tag or
commit) when the handle names one. Offline (`HF_HUB_OFFLINE=1`, or
`offline=True`) the cache is used alone, and a cache that lacks any file a
preset needs is an error naming the missing files.

The environment is read at each call, so `HF_ENDPOINT`, `HF_HOME`,
`HF_HUB_CACHE` and `HF_HUB_OFFLINE` may be set after import.
"""

import os
import re

from keras_disentangle.presets.errors import HubError
from keras_disentangle.presets.errors import PresetNotCachedError
from keras_disentangle.presets.errors import UnknownPresetError
from keras_disentangle.presets.preset_format import CONFIG_FILE
from keras_disentangle.presets.preset_format import HF_SCHEME
from keras_disentangle.presets.preset_format import REQUIRED_FILES
from keras_disentangle.presets.preset_format import missing_files
from keras_disentangle.presets.preset_format import read_json
from keras_disentangle.presets.safe_config import check_config_is_safe
from keras_disentangle.version import __version__

_REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*$")
_TRUE = ("1", "true", "yes", "on")


def parse_hf_handle(handle):
    """Splits `"hf://owner/repo[@revision]"` into `(repo_id, revision)`.

    Example:

    >>> parse_hf_handle("hf://keras-disentangle/infogan-mnist@v1")
    ('keras-disentangle/infogan-mnist', 'v1')
    >>> parse_hf_handle("hf://keras-disentangle/infogan-mnist")
    ('keras-disentangle/infogan-mnist', None)
    """
    if not isinstance(handle, str) or not handle.startswith(HF_SCHEME):
        raise UnknownPresetError(
            f"Expected a Hub handle 'hf://owner/repo[@revision]'. Received: "
            f"{handle!r}"
        )
    body = handle[len(HF_SCHEME) :]
    repo_id, _, revision = body.partition("@")
    repo_id = repo_id.rstrip("/")
    if not _REPO_ID.match(repo_id) or ".." in repo_id or (_ and not revision):
        raise UnknownPresetError(
            f"{handle!r} is not a valid Hub handle. Use 'hf://owner/repo' or "
            "'hf://owner/repo@revision' (a branch, tag or commit hash), e.g. "
            "'hf://keras-disentangle/infogan-mnist@main'."
        )
    return repo_id, revision or None


def is_offline(offline=None):
    """`offline` if given, else whether `HF_HUB_OFFLINE` is set."""
    if offline is not None:
        return bool(offline)
    if os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in _TRUE:
        return True
    try:
        from huggingface_hub import constants
    except ImportError:
        return False
    return bool(getattr(constants, "HF_HUB_OFFLINE", False))


def _hub():
    try:
        import huggingface_hub
        import huggingface_hub.constants
        import huggingface_hub.errors
    except ImportError as error:
        raise ImportError(
            "hf:// presets need the huggingface_hub package: "
            "`pip install huggingface_hub`."
        ) from error
    return huggingface_hub


def _endpoint():
    endpoint = os.environ.get("HF_ENDPOINT")
    return endpoint.rstrip("/") if endpoint else None


def hub_cache_dir():
    """The Hugging Face cache directory, from the environment at call time."""
    if os.environ.get("HF_HUB_CACHE"):
        return os.path.expanduser(os.environ["HF_HUB_CACHE"])
    if os.environ.get("HF_HOME"):
        return os.path.join(os.path.expanduser(os.environ["HF_HOME"]), "hub")
    return _hub().constants.HF_HUB_CACHE


def download_preset(handle, offline=None, token=None, force_download=False):
    """Downloads (or finds in the cache) a Hub preset; returns its folder.

    Args:
        handle: `"hf://owner/repo"` or `"hf://owner/repo@revision"`.
        offline: `True` to use the local cache only; default: whether
            `HF_HUB_OFFLINE` is set.
        token: a Hub token for private repositories (default: the logged-in
            user's, or `HF_TOKEN`).
        force_download: download again even if cached (repairs a corrupt
            cached file).

    Raises:
        PresetNotCachedError: offline and the preset is not, or only partly,
            in the cache.
        HubError: the Hub refused the request or could not be reached.
    """
    hub = _hub()
    errors = hub.errors
    repo_id, revision = parse_hf_handle(handle)
    offline = is_offline(offline)
    cache_dir = hub_cache_dir()
    shown = f"{HF_SCHEME}{repo_id}" + (f"@{revision}" if revision else "")
    retry = (
        f"Run once with network access to fill the cache (unset "
        f"HF_HUB_OFFLINE, or pass offline=False), e.g. "
        f"`keras-disentangle sample auto {shown} --out grid.png`"
    )
    try:
        folder = hub.snapshot_download(
            repo_id,
            revision=revision,
            cache_dir=cache_dir,
            local_files_only=offline,
            force_download=force_download,
            token=token,
            endpoint=_endpoint(),
            library_name="keras-disentangle",
            library_version=__version__,
        )
    except errors.IncompleteSnapshotError as error:
        raise PresetNotCachedError(
            f"The cached copy of {shown} is incomplete and the Hub cannot be "
            f"reached ({'offline mode' if offline else 'network error'}): "
            f"{error}. {retry}, or delete the partial snapshot "
            f"{getattr(error, 'snapshot_path', '')!r} and download again."
        ) from error
    except errors.RepositoryNotFoundError as error:
        raise HubError(
            f"No Hub repository {repo_id!r} at {_endpoint() or 'the Hub'} "
            f"(for {shown}). Check the handle, or pass token= / log in with "
            "`hf auth login` if the repository is private."
        ) from error
    except errors.RevisionNotFoundError as error:
        raise HubError(
            f"The Hub repository {repo_id!r} has no revision {revision!r}. "
            "Use a branch, a tag or a full commit hash that exists, or drop "
            f"'@{revision}' for the default branch."
        ) from error
    except errors.LocalEntryNotFoundError as error:
        if offline:
            raise PresetNotCachedError(
                f"{shown} is not in the local Hugging Face cache "
                f"({cache_dir}) and offline mode is on (HF_HUB_OFFLINE=1 or "
                f"offline=True), so it cannot be downloaded. {retry}."
            ) from error
        raise HubError(
            f"Could not reach the Hub at {_endpoint() or 'huggingface.co'} "
            f"to download {shown}, and it is not in the local cache "
            f"({cache_dir}). Check the network connection and HF_ENDPOINT; "
            f"details: {error}"
        ) from error
    except errors.HfHubHTTPError as error:
        raise HubError(f"The Hub refused to serve {shown}: {error}") from error
    except errors.HFValidationError as error:
        raise UnknownPresetError(
            f"{shown} is not a valid Hub handle: {error}"
        ) from error
    missing = missing_files(folder)
    if missing:
        if offline:
            raise PresetNotCachedError(
                f"The cached copy of {shown} in {folder!r} is incomplete: "
                f"{', '.join(missing)} missing (a preset needs "
                f"{', '.join(REQUIRED_FILES)}). Offline mode is on, so they "
                f"cannot be fetched. {retry}; or delete {folder!r} and "
                "download again."
            )
        raise PresetNotCachedError(
            f"The Hub repository {repo_id!r} (revision "
            f"{revision or 'main'}) is not a complete keras_disentangle "
            f"preset: {', '.join(missing)} missing. Upload the whole "
            "directory written by `model.save_to_preset(...)` with "
            "`keras_disentangle.upload_preset(...)`."
        )
    return folder


def upload_preset(uri, preset_dir, token=None, private=None, message=None):
    """Uploads a preset directory to the Hub; returns the pinned handle.

    Creates the repository if needed and commits the directory's files
    (`config.json`, `metadata.json`, `model.weights.h5`, `README.md`, and
    the traversal image if any) in one commit.

    Args:
        uri: `"hf://owner/repo"`.
        preset_dir: a directory written by `model.save_to_preset(...)`.
        token: a Hub token with write access (default: the logged-in user's,
            or `HF_TOKEN`).
        private: whether to create the repository private.
        message: the commit message.

    Returns:
        `"hf://owner/repo@<commit>"`, a handle pinned to the new commit.

    Example:

    ```python
    model.save_to_preset("./infogan-mnist")
    handle = keras_disentangle.upload_preset(
        "hf://my-user/infogan-mnist", "./infogan-mnist")
    model = keras_disentangle.InfoGAN.from_preset(handle)
    ```
    """
    from keras_disentangle.presets.preset_format import check_preset_files

    hub = _hub()
    repo_id, revision = parse_hf_handle(uri)
    if revision is not None:
        raise ValueError(
            f"upload_preset uploads to the default branch; drop '@{revision}' "
            f"from {uri!r}. The returned handle pins the new commit."
        )
    preset_dir = os.fspath(preset_dir)
    if not os.path.isdir(preset_dir):
        raise FileNotFoundError(
            f"No preset directory at {preset_dir!r}. Write one with "
            "`model.save_to_preset(directory)`."
        )
    source = f"the preset directory {preset_dir!r}"
    check_preset_files(preset_dir, source)
    check_config_is_safe(read_json(preset_dir, CONFIG_FILE, source), source)
    if is_offline():
        raise HubError(
            f"Cannot upload to {uri}: offline mode is on (HF_HUB_OFFLINE=1)."
        )
    api = hub.HfApi(
        endpoint=_endpoint(),
        token=token,
        library_name="keras-disentangle",
        library_version=__version__,
    )
    try:
        api.create_repo(repo_id, private=private, exist_ok=True)
        commit = api.upload_folder(
            repo_id=repo_id,
            folder_path=preset_dir,
            commit_message=message or "Upload keras_disentangle preset",
            ignore_patterns=[".*", "*.partial"],
        )
    except hub.errors.HfHubHTTPError as error:
        raise HubError(
            f"Uploading {preset_dir!r} to {uri} failed: {error}. Check that "
            "your token (`hf auth login` or HF_TOKEN) may write to "
            f"{repo_id!r}."
        ) from error
    return f"{HF_SCHEME}{repo_id}@{commit.oid}"
