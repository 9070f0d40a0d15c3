"""Reproduces the built-in "mnist" InfoGAN preset in one command.

Trains `keras_disentangle.InfoGAN` (the paper's MNIST networks and codes,
the official trainer's optimizers: Adam(beta_1=0.5), D 2e-4, G 1e-3, batch
128, 5,000 updates) on the 60,000 MNIST training images, then evaluates the
categorical code as an unsupervised classifier: `argmax` of Q's posterior
for "digit" on the 10,000 test images, matched to the labels one-to-one
with the Hungarian algorithm (`scipy.optimize.linear_sum_assignment`). The
preset is written with float16 kernels (see
`keras_disentangle/presets/weights_file.py`), then reloaded; the figures in
`metadata.json` are measured on the reloaded preset, i.e. on what ships.
`--contrastive-weight W` adds InfoGAN-CR's contrastive regulariser (a CR
discriminator tells which code a pair of samples shares; G is rewarded for
making that easy) at a constant weight; the written preset keeps G, D and Q.
`--info-weight CODE=LAMBDA` changes one code's weight in the information
term (the paper's is 1 for every code). `--leaky-relu-slope 0.01` trains
with the official code's slope in D and Q instead of the paper's 0.1;
`--batch-norm-epsilon 1e-3` builds every BatchNorm with Keras's epsilon
instead of the official 1e-5.
`--validation-images 5000` holds out the first 5,000 training images, as
the official trainer's TensorFlow split does, and also reports the accuracy
on them: `presets/select_infogan_mnist.py` chooses among seeds with it,
without looking at the test set.

```shell
KERAS_BACKEND=jax python presets/train_infogan_mnist.py
# continue training a preset (a built-in name or a directory):
KERAS_BACKEND=jax python presets/train_infogan_mnist.py --init-preset mnist \
    --seed 3 --steps 3000
# continue it with InfoGAN-CR's contrastive regulariser (weight 2 from the
# first step; the CR discriminator is dropped from the written preset):
KERAS_BACKEND=jax python presets/train_infogan_mnist.py --init-preset mnist \
    --seed 3 --steps 2000 --contrastive-weight 2 --code-samples 2000 \
    --out out/mnist_cr2000
# a quick end-to-end check:
KERAS_BACKEND=jax python presets/train_infogan_mnist.py --steps 20 \
    --out out/mnist_preset_check
```

Data: `--data-dir`, else `$KERAS_DISENTANGLE_MNIST_DIR`, else
`../shared/data/mnist` next to the repository (the original gzipped IDX
files).
"""

import argparse
import json
import os
import shlex
import sys
import time

import keras
import numpy as np

