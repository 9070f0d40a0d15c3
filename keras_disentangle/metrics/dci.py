"""DCI: disentanglement, completeness, informativeness (Eastwood &
Williams, 2018), with disentanglement_lib's gradient-boosted trees."""

import numpy as np

from keras_disentangle.metrics.settings import metric_settings
from keras_disentangle.metrics.utils import as_rng
from keras_disentangle.metrics.utils import check_codes
from keras_disentangle.metrics.utils import check_factors
from keras_disentangle.metrics.utils import check_num_samples
from keras_disentangle.metrics.utils import require_scikit_learn
from keras_disentangle.metrics.utils import sample_factors_and_codes
from keras_disentangle.metrics.utils import sklearn_seed


def _entropy_rows(matrix, base):
    """Entropy of each row of a non-negative matrix, in the given base."""
    p = matrix + 1e-11
    p = p / p.sum(axis=1, keepdims=True)
    return -np.sum(p * np.log(p), axis=1) / np.log(base)


def _weighted_score(matrix):
    # Rows are the units being scored (codes for D, factors for C).
    matrix = np.abs(np.asarray(matrix, dtype=np.float64))
    if matrix.ndim != 2 or matrix.shape[1] < 2:
        # One column: the entropy base would be 1; the unit is fully
        # specific by definition.
        return 1.0 if matrix.sum() > 0 else 0.0
    per_row = 1.0 - _entropy_rows(matrix, base=matrix.shape[1])
    total = matrix.sum()
    weights = (
        matrix.sum(axis=1) / total
        if total > 0
        else np.full(len(matrix), 1.0 / len(matrix))
    )
    return float(np.sum(per_row * weights))


def dci_disentanglement(importance_matrix):
    """Disentanglement of an importance matrix `(num_codes, num_factors)`.

    `sum_i rho_i (1 - H_F(R_i.))`: each code's importance distribution over
    the F factors, entropy in base F, weighted by the code's share of the
    total importance. An all-zero matrix scores 0.

    Example:

    >>> round(dci_disentanglement(np.eye(5)), 6)
    1.0
    """
    return _weighted_score(importance_matrix)


def dci_completeness(importance_matrix):
    """Completeness of an importance matrix `(num_codes, num_factors)`.

    `sum_j rho_j (1 - H_C(R_.j))`: each factor's importance distribution
    over the C codes, entropy in base C, weighted by the factor's share.

    Example:

    >>> round(dci_completeness(np.vstack([np.eye(5), np.eye(5)])), 4)
    0.699
    """
    return _weighted_score(np.asarray(importance_matrix).T)


def dci_from_codes(
    codes_train, factors_train, codes_test, factors_test, seed=0
):
    """DCI from train and test codes and factor classes.

    For every factor a default `sklearn.ensemble.GradientBoostingClassifier`
    (100 trees of depth 3) predicts the factor from all codes; the
    importance matrix holds `|feature_importances_|`. Informativeness is
    the classifiers' mean *accuracy* (not error), as in disentanglement_lib.

    Returns:
        dict with `disentanglement`, `completeness`,
        `informativeness_train`, `informativeness_test` and the
        `importance_matrix` `(num_codes, num_factors)`.
    """
    require_scikit_learn("DCI")
    from sklearn.ensemble import GradientBoostingClassifier

    codes_train = check_codes(codes_train, "DCI")
    codes_test = check_codes(codes_test, "DCI")
    factors_train = check_factors(factors_train, "DCI")
    factors_test = np.asarray(factors_test, dtype=np.int64)
    factors_test = factors_test.reshape(len(factors_test), -1)
    check_num_samples("DCI", len(codes_train), 2, "training points")
    check_num_samples("DCI", len(codes_test), 1, "test points")
    if codes_train.shape[1] != codes_test.shape[1]:
        raise ValueError("DCI: train and test codes differ in width.")
    rng = as_rng(seed)
    num_codes, num_factors = codes_train.shape[1], factors_train.shape[1]
    importance = np.zeros((num_codes, num_factors))
    train_acc, test_acc = [], []
    for j in range(num_factors):
        model = GradientBoostingClassifier(random_state=sklearn_seed(rng))
        model.fit(codes_train, factors_train[:, j])
        importance[:, j] = np.abs(model.feature_importances_)
        train_acc.append(
            np.mean(model.predict(codes_train) == factors_train[:, j])
        )
        test_acc.append(
            np.mean(model.predict(codes_test) == factors_test[:, j])
        )
    return {
        "disentanglement": dci_disentanglement(importance),
        "completeness": dci_completeness(importance),
        "informativeness_train": float(np.mean(train_acc)),
        "informativeness_test": float(np.mean(test_acc)),
        "importance_matrix": importance,
    }


def compute_dci(
    representation_function,
    dataset,
    num_train=None,
    num_test=None,
    seed=0,
    setting="study",
):
    """DCI of a representation on a ground-truth dataset.

    Args:
        representation_function: images to codes `(n, num_codes)`.
        dataset: a `GroundTruthDataset`.
        num_train: training points (study 10,000; fast 1,000).
        num_test: test points (study 5,000; fast 500).
        seed: int seed or `numpy.random.Generator`.
        setting: `"study"` or `"fast"` defaults for unset arguments.

    Returns:
        dict with `disentanglement`, `completeness`,
        `informativeness_train`, `informativeness_test`.

    Example:

    >>> from keras_disentangle.datasets import IdentityGroundTruth
    >>> data = IdentityGroundTruth((4, 4))
    >>> compute_dci(lambda x: x, data, setting="fast")["disentanglement"] > 0.9
    True
    """
    params = metric_settings(
        "dci", setting, num_train=num_train, num_test=num_test
    )
    check_num_samples("DCI", params["num_train"], 2, "training points")
    check_num_samples("DCI", params["num_test"], 1, "test points")
    rng = as_rng(seed)
    factors_train, codes_train = sample_factors_and_codes(
        representation_function, dataset, params["num_train"], rng, "DCI"
    )
    factors_test, codes_test = sample_factors_and_codes(
        representation_function, dataset, params["num_test"], rng, "DCI"
    )
    result = dci_from_codes(
        codes_train, factors_train, codes_test, factors_test, seed=rng
    )
    result.pop("importance_matrix")
    return result
