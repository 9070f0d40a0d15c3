"""Train VAE-GAN and a plain VAE on MNIST; compare their reconstructions.

Usage (any backend; JAX is the quickest on CPU):

    KERAS_BACKEND=jax python examples/train_vaegan_mnist.py \
        --steps 2000 --out vaegan_reconstructions.png

Both models use the same encoder and decoder (the official MNIST MLPs of
`andersbll/autoencoding_beyond_pixels`, z of 64 dimensions) and train for
--steps updates each (default: `mnist_ae.py`'s 150 epochs of 250 batches
of 64). VAE-GAN measures reconstructions in its discriminator's features;
the VAE pixel by pixel (`--vae-pixel-loss`, by default the official
Gaussian likelihood with sigma 1).

The script prints, for each model, the Frechet distance between the
features of a small MNIST classifier (`FeatureClassifier`) on
reconstructions of the first --num-images test digits and on the other
test digits, beside the real-vs-real floor of the same split; lower is
closer to real digits, i.e. sharper. The paper's claim is that VAE-GAN's
reconstructions are sharper than the VAE's. It also prints the pixel MSE
of the reconstructions (which favours the VAE, trained for it), and
writes a PNG with rows of test digits, VAE-GAN and VAE reconstructions.

The classifier is the `FeatureClassifier` preset named by --classifier:
the built-in `"mnist_digits"` (99.22 % test accuracy) by default, or a
preset directory written by `presets/train_feature_classifier.py`.

`--preset DIR` also writes the trained model as a preset folder with the
run's figures in its metadata.json: `from_preset(DIR)` loads it and
`keras-disentangle upload DIR hf://owner/repo` publishes it.
"""

import os

import keras
import numpy as np
from _mnist_common import fit_steps
from _mnist_common import last_logs
from _mnist_common import mnist_parser
from _mnist_common import shell_command
from _mnist_common import write_preset

import keras_disentangle as kd
from keras_disentangle.datasets import load_mnist
from keras_disentangle.metrics import FeatureClassifier
from keras_disentangle.metrics import frechet_distance
from keras_disentangle.utils import image_grid
from keras_disentangle.utils import save_image_grid


def parse_args(argv=None):
    parser = mnist_parser(__doc__.splitlines()[0], backup=True, preset=True)
    parser.add_argument("--steps", type=int, default=150 * 250)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="vaegan_reconstructions.png")
    parser.add_argument("--classifier", default="mnist_digits")
    parser.add_argument("--num-images", type=int, default=5000)
    parser.add_argument(
        "--recon-vs-gan-weight",
        type=float,
        default=None,
        help="VAE-GAN's gamma (default: the VAEGAN default)",
    )
    parser.add_argument(
        "--vae-pixel-loss",
        default="gaussian",
        choices=["gaussian", "bernoulli"],
    )
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    command = shell_command()
    classifier = FeatureClassifier.from_preset(args.classifier)

    train_images, _ = load_mnist("train", data_dir=args.data_dir)
    test_images, _ = load_mnist("test", data_dir=args.data_dir)
    n = min(args.num_images, len(test_images) // 2)
    originals, others = test_images[:n], test_images[n : 2 * n]
    other_features = classifier.features(others)
    floor = frechet_distance(classifier.features(originals), other_features)

    results, reconstructions, models = {}, {}, {}
    gan_kwargs = {}
    if args.recon_vs_gan_weight is not None:
        gan_kwargs["recon_vs_gan_weight"] = args.recon_vs_gan_weight
    for name, kwargs in (
        ("VAE-GAN", gan_kwargs),
        ("VAE", {"adversarial": False, "pixel_loss": args.vae_pixel_loss}),
    ):
        keras.utils.set_random_seed(args.seed)
        model = kd.VAEGAN(seed=args.seed, **kwargs)
        model.compile()
        history, steps, seconds = fit_steps(
            model,
            train_images,
            args.steps,
            args.batch_size,
            args.seed,
            backup_dir=args.backup_dir and os.path.join(args.backup_dir, name),
        )
        recon = model.reconstruct(originals)
        models[name] = model
        reconstructions[name] = recon
        results[name] = {
            "frechet_distance": frechet_distance(
                classifier.features(recon), other_features
            ),
            "pixel_mse": float(np.mean((recon - originals) ** 2)),
            "steps": steps,
            "seconds": round(seconds),
            "final_logs": last_logs(history),
        }

    print(
        f"backend={keras.backend.backend()} batch={args.batch_size} "
        f"classifier={args.classifier}"
    )
    for name, result in results.items():
        print(f"{name}: {result}")
    print(
        f"Frechet distance (classifier features, {n} reconstructions vs "
        f"{n} other test digits): "
        + ", ".join(
            f"{name} {r['frechet_distance']:.3f}" for name, r in results.items()
        )
        + f"; real-vs-real floor {floor:.3f}"
    )
    grid = image_grid(
        np.concatenate(
            [originals[:10], reconstructions["VAE-GAN"][:10]]
            + [reconstructions["VAE"][:10]]
        ),
        rows=3,
        columns=10,
    )
    save_image_grid(args.out, grid, scale=2)
    print(f"wrote {args.out} (rows: test digits, VAE-GAN, VAE)")
    if args.preset:
        result = results["VAE-GAN"]
        write_preset(
            models["VAE-GAN"],
            args.preset,
            grid,
            description="VAE-GAN (Larsen et al., 2016) on MNIST: a VAE whose "
            "reconstruction error is measured in a discriminator's features.",
            traversal_caption="Rows: MNIST test digits, VAE-GAN "
            "reconstructions, reconstructions of a plain VAE of the same "
            "networks.",
            training_steps=result["steps"],
            batch_size=args.batch_size,
            seed=args.seed,
            training_command=command,
            metrics={
                "test_reconstruction_frechet_distance": round(
                    float(result["frechet_distance"]), 3
                ),
                "plain_vae_frechet_distance": round(
                    float(results["VAE"]["frechet_distance"]), 3
                ),
                "real_vs_real_frechet_distance": round(float(floor), 3),
                "test_reconstruction_pixel_mse": round(result["pixel_mse"], 4),
                "frechet_features": f"FeatureClassifier {args.classifier!r}",
            },
        )
    print(f"command: {command}")
    return results


if __name__ == "__main__":
    main()
