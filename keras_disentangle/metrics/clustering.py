"""Clustering accuracy and normalised mutual information for categorical
codes (e.g. InfoGAN's categorical code against digit labels)."""

import numpy as np

from keras_disentangle.metrics.utils import check_num_samples
from keras_disentangle.metrics.utils import discrete_entropy
from keras_disentangle.metrics.utils import discrete_mutual_information


def _check_labels(labels_true, labels_pred, metric):
    labels_true = np.asarray(labels_true).reshape(-1)
    labels_pred = np.asarray(labels_pred).reshape(-1)
    if len(labels_true) != len(labels_pred):
        raise ValueError(
            f"{metric}: {len(labels_true)} labels but {len(labels_pred)} "
            "cluster assignments."
        )
    check_num_samples(metric, len(labels_true), 1, "samples")
    return labels_true, labels_pred


def cluster_to_class_map(labels_true, labels_pred):
    """The one-to-one cluster-to-class map with the most matched samples.

    Hungarian algorithm (`scipy.optimize.linear_sum_assignment`). Returns
    `(mapping, matched)`: a dict `cluster -> class` and the number of
    samples the map gets right.

    Example:

    >>> cluster_to_class_map([0, 0, 1, 1, 2], [2, 2, 0, 0, 1])
    ({0: 1, 1: 2, 2: 0}, 5)
    """
    from scipy.optimize import linear_sum_assignment

    labels_true, labels_pred = _check_labels(
        labels_true, labels_pred, "Clustering accuracy"
    )
    classes, true_codes = np.unique(labels_true, return_inverse=True)
    clusters, pred_codes = np.unique(labels_pred, return_inverse=True)
    counts = np.zeros((len(clusters), len(classes)), dtype=np.int64)
    np.add.at(counts, (pred_codes, true_codes), 1)
    rows, cols = linear_sum_assignment(counts, maximize=True)
    mapping = {
        clusters[r].item(): classes[c].item() for r, c in zip(rows, cols)
    }
    return mapping, int(counts[rows, cols].sum())


def clustering_accuracy(labels_true, labels_pred):
    """Accuracy of clusters under the best one-to-one cluster-to-class map.

    The map maximises the number of matched samples (Hungarian algorithm,
    see `cluster_to_class_map`); clusters left without a class count as
    errors.

    Example:

    >>> clustering_accuracy([0, 0, 1, 1, 2], [2, 2, 0, 0, 1])
    1.0
    """
    _, matched = cluster_to_class_map(labels_true, labels_pred)
    return float(matched / len(labels_true))


def normalized_mutual_information(labels_true, labels_pred):
    """NMI with the arithmetic-mean normalisation: `I / ((H_t + H_p) / 2)`.

    Both labelings constant gives 1; one constant gives 0.

    Example:

    >>> normalized_mutual_information([0, 0, 1, 1], [1, 1, 0, 0])
    1.0
    """
    labels_true, labels_pred = _check_labels(labels_true, labels_pred, "NMI")
    h_true = discrete_entropy(labels_true)
    h_pred = discrete_entropy(labels_pred)
    if h_true == 0.0 and h_pred == 0.0:
        return 1.0
    if h_true == 0.0 or h_pred == 0.0:
        return 0.0
    mutual = discrete_mutual_information(labels_true, labels_pred)
    return float(min(1.0, mutual / (0.5 * (h_true + h_pred))))
