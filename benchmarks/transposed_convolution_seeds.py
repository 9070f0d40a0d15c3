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

This trains `presets/train_infogan_mnist.py` once per seed and form, in
this process: as shipped (the paper's 128 -> 64 layer of G in the phase
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
FORMS = ("as shipped", "taps")
_METRIC = "test_digit_accuracy_hungarian"


def _load(name):
    spec = importlib.util.spec_from_file_location(
        name, os.path.join(PRESETS, f"{name}.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
    accuracy = {form: {} for form in FORMS}
    try:
        for seed in args.seeds:
            for form in FORMS:
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
                    transposed_convolution.PHASE_FORM_MIN_FILTERS = thresholds[
                        form
                    ]
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
    print("| seed | " + " | ".join(FORMS) + " |")
    print("|---|" + "---|" * len(FORMS))
    for seed in args.seeds:
        cells = " | ".join(f"{100 * accuracy[f][seed]:.2f}" for f in FORMS)
        print(f"| {seed} | {cells} |")
    means = " | ".join(
        f"{100 * statistics.mean(accuracy[f].values()):.2f}" for f in FORMS
    )
    print(f"| mean | {means} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
