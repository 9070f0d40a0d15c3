"""Hub transport against the local fake Hub (`tests/presets/hub_server.py`)."""

import glob
import os
import shutil
import socket

import numpy as np
import pytest

import keras_disentangle
from keras_disentangle.presets import HubError
from keras_disentangle.presets import PresetFileNotFoundError
from keras_disentangle.presets import PresetNotCachedError
from keras_disentangle.presets import UnknownPresetError
from keras_disentangle.presets import parse_hf_handle
from keras_disentangle.presets import upload_preset
from keras_disentangle.presets.errors import CorruptPresetError
from tests.presets.conftest import assert_same_images
from tests.presets.conftest import repo_name

InfoGAN = keras_disentangle.InfoGAN


def _snapshot(hub_home, repo_id):
    owner, name = repo_id.split("/")
    pattern = os.path.join(
        hub_home, f"models--{owner}--{name}", "snapshots", "*"
    )
    return sorted(glob.glob(pattern))


def test_parse_handles():
    assert parse_hf_handle("hf://a/b") == ("a/b", None)
    assert parse_hf_handle("hf://a/b@v1.0") == ("a/b", "v1.0")
    for bad in ["hf://a", "hf://a/b/c", "hf://a/b@", "hf://../b", "a/b"]:
        with pytest.raises(UnknownPresetError):
            parse_hf_handle(bad)


def test_upload_then_load_gives_identical_images(
    hub, request, saved_preset, latents, reference_images
):
    repo = repo_name(request)
    handle = upload_preset(f"hf://{repo}", saved_preset)
    commit = hub.commits(repo)[-1]
    assert handle == f"hf://{repo}@{commit}"
    files = hub.repos[repo].commits[commit]
    assert set(files) >= {
        "config.json",
        "metadata.json",
        "model.weights.h5",
        "README.md",
        "traversal.png",
    }
    with open(os.path.join(saved_preset, "model.weights.h5"), "rb") as f:
        assert files["model.weights.h5"] == f.read()

    model = InfoGAN.from_preset(f"hf://{repo}")
    assert_same_images(model, latents, reference_images)
    paths = {path for _, path in hub.requests}
    assert f"/api/models/{repo}/revision/main" in paths
    assert f"/{repo}/resolve/{commit}/model.weights.h5" in paths


def test_pinned_revisions(hub, request, saved_preset, latents, tmp_path):
    repo = repo_name(request)
    first = upload_preset(f"hf://{repo}", saved_preset)
    other = InfoGAN(seed=5)
    other.save_to_preset(tmp_path / "second")
    second = upload_preset(f"hf://{repo}", tmp_path / "second")
    assert first != second

    old = InfoGAN.from_preset(first)
    new = InfoGAN.from_preset(second)
    main = InfoGAN.from_preset(f"hf://{repo}@main")
    assert_same_images(
        old, latents, InfoGAN.from_preset(saved_preset).generate(latents)
    )
    assert_same_images(new, latents, other.generate(latents))
    assert_same_images(main, latents, other.generate(latents))
    assert not np.allclose(old.generate(latents), new.generate(latents))
    assert old.seed == 1 and new.seed == 5


def test_offline_reuses_the_cache(
    hub, request, saved_preset, latents, reference_images, monkeypatch
):
    repo = repo_name(request)
    handle = upload_preset(f"hf://{repo}", saved_preset)
    InfoGAN.from_preset(f"hf://{repo}")
    InfoGAN.from_preset(handle)

    hub.requests.clear()
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    for preset in [f"hf://{repo}", f"hf://{repo}@main", handle]:
        assert_same_images(
            InfoGAN.from_preset(preset), latents, reference_images
        )
    monkeypatch.delenv("HF_HUB_OFFLINE")
    model = InfoGAN.from_preset(f"hf://{repo}", offline=True)
    assert_same_images(model, latents, reference_images)
    assert hub.requests == []


def test_cache_miss_while_offline(hub, request, saved_preset, monkeypatch):
    repo = repo_name(request)
    upload_preset(f"hf://{repo}", saved_preset)
    hub.requests.clear()
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(PresetNotCachedError) as info:
        InfoGAN.from_preset(f"hf://{repo}@main")
    message = str(info.value)
    assert f"hf://{repo}@main is not in the local Hugging Face cache" in message
    assert "HF_HUB_OFFLINE" in message and "network access" in message
    assert isinstance(info.value, FileNotFoundError)
    assert hub.requests == []