import keras_disentangle
from keras_disentangle.datasets import BatchDataset
from keras_disentangle.datasets import load_mnist
from keras_disentangle.metrics import cluster_to_class_map
from keras_disentangle.metrics import code_measure_correlations
from keras_disentangle.presets.preset_format import read_json
from keras_disentangle.presets.preset_loader import resolve_preset

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILTIN_DIR = os.path.join(
    REPO, "keras_disentangle", "presets", "builtin", "mnist"
)
HF_HANDLE = "hf://keras-disentangle/infogan-mnist"
MAX_SHIPPED_BYTES = 25_000_000


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data-dir",
        default=os.environ.get("KERAS_DISENTANGLE_MNIST_DIR")
        or os.path.join(os.path.dirname(REPO), "shared", "data", "mnist"),
        help="directory of the MNIST IDX files",
    )
    parser.add_argument("--steps", type=int, default=5000)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--out", default=BUILTIN_DIR, help="preset directory to write"
    )
    parser.add_argument(
        "--weights-dtype", default="float16", choices=["float16", "float32"]
    )
    parser.add_argument(
        "--eval-every",
        type=int,
        default=500,
        help="measure the Hungarian test accuracy every this many steps "
        "(rounded up to a multiple of 100; 0 turns it off)",
    )
    parser.add_argument(
        "--init-preset",
        default=None,
        help="continue training from this preset (built-in name or "
        "directory) with fresh optimizer state; its steps, commands and "
        "accuracy curve are carried into the new metadata.json. Use a "
        "--seed other than the preset's so new latents and batches are drawn",
    )
    parser.add_argument(
        "--leaky-relu-slope",
        type=float,
        default=None,
        help="slope of D's and Q's leaky ReLUs (default: the paper's 0.1; "
        "the official code's is 0.01). Not with --init-preset: a preset "
        "keeps the slope it was trained with",
    )
    parser.add_argument(
        "--batch-norm-epsilon",
        type=float,
        default=None,
        help="epsilon of every BatchNorm layer (default: the official "
        "code's 1e-5; Keras's default is 1e-3). Not with --init-preset",
    )
    parser.add_argument(
        "--validation-images",
        type=int,
        default=0,
        help="hold out this many of the first training images and report "
        "the Hungarian accuracy on them too (the official trainer's split "
        "holds out 5,000; default 0 trains on all 60,000)",
    )
    parser.add_argument(
        "--contrastive-weight",
        type=float,
        default=0.0,
        help="train with InfoGAN-CR's contrastive regulariser at this "
        "constant weight (0: the paper's InfoGAN). The CR discriminator "
        "only serves training and is not written to the preset",
    )
    parser.add_argument(
        "--info-weight",
        action="append",
        default=[],
        metavar="CODE=LAMBDA",
        help="weight of one code's information term (repeatable, e.g. "
        "--info-weight c1=2 --info-weight c2=2; default: the paper's 1 "
        "for every code). The written preset's config keeps the weights "
        "it was trained with",
    )
    parser.add_argument(
        "--code-samples",
        type=int,
        default=0,
        help="also record, at every --eval-every point, the Spearman "
        "correlation of each continuous code with its best-matching "
        "Morpho-MNIST measure over this many samples (`random` and "
        "`partial` protocols), and the full table "
        "(`keras_disentangle.metrics.code_measure_correlations`, with the "
        "test digits for `partial_real`) of the written preset (0 turns "
        "it off)",
    )
    args = parser.parse_args(argv)
    if args.validation_images < 0:
        parser.error("--validation-images must be >= 0.")
    for option, value in (
        ("--leaky-relu-slope", args.leaky_relu_slope),
        ("--batch-norm-epsilon", args.batch_norm_epsilon),
    ):
        if args.init_preset and value is not None:
            parser.error(
                f"{option} sets up a new model; a preset given with "
                "--init-preset keeps the networks it was trained with. Drop "
                "one of the two."
            )
    args.info_weights = {}
    for item in args.info_weight:
        name, _, value = item.partition("=")
        try:
            args.info_weights[name.strip()] = float(value)
        except ValueError:
            parser.error(
                f"--info-weight takes CODE=LAMBDA, e.g. c2=2; got {item!r}"
            )
    return args


NETWORKS = ("generator", "trunk", "d_head", "q_trunk", "q_network")


def rebuilt(model, **overrides):
    """A new InfoGAN of `model`'s config with `overrides`, and its networks.

    Networks that the overrides add (the CR discriminator) start fresh.
    """
    config = model.get_config()
    config.update(overrides)
    copy = keras_disentangle.InfoGAN.from_config(config)
    for name in NETWORKS:
        source = getattr(model, name)
        if source is not None:
            getattr(copy, name).set_weights(source.get_weights())
    return copy


