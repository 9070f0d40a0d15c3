"""SAP score (Kumar et al., 2018), as in disentanglement_lib."""

import warnings

import numpy as np

from keras_disentangle.metrics.settings import metric_settings
from keras_disentangle.metrics.utils import as_rng
from keras_disentangle.metrics.utils import check_codes
from keras_disentangle.metrics.utils import check_factors
from keras_disentangle.metrics.utils import check_num_samples
from keras_disentangle.metrics.utils import require_scikit_learn
from keras_disentangle.metrics.utils import sample_factors_and_codes


def sap_score_matrix(
    codes_train,
    factors_train,
    codes_test=None,
    factors_test=None,
    continuous_factors=False,
):
    """Matrix `(num_codes, num_factors)` of single-code predictability.

    Discrete factors: test accuracy of a
    `sklearn.svm.LinearSVC(C=0.01, class_weight="balanced")` fitted on the
    one code. Continuous factors: the squared correlation (R^2) on the
    training points (a code of variance below 1e-12 scores 0).
    """
    num_codes, num_factors = codes_train.shape[1], factors_train.shape[1]
    matrix = np.zeros((num_codes, num_factors))
    if continuous_factors:
        for i in range(num_codes):
            for j in range(num_factors):
                cov = np.cov(codes_train[:, i], factors_train[:, j], ddof=1)
                if cov[0, 0] > 1e-12:
                    matrix[i, j] = cov[0, 1] ** 2 / (cov[0, 0] * cov[1, 1])
        return matrix
    require_scikit_learn("The SAP score")
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.svm import LinearSVC

    for i in range(num_codes):
        for j in range(num_factors):
            model = LinearSVC(C=0.01, class_weight="balanced")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                model.fit(codes_train[:, i : i + 1], factors_train[:, j])
            predicted = model.predict(codes_test[:, i : i + 1])
            matrix[i, j] = np.mean(predicted == factors_test[:, j])
    return matrix


def sap_from_codes(
    codes_train,
    factors_train,
    codes_test=None,
    factors_test=None,
    continuous_factors=False,
):
    """SAP: mean over factors of the gap between its two best codes.

    Args:
        codes_train, factors_train: training codes `(N, num_codes)` and
            factors `(N, F)` (classes, or values if `continuous_factors`).
        codes_test, factors_test: test set (discrete factors only).
        continuous_factors: score with R^2 instead of classifiers.

    Returns:
        dict with `SAP_score` and the `score_matrix`.

    Example:

    >>> rng = np.random.default_rng(0)
    >>> f = rng.integers(0, 4, (500, 2)).astype("float64")
    >>> round(sap_from_codes(f, f, continuous_factors=True)["SAP_score"], 2)
    1.0
    """
    codes_train = check_codes(codes_train, "SAP", min_codes=2)
    check_num_samples("SAP", len(codes_train), 2, "training points")
    if continuous_factors:
        factors_train = np.asarray(factors_train, dtype=np.float64)
        factors_train = factors_train.reshape(len(factors_train), -1)
        if np.any(np.ptp(factors_train, axis=0) == 0):
            raise ValueError(
                "SAP: a factor takes a single value over the points; it "
                "carries no information."
            )
    else:
        factors_train = check_factors(factors_train, "SAP")
        if codes_test is None or factors_test is None:
            raise ValueError("SAP with discrete factors needs a test set.")
        codes_test = check_codes(codes_test, "SAP", min_codes=2)
        check_num_samples("SAP", len(codes_test), 1, "test points")
        factors_test = np.asarray(factors_test, dtype=np.int64)
        factors_test = factors_test.reshape(len(factors_test), -1)
    matrix = sap_score_matrix(
        codes_train, factors_train, codes_test, factors_test, continuous_factors
    )
    top = np.sort(matrix, axis=0)[::-1]
    return {
        "SAP_score": float(np.mean(top[0] - top[1])),
        "score_matrix": matrix,
    }


def compute_sap(
    representation_function,
    dataset,
    num_train=None,
    num_test=None,
    continuous_factors=False,
    seed=0,
    setting="study",
):
    """SAP score of a representation on a ground-truth dataset.

    Args:
        representation_function: images to codes `(n, num_codes)`.
        dataset: a `GroundTruthDataset`.
        num_train: training points (study 10,000; fast 2,000).
        num_test: test points (study 5,000; fast 1,000).
        continuous_factors: use R^2 on factor classes (study: False).
        seed: int seed or `numpy.random.Generator`.
        setting: `"study"` or `"fast"` defaults for unset arguments.

    Returns:
        dict with `SAP_score`.

    Example:

    >>> from keras_disentangle.datasets import IdentityGroundTruth
    >>> data = IdentityGroundTruth((10, 10, 10))
    >>> score = compute_sap(
    ...     lambda x: x, data, setting="fast", continuous_factors=True)
    >>> score["SAP_score"] > 0.9
    True
    """
    params = metric_settings(
        "sap", setting, num_train=num_train, num_test=num_test
    )
    check_num_samples("SAP", params["num_train"], 2, "training points")
    check_num_samples("SAP", params["num_test"], 1, "test points")
    rng = as_rng(seed)
    factors_train, codes_train = sample_factors_and_codes(
        representation_function, dataset, params["num_train"], rng, "SAP"
    )
    factors_test, codes_test = sample_factors_and_codes(
        representation_function, dataset, params["num_test"], rng, "SAP"
    )
    result = sap_from_codes(
        codes_train, factors_train, codes_test, factors_test, continuous_factors
    )
    return {"SAP_score": result["SAP_score"]}
