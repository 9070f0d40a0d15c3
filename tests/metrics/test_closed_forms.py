"""DCI and modularity against their closed forms on hand-made matrices
(disentanglement_lib's dci_test / modularity_explicitness_test anchors),
and the information helpers against exact values."""

import numpy as np
import pytest

from keras_disentangle.metrics import clustering_accuracy
from keras_disentangle.metrics import dci_completeness
from keras_disentangle.metrics import dci_disentanglement
from keras_disentangle.metrics import discrete_entropy
from keras_disentangle.metrics import discrete_mutual_information
from keras_disentangle.metrics import histogram_discretize
from keras_disentangle.metrics import modularity_from_mutual_information
from keras_disentangle.metrics import normalized_mutual_information

DIAGONAL = np.diag(5.0 * np.ones(5))
LOG2_OVER_LOG10 = np.log(2) / np.log(10)


def test_dci_diagonal():
    assert dci_disentanglement(DIAGONAL) == pytest.approx(1.0, abs=1e-6)
    assert dci_completeness(DIAGONAL) == pytest.approx(1.0, abs=1e-6)


def test_dci_diagonal_with_empty_codes():
    matrix = np.vstack([DIAGONAL, np.zeros((3, 5))])
    assert dci_disentanglement(matrix) == pytest.approx(1.0, abs=1e-6)


def test_dci_redundant_codes():
    matrix = np.vstack([DIAGONAL, DIAGONAL])  # 10 codes x 5 factors
    assert dci_disentanglement(matrix) == pytest.approx(1.0, abs=1e-6)
    assert dci_completeness(matrix) == pytest.approx(
        1 - LOG2_OVER_LOG10, abs=1e-6
    )


def test_dci_one_code_for_two_factors():
    matrix = np.hstack([DIAGONAL, DIAGONAL])  # 5 codes x 10 factors
    assert dci_disentanglement(matrix) == pytest.approx(
        1 - LOG2_OVER_LOG10, abs=1e-6
    )
    assert dci_completeness(matrix) == pytest.approx(1.0, abs=1e-6)


def test_dci_all_zero_and_uniform():
    assert dci_disentanglement(np.zeros((4, 4))) == pytest.approx(0.0, abs=1e-9)
    assert dci_completeness(np.zeros((4, 4))) == pytest.approx(0.0, abs=1e-9)
    assert dci_disentanglement(np.ones((3, 4))) == pytest.approx(0.0, abs=1e-9)


def test_dci_weights_codes_by_importance():
    # Code 0 (weight 0.8) is specific; code 1 (weight 0.2) spreads evenly.
    matrix = np.array([[0.8, 0.0], [0.1, 0.1]])
    assert dci_disentanglement(matrix) == pytest.approx(0.8, abs=1e-6)


def test_modularity_closed_forms():
    assert modularity_from_mutual_information(DIAGONAL) == pytest.approx(1.0)
    with_empty = np.vstack([np.diag([1.0, 1.0]), np.zeros((1, 2))])
    assert modularity_from_mutual_information(with_empty) == pytest.approx(
        2 / 3
    )
    shared = np.hstack([DIAGONAL, DIAGONAL])  # each code: 2 of 10 factors
    assert modularity_from_mutual_information(shared) == pytest.approx(
        1 - 1 / 9
    )
    with pytest.raises(ValueError, match="2 factors"):
        modularity_from_mutual_information(np.ones((3, 1)))


def test_information_helpers():
    labels = np.repeat(np.arange(4), 25)
    assert discrete_entropy(labels) == pytest.approx(np.log(4))
    assert discrete_mutual_information(labels, labels) == pytest.approx(
        np.log(4)
    )
    independent = np.tile(np.arange(2), 50)
    halves = np.repeat(np.arange(2), 50)
    assert discrete_mutual_information(halves, independent) == pytest.approx(
        0.0, abs=1e-12
    )
    # I(X; f(X)) = H(f(X)) for a deterministic f.
    assert discrete_mutual_information(labels, labels // 2) == pytest.approx(
        np.log(2)
    )


def test_histogram_discretize_uses_equal_width_bins_per_column():
    values = np.array([[0.0, 10.0], [0.24, 10.0], [0.26, 10.0], [1.0, 10.0]])
    bins = histogram_discretize(values, num_bins=4)
    assert bins[:, 0].tolist() == [0, 0, 1, 3]
    assert len(set(bins[:, 1].tolist())) == 1  # a constant: a single bin
    assert histogram_discretize(np.linspace(0, 1, 100), 20).max() == 19


def test_clustering_accuracy_and_nmi():
    truth = np.array([0, 0, 1, 1, 2, 2])
    assert clustering_accuracy(truth, [5, 5, 3, 3, 9, 9]) == 1.0
    assert clustering_accuracy(truth, [0, 0, 0, 0, 0, 0]) == pytest.approx(
        2 / 6
    )
    assert clustering_accuracy(truth, [0, 1, 1, 2, 2, 0]) == pytest.approx(
        3 / 6
    )
    # More clusters than classes: extra clusters count as errors.
    assert clustering_accuracy(truth, [0, 1, 2, 3, 4, 5]) == pytest.approx(
        3 / 6
    )
    assert normalized_mutual_information(
        truth, [2, 2, 0, 0, 1, 1]
    ) == pytest.approx(1.0)
    assert normalized_mutual_information(truth, [0] * 6) == 0.0
    halves = np.repeat([0, 1], 50)
    stripes = np.tile([0, 1], 50)
    assert normalized_mutual_information(halves, stripes) == pytest.approx(
        0.0, abs=1e-12
    )
    # Against the definition I / mean(H_t, H_p).
    pred = np.array([0, 0, 1, 1, 1, 1])
    expected = discrete_mutual_information(truth, pred) / (
        0.5 * (discrete_entropy(truth) + discrete_entropy(pred))
    )
    assert normalized_mutual_information(truth, pred) == pytest.approx(expected)
    with pytest.raises(ValueError, match="labels"):
        clustering_accuracy([0, 1], [0])


def test_nmi_matches_scikit_learn():
    from sklearn.metrics import normalized_mutual_info_score

    rng = np.random.default_rng(0)
    truth = rng.integers(0, 5, 300)
    pred = (truth + rng.integers(0, 3, 300)) % 7
    assert normalized_mutual_information(truth, pred) == pytest.approx(
        normalized_mutual_info_score(truth, pred)
    )