@pytest.mark.parametrize("tree_listing", ["cached", "absent"])
def test_partial_cache_while_offline(
    hub, request, saved_preset, tmp_path, tree_listing
):
    repo = repo_name(request)
    upload_preset(f"hf://{repo}", saved_preset)
    InfoGAN.from_preset(f"hf://{repo}", load_weights=False)
    hub_home = os.environ["HF_HUB_CACHE"]
    (snapshot,) = _snapshot(hub_home, repo)
    os.remove(os.path.join(snapshot, "model.weights.h5"))
    if tree_listing == "absent":
        owner, name = repo.split("/")
        shutil.rmtree(
            os.path.join(hub_home, f"models--{owner}--{name}", "trees"),
            ignore_errors=True,
        )
    hub.requests.clear()
    with pytest.raises(PresetNotCachedError) as info:
        InfoGAN.from_preset(f"hf://{repo}", offline=True)
    message = str(info.value)
    assert "incomplete" in message and "model.weights.h5" in message
    assert "offline" in message.lower()
    assert hub.requests == []
    # Online, the same call completes the cache.
    InfoGAN.from_preset(f"hf://{repo}")


def test_unknown_repository_and_revision(hub, request, saved_preset):
    repo = repo_name(request)
    with pytest.raises(HubError, match=f"No Hub repository '{repo}'"):
        InfoGAN.from_preset(f"hf://{repo}")
    upload_preset(f"hf://{repo}", saved_preset)
    with pytest.raises(HubError, match="has no revision 'v9'"):
        InfoGAN.from_preset(f"hf://{repo}@v9")


def test_repository_missing_preset_files(hub, request, saved_preset):
    repo = repo_name(request)
    with open(os.path.join(saved_preset, "config.json"), "rb") as f:
        hub.put_files(repo, {"config.json": f.read()})
    with pytest.raises(PresetFileNotFoundError) as info:
        InfoGAN.from_preset(f"hf://{repo}")
    assert "metadata.json, model.weights.h5 missing" in str(info.value)


def test_hub_unreachable(hub, monkeypatch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    with pytest.raises(HubError, match="Could not reach the Hub"):
        InfoGAN.from_preset("hf://tests/unreachable")


def test_corrupt_cached_weights_and_force_download(
    hub, request, saved_preset, latents, reference_images
):
    repo = repo_name(request)
    upload_preset(f"hf://{repo}", saved_preset)
    InfoGAN.from_preset(f"hf://{repo}", load_weights=False)
    (snapshot,) = _snapshot(os.environ["HF_HUB_CACHE"], repo)
    weights = os.path.realpath(os.path.join(snapshot, "model.weights.h5"))
    with open(weights, "r+b") as f:
        f.truncate(1000)
    with pytest.raises(CorruptPresetError) as info:
        InfoGAN.from_preset(f"hf://{repo}")
    assert "force_download=True" in str(info.value)
    model = InfoGAN.from_preset(f"hf://{repo}", force_download=True)
    assert_same_images(model, latents, reference_images)


def test_upload_checks_the_directory_first(hub, preset_copy):
    os.remove(os.path.join(preset_copy, "metadata.json"))
    with pytest.raises(PresetFileNotFoundError, match="metadata.json"):
        upload_preset("hf://tests/incomplete", preset_copy)
    with pytest.raises(ValueError, match="drop '@v1'"):
        upload_preset("hf://tests/incomplete@v1", preset_copy)
    assert hub.requests == []


def test_builtin_falls_back_to_its_hub_handle(
    hub, saved_preset, latents, reference_images, monkeypatch, tmp_path
):
    from keras_disentangle.presets import preset_loader

    monkeypatch.setattr(
        preset_loader, "builtin_preset_dir", lambda name: str(tmp_path)
    )
    with pytest.raises(PresetFileNotFoundError) as info:
        InfoGAN.from_preset("mnist")
    message = str(info.value)
    assert "not bundled" in message
    assert "hf://keras-disentangle/infogan-mnist" in message
    upload_preset("hf://keras-disentangle/infogan-mnist", saved_preset)
    model = InfoGAN.from_preset("mnist")
    assert_same_images(model, latents, reference_images)
