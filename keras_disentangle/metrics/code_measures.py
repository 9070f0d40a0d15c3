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


def _ranks(values):
    from scipy.stats import rankdata

    return rankdata(values)


def _partial_spearman(value, measures, controls):
    """Spearman correlation of `value` with each measure, `controls` held.

    The ranks of the value and of every measure are regressed together
    (least squares, with an intercept) on the controls, and the value's
    residual is correlated with each measure's: the partial correlation of
    the ranks. A residual without spread gives 0.
    """
    names = list(measures)
    targets = np.column_stack(
        [_ranks(value)] + [_ranks(measures[name]) for name in names]
    )
    design = np.column_stack([np.ones(len(value)), controls])
    fit, *_ = np.linalg.lstsq(design, targets, rcond=None)
    residuals = targets - design @ fit
    spread = np.sqrt(np.sum(residuals * residuals, axis=0))
    products = residuals[:, 0] @ residuals[:, 1:]
    tiny = 1e-9 * len(value) ** 2
    return {
        name: float(product / scale) if scale >= tiny else 0.0
        for name, product, scale in zip(names, products, spread[0] * spread[1:])
    }


def _partial_table(space, codes, continuous, measures):
    """Partial Spearman of each continuous code with each measure, the
    other regularized codes held (categorical as one-hot, continuous as
    ranks); unregularized noise is not held, as in Morpho-MNIST."""
    table = {}
    for code in continuous:
        controls = [np.zeros((len(codes[code]), 0))]
        for other in space:
            if other.name == code or not other.regularized:
                continue
            column = np.asarray(codes[other.name], dtype="float64")
            if other.kind == "continuous":
                column = np.column_stack([_ranks(c) for c in column.T])
            controls.append(column)
        table[code] = _partial_spearman(
            np.asarray(codes[code])[:, 0],
            measures,
            np.concatenate(controls, axis=1),
        )
    return table


def _inferred_codes(model, space, images):
    """Q's codes of real images: one-hot argmax for categorical codes,
    posterior means for continuous ones."""
    if not hasattr(model, "encode"):
        raise ValueError(
            f"{type(model).__name__} has no encode(); the real-image "
            "protocol needs a model that infers codes from images (an "
            "encoder or a Q head). Leave `images` out."
        )
    posteriors = model.encode(images)
    codes = {}
    for code in space:
        if not code.regularized:
            continue
        if code.name not in posteriors:
            raise ValueError(
                f"{type(model).__name__}.encode() infers no '{code.name}'; "
                "the real-image protocol holds every regularized code, so "
                "it needs all of them. Leave `images` out."
            )
        value = np.asarray(posteriors[code.name])
        if code.kind == "categorical":
            value = np.eye(value.shape[-1])[np.argmax(value, axis=-1)]
        codes[code.name] = value
    return codes


def _measures_of(images, measure):
    values = measure(images)
    return {name: np.asarray(column) for name, column in values.items()}


def code_measure_correlations(
    model,
    samples=2000,
    bases=50,
    steps=9,
    seed=0,
    measure=None,
    images=None,
):
    """Spearman correlation of each continuous code with each image measure.

    Protocols:

    - `random`: `samples` images with every code drawn from the prior; the
      correlation of a code with a measure across them;
    - `partial`: the same images; the partial correlation of the ranks of a
      code and a measure with the other regularized codes held (categorical
      codes as one-hot, continuous codes as ranks). This is Morpho-MNIST's
      protocol (`experiments/disentanglement/compute_pcorrs.py`, Castro et
      al. 2019), which holds the other codes so that a measure that two
      codes (or the digit) share is not diluted. Deviations: ranks
      (Spearman) where Morpho-MNIST correlates values (Pearson), and the
      codes that made the images where it re-infers them with Q;
    - `partial_real` (with `images`): the same on real images, with the
      codes that `model.encode` infers from them (argmax one-hot, posterior
      means), Morpho-MNIST's protocol on its test set;
    - `sweeps`: `bases` random bases, each continuous code swept over
      `steps` values in `[-1, 1]` with the other codes held; the mean over
      bases of the within-sweep correlation (`bases=0` skips it).

    A code's best match is the measure with the largest |rho| under
    `random` (`best_match`) and under `partial` (`best_match_partial`).

    Args:
        model: a generative model of the package with continuous codes.
        samples, bases, steps, seed: the protocol's sizes and seed.
        measure: images to a dict of named per-image measures; default
            `keras_disentangle.datasets.measure_digits` (Morpho-MNIST).
        images: optional real images for `partial_real` (the model needs
            `encode`), in the model's input range.

    Returns:
        A dict with `best_match` (per code: `measure`, `spearman_random`,
        `spearman_sweeps` when swept), `best_match_partial` (per code:
        `measure`, `spearman_partial`, `spearman_partial_real` with
        `images`), `random`, `partial`, `partial_real` (empty without
        `images`), `sweeps` and `protocol`.

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
    partial = _partial_table(space, codes, continuous, measures)
    partial_real = {}
    if images is not None:
        inferred = _inferred_codes(model, space, images)
        partial_real = _partial_table(
            space, inferred, continuous, _measures_of(images, measure)
        )
    sweeps = {}
    values = np.linspace(-1.0, 1.0, steps)
    for code in continuous if bases > 0 else []:
        per_base = {name: [] for name in measures}
        for base in range(bases):
            swept = model.traverse(code, values, seed=seed + 1 + base)
            for name, measured in _measures_of(swept, measure).items():
                per_base[name].append(_spearman(values, measured))
        sweeps[code] = {
            name: float(np.mean(rhos)) for name, rhos in per_base.items()
        }
    best_match = _best_matches(random, {"sweeps": sweeps}, "random")
    best_match_partial = _best_matches(
        partial, {"partial_real": partial_real}, "partial"
    )
    protocol = {"samples": samples, "bases": bases, "seed": seed}
    if images is not None:
        protocol["real_images"] = len(images)
    if bases > 0:
        protocol["sweep_values"] = [round(v, 4) for v in values.tolist()]
    return {
        "best_match": best_match,
        "best_match_partial": best_match_partial,
        "random": _rounded(random),
        "partial": _rounded(partial),
        "partial_real": _rounded(partial_real),
        "sweeps": _rounded(sweeps),
        "protocol": protocol,
    }


def _best_matches(table, companions, protocol):
    """Per code, the measure with the largest |rho| in `table`, its rho,
    and its rho in each companion table that has the code."""
    matches = {}
    for code, row in table.items():
        name = max(row, key=lambda n: abs(row[n]))
        match = {"measure": name, f"spearman_{protocol}": round(row[name], 4)}
        for other, other_table in companions.items():
            if code in other_table:
                match[f"spearman_{other}"] = round(other_table[code][name], 4)
        matches[code] = match
    return matches


def _rounded(table):
    return {
        code: {name: round(rho, 4) for name, rho in row.items()}
        for code, row in table.items()
    }