class AccuracyCurve(keras.callbacks.Callback):
    """Records the Hungarian test accuracy of the digit code during training.

    With `code_samples > 0` it also records each continuous code's best
    Morpho-MNIST match and its Spearman correlation over that many samples.
    """

    def __init__(
        self,
        images,
        labels,
        every_epochs,
        steps_per_epoch,
        first_step=0,
        code_samples=0,
        validation=None,
    ):
        super().__init__()
        self.images = images
        self.labels = labels
        self.every_epochs = every_epochs
        self.steps_per_epoch = steps_per_epoch
        self.first_step = first_step
        self.code_samples = code_samples
        self.validation = validation
        self.curve = []
        self.validation_curve = []
        self.code_curve = []

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every_epochs:
            return
        accuracy, _ = evaluate(self.model, self.images, self.labels)
        step = self.first_step + (epoch + 1) * self.steps_per_epoch
        self.curve.append([step, round(accuracy, 4)])
        message = f"step {step}: Hungarian test accuracy {accuracy:.4f}"
        if self.validation is not None:
            held_out, _ = evaluate(self.model, *self.validation)
            self.validation_curve.append([step, round(held_out, 4)])
            message += f", validation {held_out:.4f}"
        print(message, flush=True)
        if self.code_samples > 0:
            table = code_measure_correlations(
                self.model, samples=self.code_samples, bases=0
            )
            partial = table["best_match_partial"]
            matches = {
                code: {
                    "random": [match["measure"], match["spearman_random"]],
                    "partial": [
                        partial[code]["measure"],
                        partial[code]["spearman_partial"],
                    ],
                }
                for code, match in table["best_match"].items()
            }
            self.code_curve.append([step, matches])
            print(f"step {step}: continuous codes {matches}", flush=True)


def earlier_stages(previous):
    """The training stages recorded in a preset's metadata (none: `{}`)."""
    if not previous or "training_stages" in previous:
        return previous.get("training_stages", [])
    # A preset trained in one stage records it at the top level.
    return [
        {
            "steps": previous["training_steps"],
            "batch_size": previous.get("batch_size"),
            "seed": previous.get("seed"),
            # Presets written before --contrastive-weight trained without it.
            "contrastive_weight": previous.get("contrastive_weight", 0.0),
            "backend": previous.get("backend"),
            "train_seconds": previous.get("train_seconds"),
            "command": previous.get("training_command"),
        }
    ]


def evaluate(model, images, labels):
    posteriors = model.encode(images)["digit"]
    clusters = np.argmax(posteriors, axis=-1)
    mapping, matched = cluster_to_class_map(labels, clusters)
    return matched / len(labels), mapping


def traversal_figure(model, mapping, seed=0):
    """c1 and c2 traversals side by side, one row per digit 0-9."""
    from keras_disentangle.utils.image_grid import image_grid

    digit_rows = [
        cluster
        for digit in range(10)
        for cluster, label in mapping.items()
        if label == digit
    ]
    grids = []
    for code in ("c1", "c2"):
        images, rows, columns = model.traversal_grid(code, seed=seed)
        images = images.reshape(rows, columns, *images.shape[1:])
        images = images[digit_rows].reshape(-1, *images.shape[2:])
        grids.append(image_grid(images, rows=rows, columns=columns))
    gap = np.full((grids[0].shape[0], 12), 255, dtype=np.uint8)
    figure = np.concatenate([grids[0], gap, grids[1]], axis=1)
    return np.repeat(np.repeat(figure, 2, axis=0), 2, axis=1)


def training_command(argv):
    """The command line that `metadata.json` records for a run of `argv`."""
    return "KERAS_BACKEND={} python presets/train_infogan_mnist.py {}".format(
        keras.backend.backend(), shlex.join(argv)
    ).strip()


