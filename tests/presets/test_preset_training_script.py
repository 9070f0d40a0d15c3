"""presets/train_infogan_mnist.py writes a loadable preset and continues one.

The script runs for a few steps on a small slice of the real MNIST; the
figures it measures at this size mean nothing. The tests check the preset it
writes, and that `--init-preset` continues from the given weights and carries
the earlier stages into `metadata.json`.
"""

import importlib.util
import json
import pathlib

import numpy as np
import pytest

import keras_disentangle as kd
from keras_disentangle.metrics import code_measure_correlations
from tests.script_runner import run_script

SCRIPT = (
    pathlib.Path(__file__).resolve().parents[2]
    / "presets"
    / "train_infogan_mnist.py"
)


def read_metadata(directory):
    return json.loads((directory / "metadata.json").read_text())


def trainable_weights(model):
    return [np.asarray(w.numpy()) for w in model.trainable_weights]


def test_trains_a_preset_then_continues_it(small_mnist_dir, tmp_path):
    first = tmp_path / "first"
    run_script(
        SCRIPT,
        [
            "--data-dir", small_mnist_dir, "--steps", "2", "--seed", "0",
            "--eval-every", "2", "--out", str(first),
            "--leaky-relu-slope", "0.01", "--batch-norm-epsilon", "1e-3",
        ],
    )  # fmt: skip
    metadata = read_metadata(first)
    first_config = json.loads((first / "config.json").read_text())["config"]
    assert first_config["leaky_relu_slope"] == 0.01
    assert first_config["batch_norm_epsilon"] == 1e-3
    assert metadata["training_steps"] == 2
    assert "training_stages" not in metadata
    curve = metadata["metrics"]["test_digit_accuracy_during_training"]
    assert [step for step, _ in curve] == [2]
    assert (first / "README.md").is_file()

    second = tmp_path / "second"
    run_script(
        SCRIPT,
        [
            "--data-dir", small_mnist_dir, "--steps", "3", "--seed", "1",
            "--eval-every", "3", "--init-preset", str(first),
            "--out", str(second), "--contrastive-weight", "2",
            "--code-samples", "16", "--info-weight", "c2=3",
        ],
    )  # fmt: skip
    continued = read_metadata(second)
    assert continued["training_steps"] == 5
    stages = continued["training_stages"]
    assert [stage["steps"] for stage in stages] == [2, 3]
    assert [stage["seed"] for stage in stages] == [0, 1]
    assert [stage.get("contrastive_weight") for stage in stages] == [0.0, 2.0]
    assert stages[1]["info_weights"] == {"c2": 3.0}
    assert stages[0]["command"] == metadata["training_command"]
    assert continued["training_command"] == " && ".join(
        stage["command"] for stage in stages
    )
    assert "--init-preset" in stages[1]["command"]
    curve = continued["metrics"]["test_digit_accuracy_during_training"]
    assert [step for step, _ in curve] == [2, 5]
    assert continued["seed"] == 1
    # --code-samples: each continuous code's best Morpho-MNIST match at every
    # evaluation, and the full table of the written preset.
    code_curve = continued["metrics"]["continuous_codes_during_training"]
    assert [step for step, _ in code_curve] == [5]
    assert set(code_curve[0][1]) == {"c1", "c2"}
    for match in code_curve[0][1].values():
        assert set(match) == {"random", "partial"}
        assert abs(match["partial"][1]) <= 1.0
    table = continued["metrics"]["continuous_codes"]
    assert table["protocol"]["samples"] == 16
    assert table["protocol"]["real_images"] == 256  # the small test split
    assert set(table["partial_real"]) == {"c1", "c2"}
    assert set(table["sweeps"]) == {"c1", "c2"}
    shipped = kd.InfoGAN.from_preset(str(second))
    again = code_measure_correlations(shipped, 16, bases=0)
    assert again["random"] == table["random"]
    assert again["partial"] == table["partial"]

    # The CR discriminator served training only: the preset is a plain
    # InfoGAN with the same networks as the first stage's.
    config = json.loads((second / "config.json").read_text())["config"]
    assert config["contrastive_weight"] == 0.0
    # --info-weight: the preset keeps the weights it was trained with.
    assert config["info_weights"] == {"c2": 3.0}
    # ... and the slope and epsilon of the preset it continued.
    assert config["leaky_relu_slope"] == 0.01
    assert config["batch_norm_epsilon"] == 1e-3

    # The second stage trained the first stage's weights: three Adam steps
    # (learning rates 2e-4 and 1e-3) move them by far less than the spread
    # of a fresh initialization.
    before = trainable_weights(kd.InfoGAN.from_preset(str(first)))
    after = trainable_weights(shipped)
    fresh = trainable_weights(
        kd.InfoGAN.from_preset(str(first), seed=1, load_weights=False)
    )
    assert [w.shape for w in before] == [w.shape for w in after]
    moved = max(np.max(np.abs(a - b)) for a, b in zip(after, before))
    assert 0.0 < moved < 0.02
    assert max(np.max(np.abs(f - b)) for f, b in zip(fresh, before)) > 0.05


