"""InfoGAN's digit-code accuracy with each form of the JAX transposed conv.

The JAX engine computes 4x4 stride-2 transposed convolutions as matrix
products in one of two forms (`keras_disentangle/backend/
transposed_convolution.py`): output phases for layers with at least
`PHASE_FORM_MIN_FILTERS` filters, taps otherwise. Both equal
`keras.ops.conv_transpose`, but they round differently, and training
amplifies rounding: Adam's first update of a weight is about its learning
rate times the sign of its gradient, so a gradient near zero whose sign
rounding flips moves a full step the other way. From then on the two forms
follow different runs of the same seed, as if the seed had changed.

It first measures that effect: one update of `InfoGAN(seed=...)` on the
same 128 training digits in each form, and the largest difference between
the two models' weights, in units of each player's learning rate. Then it
trains `presets/train_infogan_mnist.py` once per seed and form, in this
process: as shipped (the paper's 128 -> 64 layer of G in the phase
form, the 64 -> 1 image layer in taps) and with every layer in taps (the
form before commit 4cc4c0a). It prints the Hungarian test accuracy of the
digit code for each, and their means. Each run is kept in
`--out/<form>/seed_<seed>` and reused by later calls with the same options.

```shell
KERAS_BACKEND=jax python benchmarks/transposed_convolution_seeds.py \
    --seeds 6-9 --out out/transposed_convolution_seeds -- --steps 2500
```
"""

import argparse
import importlib.util
import json
import os
import statistics
import sys

import numpy as np

PRESETS = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "presets"
)
_METRIC = "test_digit_accuracy_hungarian"


def _load(name):
    spec = importlib.util.spec_from_file_location(
        name, os.path.join(PRESETS, f"{name}.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def first_update_gap(seed, images, thresholds):
    """Per player: (largest weight difference after one update in units of
    its learning rate, share of weights apart by more than half of it)."""
    import keras

    import keras_disentangle
    from keras_disentangle.backend import transposed_convolution

    weights = []
    for threshold in thresholds.values():
        transposed_convolution.PHASE_FORM_MIN_FILTERS = threshold
        keras.backend.clear_session()
        keras.utils.set_random_seed(seed)
        model = keras_disentangle.InfoGAN(seed=seed)
        model.compile()
        model.fit(images, batch_size=len(images), shuffle=False, verbose=0)
        rates = {
            name: float(optimizer.learning_rate)
            for name, optimizer in model.default_optimizers().items()
        }
        players = {
            player.name: [
                keras.ops.convert_to_numpy(v) for v in player.variables
            ]
            for player in model.build_players()
        }
        weights.append(players)
    gap = {}
    for player, rate in rates.items():
        steps = np.concatenate(
            [
                np.abs(a - b).ravel() / rate
                for a, b in zip(weights[0][player], weights[1][player])
            ]
        )
        gap[player] = (float(steps.max()), float(np.mean(steps > 0.5)))
    return gap


def main(argv=None):
    import keras

    from keras_disentangle.backend import transposed_convolution

    selection = _load("select_infogan_mnist")
    script = _load("train_infogan_mnist")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=selection.parse_seeds, required=True)
    parser.add_argument("--out", required=True, help="folder of the runs")
    parser.add_argument(
        "training_args",
        nargs="*",
        help="after `--`: options for presets/train_infogan_mnist.py",
    )
    args = parser.parse_args(argv)
    if keras.backend.backend() != "jax":
        sys.exit("The two forms exist on JAX only; set KERAS_BACKEND=jax.")
    owned = [
        a for a in args.training_args if a.split("=")[0] in ("--seed", "--out")
    ]
    if owned:
        parser.error(f"{owned} are set by this script; drop them after `--`.")
    shipped = transposed_convolution.PHASE_FORM_MIN_FILTERS
    thresholds = {"as shipped": shipped, "taps": np.inf}
    accuracy = {form: {} for form in thresholds}
    try:
        data_dir = script.parse_args(args.training_args).data_dir
        images, _ = script.load_mnist("train", data_dir=data_dir)
        print("One update of the same 128 training digits in each form:")
        for seed in args.seeds:
            for player, (largest, share) in first_update_gap(
                seed, images[:128], thresholds
            ).items():
                print(
                    f"  seed {seed}, {player}: weights apart by up to "
                    f"{largest:.2f} learning rates; {100 * share:.3f} % of "
                    "them by more than half of one"
                )
        for seed in args.seeds:
            for form, threshold in thresholds.items():
                run_dir = os.path.join(
                    args.out, form.replace(" ", "_"), f"seed_{seed}"
                )
                training_argv = [
                    *args.training_args,
                    "--seed", str(seed),
                    "--out", run_dir,
                ]  # fmt: skip
                metadata = selection.finished_run(
                    run_dir, script.training_command(training_argv), _METRIC
                )
                if metadata is None:
                    print(f"=== seed {seed}, {form} -> {run_dir}", flush=True)
                    transposed_convolution.PHASE_FORM_MIN_FILTERS = threshold
                    keras.backend.clear_session()
                    script.main(training_argv)
                    with open(os.path.join(run_dir, "metadata.json")) as f:
                        metadata = json.load(f)
                accuracy[form][seed] = metadata["metrics"][_METRIC]
    finally:
        transposed_convolution.PHASE_FORM_MIN_FILTERS = shipped
    print()
    print("Hungarian test accuracy of the digit code (%), JAX:")
    print()
    print("| seed | " + " | ".join(accuracy) + " |")
    print("|---|" + "---|" * len(accuracy))
    for seed in args.seeds:
        cells = " | ".join(f"{100 * accuracy[f][seed]:.2f}" for f in accuracy)
        print(f"| {seed} | {cells} |")
    means = " | ".join(
        f"{100 * statistics.mean(accuracy[f].values()):.2f}" for f in accuracy
    )
    print(f"| mean | {means} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
