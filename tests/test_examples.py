"""Every script in examples/ runs end to end on the current backend.

Each script's `main(argv)` runs in this process with a few training steps on
a small slice of the real MNIST (written as IDX files to a temporary
folder), so these tests catch a script that no longer matches the package.
The figures the scripts print at these sizes mean nothing; the tests check
that the files appear and that the returned measurements are well formed.
"""

import json
import pathlib
import struct

import keras
import numpy as np
import pytest

import keras_disentangle as kd
from keras_disentangle.metrics import settings
from tests.script_runner import load_script
from tests.script_runner import run_script

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "examples"


def run_example(name, argv):
    return run_script(EXAMPLES / f"{name}.py", argv)


def assert_png(path, min_side=28):
    """A PNG file whose image is at least `min_side` pixels each way."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    assert width >= min_side and height >= min_side


def test_train_infogan_mnist(small_mnist_dir, tmp_path):
    out = tmp_path / "traversal.png"
    accuracy = run_example(
        "train_infogan_mnist",
        ["--data-dir", small_mnist_dir, "--steps", "3", "--out", str(out)],
    )
    assert 0.0 <= accuracy <= 1.0
    assert_png(out)


def test_train_ogan_mnist(small_mnist_dir, tmp_path):
    out = tmp_path / "ogan.png"
    weights = tmp_path / "ogan.weights.h5"
    per_sample, per_dimension, kept = run_example(
        "train_ogan_mnist",
        [
            "--data-dir", small_mnist_dir, "--steps", "3", "--out", str(out),
            "--weights", str(weights), "--latent-dim", "16",
            "--eval-samples", "256",
            "--preset", str(tmp_path / "preset"),
        ],
    )  # fmt: skip
    assert -1.0 <= per_sample <= 1.0 and -1.0 <= per_dimension <= 1.0
    assert 0.0 <= kept <= 1.0
    assert_png(out)
    model = kd.OGAN(latent_dim=16)
    model.load_weights(weights)
    assert model.encoder.output.shape == (None, 16)
    # The preset holds the same model and the run's figures.
    preset = kd.OGAN.from_preset(str(tmp_path / "preset"))
    np.testing.assert_allclose(
        preset.generate(4, seed=1), model.generate(4, seed=1), atol=1e-6
    )
    metadata = json.loads((tmp_path / "preset" / "metadata.json").read_text())
    assert metadata["metrics"]["z_corr_per_sample"] == round(per_sample, 4)
    assert metadata["training_steps"] == 3
    assert (tmp_path / "preset" / "traversal.png").exists()


def test_train_ogan_mnist_padded_to_32(small_mnist_dir, tmp_path):
    per_sample, _, kept = run_example(
        "train_ogan_mnist",
        [
            "--data-dir", small_mnist_dir, "--steps", "2", "--pad-to-32",
            "--latent-dim", "8", "--out", str(tmp_path / "r.png"),
            "--eval-samples", "256",
            "--preset", str(tmp_path / "preset"),
        ],
    )  # fmt: skip
    assert -1.0 <= per_sample <= 1.0 and 0.0 <= kept <= 1.0
    model = kd.OGAN.from_preset(str(tmp_path / "preset"))
    assert model.image_shape == (32, 32, 1)
    convs = [
        layer
        for layer in model.encoder.layers
        if isinstance(layer, keras.layers.Conv2D)
    ]
    assert [conv.filters for conv in convs] == [64, 128, 256]
    assert model.generate(2, seed=0).shape == (2, 32, 32, 1)


def test_train_vaegan_mnist(small_mnist_dir, tmp_path):
    out = tmp_path / "vaegan.png"
    results = run_example(
        "train_vaegan_mnist",
        [
            "--data-dir", small_mnist_dir, "--steps", "3", "--out", str(out),
            "--num-images", "128", "--preset", str(tmp_path / "preset"),
        ],
    )  # fmt: skip
    assert set(results) == {"VAE-GAN", "VAE"}
    for figures in results.values():
        assert np.isfinite(figures["frechet_distance"])
    assert_png(out)
    # The preset is the VAE-GAN, with its figures.
    preset = kd.GenerativeModel.from_preset(str(tmp_path / "preset"))
    assert isinstance(preset, kd.VAEGAN) and preset.adversarial
    metadata = json.loads((tmp_path / "preset" / "metadata.json").read_text())
    assert metadata["metrics"]["test_reconstruction_frechet_distance"] == round(
        float(results["VAE-GAN"]["frechet_distance"]), 3
    )


def test_edit_infogan_mnist(small_mnist_dir, tmp_path):
    run_example(
        "edit_infogan_mnist",
        [
            "--data-dir", small_mnist_dir, "--out", str(tmp_path),
            "--steps", "2", "--encoder-steps", "2", "--num-images", "4",
        ],
    )  # fmt: skip
    pngs = sorted(tmp_path.glob("*.png"))
    assert len(pngs) >= 4
    for path in pngs:
        assert_png(path)


def test_infogan_continuous_codes(small_mnist_dir, tmp_path):
    out = tmp_path / "codes.json"
    run_example(
        "infogan_continuous_codes",
        [
            "--samples", "64", "--bases", "2", "--steps", "5",
            "--data-dir", small_mnist_dir, "--real-images", "100",
            "--out", str(out),
        ],
    )  # fmt: skip
    result = json.loads(out.read_text())
    assert set(result["best_match"]) == {"c1", "c2"}
    for match in result["best_match"].values():
        assert abs(match["spearman_random"]) <= 1.0
    assert result["protocol"]["real_images"] == 100
    for match in result["best_match_partial"].values():
        assert abs(match["spearman_partial"]) <= 1.0
        assert abs(match["spearman_partial_real"]) <= 1.0


def _tiny_fast_setting(monkeypatch):
    # The "fast" metric setting still scores ~50,000 images per evaluation;
    # shrink it so the tests check the plumbing quickly.
    fast = settings.SETTINGS["fast"]
    for key, value in (
        ("num_train", 20),
        ("num_eval", 10),
        ("num_variance_estimate", 256),
    ):
        monkeypatch.setitem(fast["factor_vae"], key, value)
    monkeypatch.setitem(fast["mig"], "num_train", 256)


def test_train_infogan_dsprites(tmp_path, monkeypatch):
    _tiny_fast_setting(monkeypatch)
    run_example(
        "train_infogan_dsprites",
        [
            "--steps", "2", "--eval-every", "2", "--setting", "fast",
            "--batch-size", "16", "--out", str(tmp_path),
        ],
    )  # fmt: skip
    curves = list(tmp_path.rglob("curve.json"))
    assert len(curves) == 1
    record = json.loads(curves[0].read_text())
    assert [point["step"] for point in record["curve"]] == [0, 2]
    for point in record["curve"]:
        assert 0.0 <= point["factor_vae"] <= 1.0
        assert 0.0 <= point["mig"] <= 1.0


def test_a_dsprites_run_stopped_early_continues_the_same_schedule(
    tmp_path, monkeypatch, capsys
):
    _tiny_fast_setting(monkeypatch)
    argv = [
        "--steps", "6", "--eval-every", "2", "--setting", "fast",
        "--batch-size", "16", "--seed", "3",
    ]  # fmt: skip
    whole = tmp_path / "whole"
    run_example("train_infogan_dsprites", argv + ["--out", str(whole)])

    out = tmp_path / "stopped"
    summary = run_example(
        "train_infogan_dsprites",
        argv + ["--stop-after", "3", "--out", str(out)],
    )
    assert "stopped at step 3 of 6" in capsys.readouterr().out
    assert not summary["finished"] and summary["per_seed"]["3"]["step"] == 3
    record = json.loads((out / "seed3" / "curve.json").read_text())
    assert [point["step"] for point in record["curve"]] == [0, 2, 3]
    assert not record.get("finished")
    assert record["checkpoint"] == "checkpoint_step3.weights.h5"
    assert (out / "seed3" / record["checkpoint"]).exists()
    assert not (out / "seed3" / "model.weights.h5").exists()

    summary = run_example("train_infogan_dsprites", argv + ["--out", str(out)])
    assert "resuming at step 3" in capsys.readouterr().out
    assert summary["finished"] and summary["per_seed"]["3"]["step"] == 6
    record = json.loads((out / "seed3" / "curve.json").read_text())
    assert [point["step"] for point in record["curve"]] == [0, 2, 3, 4, 6]
    # The last chunk (steps 4-6) is the same in both runs, so its logs
    # match only if the stop at step 3 changed nothing in the schedule.
    reference = json.loads((whole / "seed3" / "curve.json").read_text())
    assert reference["curve"][-1]["step"] == 6
    for key, value in reference["curve"][-1]["logs"].items():
        np.testing.assert_allclose(
            record["curve"][-1]["logs"][key], value, rtol=1e-4
        )
    with pytest.raises(SystemExit, match="--stop-after must be"):
        run_example(
            "train_infogan_dsprites",
            argv + ["--stop-after", "0", "--out", str(out)],
        )


def test_a_dsprites_run_writes_its_best_seed_as_a_preset(tmp_path, monkeypatch):
    _tiny_fast_setting(monkeypatch)
    out, preset = tmp_path / "run", tmp_path / "preset"
    summary = run_example(
        "train_infogan_dsprites",
        [
            "--steps", "4", "--eval-every", "2", "--stop-after", "2",
            "--setting", "fast", "--batch-size", "16", "--seed", "3", "4",
            "--out", str(out), "--preset", str(preset),
        ],
    )  # fmt: skip
    metadata = json.loads((preset / "metadata.json").read_text())
    scores = summary["per_seed"]
    best = max(
        scores, key=lambda s: (scores[s]["factor_vae"], scores[s]["mig"])
    )
    assert metadata["seed"] == int(best)
    assert metadata["training_steps"] == 2 and metadata["schedule_steps"] == 4
    assert metadata["finished"] is False
    assert metadata["metrics"]["factor_vae"] == scores[best]["factor_vae"]
    assert metadata["metrics"]["mig"] == scores[best]["mig"]
    assert metadata["seeds"]["per_seed"] == scores
    assert_png(preset / "traversal.png", min_side=64)
    card = (preset / "README.md").read_text()
    assert "FactorVAE" in card and "Rows: the regularised codes" in card

    # The preset holds the weights of the chosen seed's checkpoint.
    loaded = kd.InfoGAN.from_preset(str(preset))
    reference = kd.InfoGAN.dsprites(seed=int(best))
    reference.compile()
    reference.load_weights(
        str(out / f"seed{best}" / "checkpoint_step2.weights.h5")
    )
    np.testing.assert_allclose(
        loaded.generate(4, seed=0), reference.generate(4, seed=0), atol=1e-6
    )
    images = np.random.default_rng(0).uniform(size=(4, 64, 64, 1))
    posteriors = loaded.encode(images)
    for name, posterior in reference.encode(images).items():
        np.testing.assert_allclose(posteriors[name], posterior, atol=1e-5)


def test_the_best_dsprites_seed_is_chosen_by_factor_vae_then_mig():
    script = load_script(EXAMPLES / "train_infogan_dsprites.py")

    def record(seed, factor_vae, mig):
        last = {"step": 9, "factor_vae": factor_vae, "mig": mig}
        return {"seed": seed, "curve": [{"factor_vae": 1.0, "mig": 1.0}, last]}

    records = [record(0, 0.5, 0.3), record(1, 0.7, 0.1), record(2, 0.7, 0.2)]
    assert script.best_record(records)["seed"] == 2
    assert script.best_record(records[:2])["seed"] == 1
    assert (
        script.best_record([record(5, 0.6, 0.1), record(6, 0.6, 0.1)])["seed"]
        == 5
    )


def test_an_interrupted_example_resumes_from_its_backup(
    small_mnist_dir, tmp_path, monkeypatch, capsys
):
    class InterruptedOnce(keras.callbacks.BackupAndRestore):
        interrupted = False

        def on_epoch_end(self, epoch, logs=None):
            super().on_epoch_end(epoch, logs)  # writes the backup
            if not InterruptedOnce.interrupted:
                InterruptedOnce.interrupted = True
                raise KeyboardInterrupt

    monkeypatch.setattr(keras.callbacks, "BackupAndRestore", InterruptedOnce)
    backup = tmp_path / "backup"
    argv = [
        "--data-dir", small_mnist_dir, "--steps", "8", "--out",
        str(tmp_path / "bigan.png"), "--backup-dir", str(backup),
        "--eval-every", "1", "--bn-batches", "3",
        "--preset", str(tmp_path / "preset"),
    ]  # fmt: skip
    # 512 digits in batches of 128: two epochs of 4 steps.
    with pytest.raises(KeyboardInterrupt):
        run_example("train_bigan_mnist", argv)
    assert backup.is_dir()
    capsys.readouterr()
    accuracies = run_example("train_bigan_mnist", argv)
    log = capsys.readouterr().out
    assert "Epoch 2/2" in log and "Epoch 1/2" not in log
    assert "steps=8 (4 in this run)" in log
    # --eval-every 1: the resumed run evaluates epoch 2 only, and that
    # evaluation is of the final model, its BatchNormalization statistics
    # re-estimated from the same batches.
    assert "epoch 1: 1-NN" not in log
    metadata = json.loads((tmp_path / "preset" / "metadata.json").read_text())
    assert (
        metadata["metrics"]["test_1nn_accuracy_NNC_e-"]
        == accuracies["E's last hidden layer (NNC_e-)"]
    )
    curve_line = next(
        line for line in log.splitlines() if line.startswith("epoch 2: 1-NN")
    )
    for name, value in accuracies.items():
        assert f"{name} {value:.4f}" in curve_line
    assert not backup.exists()  # deleted once training is complete
    # The resumed run finishes like an uninterrupted one.
    assert all(0.0 <= value <= 1.0 for value in accuracies.values())
    assert_png(tmp_path / "bigan.png")


def test_bigan_example_evaluates_saved_weights_without_training(
    small_mnist_dir, tmp_path, capsys
):
    weights = str(tmp_path / "bigan.weights.h5")
    common = [
        "--data-dir", small_mnist_dir, "--bn-batches", "2",
        "--reference-size", "256",
    ]  # fmt: skip
    trained = run_example(
        "train_bigan_mnist",
        common + ["--steps", "4", "--out", str(tmp_path / "a.png"),
                  "--weights", weights],
    )  # fmt: skip
    capsys.readouterr()
    evaluated = run_example(
        "train_bigan_mnist",
        common + ["--evaluate", weights, "--out", str(tmp_path / "b.png")],
    )
    log = capsys.readouterr().out
    assert f"evaluated {weights} (no training)" in log
    assert "Epoch" not in log
    assert set(evaluated) == {
        "E's last hidden layer (NNC_e-)",
        "E's output logits (NNC_e)",
    }
    assert evaluated == trained
    assert_png(tmp_path / "b.png")
    with pytest.raises(SystemExit):
        run_example(
            "train_bigan_mnist",
            common + ["--evaluate", weights, "--preset", str(tmp_path / "p")],
        )
    assert "nothing is trained" in capsys.readouterr().err


def test_an_interrupted_dsprites_run_resumes_from_its_last_evaluation(
    tmp_path, monkeypatch, capsys
):
    import keras_disentangle.metrics as metrics

    _tiny_fast_setting(monkeypatch)
    argv = [
        "--steps", "4", "--eval-every", "2", "--setting", "fast",
        "--batch-size", "16", "--seed", "5",
    ]  # fmt: skip
    whole = run_example(
        "train_infogan_dsprites", argv + ["--out", str(tmp_path / "a")]
    )

    # Interrupted while evaluating step 4: the checkpoint of step 2 and
    # the curve up to step 2 are what a rerun finds.
    compute_mig, calls = metrics.compute_mig, []

    def interrupted(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return compute_mig(*args, **kwargs)

    monkeypatch.setattr(metrics, "compute_mig", interrupted)
    out = tmp_path / "b"
    with pytest.raises(KeyboardInterrupt):
        run_example("train_infogan_dsprites", argv + ["--out", str(out)])
    record = json.loads((out / "seed5" / "curve.json").read_text())
    assert [point["step"] for point in record["curve"]] == [0, 2]
    assert record["checkpoint"] == "checkpoint_step2.weights.h5"

    monkeypatch.setattr(metrics, "compute_mig", compute_mig)
    capsys.readouterr()
    resumed = run_example("train_infogan_dsprites", argv + ["--out", str(out)])
    assert "resuming at step 2" in capsys.readouterr().out
    record = json.loads((out / "seed5" / "curve.json").read_text())
    assert record["finished"] and record["checkpoint"] is None
    assert not list((out / "seed5").glob("checkpoint_*"))
    # The resumed run continues on the same batches and states.
    a = json.loads((tmp_path / "a" / "seed5" / "curve.json").read_text())
    for first, second in zip(a["curve"], record["curve"]):
        assert first["step"] == second["step"]
        for key, value in first["logs"].items():
            np.testing.assert_allclose(second["logs"][key], value, rtol=1e-4)
    assert resumed["per_seed"] == whole["per_seed"]

    # Finished seeds are skipped; other settings are refused.
    run_example("train_infogan_dsprites", argv + ["--out", str(out)])
    assert "finished earlier" in capsys.readouterr().out
    with pytest.raises(SystemExit, match="other settings.*steps"):
        run_example(
            "train_infogan_dsprites",
            argv[:1] + ["6"] + argv[2:] + ["--out", str(out)],
        )
