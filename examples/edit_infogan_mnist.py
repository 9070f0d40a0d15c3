"""Edit the built-in InfoGAN MNIST preset: SeFa, inversion and completion.

Usage (any backend; JAX is the quickest on CPU):

    KERAS_BACKEND=jax python examples/edit_infogan_mnist.py --out edit_out

The MNIST IDX files are read from --data-dir, else from
$KERAS_DISENTANGLE_MNIST_DIR, else from ../shared/data/mnist next to the
repository. The script:

1. factorises the generator's first Dense layer with SeFa (all 74 latent
   rows, and the 62 noise rows only), prints the top eigenvalues, which
   codes the top directions live in and how much moving along the top and
   the bottom direction changes the images, and writes edit grids;
2. trains an `EncoderInversion` against the frozen generator on MNIST
   training digits;
3. inverts --num-images test digits with the encoder alone, by Adam from a
   random start, by Adam from the encoder's latents (hybrid) and from
   InfoGAN's own Q head, and prints the reconstruction MSE after 0, 10,
   25, ... optimiser steps;
4. completes test digits whose top (or left) half is hidden and measures
   whether the digit's class survives: with the `mnist_digits`
   `FeatureClassifier` preset (or --classifier PATH) when it loads, and
   always with InfoGAN's digit code (Q's argmax on the original against
   Q's argmax on the completion);
5. writes an interpolation strip between inverted test digits.

PNGs go to --out. Every random choice follows --seed.
"""

import os
import time

import keras
import numpy as np
from _mnist_common import last_logs
from _mnist_common import mnist_parser
from _mnist_common import shell_command

import keras_disentangle as kd
from keras_disentangle import editing
from keras_disentangle.datasets import load_mnist
from keras_disentangle.utils.image_grid import save_image_grid


