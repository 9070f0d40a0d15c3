"""Trains the MNIST `FeatureClassifier` used by the quality metrics.

Writes to `--out`:
- `config.json`: `keras.saving.serialize_keras_object(model)`;
- `model.weights.h5`: the weights;
- `metadata.json`: test accuracy, epochs, backend, Keras version.

Usage (JAX is the fastest backend on CPU):

    KERAS_BACKEND=jax python examples/train_mnist_classifier.py \
        --data-dir ../shared/data/mnist --epochs 5 --out out/mnist_classifier
"""

import argparse
import json
import os
import time

import keras
import numpy as np

from keras_disentangle.datasets import load_mnist
from keras_disentangle.metrics import FeatureClassifier


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data-dir",
        default=None,
        help="directory of the MNIST IDX files (default: "
        "$KERAS_DISENTANGLE_MNIST_DIR)",
    )
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", required=True, help="output directory")
    return parser.parse_args()


def main():
    args = parse_args()
    keras.utils.set_random_seed(args.seed)
    train_images, train_labels = load_mnist("train", data_dir=args.data_dir)
    test_images, test_labels = load_mnist("test", data_dir=args.data_dir)

    model = FeatureClassifier(image_shape=(28, 28, 1), num_classes=10)
    steps = args.epochs * int(np.ceil(len(train_images) / args.batch_size))
    schedule = keras.optimizers.schedules.CosineDecay(
        args.learning_rate, decay_steps=steps
    )
    model.compile(
        optimizer=keras.optimizers.Adam(schedule),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    start = time.time()
    model.fit(
        train_images,
        train_labels,
        batch_size=args.batch_size,
        epochs=args.epochs,
        shuffle=True,
        verbose=2,
    )
    seconds = time.time() - start
    _, test_accuracy = model.evaluate(
        test_images, test_labels, batch_size=512, verbose=0
    )
    print(f"test accuracy: {test_accuracy:.4f} ({seconds:.0f} s training)")

    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(keras.saving.serialize_keras_object(model), f, indent=2)
    model.save_weights(os.path.join(args.out, "model.weights.h5"))
    metadata = {
        "model": "FeatureClassifier",
        "dataset": "MNIST (original IDX files), 60,000 train / 10,000 test",
        "test_accuracy": float(test_accuracy),
        "num_test_images": int(len(test_images)),
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "learning_rate": args.learning_rate,
        "seed": args.seed,
        "training_seconds": round(seconds, 1),
        "backend": keras.backend.backend(),
        "keras_version": keras.__version__,
        "image_range": "float32 in [0, 1], shape (N, 28, 28, 1)",
    }
    with open(os.path.join(args.out, "metadata.json"), "w") as f:
        json.dump(metadata, f, indent=2)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
