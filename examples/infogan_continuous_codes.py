"""How well InfoGAN's continuous codes track Morpho-MNIST slant and thickness.

Samples digits from an InfoGAN preset, measures each generated digit with
`keras_disentangle.datasets.measure_digits` (Morpho-MNIST: area, length,
thickness, slant, width, height) and reports the Spearman rank correlation
of every continuous code with every measure
(`keras_disentangle.metrics.code_measure_correlations`):

- `random`: all codes drawn from the prior (`--samples` digits); the
  correlation of a code with a measure across the samples;
- `partial`: the same digits, with the other codes held (partial rank
  correlation; Morpho-MNIST's protocol);
- `partial_real`: the first `--real-images` MNIST test digits, with the
  codes Q infers from them (0 skips it);
- `sweeps`: `--bases` random bases (noise and digit fixed), each code swept
  over `--steps` values in `[-1, 1]` (the training range) with the others
  held; the mean over bases of the within-sweep correlation.

Each code's best-matching measure is the one with the largest |rho| in the
`random` protocol (`best_match`) and in the `partial` one
(`best_match_partial`).

```shell
KERAS_BACKEND=jax python examples/infogan_continuous_codes.py --preset mnist
```
"""

import json
import sys

from _mnist_common import mnist_parser

import keras_disentangle
from keras_disentangle.datasets import load_mnist
from keras_disentangle.metrics import code_measure_correlations


def parse_args(argv=None):
    parser = mnist_parser(__doc__.split("\n\n")[0])
    parser.add_argument("--preset", default="mnist")
    parser.add_argument(
        "--real-images",
        type=int,
        default=10000,
        help="MNIST test digits for the partial_real protocol (0: none)",
    )
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--bases", type=int, default=50)
    parser.add_argument("--steps", type=int, default=9)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=None, help="write the JSON here")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    model = keras_disentangle.GenerativeModel.from_preset(args.preset)
    images = None
    if args.real_images > 0:
        images, _ = load_mnist("test", data_dir=args.data_dir)
        images = images[: args.real_images]
    result = code_measure_correlations(
        model, args.samples, args.bases, args.steps, args.seed, images=images
    )
    result["preset"] = args.preset
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
