"""Sample-quality metrics on the features of a small classifier.

No Inception network: the features and logits come from a classifier
trained in this package (`FeatureClassifier`), or any object with
`features(images)` and `logits(images)`. Numbers from different feature
extractors or sample counts are not comparable: report both beside every
number, together with the real-vs-real floor at the same count
(`real_vs_real_floor`).
"""

import numpy as np

from keras_disentangle.metrics.utils import as_rng
from keras_disentangle.metrics.utils import check_codes
from keras_disentangle.metrics.utils import check_num_samples


def _features(features, metric, minimum):
    features = check_codes(features, metric)
    check_num_samples(metric, len(features), minimum, "samples per set")
    return features


def frechet_distance_from_statistics(mean_a, cov_a, mean_b, cov_b):
    """Frechet distance between two Gaussians, in float64.

    `|m_a - m_b|^2 + Tr(C_a + C_b - 2 (C_a C_b)^(1/2))`, with the trace of
    the square root taken as that of the symmetric matrix
    `(C_a^(1/2) C_b C_a^(1/2))^(1/2)` (same eigenvalues, no complex
    round-off).
    """
    mean_a = np.asarray(mean_a, dtype=np.float64)
    mean_b = np.asarray(mean_b, dtype=np.float64)
    cov_a = np.atleast_2d(np.asarray(cov_a, dtype=np.float64))
    cov_b = np.atleast_2d(np.asarray(cov_b, dtype=np.float64))
    values, vectors = np.linalg.eigh(cov_a)
    root_a = (vectors * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T
    middle = root_a @ cov_b @ root_a
    middle = (middle + middle.T) / 2.0
    trace_root = np.sum(np.sqrt(np.clip(np.linalg.eigvalsh(middle), 0, None)))
    diff = mean_a - mean_b
    distance = diff @ diff + np.trace(cov_a) + np.trace(cov_b) - 2 * trace_root
    return float(max(distance, 0.0))


def frechet_distance(features_a, features_b):
    """Frechet distance between Gaussians fitted to two feature sets.

    The estimate is biased and depends on the sample count: compare only
    numbers at the same count and feature extractor.

    Example:

    >>> rng = np.random.default_rng(0)
    >>> a = rng.normal(size=(2000, 4))
    >>> round(frechet_distance(a, a + 1.0), 1)
    4.0
    """
    features_a = _features(features_a, "Frechet distance", 2)
    features_b = _features(features_b, "Frechet distance", 2)
    return frechet_distance_from_statistics(
        features_a.mean(axis=0),
        np.cov(features_a, rowvar=False),
        features_b.mean(axis=0),
        np.cov(features_b, rowvar=False),
    )


def classifier_score(logits, splits=1, from_logits=True):
    """Inception-style score: `exp(mean_x KL(p(y|x) || p(y)))`, float64.

    Between 1 and the number of classes (reached when every image is
    classified with certainty and the classes are equally frequent).

    Args:
        logits: `(N, num_classes)` logits (or probabilities if
            `from_logits=False`).
        splits: the score is the mean over this many equal splits.

    Example:

    >>> round(classifier_score(np.eye(10) * 50.0), 3)
    10.0
    """
    values = _features(logits, "Classifier score", splits)
    if from_logits:
        values = values - values.max(axis=1, keepdims=True)
        log_p = values - np.log(np.sum(np.exp(values), axis=1, keepdims=True))
    else:
        if np.any(values < 0):
            raise ValueError("Probabilities must be non-negative.")
        log_p = np.log(np.clip(values / values.sum(1, keepdims=True), 1e-30, 1))
    scores = []
    for part in np.array_split(log_p, splits):
        p = np.exp(part)
        log_marginal = np.log(np.clip(p.mean(axis=0), 1e-30, None))
        kl = np.sum(p * (part - log_marginal), axis=1)
        scores.append(np.exp(np.mean(kl)))
    return float(np.mean(scores))


def _polynomial_kernel(x, y):
    return (x @ y.T / x.shape[1] + 1.0) ** 3


def kernel_distance(
    features_a,
    features_b,
    num_subsets=100,
    max_subset_size=1000,
    seed=0,
    return_std=False,
):
    """KID: unbiased MMD^2 with the kernel `(x.y / d + 1)^3`.

    Averaged over `num_subsets` random subsets of `min(max_subset_size,
    N_a, N_b)` samples from each set (drawn without replacement).

    Example:

    >>> rng = np.random.default_rng(0)
    >>> a, b = rng.normal(size=(2, 500, 8))
    >>> abs(kernel_distance(a, b, num_subsets=10)) < 0.05
    True
    """
    features_a = _features(features_a, "KID", 2)
    features_b = _features(features_b, "KID", 2)
    rng = as_rng(seed)
    size = min(max_subset_size, len(features_a), len(features_b))
    off_diagonal = size * (size - 1)
    values = []
    for _ in range(num_subsets):
        x = features_a[rng.choice(len(features_a), size, replace=False)]
        y = features_b[rng.choice(len(features_b), size, replace=False)]
        k_xx = _polynomial_kernel(x, x)
        k_yy = _polynomial_kernel(y, y)
        k_xy = _polynomial_kernel(x, y)
        values.append(
            (k_xx.sum() - np.trace(k_xx)) / off_diagonal
            + (k_yy.sum() - np.trace(k_yy)) / off_diagonal
            - 2.0 * k_xy.mean()
        )
    if return_std:
        return float(np.mean(values)), float(np.std(values))
    return float(np.mean(values))


def _squared_distances(x, y):
    sq = (
        np.sum(x * x, axis=1)[:, None]
        + np.sum(y * y, axis=1)[None, :]
        - 2.0 * x @ y.T
    )
    return np.maximum(sq, 0.0)


def _knn_radii(features, k, batch_size):
    radii = np.empty(len(features))
    for start in range(0, len(features), batch_size):
        block = _squared_distances(
            features[start : start + batch_size], features
        )
        # Index k skips the sample itself (distance 0 at index 0).
        radii[start : start + batch_size] = np.partition(block, k, axis=1)[:, k]
    return radii


def _coverage(points, centres, radii, batch_size):
    inside = np.zeros(len(points), dtype=bool)
    for start in range(0, len(points), batch_size):
        block = _squared_distances(points[start : start + batch_size], centres)
        inside[start : start + batch_size] = np.any(
            block <= radii[None, :], axis=1
        )
    return float(inside.mean())


def precision_recall(real_features, fake_features, k=3, batch_size=1000):
    """Improved precision and recall (Kynkaanniemi et al., 2019).

    Each sample's ball reaches its k-th nearest neighbour in its own set.
    Precision: fraction of generated samples inside some real ball.
    Recall: fraction of real samples inside some generated ball.
    Distances are computed `batch_size` rows at a time (memory
    `8 * batch_size * N` bytes).

    Returns:
        dict with `precision`, `recall` and their harmonic mean `f_score`.

    Example:

    >>> rng = np.random.default_rng(0)
    >>> real = rng.normal(size=(500, 2))
    >>> precision_recall(real, real)["precision"]
    1.0
    """
    real = _features(real_features, "Precision/recall", k + 1)
    fake = _features(fake_features, "Precision/recall", k + 1)
    real_radii = _knn_radii(real, k, batch_size)
    fake_radii = _knn_radii(fake, k, batch_size)
    precision = _coverage(fake, real, real_radii, batch_size)
    recall = _coverage(real, fake, fake_radii, batch_size)
    total = precision + recall
    f_score = 2 * precision * recall / total if total > 0 else 0.0
    return {"precision": precision, "recall": recall, "f_score": f_score}


def quality_metrics(
    real_images,
    generated_images,
    classifier,
    k=3,
    kid_subsets=100,
    kid_subset_size=1000,
    seed=0,
    batch_size=256,
):
    """All quality metrics of generated images against real ones.

    Args:
        real_images: float32 `(N, H, W, C)` in `[0, 1]`.
        generated_images: float32 `(M, H, W, C)` in `[0, 1]`.
        classifier: a `FeatureClassifier`, or any object with
            `features_and_logits(images)` (or `features` and `logits`).
        k: neighbourhood size for precision/recall.
        kid_subsets, kid_subset_size: KID subsets.
        seed: seed of the KID subsets.

    Returns:
        dict with `frechet_distance`, `kernel_distance`,
        `classifier_score` (of the generated images), `precision`,
        `recall`, `f_score`, `num_real`, `num_generated` and
        `feature_extractor` (the classifier's name).
    """
    real_features, _ = _embed(classifier, real_images, batch_size)
    fake_features, fake_logits = _embed(
        classifier, generated_images, batch_size
    )
    result = {
        "frechet_distance": frechet_distance(real_features, fake_features),
        "kernel_distance": kernel_distance(
            real_features,
            fake_features,
            num_subsets=kid_subsets,
            max_subset_size=kid_subset_size,
            seed=seed,
        ),
        "classifier_score": classifier_score(fake_logits),
    }
    result.update(precision_recall(real_features, fake_features, k=k))
    result["num_real"] = len(real_features)
    result["num_generated"] = len(fake_features)
    result["feature_extractor"] = getattr(
        classifier, "name", type(classifier).__name__
    )
    return result


def real_vs_real_floor(real_images, classifier, num_samples, seed=0, **kwargs):
    """Quality metrics between two disjoint random sets of real images.

    The floor each metric reaches with perfect samples at this sample
    count: report it beside the scores of a model at the same
    `num_samples`.

    Args:
        real_images: at least `2 * num_samples` real images.
        classifier: as in `quality_metrics`.
        num_samples: images in each of the two sets.
        seed: seed of the split (and of KID's subsets).
        **kwargs: passed to `quality_metrics`.
    """
    check_num_samples(
        "The real-vs-real floor",
        len(real_images),
        2 * num_samples,
        f"real images (2 x num_samples={num_samples})",
    )
    rng = as_rng(seed)
    order = rng.permutation(len(real_images))
    first = np.asarray(real_images)[np.sort(order[:num_samples])]
    second = np.asarray(real_images)[
        np.sort(order[num_samples : 2 * num_samples])
    ]
    return quality_metrics(first, second, classifier, seed=rng, **kwargs)


def _embed(classifier, images, batch_size):
    if hasattr(classifier, "features_and_logits"):
        features, logits = classifier.features_and_logits(
            images, batch_size=batch_size
        )
    else:
        features = classifier.features(images)
        logits = classifier.logits(images)
    return np.asarray(features), np.asarray(logits)