def main(argv=None):
    args = parse_args(argv)
    command = training_command(argv if argv is not None else sys.argv[1:])
    keras.utils.set_random_seed(args.seed)
    train_images, train_labels = load_mnist("train", data_dir=args.data_dir)
    test_images, test_labels = load_mnist("test", data_dir=args.data_dir)
    validation = None
    if args.validation_images:
        if args.validation_images >= len(train_images):
            raise SystemExit(
                f"--validation-images {args.validation_images} leaves no "
                f"training images out of {len(train_images)}; hold out fewer."
            )
        # The official trainer's split: TensorFlow's `read_data_sets` keeps
        # the first 5,000 training images as its validation set.
        held = args.validation_images
        validation = (train_images[:held], train_labels[:held])
        train_images = train_images[held:]
    held_out_note = (
        f"; the first {args.validation_images:,} held out for validation"
        if validation is not None
        else ""
    )
    print(
        f"MNIST: {len(train_images)} train, "
        f"{args.validation_images} validation, "
        f"{len(test_images)} test images; "
        f"backend {keras.backend.backend()}; {args.steps} steps of "
        f"{args.batch_size}",
        flush=True,
    )

    previous = {}
    if args.init_preset:
        # Read before training: `--out` may be the preset being continued.
        directory, source, _ = resolve_preset(args.init_preset)
        previous = read_json(directory, "metadata.json", source)
        model = keras_disentangle.InfoGAN.from_preset(directory, seed=args.seed)
        print(
            f"Continuing {args.init_preset!r} after "
            f"{previous.get('training_steps', 0)} steps.",
            flush=True,
        )
    else:
        options = {"leaky_relu_slope": args.leaky_relu_slope}
        if args.batch_norm_epsilon is not None:
            options["batch_norm_epsilon"] = args.batch_norm_epsilon
        model = keras_disentangle.InfoGAN(**options, seed=args.seed)
    overrides = {}
    if args.info_weights:
        overrides["info_weights"] = {**model.info_weights, **args.info_weights}
    if args.contrastive_weight > 0:
        overrides.update(
            contrastive_weight=args.contrastive_weight, seed=args.seed
        )
    if overrides:
        model = rebuilt(model, **overrides)
    model.compile()
    first_step = previous.get("training_steps", 0)
    steps_per_epoch = min(args.steps, 100)
    epochs = -(-args.steps // steps_per_epoch)
    callbacks = []
    if args.eval_every > 0:
        curve = AccuracyCurve(
            test_images,
            test_labels,
            every_epochs=max(1, -(-args.eval_every // steps_per_epoch)),
            steps_per_epoch=steps_per_epoch,
            first_step=first_step,
            code_samples=args.code_samples,
            validation=validation,
        )
        callbacks.append(curve)
    # Full shuffled batches, pass after pass, as the official trainer's
    # `next_batch`: an epoch is exactly `steps_per_epoch` updates wherever
    # it starts in the data (array input to `fit` would end the epoch that
    # reaches the end of the data early, and serve a short last batch).
    batches = BatchDataset(
        train_images,
        batch_size=args.batch_size,
        shuffle=True,
        seed=args.seed,
        drop_remainder=True,
        repeat=True,
    )
    started = time.time()
    history = model.fit(
        batches,
        epochs=epochs,
        steps_per_epoch=steps_per_epoch,
        callbacks=callbacks,
        shuffle=False,
        verbose=2,
    )
    train_seconds = time.time() - started
    steps = epochs * steps_per_epoch
    if model.cr_discriminator is not None:
        model = rebuilt(model, contrastive_weight=0.0, contrastive_start=0)

    accuracy32, _ = evaluate(model, test_images, test_labels)
    latents = model.latents(64, seed=123)
    reference = model.generate(latents)

    final_logs = {
        key: float(values[-1]) for key, values in history.history.items()
    }
    stage = {
        "steps": steps,
        "batch_size": args.batch_size,
        "seed": args.seed,
        "contrastive_weight": args.contrastive_weight,
        "info_weights": dict(model.info_weights),
        "backend": keras.backend.backend(),
        "train_seconds": round(train_seconds, 1),
        "command": command,
    }
    stages = earlier_stages(previous) + [stage]
    metadata = {
        "name": "InfoGAN MNIST",
        "description": keras_disentangle.InfoGAN.presets.get("mnist"),
        "hf_handle": HF_HANDLE,
        "dataset": (
            f"MNIST ({len(train_images):,} training images{held_out_note}, "
            "28x28x1, pixels / 255)"
        ),
        "training_steps": sum(s["steps"] for s in stages),
        "batch_size": args.batch_size,
        "seed": args.seed,
        "optimizers": "Adam(beta_1=0.5): discriminator+Q 2e-4, generator 1e-3"
        + (
            "; each stage starts with fresh optimizer state"
            if len(stages) > 1
            else ""
        )
        + (
            "; with the contrastive regulariser, its CR discriminator "
            "Adam(beta_1=0.5) 2e-3"
            if any(s.get("contrastive_weight") for s in stages)
            else ""
        ),
        "train_seconds": round(sum(s["train_seconds"] or 0 for s in stages), 1),
        "training_command": " && ".join(s["command"] for s in stages),
    }
    if len(stages) > 1:
        metadata["training_stages"] = stages
    else:
        metadata["contrastive_weight"] = args.contrastive_weight
    # Save, reload, and measure what ships (float16 kernels).
    model.save_to_preset(args.out, metadata, weights_dtype=args.weights_dtype)
    shipped = keras_disentangle.InfoGAN.from_preset(args.out)
    accuracy, mapping = evaluate(shipped, test_images, test_labels)
    difference = float(np.max(np.abs(shipped.generate(latents) - reference)))
    metadata["metrics"] = {
        "test_digit_accuracy_hungarian": round(accuracy, 4),
        "test_digit_error_hungarian": round(1.0 - accuracy, 4),
        "test_digit_accuracy_hungarian_float32": round(accuracy32, 4),
        "max_abs_pixel_difference_vs_float32": difference,
        "final_train_logs": {k: round(v, 4) for k, v in final_logs.items()},
    }
    if validation is not None:
        held_out, _ = evaluate(shipped, *validation)
        metadata["metrics"]["validation_digit_accuracy_hungarian"] = round(
            held_out, 4
        )
        metadata["metrics"]["validation_images"] = args.validation_images
    if args.eval_every > 0:
        earlier = previous.get("metrics", {}).get(
            "test_digit_accuracy_during_training", []
        )
        metadata["metrics"]["test_digit_accuracy_during_training"] = (
            earlier + curve.curve
        )
        if validation is not None:
            metadata["metrics"]["validation_digit_accuracy_during_training"] = (
                curve.validation_curve
            )
        if args.code_samples > 0:
            metadata["metrics"]["continuous_codes_during_training"] = (
                previous.get("metrics", {}).get(
                    "continuous_codes_during_training", []
                )
                + curve.code_curve
            )
    if args.code_samples > 0:
        # With the test digits for the partial_real protocol.
        metadata["metrics"]["continuous_codes"] = code_measure_correlations(
            shipped, samples=args.code_samples, images=test_images
        )
    metadata["digit_code_to_label"] = {str(k): v for k, v in mapping.items()}
    metadata["traversal_caption"] = (
        "Rows: the categorical code, ordered by the digit it was matched to "
        "(0-9). Left: c1 swept from -2 to 2; right: c2 swept from -2 to 2 "
        "(trained on [-1, 1]). Other codes fixed."
    )
    shipped.save_to_preset(
        args.out,
        metadata,
        weights_dtype=args.weights_dtype,
        traversal_image=traversal_figure(shipped, mapping),
    )
    size = sum(
        os.path.getsize(os.path.join(args.out, name))
        for name in os.listdir(args.out)
    )
    print(json.dumps(metadata["metrics"], indent=2))
    print(
        f"Wrote {args.out} ({size / 1e6:.1f} MB); Hungarian test accuracy "
        f"{accuracy:.4f} (float32 model: {accuracy32:.4f})."
    )
    if size > MAX_SHIPPED_BYTES:
        print(
            f"WARNING: the preset is {size / 1e6:.1f} MB, over the 25 MB "
            "budget for shipped presets.",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
