"""Rank correlation of continuous codes with measured image factors."""

import warnings

import numpy as np

from keras_disentangle.datasets.morpho_mnist import measure_digits


def _spearman(a, b):
    from scipy.stats import spearmanr

    with warnings.catch_warnings():
        # A measure that is constant over a sweep has no defined rho: 0.
        warnings.simplefilter("ignore")
        rho = spearmanr(a, b).statistic
    return 0.0 if np.isnan(rho) else float(rho)


def _measures_of(images, measure):
    values = measure(images)
    return {name: np.asarray(column) for name, column in values.items()}


def code_measure_correlations(
    model, samples=2000, bases=50, steps=9, seed=0, measure=None
):
    """Spearman correlation of each continuous code with each image measure.

    Two protocols:

    - `random`: `samples` images with every code drawn from the prior; the
      correlation of a code with a measure across them;
    - `sweeps`: `bases` random bases, each continuous code swept over
      `steps` values in `[-1, 1]` with the other codes held; the mean over
      bases of the within-sweep correlation (`bases=0` skips it).

    A code's best match is the measure with the largest |rho| under
    `random`.

    Args:
        model: a generative model of the package with continuous codes.
        samples, bases, steps, seed: the protocol's sizes and seed.
        measure: images to a dict of named per-image measures; default
            `keras_disentangle.datasets.measure_digits` (Morpho-MNIST).

    Returns:
        A dict with `best_match` (per code: `measure`, `spearman_random`,
        `spearman_sweeps` when swept), `random`, `sweeps` and `protocol`.

    Example:

    ```python
    model = keras_disentangle.InfoGAN.from_preset("mnist")
    table = code_measure_correlations(model, samples=500, bases=0)
    table["best_match"]["c1"]  # {"measure": "slant", ...}
    ```
    """
    measure = measure or measure_digits
    space = model.latent_space
    continuous = [code.name for code in space if code.kind == "continuous"]
    if not continuous:
        raise ValueError(
            f"{type(model).__name__} has no continuous code to correlate "
            "with image measures; its codes are "
            f"{[code.name for code in space]}."
        )
    codes = space.sample(samples, seed=seed)
    measures = _measures_of(model.generate(codes), measure)
    random = {
        code: {
            name: _spearman(codes[code][:, 0], values)
            for name, values in measures.items()
        }
        for code in continuous
    }
    sweeps = {}
    values = np.linspace(-1.0, 1.0, steps)
    for code in continuous if bases > 0 else []:
        per_base = {name: [] for name in measures}
        for base in range(bases):
            images = model.traverse(code, values, seed=seed + 1 + base)
            for name, measured in _measures_of(images, measure).items():
                per_base[name].append(_spearman(values, measured))
        sweeps[code] = {
            name: float(np.mean(rhos)) for name, rhos in per_base.items()
        }
    best_match = {}
    for code in continuous:
        name = max(random[code], key=lambda n: abs(random[code][n]))
        best_match[code] = {
            "measure": name,
            "spearman_random": round(random[code][name], 4),
        }
        if code in sweeps:
            best_match[code]["spearman_sweeps"] = round(sweeps[code][name], 4)
    protocol = {"samples": samples, "bases": bases, "seed": seed}
    if bases > 0:
        protocol["sweep_values"] = [round(v, 4) for v in values.tolist()]
    return {
        "best_match": best_match,
        "random": _rounded(random),
        "sweeps": _rounded(sweeps),
        "protocol": protocol,
    }


def _rounded(table):
    return {
        code: {name: round(rho, 4) for name, rho in row.items()}
        for code, row in table.items()
    }
