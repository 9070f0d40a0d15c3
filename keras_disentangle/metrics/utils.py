"""Sampling, validation and information-theory helpers for the metrics.

Codes are numpy arrays `(num_points, num_codes)` (samples first, unlike
disentanglement_lib's `(num_codes, num_points)`); factors are int arrays
`(num_points, num_factors)` of factor classes.
"""

import numpy as np

from keras_disentangle.datasets.ground_truth import check_ground_truth_dataset

# The largest number of images passed to a representation function at once.
MAX_IMAGES_PER_CALL = 4096


def as_rng(seed):
    """A `numpy.random.Generator` from an int, None or a Generator."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed)


def require_scikit_learn(metric):
    """Raises a clear `ImportError` when scikit-learn is not installed.

    BetaVAE, SAP, explicitness (modularity's companion) and DCI fit
    scikit-learn estimators. scikit-learn is an optional dependency (the
    `metrics` extra): `import keras` imports it whenever it is installed,
    which adds about 0.9 s to every cold start.
    """
    try:
        import sklearn  # noqa: F401
    except ImportError as error:
        raise ImportError(
            f"{metric} fits scikit-learn estimators, and scikit-learn is not "
            "installed. Install it with "
            "`pip install \"keras-disentangle[metrics]\"` "
            "(or `pip install scikit-learn`)."
        ) from error


def sklearn_seed(rng):
    """An int seed for a scikit-learn estimator, drawn from `rng`."""
    return int(rng.integers(0, 2**31 - 1))


def check_num_samples(metric, num, minimum, what="samples"):
    """Raises a clear `ValueError` when `num < minimum`."""
    if num < minimum:
        raise ValueError(
            f"{metric} needs at least {minimum} {what}, got {num}."
        )


def check_codes(codes, metric="metric", min_codes=1):
    """Validates codes: a finite float64 array `(num_points, num_codes)`.

    A 1-D array is taken as a single code.
    """
    codes = np.asarray(codes)
    if codes.ndim == 1:
        codes = codes[:, None]
    if codes.ndim != 2:
        raise ValueError(
            f"{metric}: codes must have shape (num_points, num_codes); got "
            f"{codes.shape}. Flatten the representation first."
        )
    if not np.issubdtype(codes.dtype, np.number):
        raise ValueError(f"{metric}: codes must be numeric, got {codes.dtype}.")
    codes = codes.astype(np.float64)
    bad = ~np.isfinite(codes)
    if bad.any():
        rows = int(bad.any(axis=1).sum())
        columns = np.flatnonzero(bad.any(axis=0)).tolist()
        raise ValueError(
            f"{metric}: the representation contains NaN or infinite values "
            f"in {rows} of {len(codes)} points (code columns {columns}). "
            "Check the encoder (and its inputs) before scoring it."
        )
    check_num_samples(metric, codes.shape[1], min_codes, "codes (columns)")
    return codes


def check_factors(factors, metric="metric", names=None):
    """Validates factors: int64 `(num_points, num_factors)`, each varying.

    Raises:
        ValueError: if a factor takes a single value over the points.
    """
    factors = np.asarray(factors)
    if factors.ndim == 1:
        factors = factors[:, None]
    if factors.ndim != 2:
        raise ValueError(
            f"{metric}: factors must have shape (num_points, num_factors); "
            f"got {factors.shape}."
        )
    if not np.issubdtype(factors.dtype, np.integer):
        rounded = np.round(factors)
        if not np.array_equal(rounded, factors):
            raise ValueError(
                f"{metric}: factors must be integer classes; discretise "
                "continuous factors first (e.g. histogram_discretize)."
            )
        factors = rounded
    factors = factors.astype(np.int64)
    for j in range(factors.shape[1]):
        if np.all(factors[:, j] == factors[0, j]):
            name = names[j] if names is not None else f"factor {j}"
            raise ValueError(
                f"{metric}: {name} takes a single value over the "
                f"{len(factors)} points; a factor with one value carries no "
                "information. Drop it, or sample more points."
            )
    return factors


def represent(representation_function, observations, metric="metric"):
    """Encodes observations in chunks and validates the codes."""
    chunks = []
    for start in range(0, len(observations), MAX_IMAGES_PER_CALL):
        part = observations[start : start + MAX_IMAGES_PER_CALL]
        codes = np.asarray(representation_function(part))
        if codes.ndim == 1:
            codes = codes[:, None]
        if codes.ndim != 2 or len(codes) != len(part):
            raise ValueError(
                f"{metric}: the representation function must map "
                f"{len(part)} observations to an array ({len(part)}, "
                f"num_codes); got shape {codes.shape}."
            )
        chunks.append(codes)
    return check_codes(np.concatenate(chunks, axis=0), metric)


def sample_factors_and_codes(
    representation_function, dataset, num_points, rng, metric="metric"
):
    """Samples factors, renders them and encodes them.

    Returns:
        `(factors, codes)`: int64 `(num_points, num_factors)` and float64
        `(num_points, num_codes)`.
    """
    check_ground_truth_dataset(dataset)
    factors = np.asarray(dataset.sample_factors(num_points, rng), np.int64)
    observations = dataset.sample_observations_from_factors(factors, rng)
    codes = represent(representation_function, observations, metric)
    return factors, codes


def histogram_discretize(values, num_bins=20):
    """Discretises each column into `num_bins` equal-width bins.

    Bins span each column's own minimum to maximum; bin classes are
    `0 .. num_bins - 1`. A constant column falls in a single bin.

    Example:

    >>> histogram_discretize(np.array([[0.0], [0.49], [0.51], [1.0]]), 2)
    array([[0],
           [0],
           [1],
           [1]])
    """
    values = np.asarray(values, dtype=np.float64)
    if values.ndim == 1:
        values = values[:, None]
    out = np.zeros(values.shape, dtype=np.int64)
    for i in range(values.shape[1]):
        edges = np.histogram_bin_edges(values[:, i], bins=num_bins)
        out[:, i] = np.digitize(values[:, i], edges[1:-1], right=False)
    return out


def _joint_counts(a, b):
    a_values, a_codes = np.unique(a, return_inverse=True)
    b_values, b_codes = np.unique(b, return_inverse=True)
    counts = np.bincount(
        a_codes * len(b_values) + b_codes,
        minlength=len(a_values) * len(b_values),
    )
    return counts.reshape(len(a_values), len(b_values)).astype(np.float64)


def discrete_mutual_information(a, b):
    """Mutual information in nats between two label arrays `(N,)`."""
    joint = _joint_counts(a, b)
    total = joint.sum()
    p_ab = joint / total
    p_a = p_ab.sum(axis=1, keepdims=True)
    p_b = p_ab.sum(axis=0, keepdims=True)
    nonzero = p_ab > 0
    ratio = p_ab[nonzero] / (p_a @ p_b)[nonzero]
    return float(max(np.sum(p_ab[nonzero] * np.log(ratio)), 0.0))


def discrete_entropy(labels):
    """Entropy in nats of a label array `(N,)`."""
    _, counts = np.unique(labels, return_counts=True)
    p = counts / counts.sum()
    return float(-np.sum(p * np.log(p)))


def mutual_information_matrix(discrete_codes, factors):
    """Matrix `(num_codes, num_factors)` of mutual information in nats."""
    discrete_codes = np.asarray(discrete_codes)
    factors = np.asarray(factors)
    matrix = np.zeros((discrete_codes.shape[1], factors.shape[1]))
    for i in range(discrete_codes.shape[1]):
        for j in range(factors.shape[1]):
            matrix[i, j] = discrete_mutual_information(
                discrete_codes[:, i], factors[:, j]
            )
    return matrix
