"""Train BiGAN on permutation-invariant MNIST; score E's features by 1-NN.

Usage (any backend; JAX is the quickest on CPU):

    KERAS_BACKEND=jax python examples/train_bigan_mnist.py \
        --steps 2000 --out bigan_reconstructions.png

The defaults are the official MNIST run (`jeffdonahue/bigan`,
`train_mnist.sh`): 1024-unit MLPs, z ~ U(-1, 1)^50, Adam(2e-4, beta_1=0.5),
L2 decay 2.5e-5, batch 128, 400 epochs (187,600 steps) with the learning
rate held for the first half and decayed exponentially to 1% over the
second (mapped onto --steps). The official log reaches 97.35% 1-NN
accuracy on E's last hidden layer after 400 epochs (96.28% after 25); that
log trains on 50,000 training digits and scores the other 10,000
(`train_mnist.sh` does not pass `--use_test_set`), the paper's 97.39% is
on the test set.

The script trains on all 60,000 training digits and prints the
1-nearest-neighbour (Euclidean) accuracy on the 10,000 test digits of E's
last hidden layer (the official `NNC_e-`) and of E's output logits, before
the `2 * sigmoid - 1` map that gives E(x) (the official `NNC_e`),
with 50,000 random encoded training digits as the reference set, as the
official evaluation draws (`--reference-size`), the reconstruction
error |x - G(E(x))| (`EGr`) beside the same error against another test
digit (`EGr_b`), and writes a PNG whose row pairs are test digits and
their reconstructions G(E(x)).
`--eval-every K` also prints both accuracies after every K epochs
(training is unchanged; each evaluation encodes the 70,000 digits).

Before each evaluation, as the official code does (its "deploy" step,
`--deploy_iters 1000`), the BatchNormalization statistics of E and G are
re-estimated as averages over `--bn-batches` batches (E on training
digits, G on prior samples) instead of the moving averages of training.

`--preset DIR` also writes the trained model as a preset folder with the
run's figures in its metadata.json: `from_preset(DIR)` loads it and
`keras-disentangle upload DIR hf://owner/repo` publishes it.
"""

import keras
import numpy as np
from _mnist_common import fit_steps
from _mnist_common import mnist_parser
from _mnist_common import print_training_summary
from _mnist_common import save_encoder_run
from _mnist_common import shell_command

import keras_disentangle as kd
from keras_disentangle.datasets import load_mnist
from keras_disentangle.models.bigan import bigan_learning_rate
from keras_disentangle.utils import reestimate_batch_norm_statistics

OFFICIAL_EPOCHS = 400


def parse_args(argv=None):
    parser = mnist_parser(__doc__.splitlines()[0], backup=True, preset=True)
    parser.add_argument(
        "--steps", type=int, default=OFFICIAL_EPOCHS * 469, help="updates"
    )
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="bigan_reconstructions.png")
    parser.add_argument(
        "--reference-size",
        type=int,
        default=50000,
        help="random training digits in the 1-NN reference set (official: "
        "50,000)",
    )
    parser.add_argument("--weights", help="optional path to save weights")
    parser.add_argument(
        "--evaluate",
        metavar="WEIGHTS",
        help="train nothing: load these weights (a file that --weights "
        "wrote) and evaluate them as a finished run is evaluated",
    )
    parser.add_argument(
        "--eval-every",
        type=int,
        default=0,
        metavar="K",
        help="print the 1-NN accuracy of E's last hidden layer after every "
        "K epochs (default: only at the end)",
    )
    parser.add_argument(
        "--bn-batches",
        type=int,
        default=1000,
        help="batches over which E's and G's BatchNormalization statistics "
        "are re-estimated before each evaluation (official: 1000); 0 keeps "
        "the moving averages of training",
    )
    args = parser.parse_args(argv)
    if args.evaluate and args.preset:
        parser.error(
            "--preset records a training run; with --evaluate nothing is "
            "trained. Pass --preset when training."
        )
    return args


def nearest_neighbour_accuracy(train, train_labels, test, test_labels):
    """1-NN accuracy with Euclidean distances, in blocks of test rows."""
    train = train.astype("float32")
    train_norms = np.sum(train**2, axis=1)
    hits = 0
    for start in range(0, len(test), 500):
        block = test[start : start + 500].astype("float32")
        distances = train_norms[None, :] - 2.0 * block @ train.T
        nearest = np.argmin(distances, axis=1)
        hits += int(np.sum(train_labels[nearest] == test_labels[start:][:500]))
    return hits / len(test)


def reestimate_statistics(model, images, batches, batch_size, seed):
    """The official "deploy" step: E's and G's BatchNormalization statistics
    averaged over `batches` batches (training digits for E, prior samples
    for G)."""
    if batches <= 0:
        return
    rng = np.random.default_rng(seed)
    reestimate_batch_norm_statistics(
        model.encoder,
        (
            images[rng.integers(0, len(images), batch_size)]
            for _ in range(batches)
        ),
    )
    reestimate_batch_norm_statistics(
        model.generator,
        (
            model.latent_space.concat(
                model.latent_space.sample(
                    batch_size, seed=int(rng.integers(2**31))
                )
            )
            for _ in range(batches)
        ),
    )


