"""Mutual Information Gap (Chen et al., 2018), as in disentanglement_lib."""

import numpy as np

from keras_disentangle.metrics.settings import metric_settings
from keras_disentangle.metrics.utils import as_rng
from keras_disentangle.metrics.utils import check_codes
from keras_disentangle.metrics.utils import check_factors
from keras_disentangle.metrics.utils import check_num_samples
from keras_disentangle.metrics.utils import discrete_entropy
from keras_disentangle.metrics.utils import histogram_discretize
from keras_disentangle.metrics.utils import mutual_information_matrix
from keras_disentangle.metrics.utils import sample_factors_and_codes


def mig_from_codes(codes, factors, num_bins=20):
    """MIG of codes `(N, num_codes)` against factor classes `(N, F)`.

    Each code is discretised into `num_bins` equal-width bins; for each
    factor, the gap between the two codes with the highest mutual
    information with it is divided by the factor's entropy; the score is
    the mean over factors. Mutual information is computed directly in nats
    (no scikit-learn), so it does not drift with library versions.

    Returns:
        dict with `discrete_mig` and the `mutual_information` matrix
        `(num_codes, num_factors)`.

    Example:

    >>> factors = np.random.default_rng(0).integers(0, 5, (1000, 2))
    >>> round(mig_from_codes(factors, factors)["discrete_mig"], 2)
    1.0
    """
    codes = check_codes(codes, "MIG", min_codes=2)
    factors = check_factors(factors, "MIG")
    check_num_samples("MIG", len(codes), 2, "points")
    if len(codes) != len(factors):
        raise ValueError(
            f"MIG: {len(codes)} codes but {len(factors)} factor vectors."
        )
    matrix = mutual_information_matrix(
        histogram_discretize(codes, num_bins), factors
    )
    entropy = np.array(
        [discrete_entropy(factors[:, j]) for j in range(factors.shape[1])]
    )
    top = np.sort(matrix, axis=0)[::-1]
    gaps = (top[0] - top[1]) / entropy
    return {"discrete_mig": float(np.mean(gaps)), "mutual_information": matrix}


def compute_mig(
    representation_function,
    dataset,
    num_train=None,
    num_bins=None,
    seed=0,
    setting="study",
):
    """MIG of a representation on a ground-truth dataset.

    Args:
        representation_function: maps float32 images `(n, H, W, C)` to
            codes `(n, num_codes)` (numpy in, numpy out).
        dataset: a `GroundTruthDataset`.
        num_train: points sampled (study 10,000; fast 2,000).
        num_bins: histogram bins per code (20).
        seed: int seed or `numpy.random.Generator`.
        setting: `"study"` or `"fast"` defaults for unset arguments.

    Returns:
        dict with `discrete_mig` and `num_points`.

    Example:

    >>> from keras_disentangle.datasets import IdentityGroundTruth
    >>> data = IdentityGroundTruth((10, 10, 10))
    >>> score = compute_mig(lambda x: x, data, setting="fast")
    >>> score["discrete_mig"] > 0.9
    True
    """
    params = metric_settings(
        "mig", setting, num_train=num_train, num_bins=num_bins
    )
    check_num_samples("MIG", params["num_train"], 2, "points (num_train)")
    rng = as_rng(seed)
    factors, codes = sample_factors_and_codes(
        representation_function, dataset, params["num_train"], rng, "MIG"
    )
    result = mig_from_codes(codes, factors, num_bins=params["num_bins"])
    return {
        "discrete_mig": result["discrete_mig"],
        "num_points": params["num_train"],
    }