def test_rejects_a_malformed_info_weight(tmp_path):
    spec = importlib.util.spec_from_file_location("train_script", SCRIPT)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    with pytest.raises(SystemExit):
        script.parse_args(["--info-weight", "c2"])
    assert script.parse_args(["--info-weight", "c2=0.5"]).info_weights == {
        "c2": 0.5
    }


def test_rejects_network_options_for_a_continued_preset(capsys):
    spec = importlib.util.spec_from_file_location("train_script", SCRIPT)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    for option in ("--leaky-relu-slope", "--batch-norm-epsilon"):
        with pytest.raises(SystemExit):
            script.parse_args(["--init-preset", "mnist", option, "0.01"])
        error = capsys.readouterr().err
        assert f"{option} sets up a new model" in error
        assert "keeps the networks it was trained with" in error
    args = script.parse_args(
        ["--leaky-relu-slope", "0.01", "--batch-norm-epsilon", "1e-3"]
    )
    assert (args.leaky_relu_slope, args.batch_norm_epsilon) == (0.01, 1e-3)


def test_validation_images_are_held_out_and_scored(small_mnist_dir, tmp_path):
    out = tmp_path / "held"
    run_script(
        SCRIPT,
        [
            "--data-dir", small_mnist_dir, "--steps", "2", "--seed", "0",
            "--eval-every", "2", "--out", str(out),
            "--validation-images", "128",
        ],
    )  # fmt: skip
    metadata = read_metadata(out)
    metrics = metadata["metrics"]
    assert metrics["validation_images"] == 128
    assert "384 training images" in metadata["dataset"]
    assert 0.0 <= metrics["validation_digit_accuracy_hungarian"] <= 1.0
    curve = metrics["validation_digit_accuracy_during_training"]
    assert [step for step, _ in curve] == [2]


def test_rejects_holding_out_every_training_image(small_mnist_dir, tmp_path):
    with pytest.raises(SystemExit, match="leaves no training images"):
        run_script(
            SCRIPT,
            [
                "--data-dir", small_mnist_dir, "--steps", "1",
                "--out", str(tmp_path / "x"), "--validation-images", "512",
            ],
        )  # fmt: skip


SELECT = SCRIPT.parent / "select_infogan_mnist.py"


def test_seed_selection_keeps_the_best_run_and_reuses_finished_runs(
    small_mnist_dir, tmp_path
):
    out = tmp_path / "best"

    def select(*extra):
        run_script(
            SELECT,
            [
                "--seeds", "0-1", "--validation-images", "128",
                "--out", str(out), "--", "--data-dir", small_mnist_dir,
                "--steps", "3", "--eval-every", "0", *extra,
            ],
        )  # fmt: skip
        return read_metadata(out)["seed_selection"]

    selection = select()
    runs = selection["runs"]
    assert [run["seed"] for run in runs] == [0, 1]
    best = max(runs, key=lambda run: run["validation_accuracy"])
    assert selection["chosen_seed"] == best["seed"]
    chosen_dir = tmp_path / "best.seeds" / f"seed_{best['seed']}"
    chosen = read_metadata(chosen_dir)
    assert chosen["seed"] == best["seed"]
    assert (
        chosen["metrics"]["test_digit_accuracy_hungarian"]
        == best["test_accuracy"]
    )
    # The written preset is the chosen run's model, weights and card.
    written = kd.InfoGAN.from_preset(str(out))
    original = kd.InfoGAN.from_preset(str(chosen_dir))
    for a, b in zip(trainable_weights(written), trainable_weights(original)):
        np.testing.assert_array_equal(a, b)
    assert read_metadata(out)["metrics"] == chosen["metrics"]
    assert (out / "traversal.png").is_file()
    assert "--seeds 0-1" in selection["command"]

    # Called again, it reuses the finished runs; seed 1's run is made to
    # look stopped before its last figures, so it is trained again.
    weights = {
        seed: tmp_path / "best.seeds" / f"seed_{seed}" / "model.weights.h5"
        for seed in (0, 1)
    }
    mtimes = {seed: path.stat().st_mtime_ns for seed, path in weights.items()}
    seed_1 = weights[1].parent / "metadata.json"
    metadata = json.loads(seed_1.read_text())
    del metadata["metrics"]["validation_digit_accuracy_hungarian"]
    seed_1.write_text(json.dumps(metadata))
    again = select()
    assert weights[0].stat().st_mtime_ns == mtimes[0]
    assert weights[1].stat().st_mtime_ns != mtimes[1]
    assert again["runs"][0] == runs[0]
    rerun = read_metadata(weights[1].parent)["metrics"]
    assert "validation_digit_accuracy_hungarian" in rerun
    # A finished run of other options is never overwritten.
    with pytest.raises(ValueError, match="other options.*--work-dir"):
        select("--batch-size", "32")
    assert weights[0].stat().st_mtime_ns == mtimes[0]


def test_seed_selection_rejects_options_it_sets(capsys):
    spec = importlib.util.spec_from_file_location("select_script", SELECT)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    with pytest.raises(SystemExit):
        script.parse_args(["--out", "x", "--", "--seed", "3"])
    assert "set by this script" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        script.parse_args(["--out", "x", "--seeds", "1,1"])
    assert script.parse_seeds("0-2,7") == [0, 1, 2, 7]