def feature_accuracies(model, reference, train, test):
    """1-NN test accuracies of E's last hidden layer and of E's output.

    E's output is taken before its `2 * sigmoid - 1` map, as the official
    evaluation does.

    `train` and `test` are `(images, labels)`; `reference` indexes the
    training digits that form the reference set.
    """
    (train_images, train_labels), (test_images, test_labels) = train, test
    accuracies = {}
    for name, encode in (
        ("E's last hidden layer (NNC_e-)", model.encode_features),
        ("E's output logits (NNC_e)", model.encode_logits),
    ):
        accuracies[name] = nearest_neighbour_accuracy(
            encode(train_images[reference]),
            train_labels[reference],
            encode(test_images),
            test_labels,
        )
    return accuracies


class NearestNeighbourCurve(keras.callbacks.Callback):
    """Prints both 1-NN accuracies after every `every` epochs."""

    def __init__(self, every, reference, train, test, bn_args):
        super().__init__()
        self.every = every
        self.bn_args = bn_args  # (batches, batch_size, seed)
        self.reference, self.train, self.test = reference, train, test
        self.curve = []

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        reestimate_statistics(self.model, self.train[0], *self.bn_args)
        accuracies = feature_accuracies(
            self.model, self.reference, self.train, self.test
        )
        self.curve.append((epoch + 1, accuracies))
        figures = ", ".join(f"{k} {v:.4f}" for k, v in accuracies.items())
        print(f"epoch {epoch + 1}: 1-NN test accuracy on {figures}")


def main(argv=None):
    args = parse_args(argv)
    command = shell_command()
    train_images, train_labels = load_mnist("train", data_dir=args.data_dir)
    test_images, test_labels = load_mnist("test", data_dir=args.data_dir)

    keras.utils.set_random_seed(args.seed)
    model = kd.BiGAN(seed=args.seed)
    # The official schedule, with its 400 epochs mapped onto --steps.
    steps_per_epoch = max(1, args.steps // OFFICIAL_EPOCHS)
    model.compile(
        optimizer={
            name: keras.optimizers.Adam(
                bigan_learning_rate(steps_per_epoch), beta_1=0.5
            )
            for name in ("discriminator", "encoder_generator")
        }
    )
    rng = np.random.default_rng(args.seed)
    reference = rng.permutation(len(train_images))[: args.reference_size]
    train, test = (train_images, train_labels), (test_images, test_labels)
    callbacks = []
    if args.evaluate:
        model.load_weights(args.evaluate)
        history, steps, seconds = None, 0, 0.0
    else:
        if args.eval_every > 0:
            callbacks.append(
                NearestNeighbourCurve(
                    args.eval_every,
                    reference,
                    train,
                    test,
                    (args.bn_batches, args.batch_size, args.seed),
                )
            )
        history, steps, seconds = fit_steps(
            model,
            train_images,
            args.steps,
            args.batch_size,
            args.seed,
            backup_dir=args.backup_dir,
            callbacks=callbacks,
        )

    curve = callbacks[0].curve if callbacks else []
    if (
        curve
        and history is not None
        and history.epoch
        and curve[-1][0] == history.epoch[-1] + 1
    ):
        # --eval-every already evaluated the final model, the same way.
        accuracies = curve[-1][1]
    else:
        reestimate_statistics(
            model, train_images, args.bn_batches, args.batch_size, args.seed
        )
        accuracies = feature_accuracies(model, reference, train, test)
    recon = model.reconstruct(test_images)
    error = np.sqrt(np.sum((recon - test_images) ** 2, axis=(1, 2, 3)))
    shifted = np.roll(test_images, 1, axis=0)
    baseline = np.sqrt(np.sum((recon - shifted) ** 2, axis=(1, 2, 3)))

    if history is None:
        print(f"evaluated {args.evaluate} (no training)")
    else:
        print_training_summary(history, steps, args.batch_size, seconds)
    for name, accuracy in accuracies.items():
        print(
            f"1-NN test accuracy on {name}: {accuracy:.4f} "
            f"(reference: {len(reference)} encoded training digits)"
        )
    print(
        f"reconstruction error |x - G(E(x))| (EGr): {error.mean():.3f}; "
        f"against another digit (EGr_b): {baseline.mean():.3f}"
    )
    save_encoder_run(
        args,
        model,
        test_images,
        recon,
        caption="G(E(x))",
        description="BiGAN (Donahue et al., 2017) on permutation-invariant "
        "MNIST: G, an encoder E and a joint discriminator.",
        training_steps=steps,
        training_command=command,
        metrics={
            "test_1nn_accuracy_" + key.split("(")[-1].rstrip(")"): value
            for key, value in accuracies.items()
        }
        | {"reconstruction_error_EGr": round(float(error.mean()), 4)},
    )
    print(f"command: {command}")
    return accuracies


if __name__ == "__main__":
    main()
