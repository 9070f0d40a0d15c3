"""The `keras-disentangle` command line, in-process and as a subprocess."""

import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

import keras_disentangle
from keras_disentangle.cli import main
from keras_disentangle.utils.image_grid import image_grid
from tests.presets.hub_server import FakeHub

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def model_and_preset(tmp_path_factory):
    model = keras_disentangle.InfoGAN(seed=1)
    directory = tmp_path_factory.mktemp("cli") / "infogan"
    model.save_to_preset(directory)
    return model, str(directory)


def _png(path):
    return np.asarray(Image.open(path))


def test_presets_lists_builtins(capsys):
    assert main(["presets"]) == 0
    out = capsys.readouterr().out
    assert "mnist\tInfoGAN\thf://keras-disentangle/infogan-mnist" in out


def test_sample_writes_the_grid(model_and_preset, tmp_path, capsys):
    model, preset = model_and_preset
    out = tmp_path / "grid.png"
    argv = ["sample", "InfoGAN", preset, "--n", "6", "--seed", "3"]
    argv += ["--columns", "3", "--scale", "1", "--out", str(out)]
    assert main(argv) == 0
    assert "Wrote 6 samples" in capsys.readouterr().out
    expected = image_grid(model.generate(6, seed=3), columns=3)
    np.testing.assert_array_equal(_png(out), expected)


def test_traverse_writes_the_infogan_figure(model_and_preset, tmp_path):
    model, preset = model_and_preset
    out = tmp_path / "traversal.png"
    argv = ["traverse", "infogan", preset, "--code", "c1", "--scale", "1"]
    assert main(argv + ["--out", str(out)]) == 0
    images, rows, columns = model.traversal_grid(
        "c1", values=np.linspace(-2, 2, 10), seed=0
    )
    assert (rows, columns) == (10, 10)
    expected = image_grid(images, rows=rows, columns=columns)
    np.testing.assert_array_equal(_png(out), expected)

    out2 = tmp_path / "scaled.png"
    argv = ["traverse", "auto", preset, "--code", "c2", "--row-code", "digit"]
    argv += ["--steps", "5", "--out", str(out2)]
    assert main(argv) == 0
    assert _png(out2).shape == (2 * (10 * 30 + 2), 2 * (5 * 30 + 2))


def test_traverse_sweeps_chosen_columns_of_a_code(model_and_preset, tmp_path):
    model, preset = model_and_preset
    out = tmp_path / "z.png"
    argv = ["traverse", "auto", preset, "--code", "z", "--dims", "0", "5"]
    argv += ["--steps", "4", "--scale", "1", "--out", str(out)]
    assert main(argv) == 0
    values = np.linspace(-2, 2, 4)
    images = np.concatenate(
        [model.traverse("z", values, seed=0, column=k) for k in (0, 5)]
    )
    expected = image_grid(images, rows=2, columns=4)
    np.testing.assert_array_equal(_png(out), expected)


def test_traverse_without_a_categorical_code_draws_one_row(tmp_path):
    model = keras_disentangle.InfoGAN.dsprites(seed=2)
    preset = tmp_path / "dsprites"
    model.save_to_preset(preset)
    out = tmp_path / "c3.png"
    argv = ["traverse", "InfoGAN", str(preset), "--code", "c3", "--low", "-1"]
    argv += ["--high", "1", "--steps", "5", "--scale", "1", "--out", str(out)]
    assert main(argv) == 0
    images = model.traverse("c3", np.linspace(-1, 1, 5), seed=0)
    expected = image_grid(images, rows=1, columns=5)
    np.testing.assert_array_equal(_png(out), expected)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["sample", "VAE9000", "mnist"], "Unknown model 'VAE9000'"),
        (["sample", "InfoGAN", "nope"], "Unknown preset 'nope'"),
        (
            [
                "traverse",
                "InfoGAN",
                "PRESET",
                "--code",
                "c1",
                "--row-code",
                "c2",
            ],
            "row_values is required",
        ),
        (
            ["traverse", "InfoGAN", "PRESET", "--code", "size"],
            "No latent code named 'size'",
        ),
    ],
)
def test_errors_exit_2_with_a_message(
    model_and_preset, tmp_path, capsys, argv, message
):
    argv = [model_and_preset[1] if a == "PRESET" else a for a in argv]
    assert main(argv + ["--out", str(tmp_path / "x.png")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()


def test_upload_then_sample_from_the_hub(
    model_and_preset, tmp_path, monkeypatch, capsys
):
    hub = FakeHub().start()
    try:
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "cache"))
        monkeypatch.setenv("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
        assert main(["upload", model_and_preset[1], "hf://cli/infogan"]) == 0
        commit = hub.commits("cli/infogan")[-1]
        assert f"hf://cli/infogan@{commit}" in capsys.readouterr().out
        out = tmp_path / "hub.png"
        argv = ["sample", "auto", f"hf://cli/infogan@{commit}", "--n", "4"]
        assert main(argv + ["--out", str(out)]) == 0
        assert out.exists()
    finally:
        hub.stop()


def test_console_entry_point_in_a_subprocess(model_and_preset, tmp_path):
    out = tmp_path / "traversal.png"
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    env["PYTHONPATH"] = REPO + os.pathsep + env.get("PYTHONPATH", "")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "keras_disentangle.cli",
            "traverse",
            "InfoGAN",
            model_and_preset[1],
            "--code",
            "c1",
            "--out",
            str(out),
        ],
        cwd=str(tmp_path),
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Wrote a 10x10 traversal of 'c1'" in result.stdout
    assert _png(out).shape == (2 * (10 * 30 + 2), 2 * (10 * 30 + 2))
