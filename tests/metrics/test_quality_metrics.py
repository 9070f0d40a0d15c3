import numpy as np
import pytest

from keras_disentangle.metrics import classifier_score
from keras_disentangle.metrics import frechet_distance
from keras_disentangle.metrics import frechet_distance_from_statistics
from keras_disentangle.metrics import kernel_distance
from keras_disentangle.metrics import precision_recall
from keras_disentangle.metrics import quality_metrics
from keras_disentangle.metrics import real_vs_real_floor


def test_frechet_distance_closed_forms():
    d = 6
    zero = np.zeros(d)
    eye = np.eye(d)
    assert frechet_distance_from_statistics(
        zero, eye, zero, eye
    ) == pytest.approx(0.0, abs=1e-9)
    # N(0, I) vs N(m, 4 I): |m|^2 + d (1 + 4 - 2 * 2) = |m|^2 + d.
    shift = np.arange(d, dtype=float)
    assert frechet_distance_from_statistics(
        zero, eye, shift, 4 * eye
    ) == pytest.approx(shift @ shift + d)


def test_frechet_distance_matches_scipy_sqrtm():
    from scipy import linalg

    rng = np.random.default_rng(0)
    a = rng.normal(size=(8, 8))
    b = rng.normal(size=(8, 8))
    cov_a, cov_b = a @ a.T + 0.1 * np.eye(8), b @ b.T + 0.1 * np.eye(8)
    mean_a, mean_b = rng.normal(size=8), rng.normal(size=8)
    root = linalg.sqrtm(cov_a @ cov_b).real
    expected = np.sum((mean_a - mean_b) ** 2) + np.trace(
        cov_a + cov_b - 2 * root
    )
    assert frechet_distance_from_statistics(
        mean_a, cov_a, mean_b, cov_b
    ) == pytest.approx(expected, rel=1e-6)


def test_frechet_distance_on_samples():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(4000, 3))
    b = rng.normal(size=(4000, 3))
    assert frechet_distance(a, a) == pytest.approx(0.0, abs=1e-8)
    assert frechet_distance(a, b) < 0.02
    assert frechet_distance(a, b + 2.0) == pytest.approx(12.0, rel=0.02)


def test_classifier_score_bounds():
    confident = np.eye(10)[np.arange(1000) % 10] * 40.0
    assert classifier_score(confident) == pytest.approx(10.0, rel=1e-6)
    assert classifier_score(np.zeros((100, 10))) == pytest.approx(1.0)
    # All images confidently one class: no diversity, score 1.
    assert classifier_score(
        np.tile(np.eye(10)[3] * 40.0, (100, 1))
    ) == pytest.approx(1.0)
    half = np.eye(10)[np.arange(1000) % 5] * 40.0
    assert classifier_score(half) == pytest.approx(5.0, rel=1e-6)
    probabilities = np.eye(4)[np.arange(400) % 4]
    assert classifier_score(
        probabilities, from_logits=False, splits=4
    ) == pytest.approx(4.0)


def test_kernel_distance_matches_the_unbiased_estimator():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(30, 4))
    y = rng.normal(loc=0.5, size=(30, 4))

    def k(a, b):
        return (a @ b.T / 4 + 1.0) ** 3

    m = 30
    expected = (
        (k(x, x).sum() - np.trace(k(x, x))) / (m * (m - 1))
        + (k(y, y).sum() - np.trace(k(y, y))) / (m * (m - 1))
        - 2 * k(x, y).mean()
    )
    # One subset of the full size is a permutation of all samples.
    assert kernel_distance(
        x, y, num_subsets=1, max_subset_size=30
    ) == pytest.approx(expected)
    same = kernel_distance(
        rng.normal(size=(400, 4)), rng.normal(size=(400, 4)), 20, 200
    )
    shifted = kernel_distance(x, y + 2.0, num_subsets=5)
    assert abs(same) < 0.02 and shifted > 0.5
    mean, std = kernel_distance(
        x, y, num_subsets=5, max_subset_size=10, return_std=True
    )
    assert std > 0


def test_precision_recall_known_cases():
    rng = np.random.default_rng(0)
    real = rng.normal(size=(600, 2))
    same = precision_recall(real, real)
    assert same["precision"] == 1.0 and same["recall"] == 1.0
    far = precision_recall(real, real + 100.0)
    assert (
        far["precision"] == 0.0
        and far["recall"] == 0.0
        and far["f_score"] == 0.0
    )
    # Generated samples collapsed on one region of the real data:
    # precise but with poor recall.
    collapsed = real[real[:, 0] > 1.0]
    mode = precision_recall(real, collapsed)
    assert mode["precision"] > 0.95 and mode["recall"] < 0.4


class LinearFeatures:
    """A stand-in classifier: features = flattened pixels, logits = their
    first ten values; numpy only."""

    name = "linear_features"

    def features_and_logits(self, images, batch_size=256):
        flat = np.asarray(images, dtype=np.float64).reshape(len(images), -1)
        return flat[:, :16], 10.0 * flat[:, :10]


def test_quality_metrics_and_the_real_floor():
    rng = np.random.default_rng(0)
    real = rng.random((400, 4, 4, 1))
    fake = np.clip(real[:200] + 0.3, 0, 1)
    floor = real_vs_real_floor(
        real, LinearFeatures(), num_samples=200, kid_subsets=5
    )
    scores = quality_metrics(real[200:], fake, LinearFeatures(), kid_subsets=5)
    assert floor["num_real"] == floor["num_generated"] == 200
    assert scores["feature_extractor"] == "linear_features"
    assert scores["frechet_distance"] > floor["frechet_distance"] + 0.5
    assert scores["kernel_distance"] > floor["kernel_distance"]
    assert scores["precision"] < floor["precision"]
    assert 1.0 <= scores["classifier_score"] <= 10.0
