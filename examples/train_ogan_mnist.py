"""Train O-GAN on MNIST; measure how well its discriminator encodes z.

Usage (any backend; JAX is the quickest on CPU):

    KERAS_BACKEND=jax python examples/train_ogan_mnist.py \
        --steps 2000 --out ogan_reconstructions.png

The settings are the official `bojone/o-gan` ones (`o_gan_celeba.py`):
z ~ N(0, I), RMSprop(1e-4, rho=0.99, Keras 2's epsilon placement), batch
64, correlation weight 0.5, with the DCGAN-style networks and channel rule
at 28x28 (E: conv112, conv224; `OGAN`'s docstring). The
official run trains open-ended on CelebA; --steps defaults to 10 epochs of
MNIST (9,370 steps). `--pad-to-32` trains on the digits padded to 32x32
instead, where the official rule (halve down to a 4x4 map) gives one more
layer each in E and G (E: conv64, conv128, conv256) than at 28x28 (7x7);
the reconstructions are cropped back to 28x28 for the classifier.

The script prints the Pearson correlation between z and E(G(z)) on 10,000
fresh prior samples (`--eval-samples`), per sample across the code
dimensions (the quantity the loss raises and the official code logs as
`z_corr`) and, for
comparison, per code dimension across samples; then the pixel MSE of the
reconstructions G(0.9 * standardised E(x)) of the test digits and how
often they keep their digit class: the accuracy of the package's MNIST
classifier (`FeatureClassifier`, the built-in "mnist_digits" by default)
on the reconstructions, beside its accuracy on the test digits
themselves. It writes a PNG whose row pairs are test digits and their
reconstructions.

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
from keras_disentangle.metrics import FeatureClassifier


def parse_args(argv=None):
    parser = mnist_parser(__doc__.splitlines()[0], backup=True, preset=True)
    parser.add_argument("--steps", type=int, default=10 * 937)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="ogan_reconstructions.png")
    parser.add_argument("--classifier", default="mnist_digits")
    parser.add_argument(
        "--latent-dim", type=int, default=64, help="width of z and E(x)"
    )
    parser.add_argument(
        "--base-filters",
        type=int,
        default=None,
        help="channels of E's first convolution and G's last hidden one "
        "(default: the official rule, 112 at 28 px and 64 at 32 px)",
    )
    parser.add_argument(
        "--self-modulated",
        action="store_true",
        help="self-modulated batch normalization in G (the official _sm_ "
        "variant)",
    )
    parser.add_argument(
        "--pad-to-32",
        action="store_true",
        help="train on the digits padded to 32x32 (one more layer in E and G)",
    )
    parser.add_argument("--weights", help="optional path to save weights")
    parser.add_argument(
        "--eval-samples",
        type=int,
        default=10000,
        help="prior samples for the correlation of z and E(G(z))",
    )
    return parser.parse_args(argv)


def pad_to_32(images):
    """Pads `(n, 28, 28, 1)` digits with 2 background pixels on each side."""
    return np.pad(images, ((0, 0), (2, 2), (2, 2), (0, 0)))


def correlations(z, codes):
    """Mean Pearson correlation per sample and per code dimension."""

    def rows(a, b):
        a = a - a.mean(axis=1, keepdims=True)
        b = b - b.mean(axis=1, keepdims=True)
        norms = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
        return np.sum(a * b, axis=1) / np.maximum(norms, 1e-12)

    return float(rows(z, codes).mean()), float(rows(z.T, codes.T).mean())


def class_accuracy(classifier, images, labels):
    """How often the classifier's argmax on `images` equals `labels`."""
    predicted = np.argmax(classifier.logits(images), axis=-1)
    return float(np.mean(predicted == labels))


def main(argv=None):
    args = parse_args(argv)
    command = shell_command()
    train_images, _ = load_mnist("train", data_dir=args.data_dir)
    test_images, test_labels = load_mnist("test", data_dir=args.data_dir)
    classifier = FeatureClassifier.from_preset(args.classifier)
    if args.pad_to_32:
        train_images = pad_to_32(train_images)
        test_images = pad_to_32(test_images)

    keras.utils.set_random_seed(args.seed)
    model = kd.OGAN(
        image_shape=train_images.shape[1:],
        latent_dim=args.latent_dim,
        base_filters=args.base_filters,
        self_modulated=args.self_modulated,
        seed=args.seed,
    )
    model.compile()
    history, steps, seconds = fit_steps(
        model,
        train_images,
        args.steps,
        args.batch_size,
        args.seed,
        backup_dir=args.backup_dir,
    )

    z = keras.ops.convert_to_numpy(
        model.latent_space.concat(
            model.latent_space.sample(args.eval_samples, seed=args.seed + 1)
        )
    )
    codes = model.encode(model.generate(z))["z"]
    per_sample, per_dimension = correlations(z, codes)
    recon = model.reconstruct(test_images)
    mse = float(np.mean((recon - test_images) ** 2))
    # The classifier reads 28x28 digits: crop padded ones back.
    crop = slice(2, 30) if args.pad_to_32 else slice(None)
    kept = class_accuracy(classifier, recon[:, crop, crop], test_labels)
    real = class_accuracy(classifier, test_images[:, crop, crop], test_labels)

    print_training_summary(history, steps, args.batch_size, seconds)
    curve = history.history.get("z_corr", [])
    print(
        "training z_corr by epoch: "
        + " ".join(f"{value:.3f}" for value in curve)
    )
    print(
        f"Pearson correlation of z and E(G(z)), {args.eval_samples:,} prior "
        "samples: "
        f"per sample (across the {model.latent_dim} code dimensions, the "
        f"official z_corr) {per_sample:.4f}; per code dimension (across "
        f"samples) {per_dimension:.4f}"
    )
    print(f"pixel MSE of G(0.9 * standardised E(x)), test digits: {mse:.4f}")
    print(
        f"digit class kept by the reconstructions ({args.classifier} "
        f"classifier): {kept:.4f} (on the test digits themselves: "
        f"{real:.4f}; chance: 0.1)"
    )
    save_encoder_run(
        args,
        model,
        test_images,
        recon,
        caption="their reconstructions G(0.9 * standardised E(x))",
        description="O-GAN (Su, 2019) on MNIST: a discriminator that is "
        "also the encoder of z.",
        training_steps=steps,
        training_command=command,
        metrics={
            "z_corr_per_sample": round(per_sample, 4),
            "z_corr_per_dimension": round(per_dimension, 4),
            "test_reconstructions_class_kept": round(kept, 4),
            "test_reconstruction_pixel_mse": round(mse, 4),
        },
    )
    print(f"command: {command}")
    return per_sample, per_dimension, kept


if __name__ == "__main__":
    main()
