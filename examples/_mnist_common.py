"""Pieces shared by the MNIST example scripts (not an example itself).

An argument parser with `--data-dir`, a fit loop counted in steps, the
run summary the scripts print and their grid of digits beside their
reconstructions.
"""

import argparse
import os
import pathlib
import shlex
import sys
import time

import keras
import numpy as np

from keras_disentangle.datasets import BatchDataset
from keras_disentangle.utils import image_grid
from keras_disentangle.utils import save_image_grid

REPO = pathlib.Path(__file__).resolve().parents[1]


def mnist_parser(description, backup=False, preset=False):
    """An `ArgumentParser` with `--data-dir`, the folder of the MNIST files.

    Its default is `$KERAS_DISENTANGLE_MNIST_DIR`, else `shared/data/mnist`
    next to the repository. With `backup=True` it also takes `--backup-dir`
    (for scripts that train with `fit_steps`), with `preset=True`
    `--preset DIR` (for `write_preset`).
    """
    parser = argparse.ArgumentParser(description=description)
    default_dir = os.environ.get("KERAS_DISENTANGLE_MNIST_DIR") or str(
        REPO.parent / "shared" / "data" / "mnist"
    )
    parser.add_argument("--data-dir", default=default_dir)
    if backup:
        parser.add_argument(
            "--backup-dir",
            default=None,
            help="checkpoint every epoch here (keras.callbacks."
            "BackupAndRestore): run the same command again after an "
            "interruption to resume; the folder is deleted when training ends",
        )
    if preset:
        parser.add_argument(
            "--preset",
            default=None,
            metavar="DIR",
            help="also write the trained model as a preset folder (load it "
            "with from_preset(DIR); publish it with keras-disentangle upload)",
        )
    return parser


def write_preset(model, directory, figure, **metadata):
    """Saves `model` with `save_to_preset`, MNIST metadata and a figure.

    `metadata` holds the run's entries (`training_steps`, `metrics`,
    `training_command`, ...); `figure` is a `uint8` grid for the model card.
    """
    model.save_to_preset(
        directory,
        metadata={
            "dataset": "MNIST (60,000 training images, 28x28x1, pixels / 255)",
            **metadata,
        },
        traversal_image=figure,
    )
    print(f"wrote the preset {directory}")


def shell_command():
    """The command line that ran this script, with its Keras backend."""
    return " ".join(
        [f"KERAS_BACKEND={keras.backend.backend()}", "python"]
        + [shlex.quote(a) for a in sys.argv]
    )


def fit_steps(
    model, images, steps, batch_size, seed, backup_dir=None, callbacks=()
):
    """Trains for about `steps` updates on shuffled full batches.

    With `backup_dir`, a `BackupAndRestore` checkpoint (weights, every
    player's optimizer state, seed states) is written there after each
    epoch, and a rerun resumes from the last one. The resumed epochs see
    the batches in another order than an uninterrupted run would.
    `callbacks` run after the backup callback.

    Returns `(history, steps taken, seconds)`; after a resume, the history
    and the seconds are those of the resumed part.
    """
    start = time.perf_counter()
    batches = BatchDataset(
        images,
        batch_size=batch_size,
        shuffle=True,
        seed=seed,
        drop_remainder=True,
    )
    per_epoch = min(steps, len(batches))
    epochs = -(-steps // per_epoch)
    callbacks = list(callbacks)
    if backup_dir:
        callbacks.insert(0, keras.callbacks.BackupAndRestore(backup_dir))
    history = model.fit(
        batches,
        epochs=epochs,
        steps_per_epoch=per_epoch,
        callbacks=callbacks,
        verbose=2,
    )
    return history, epochs * per_epoch, time.perf_counter() - start


def last_logs(history):
    """The last value of each logged metric, rounded to 4 decimals."""
    return {k: round(float(v[-1]), 4) for k, v in history.history.items()}


def print_training_summary(history, steps, batch_size, seconds):
    """Prints the updates, the time and the speed of a `fit` call.

    After a resume, `steps` counts every update and `seconds` only the
    resumed part, so the speed is that of the updates this call ran.
    """
    ran = len(history.epoch) * history.params["steps"]
    resumed = f" ({ran} in this run)" if ran != steps else ""
    print(
        f"backend={keras.backend.backend()} steps={steps}{resumed} "
        f"batch={batch_size} time={seconds:.0f}s "
        f"({ran / seconds:.2f} steps/s)"
    )
    print(f"final logs: {last_logs(history)}")


def reconstruction_pairs(images, reconstructions):
    """A 10x10 grid: 5 row pairs of 10 digits, then their reconstructions."""
    rows = []
    for pair in range(5):
        chosen = slice(10 * pair, 10 * pair + 10)
        rows += [images[chosen], reconstructions[chosen]]
    return image_grid(np.concatenate(rows), rows=10, columns=10)


def save_encoder_run(
    args, model, images, reconstructions, *, caption, description, **metadata
):
    """Writes what an encoder example produces, by its common options.

    The PNG of `reconstruction_pairs` (scaled twice) at `args.out`, the
    weights at `args.weights` and the preset at `args.preset` where those
    are given.
    `caption` names what the second row of each pair shows; `description`
    and `metadata` (`training_steps`, `metrics`, ...) go into the preset's
    metadata.json.
    """
    figure = reconstruction_pairs(images, reconstructions)
    save_image_grid(args.out, figure, scale=2)
    print(f"wrote {args.out} (row pairs: test digits, then {caption})")
    if args.weights:
        model.save_weights(args.weights)
        print(f"wrote {args.weights}")
    if args.preset:
        write_preset(
            model,
            args.preset,
            figure,
            description=description,
            traversal_caption=f"Row pairs: MNIST test digits, then {caption}.",
            batch_size=args.batch_size,
            seed=args.seed,
            **metadata,
        )
