"""Train InfoGAN on real MNIST and write a latent traversal PNG.

Usage (any backend; JAX is the quickest on CPU):

    KERAS_BACKEND=jax python examples/train_infogan_mnist.py \
        --steps 300 --out traversal.png

The MNIST IDX files are read from --data-dir, else from
$KERAS_DISENTANGLE_MNIST_DIR, else from ../shared/data/mnist next to the
repository. The script prints the unsupervised accuracy of Q's categorical
code on the 10,000 test digits (argmax matched to labels one-to-one,
Hungarian) and writes the classic InfoGAN figure: rows are the 10 values of
the categorical code, columns sweep a continuous code from -2 to 2.
"""

import time

import keras
import numpy as np
from _mnist_common import mnist_parser
from _mnist_common import print_training_summary

import keras_disentangle as kd
from keras_disentangle.datasets import load_mnist
from keras_disentangle.metrics import clustering_accuracy
from keras_disentangle.utils.image_grid import save_image_grid


def parse_args(argv=None):
    parser = mnist_parser(__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--code", default="c1", help="continuous code to sweep")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="traversal.png")
    parser.add_argument("--weights", help="optional path to save weights")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    train_images, _ = load_mnist("train", data_dir=args.data_dir)
    test_images, test_labels = load_mnist("test", data_dir=args.data_dir)
    needed = args.steps * args.batch_size
    rng = np.random.default_rng(args.seed)
    order = np.concatenate(
        [rng.permutation(len(train_images)) for _ in range(-(-needed // 60000))]
    )[:needed]

    keras.utils.set_random_seed(args.seed)
    model = kd.InfoGAN(seed=args.seed)
    model.compile()
    start = time.perf_counter()
    history = model.fit(
        train_images[order],
        batch_size=args.batch_size,
        epochs=1,
        shuffle=False,
        verbose=2,
    )
    seconds = time.perf_counter() - start

    predicted = model.encode(test_images)["digit"].argmax(axis=1)
    accuracy = clustering_accuracy(test_labels, predicted)
    print_training_summary(history, args.steps, args.batch_size, seconds)
    print(f"test accuracy of the categorical code (Hungarian): {accuracy:.4f}")

    images, rows, columns = model.traversal_grid(args.code, seed=args.seed)
    save_image_grid(args.out, images, rows=rows, columns=columns, scale=2)
    print(
        f"wrote {args.out} ({rows} categories x {columns} values of "
        f"{args.code} in [-2, 2])"
    )
    if args.weights:
        model.save_weights(args.weights)
    return accuracy


if __name__ == "__main__":
    main()
