"""Modularity and explicitness (Ridgeway & Mozer, 2018), as in
disentanglement_lib."""

import numpy as np

from keras_disentangle.metrics.settings import metric_settings
from keras_disentangle.metrics.utils import as_rng
from keras_disentangle.metrics.utils import check_codes
from keras_disentangle.metrics.utils import check_factors
from keras_disentangle.metrics.utils import check_num_samples
from keras_disentangle.metrics.utils import histogram_discretize
from keras_disentangle.metrics.utils import mutual_information_matrix
from keras_disentangle.metrics.utils import require_scikit_learn
from keras_disentangle.metrics.utils import sample_factors_and_codes
from keras_disentangle.metrics.utils import sklearn_seed


def modularity_from_mutual_information(mutual_information):
    """Modularity of a mutual-information matrix `(num_codes, num_factors)`.

    Per code, with m the code's row: `1 - (sum m^2 - max m^2) /
    (max m^2 (F - 1))`, and 0 for a code whose row is all zero; the score
    is the mean over codes.

    Example:

    >>> modularity_from_mutual_information(np.eye(3))
    1.0
    >>> round(modularity_from_mutual_information(
    ...     np.vstack([np.eye(2), np.zeros((1, 2))])), 4)
    0.6667
    """
    squared = np.asarray(mutual_information, dtype=np.float64) ** 2
    if squared.ndim != 2 or squared.shape[1] < 2:
        raise ValueError(
            "Modularity needs a matrix (num_codes, num_factors) with at "
            f"least 2 factors; got shape {squared.shape}."
        )
    peak = squared.max(axis=1)
    deviation = (squared.sum(axis=1) - peak) / np.where(
        peak > 0, peak * (squared.shape[1] - 1), 1.0
    )
    per_code = np.where(peak > 0, 1.0 - deviation, 0.0)
    return float(np.mean(per_code))


def explicitness_from_codes(
    codes_train, factors_train, codes_test, factors_test, seed=0
):
    """Explicitness: mean one-vs-rest ROC-AUC of a logistic regression.

    Codes are standardised with the training mean and deviation; one
    default `sklearn.linear_model.LogisticRegression` per factor; the AUC
    is the macro average over the factor's classes (classes absent from a
    set are skipped in that set).

    Returns:
        `(train_score, test_score)`.
    """
    require_scikit_learn("Explicitness")
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    rng = as_rng(seed)
    mean = codes_train.mean(axis=0)
    std = codes_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    x_train = (codes_train - mean) / std
    x_test = (codes_test - mean) / std
    train_scores, test_scores = [], []
    for j in range(factors_train.shape[1]):
        model = LogisticRegression(random_state=sklearn_seed(rng))
        model.fit(x_train, factors_train[:, j])
        for x, y, scores in (
            (x_train, factors_train[:, j], train_scores),
            (x_test, factors_test[:, j], test_scores),
        ):
            one_hot = y[:, None] == model.classes_[None, :]
            keep = one_hot.any(axis=0) & ~one_hot.all(axis=0)
            probabilities = model.predict_proba(x)
            scores.append(
                roc_auc_score(
                    one_hot[:, keep], probabilities[:, keep], average="macro"
                )
            )
    return float(np.mean(train_scores)), float(np.mean(test_scores))


def modularity_explicitness_from_codes(
    codes_train, factors_train, codes_test, factors_test, num_bins=20, seed=0
):
    """Modularity (on training codes, `num_bins` histogram bins) and
    explicitness (train and test ROC-AUC).

    Returns:
        dict with `modularity_score`, `explicitness_score_train`,
        `explicitness_score_test` and the `mutual_information` matrix.
    """
    codes_train = check_codes(codes_train, "Modularity")
    codes_test = check_codes(codes_test, "Modularity")
    factors_train = check_factors(factors_train, "Modularity")
    factors_test = np.asarray(factors_test, dtype=np.int64)
    factors_test = factors_test.reshape(len(factors_test), -1)
    check_num_samples("Modularity", len(codes_train), 2, "training points")
    check_num_samples("Explicitness", len(codes_test), 2, "test points")
    matrix = mutual_information_matrix(
        histogram_discretize(codes_train, num_bins), factors_train
    )
    train, test = explicitness_from_codes(
        codes_train, factors_train, codes_test, factors_test, seed=seed
    )
    return {
        "modularity_score": modularity_from_mutual_information(matrix),
        "explicitness_score_train": train,
        "explicitness_score_test": test,
        "mutual_information": matrix,
    }


def compute_modularity_explicitness(
    representation_function,
    dataset,
    num_train=None,
    num_test=None,
    num_bins=None,
    seed=0,
    setting="study",
):
    """Modularity and explicitness of a representation.

    Args:
        representation_function: images to codes `(n, num_codes)`.
        dataset: a `GroundTruthDataset`.
        num_train: training points (study 10,000; fast 2,000).
        num_test: test points (study 5,000; fast 1,000).
        num_bins: histogram bins per code for the mutual information (20).
        seed: int seed or `numpy.random.Generator`.
        setting: `"study"` or `"fast"` defaults for unset arguments.

    Returns:
        dict with `modularity_score`, `explicitness_score_train`,
        `explicitness_score_test`.

    Example:

    >>> from keras_disentangle.datasets import IdentityGroundTruth
    >>> data = IdentityGroundTruth((10, 10, 10))
    >>> scores = compute_modularity_explicitness(
    ...     lambda x: x, data, setting="fast")
    >>> scores["modularity_score"] > 0.9
    True
    """
    params = metric_settings(
        "modularity_explicitness",
        setting,
        num_train=num_train,
        num_test=num_test,
        num_bins=num_bins,
    )
    check_num_samples("Modularity", params["num_train"], 2, "training points")
    check_num_samples("Explicitness", params["num_test"], 2, "test points")
    rng = as_rng(seed)
    factors_train, codes_train = sample_factors_and_codes(
        representation_function, dataset, params["num_train"], rng, "Modularity"
    )
    factors_test, codes_test = sample_factors_and_codes(
        representation_function, dataset, params["num_test"], rng, "Modularity"
    )
    result = modularity_explicitness_from_codes(
        codes_train,
        factors_train,
        codes_test,
        factors_test,
        num_bins=params["num_bins"],
        seed=rng,
    )
    result.pop("mutual_information")
    return result
