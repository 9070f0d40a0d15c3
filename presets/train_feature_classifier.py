"""Reproduces the built-in feature-classifier presets in one command each.

The quality metrics (`keras_disentangle.metrics.quality_metrics`) embed
images with a small classifier instead of Inception. This script trains
`keras_disentangle.metrics.FeatureClassifier` and writes it as a preset
(float16 kernels), then reloads the preset and measures what ships:

- `--dataset mnist`: the ten digits of MNIST (60,000 training images from
  the original IDX files; accuracy on the 10,000 test images), preset
  `"mnist_digits"`;
- `--dataset dsprites`: dSprites' three shapes (images rendered on the
  exact factor grid by `keras_disentangle.datasets.DSprites`; disjoint
  random train and test indices), preset `"dsprites_shapes"` (trained on
  torch: Keras's 3x3 convolutions run twice as fast there as on JAX's CPU
  backend).

```shell
KERAS_BACKEND=jax python presets/train_feature_classifier.py --dataset mnist
KERAS_BACKEND=torch python presets/train_feature_classifier.py \
    --dataset dsprites
# a quick end-to-end check:
KERAS_BACKEND=jax python presets/train_feature_classifier.py \
    --dataset mnist --epochs 1 --train-limit 2000 --out out/check
```
"""

import argparse
import json
import os
import shlex
import sys
import time

import keras
import numpy as np

from keras_disentangle.datasets import DSprites
from keras_disentangle.datasets import load_mnist
from keras_disentangle.metrics import FeatureClassifier

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILTIN = os.path.join(REPO, "keras_disentangle", "presets", "builtin")

DATASETS = {
    "mnist": {
        "preset": "mnist_digits",
        "hf_handle": "hf://keras-disentangle/feature-classifier-mnist",
        "name": "MNIST feature classifier",
        "image_shape": (28, 28, 1),
        "num_classes": 10,
        "filters": (32, 64),
        "classes": [str(d) for d in range(10)],
    },
    "dsprites": {
        "preset": "dsprites_shapes",
        "hf_handle": "hf://keras-disentangle/feature-classifier-dsprites",
        "name": "dSprites shape classifier",
        "description": (
            "A small CNN that tells dSprites' three shapes (square, ellipse, "
            "heart) apart in 64x64 images; its 64-d feature layer serves the "
            "quality metrics on dSprites."
        ),
        "image_shape": (64, 64, 1),
        "num_classes": 3,
        "filters": (16, 32, 32),
        "classes": ["square", "ellipse", "heart"],
    },
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", choices=sorted(DATASETS), required=True)
    parser.add_argument(
        "--data-dir",
        default=os.environ.get("KERAS_DISENTANGLE_MNIST_DIR")
        or os.path.join(os.path.dirname(REPO), "shared", "data", "mnist"),
        help="directory of the MNIST IDX files (--dataset mnist)",
    )
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--learning-rate", type=float, default=2e-3)
    parser.add_argument("--feature-dim", type=int, default=64)
    parser.add_argument(
        "--dsprites-train", type=int, default=60_000, help="training images"
    )
    parser.add_argument(
        "--dsprites-test", type=int, default=10_000, help="test images"
    )
    parser.add_argument(
        "--train-limit",
        type=int,
        default=None,
        help="use only the first N training images (for quick checks)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--out", default=None, help="preset directory (default: the built-in)"
    )
    return parser.parse_args(argv)


def load_data(args):
    """(train_images, train_labels, test_images, test_labels, description)."""
    if args.dataset == "mnist":
        train = load_mnist("train", data_dir=args.data_dir)
        test = load_mnist("test", data_dir=args.data_dir)
        description = (
            "MNIST (original IDX files): 60,000 training / 10,000 test "
            "images, 28x28x1, pixels / 255"
        )
        return (*train, *test, description)
    data = DSprites()
    rng = np.random.default_rng(args.seed)
    total = args.dsprites_train + args.dsprites_test
    indices = rng.choice(len(data), size=total, replace=False)
    shapes = np.asarray(data.factor_classes[indices])[:, 0]
    train, test = indices[: args.dsprites_train], indices[args.dsprites_train :]
    description = (
        f"dSprites rendered by keras_disentangle.datasets.DSprites: "
        f"{len(train):,} training / {len(test):,} test images drawn without "
        f"replacement from the 737,280 (seed {args.seed}); label = shape"
    )
    return (
        data.images(train),
        shapes[: len(train)],
        data.images(test),
        shapes[len(train) :],
        description,
    )


def main(argv=None):
    args = parse_args(argv)
    spec = DATASETS[args.dataset]
    out = args.out or spec.get("out") or os.path.join(BUILTIN, spec["preset"])
    command = "KERAS_BACKEND={} python presets/train_feature_classifier.py {}"
    command = command.format(
        keras.backend.backend(),
        shlex.join(argv if argv is not None else sys.argv[1:]),
    ).strip()
    keras.utils.set_random_seed(args.seed)
    train_x, train_y, test_x, test_y, description = load_data(args)
    if args.train_limit:
        train_x, train_y = (
            train_x[: args.train_limit],
            train_y[: args.train_limit],
        )

    model = FeatureClassifier(
        image_shape=spec["image_shape"],
        num_classes=spec["num_classes"],
        filters=spec["filters"],
        feature_dim=args.feature_dim,
        name=f"{spec['preset']}_classifier",
    )
    steps = args.epochs * int(np.ceil(len(train_x) / args.batch_size))
    model.compile(
        optimizer=keras.optimizers.Adam(
            keras.optimizers.schedules.CosineDecay(
                args.learning_rate, decay_steps=steps
            )
        ),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    started = time.time()
    model.fit(
        train_x,
        train_y,
        batch_size=args.batch_size,
        epochs=args.epochs,
        shuffle=True,
        verbose=2,
    )
    seconds = time.time() - started

    metadata = {
        "name": spec["name"],
        "description": spec.get("description")
        or FeatureClassifier.presets.get(spec["preset"]),
        "hf_handle": spec["hf_handle"],
        "dataset": description,
        "classes": spec["classes"],
        "training_steps": steps,
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "seed": args.seed,
        "optimizer": f"Adam, cosine decay from {args.learning_rate:g}",
        "train_seconds": round(seconds, 1),
        "training_command": command,
        "usage_imports": [
            "import keras_disentangle",
            "from keras_disentangle.metrics import quality_metrics",
        ],
        "usage_class": "keras_disentangle.metrics.FeatureClassifier",
        "usage": [
            "features = model.features(images)  # images in [0, 1], NHWC",
            "scores = quality_metrics(real_images, generated_images, model)",
        ],
    }
    model.save_to_preset(out, metadata, weights_dtype="float16")
    # Measures what ships: the float16 preset, reloaded.
    shipped = FeatureClassifier.from_preset(out)
    predictions = np.argmax(shipped.logits(test_x), axis=-1)
    accuracy = float(np.mean(predictions == test_y))
    per_class = {
        name: round(float(np.mean(predictions[test_y == c] == c)), 4)
        for c, name in enumerate(spec["classes"])
    }
    metadata["metrics"] = {
        "test_accuracy": round(accuracy, 4),
        "test_accuracy_per_class": per_class,
        "num_test_images": int(len(test_x)),
    }
    shipped.save_to_preset(out, metadata, weights_dtype="float16")
    size = sum(
        os.path.getsize(os.path.join(out, name)) for name in os.listdir(out)
    )
    print(json.dumps(metadata["metrics"], indent=2))
    print(
        f"Wrote {out} ({size / 1e6:.2f} MB); test accuracy {accuracy:.4f} "
        f"({seconds:.0f} s training)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
