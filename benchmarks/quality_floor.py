"""Real-vs-real floors of the quality metrics on MNIST and dSprites.

The tables in docs/metrics.md: Frechet distance, KID, classifier score and
precision/recall between sets of real images, on the features of the
built-in `FeatureClassifier` preset of the dataset (`"mnist_digits"`,
`"dsprites_shapes"`; or `--classifier`, a preset directory). Rows: two
disjoint training sets of N images (the floor a perfect model reaches at
that N), the test set against training images, and the test set with
Gaussian pixel noise (clipped to [0, 1]) against training images. For
dSprites, "train" is 40,000 and "test" 10,000 further images drawn without
replacement from the 737,280 of the procedural grid (`--seed`).

```shell
KERAS_BACKEND=jax python benchmarks/quality_floor.py
KERAS_BACKEND=jax python benchmarks/quality_floor.py --dataset dsprites
```
"""

import argparse
import json
import os
import sys

import numpy as np

from keras_disentangle.datasets import DSprites
from keras_disentangle.datasets import load_mnist
from keras_disentangle.metrics import FeatureClassifier
from keras_disentangle.metrics import quality_metrics
from keras_disentangle.metrics import real_vs_real_floor

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KEYS = (
    "frechet_distance",
    "kernel_distance",
    "classifier_score",
    "precision",
    "recall",
)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data-dir",
        default=os.environ.get("KERAS_DISENTANGLE_MNIST_DIR")
        or os.path.join(os.path.dirname(REPO), "shared", "data", "mnist"),
    )
    parser.add_argument(
        "--dataset", choices=("mnist", "dsprites"), default="mnist"
    )
    parser.add_argument(
        "--classifier",
        default=None,
        help="preset name or directory (default: the dataset's built-in)",
    )
    parser.add_argument("--sizes", default="5000,10000")
    parser.add_argument("--noise", default="0.1,0.3")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def load_images(args):
    """(train, test) real images of the chosen dataset."""
    if args.dataset == "mnist":
        train, _ = load_mnist("train", data_dir=args.data_dir)
        test, _ = load_mnist("test", data_dir=args.data_dir)
        return train, test
    data = DSprites()
    rng = np.random.default_rng(args.seed)
    indices = rng.choice(len(data), size=50_000, replace=False)
    return data.images(indices[:40_000]), data.images(indices[40_000:])


def main(argv=None):
    args = parse_args(argv)
    default = {"mnist": "mnist_digits", "dsprites": "dsprites_shapes"}
    args.classifier = args.classifier or default[args.dataset]
    classifier = FeatureClassifier.from_preset(args.classifier)
    train, test = load_images(args)
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        scores = real_vs_real_floor(
            train, classifier, num_samples=size, seed=args.seed
        )
        rows.append(("train vs train, disjoint", size, scores))
    rng = np.random.default_rng(args.seed)
    reference = train[np.sort(rng.permutation(len(train))[: len(test)])]
    rows.append(
        (
            "test vs train",
            len(test),
            quality_metrics(reference, test, classifier, seed=args.seed),
        )
    )
    for sigma in (float(s) for s in args.noise.split(",")):
        noisy = np.clip(
            test + rng.normal(0.0, sigma, test.shape).astype("float32"), 0, 1
        )
        rows.append(
            (
                f"test + N(0, {sigma:g}) noise vs train",
                len(test),
                quality_metrics(reference, noisy, classifier, seed=args.seed),
            )
        )
    print(
        f"{args.dataset}; feature extractor: FeatureClassifier preset "
        f"{args.classifier!r} "
        f"({classifier.feature_dim}-d features); seed {args.seed}"
    )
    print(
        "| Comparison | N per set | FD | KID | Classifier score | "
        "Precision | Recall |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, size, scores in rows:
        print(
            f"| {name} | {size:,} | {scores['frechet_distance']:.2f} | "
            f"{scores['kernel_distance']:.3f} | "
            f"{scores['classifier_score']:.2f} | {scores['precision']:.3f} | "
            f"{scores['recall']:.3f} |"
        )
    print(
        json.dumps(
            [
                {"comparison": n, "n": s, **{k: float(v[k]) for k in KEYS}}
                for n, s, v in rows
            ]
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
