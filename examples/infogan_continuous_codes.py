"""How well InfoGAN's continuous codes track Morpho-MNIST slant and thickness.

Samples digits from an InfoGAN preset, measures each generated digit with
`keras_disentangle.datasets.measure_digits` (Morpho-MNIST: area, length,
thickness, slant, width, height) and reports the Spearman rank correlation
of every continuous code with every measure, two ways:

- `random`: all codes drawn from the prior (`--samples` digits); the
  correlation of a code with a measure across the samples;
- `sweeps`: `--bases` random bases (noise and digit fixed), each code swept
  over `--steps` values in `[-1, 1]` (the training range) with the others
  held; the mean over bases of the within-sweep correlation.

Each code's best-matching measure is the one with the largest |rho| in the
`random` protocol.

```shell
KERAS_BACKEND=jax python examples/infogan_continuous_codes.py --preset mnist
```
"""

import argparse
import json
import sys

import numpy as np
from scipy.stats import spearmanr

import keras_disentangle
from keras_disentangle.datasets import measure_digits
from keras_disentangle.datasets.morpho_mnist import MEASUREMENT_NAMES


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", default="mnist")
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--bases", type=int, default=50)
    parser.add_argument("--steps", type=int, default=9)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=None, help="write the JSON here")
    return parser.parse_args(argv)


def measures_of(images):
    values = measure_digits(images)
    return {name: np.asarray(values[name]) for name in MEASUREMENT_NAMES}


def correlation(a, b):
    rho = spearmanr(a, b).statistic
    return 0.0 if np.isnan(rho) else float(rho)


def continuous_code_correlations(model, samples, bases, steps, seed):
    space = model.latent_space
    continuous = [c.name for c in space if c.kind == "continuous"]
    if not continuous:
        raise ValueError(f"{type(model).__name__} has no continuous code.")
    codes = space.sample(samples, seed=seed)
    measures = measures_of(model.generate(codes))
    random = {
        code: {
            name: correlation(codes[code][:, 0], values)
            for name, values in measures.items()
        }
        for code in continuous
    }
    sweeps = {}
    values = np.linspace(-1.0, 1.0, steps)
    for code in continuous:
        per_base = {name: [] for name in MEASUREMENT_NAMES}
        for base in range(bases):
            images = model.traverse(code, values, seed=seed + 1 + base)
            for name, measured in measures_of(images).items():
                per_base[name].append(correlation(values, measured))
        sweeps[code] = {
            name: float(np.mean(rhos)) for name, rhos in per_base.items()
        }
    best = {
        code: max(random[code], key=lambda name: abs(random[code][name]))
        for code in continuous
    }
    return {
        "best_match": {
            code: {
                "measure": best[code],
                "spearman_random": round(random[code][best[code]], 4),
                "spearman_sweeps": round(sweeps[code][best[code]], 4),
            }
            for code in continuous
        },
        "random": _rounded(random),
        "sweeps": _rounded(sweeps),
        "protocol": {
            "samples": samples,
            "bases": bases,
            "sweep_values": [round(v, 4) for v in values.tolist()],
            "seed": seed,
        },
    }


def _rounded(table):
    return {
        code: {name: round(rho, 4) for name, rho in row.items()}
        for code, row in table.items()
    }


def main(argv=None):
    args = parse_args(argv)
    model = keras_disentangle.GenerativeModel.from_preset(args.preset)
    result = continuous_code_correlations(
        model, args.samples, args.bases, args.steps, args.seed
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