def parse_args(argv=None):
    parser = mnist_parser(__doc__.splitlines()[0])
    parser.add_argument("--out", default="edit_out", help="folder for PNGs")
    parser.add_argument(
        "--steps", type=int, default=200, help="optimiser steps per inversion"
    )
    parser.add_argument(
        "--encoder-steps",
        type=int,
        default=300,
        help="training steps of the inversion encoder (batch 64)",
    )
    parser.add_argument("--num-images", type=int, default=32)
    parser.add_argument("--learning-rate", type=float, default=0.05)
    parser.add_argument("--mask", choices=["top", "left"], default="top")
    parser.add_argument(
        "--classifier",
        default="mnist_digits",
        help="FeatureClassifier preset name or folder; 'none' to skip",
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.num_images < 2:
        parser.error("--num-images must be at least 2 (interpolation pairs)")
    return args


def load_classifier(spec):
    """A trained MNIST classifier, or None with the reason."""
    if spec.lower() == "none":
        return None, "skipped (--classifier none)"
    try:
        from keras_disentangle.metrics import FeatureClassifier

        return FeatureClassifier.from_preset(spec), None
    except Exception as error:  # Any failure: fall back to the digit code.
        return None, f"could not load {spec!r}: {error}"


def checkpoints(steps):
    marks = [0, 10, 25, 50, 100, 200, 500, 1000]
    return [s for s in marks if s < steps] + [steps]


def main(argv=None):
    args = parse_args(argv)
    print(shell_command())
    keras.utils.set_random_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    os.makedirs(args.out, exist_ok=True)
    model = kd.InfoGAN.from_preset("mnist")
    space = model.latent_space
    train_images, _ = load_mnist("train", data_dir=args.data_dir)
    test_images, test_labels = load_mnist("test", data_dir=args.data_dir)
    pick = rng.choice(len(test_images), args.num_images, replace=False)
    digits, labels = test_images[pick], test_labels[pick]

    # 1. SeFa ---------------------------------------------------------------
    print("\n== SeFa on the generator's first Dense (74 x 1024) ==")
    strengths = np.linspace(-3.0, 3.0, 9)
    base = np.asarray(model.latents(8, seed=args.seed))
    for label, codes in (("all codes", None), ("noise z only", ["z"])):
        directions, eigenvalues = editing.sefa_directions(model, codes=codes)
        shares = editing.direction_code_norms(directions[0], space)
        changes = []
        for direction in (directions[0], directions[-1]):
            moved = model.generate(editing.apply_direction(base, direction, 3))
            changes.append(float(np.mean((moved - model.generate(base)) ** 2)))
        top = [round(float(v), 2) for v in eigenvalues[:5]]
        where = ", ".join(f"{k}: {v:.2f}" for k, v in shares.items())
        print(
            f"{label}: top eigenvalues {top}; top direction's share of its "
            f"squared norm per code {{{where}}}; pixel MSE after a step of 3 "
            f"along the top direction {changes[0]:.4f}, along the bottom one "
            f"{changes[1]:.4f}"
        )
        name = "sefa_all_codes.png" if codes is None else "sefa_noise.png"
        edited = editing.apply_direction(base, directions[0], strengths)
        save_image_grid(
            os.path.join(args.out, name),
            model.generate(edited),
            rows=len(base),
            scale=2,
        )

    # 2. Encoder ------------------------------------------------------------
    print(f"\n== EncoderInversion: {args.encoder_steps} steps of 64 ==")
    inverter = editing.EncoderInversion(model, seed=args.seed)
    inverter.compile(optimizer=keras.optimizers.Adam(1e-3))
    order = rng.permutation(len(train_images))
    count = min(args.encoder_steps * 64, len(train_images))
    start = time.perf_counter()
    history = inverter.fit(
        train_images[order[:count]],
        batch_size=64,
        epochs=max(1, args.encoder_steps * 64 // count),
        shuffle=False,
        verbose=0,
    )
    logs = last_logs(history)
    print(f"trained in {time.perf_counter() - start:.0f} s; last epoch {logs}")

    # 3. Inversion ----------------------------------------------------------
    print(
        f"\n== Inverting {args.num_images} test digits: reconstruction MSE "
        "after n optimiser steps =="
    )
    options = dict(learning_rate=args.learning_rate, steps=args.steps)
    runs, seconds = {}, {}
    start = time.perf_counter()
    encoder_latents = inverter.invert(digits)
    encoder_seconds = time.perf_counter() - start
    encoder_mse = float(
        np.mean((model.generate(encoder_latents) - digits) ** 2)
    )
    for name, run in (
        (
            "random start",
            lambda: editing.optimization_inversion(
                model, digits, seed=args.seed, **options
            ),
        ),
        (
            "hybrid (encoder)",
            lambda: editing.hybrid_inversion(
                model, digits, inverter, **options
            ),
        ),
        (
            "hybrid (Q head)",
            lambda: editing.hybrid_inversion(model, digits, None, **options),
        ),
    ):
        start = time.perf_counter()
        runs[name] = run()
        seconds[name] = time.perf_counter() - start
    marks = checkpoints(args.steps)
    header = f"{'method':<18}" + "".join(f"{m:>9}" for m in marks) + "  time"
    print(header)
    print(
        f"{'encoder only':<18}{encoder_mse:>9.4f}"
        + " " * 9 * (len(marks) - 1)
        + f"  {encoder_seconds:.2f} s"
    )
    for name, result in runs.items():
        curve = result.history["reconstruction"]
        print(
            f"{name:<18}"
            + "".join(f"{curve[m]:>9.4f}" for m in marks)
            + f"  {seconds[name]:.1f} s"
        )
    random_curve = runs["random start"].history["reconstruction"]
    reached = np.flatnonzero(random_curve <= encoder_mse)
    print(
        "steps from the random start to the encoder-only MSE: "
        + (str(int(reached[0])) if reached.size else f"> {args.steps}")
    )
    hybrid = runs["hybrid (encoder)"]
    show = slice(0, 10)
    save_image_grid(
        os.path.join(args.out, "inversion.png"),
        np.concatenate(
            [
                digits[show],
                model.generate(encoder_latents[show]),
                runs["random start"].reconstructions[show],
                hybrid.reconstructions[show],
            ]
        ),
        rows=4,
        scale=2,
    )

    # 4. Completion ---------------------------------------------------------
    mask = np.ones((28, 28, 1), "float32")
    if args.mask == "top":
        mask[:14] = 0.0
    else:
        mask[:, :14] = 0.0
    print(
        f"\n== Completion of {args.num_images} test digits, {args.mask} half "
        f"hidden, {args.steps} steps =="
    )
    classifier, reason = load_classifier(args.classifier)
    completions = {
        "random start": editing.masked_inversion(
            model, digits, mask, seed=args.seed, **options
        ),
        "hybrid (encoder)": editing.masked_inversion(
            model, digits, mask, encoder=inverter, **options
        ),
    }
    q_original = model.encode(digits)["digit"].argmax(axis=1)
    masked_digits = digits * mask
    candidates = {"masked input (no completion)": masked_digits}
    candidates.update({k: v.completions for k, v in completions.items()})
    if classifier is not None:
        measure = (
            f"FeatureClassifier {args.classifier!r}: accuracy of its "
            "prediction against the true label"
        )
        accuracy_original = np.mean(
            classifier.logits(digits).argmax(axis=1) == labels
        )
        print(
            f"classifier accuracy on the full digits: {accuracy_original:.3f}"
        )
    else:
        measure = None
        print(f"no classifier ({reason}); digit-code agreement only")
    hidden = mask[None] == 0
    print(
        f"{'input':<30}{'hidden MSE':>11}{'Q agreement':>13}"
        + (f"{'classifier':>12}" if classifier is not None else "")
    )
    for name, images in candidates.items():
        hidden_mse = float(np.mean(((images - digits) ** 2)[:, hidden[0]]))
        agreement = np.mean(
            model.encode(images)["digit"].argmax(axis=1) == q_original
        )
        line = f"{name:<30}{hidden_mse:>11.4f}{agreement:>13.3f}"
        if classifier is not None:
            accuracy = np.mean(
                classifier.logits(images).argmax(axis=1) == labels
            )
            line += f"{accuracy:>12.3f}"
        print(line)
    print(
        "Q agreement: InfoGAN's digit code (Q head argmax) on the input "
        "equals its digit code on the full original."
    )
    if measure:
        print(f"classifier: {measure}.")
    save_image_grid(
        os.path.join(args.out, "completion.png"),
        np.concatenate(
            [
                digits[show],
                masked_digits[show],
                completions["random start"].completions[show],
                completions["hybrid (encoder)"].completions[show],
            ]
        ),
        rows=4,
        scale=2,
    )

    # 5. Interpolation ------------------------------------------------------
    # Up to 4 rows, each between two inverted test digits.
    pairs = min(4, len(hybrid.latents) // 2)
    ends = hybrid.latents[: 2 * pairs].reshape(pairs, 2, -1)
    path = editing.interpolate(
        ends[:, 0], ends[:, 1], steps=10, latent_space=model
    )
    save_image_grid(
        os.path.join(args.out, "interpolation.png"),
        model.generate(path),
        rows=pairs,
        scale=2,
    )
    print(f"\nwrote {', '.join(sorted(os.listdir(args.out)))} to {args.out}")


if __name__ == "__main__":
    main()
