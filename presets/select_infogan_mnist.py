"""Trains the "mnist" InfoGAN with several seeds and keeps the best one.

InfoGAN's categorical code lands on different digit splits from one seed to
the next (six seeds of `presets/train_infogan_mnist.py` scored 81.9-88.8 %
on the test digits). This runs that script once per seed, each holding out
the first `--validation-images` training images (5,000 by default, the
official trainer's split), and keeps the run whose categorical code is most
accurate on those held-out images (Hungarian matching). The test digits play
no part in the choice. The chosen preset is written to `--out` with every
seed's validation and test accuracy in its `metadata.json`
(`seed_selection`); each run stays in `--work-dir/seed_<seed>`.

```shell
KERAS_BACKEND=jax python presets/select_infogan_mnist.py --seeds 0-9 \
    --out out/mnist_best
# options after `--` go to every training run:
KERAS_BACKEND=jax python presets/select_infogan_mnist.py --seeds 0,1 \
    --out out/mnist_check -- --steps 200
```
"""

import argparse
import importlib.util
import json
import os
import shlex
import sys

import keras

import keras_disentangle
from keras_disentangle.presets.preset_format import TRAVERSAL_FILE

HERE = os.path.dirname(os.path.abspath(__file__))
_RECORDED_BY_SAVE = (
    "class_name",
    "registered_name",
    "weights",
    "keras_disentangle_version",
    "keras_version",
    "backend",
    "parameter_count",
    "date_saved",
)
_OWNED_OPTIONS = ("--seed", "--out", "--validation-images")


def _training_script():
    path = os.path.join(HERE, "train_infogan_mnist.py")
    spec = importlib.util.spec_from_file_location("train_infogan_mnist", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def parse_seeds(text):
    """`"0-3"` -> [0, 1, 2, 3]; `"0,5,7"` -> [0, 5, 7]; ranges may mix."""
    seeds = []
    for part in text.split(","):
        first, dash, last = part.strip().partition("-")
        try:
            if dash:
                seeds.extend(range(int(first), int(last) + 1))
            else:
                seeds.append(int(first))
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"--seeds takes integers and ranges such as 0-9 or 0,3,5; "
                f"got {text!r}"
            ) from None
    if not seeds or len(set(seeds)) != len(seeds):
        raise argparse.ArgumentTypeError(
            f"--seeds must name distinct seeds; got {text!r}"
        )
    return seeds


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=parse_seeds, default=parse_seeds("0-9"))
    parser.add_argument(
        "--validation-images",
        type=int,
        default=5000,
        help="held-out training images the choice is made on",
    )
    parser.add_argument("--out", required=True, help="preset to write")
    parser.add_argument(
        "--work-dir",
        default=None,
        help="where each seed's run is kept (default: OUT.seeds)",
    )
    parser.add_argument(
        "training_args",
        nargs="*",
        help="after `--`: options for presets/train_infogan_mnist.py",
    )
    args = parser.parse_args(argv)
    if args.validation_images < 1:
        parser.error("--validation-images must be at least 1.")
    owned = [
        option
        for option in args.training_args
        if option.split("=")[0] in _OWNED_OPTIONS
    ]
    if owned:
        parser.error(
            f"{owned} are set by this script for every run; drop them from "
            "the options after `--`."
        )
    args.work_dir = args.work_dir or args.out.rstrip("/") + ".seeds"
    return args


def finished_run(
    run_dir, command, metric="validation_digit_accuracy_hungarian"
):
    """The metadata of a run of `command` finished in `run_dir`.

    Returns `None` where `run_dir` holds no finished run (one whose
    `metadata.json` lacks `metric`; the training script writes the
    validation accuracy last).
    Raises `ValueError` where it holds one trained with other options,
    rather than overwrite it.
    """
    path = os.path.join(run_dir, "metadata.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        metadata = json.load(f)
    if metric not in metadata.get("metrics", {}):
        return None
    if metadata.get("training_command") != command:
        raise ValueError(
            f"{run_dir} holds a finished run of other options "
            f"({metadata.get('training_command')!r}; this selection runs "
            f"{command!r}). Pass another --work-dir, or delete that folder "
            "to train the seed again."
        )
    return metadata


def main(argv=None):
    args = parse_args(argv)
    script = _training_script()
    runs, metadata_of = [], {}
    for seed in args.seeds:
        run_dir = os.path.join(args.work_dir, f"seed_{seed}")
        training_argv = [
            *args.training_args,
            "--seed", str(seed),
            "--validation-images", str(args.validation_images),
            "--out", run_dir,
        ]  # fmt: skip
        metadata_of[seed] = finished_run(
            run_dir, script.training_command(training_argv)
        )
        if metadata_of[seed] is not None:
            print(f"=== seed {seed}: reusing the finished run in {run_dir}")
        else:
            print(f"=== seed {seed} -> {run_dir}", flush=True)
            keras.backend.clear_session()
            script.main(training_argv)
            with open(os.path.join(run_dir, "metadata.json")) as f:
                metadata_of[seed] = json.load(f)
        metrics = metadata_of[seed]["metrics"]
        runs.append(
            {
                "seed": seed,
                "directory": run_dir,
                "validation_accuracy": metrics[
                    "validation_digit_accuracy_hungarian"
                ],
                "test_accuracy": metrics["test_digit_accuracy_hungarian"],
            }
        )
    best = max(runs, key=lambda run: run["validation_accuracy"])
    chosen = metadata_of[best["seed"]]
    command = "KERAS_BACKEND={} python presets/select_infogan_mnist.py {}"
    metadata = {
        key: value
        for key, value in chosen.items()
        if key not in _RECORDED_BY_SAVE
    }
    metadata["seed_selection"] = {
        "criterion": (
            "Hungarian accuracy of the categorical code on the first "
            f"{args.validation_images:,} MNIST training images, held out "
            "from training; the test digits played no part in the choice"
        ),
        "chosen_seed": best["seed"],
        "runs": [
            {key: run[key] for key in run if key != "directory"} for run in runs
        ],
        "command": command.format(
            keras.backend.backend(),
            shlex.join(argv if argv is not None else sys.argv[1:]),
        ),
    }
    model = keras_disentangle.InfoGAN.from_preset(best["directory"])
    traversal = os.path.join(best["directory"], TRAVERSAL_FILE)
    model.save_to_preset(
        args.out,
        metadata,
        weights_dtype=chosen["weights"]["dtype"],
        traversal_image=traversal if os.path.exists(traversal) else None,
    )
    for run in runs:
        print(
            f"seed {run['seed']}: validation {run['validation_accuracy']:.4f}"
            f", test {run['test_accuracy']:.4f}"
        )
    print(
        f"Chose seed {best['seed']} (validation "
        f"{best['validation_accuracy']:.4f}, test {best['test_accuracy']:.4f})"
        f"; wrote {args.out}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
