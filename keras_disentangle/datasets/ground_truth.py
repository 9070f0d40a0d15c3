"""The ground-truth dataset protocol shared by datasets and metrics."""

from typing import Protocol
from typing import Sequence
from typing import runtime_checkable

import numpy as np


@runtime_checkable
class GroundTruthDataset(Protocol):
    """A dataset whose images are generated from known discrete factors.

    Disentanglement metrics need three things from a dataset, and nothing
    else:

    - `factor_sizes`: the number of values of each factor, e.g.
      `(3, 6, 40, 32, 32)` for dSprites. Factor values are the integer
      classes `0 .. size - 1`.
    - `sample_factors(num, rng)`: an int64 array `(num, num_factors)` of
      factor classes.
    - `sample_observations_from_factors(factors, rng)`: float32 images
      `(num, H, W, C)` in `[0, 1]`, one per row of `factors`. `rng` (a
      `numpy.random.Generator`) draws any nuisance (colour, noise, which
      image of a class).

    Optional: `factor_names`, a tuple of strings.

    Any object with these members satisfies the protocol; no base class is
    needed. `isinstance(obj, GroundTruthDataset)` checks that the members
    exist.
    """

    @property
    def factor_sizes(self) -> Sequence[int]: ...

    def sample_factors(self, num, rng) -> np.ndarray: ...

    def sample_observations_from_factors(self, factors, rng) -> np.ndarray: ...


def factor_names_of(dataset):
    """Names of the factors of `dataset`, `factor_0 ...` when it has none."""
    names = getattr(dataset, "factor_names", None)
    if names is None:
        return tuple(f"factor_{i}" for i in range(len(dataset.factor_sizes)))
    return tuple(names)


def check_ground_truth_dataset(dataset):
    """Raises a clear error if `dataset` cannot serve the metrics.

    Checks that the protocol members exist and that every factor has at
    least two values (a factor with a single value carries no information
    and makes the metrics divide by zero).

    Returns:
        The factor sizes as a tuple of Python ints.
    """
    missing = [
        name
        for name in (
            "factor_sizes",
            "sample_factors",
            "sample_observations_from_factors",
        )
        if not hasattr(dataset, name)
    ]
    if missing:
        raise TypeError(
            f"{type(dataset).__name__} is not a GroundTruthDataset: it lacks "
            f"{', '.join(missing)}. See "
            "keras_disentangle.datasets.GroundTruthDataset."
        )
    sizes = tuple(int(s) for s in dataset.factor_sizes)
    if not sizes:
        raise ValueError(f"{type(dataset).__name__} has no factors.")
    names = factor_names_of(dataset)
    single = [names[i] for i, s in enumerate(sizes) if s < 2]
    if single:
        raise ValueError(
            f"Factor(s) {single} of {type(dataset).__name__} have a single "
            f"value (factor_sizes={sizes}). A factor with one value carries "
            "no information; drop it from the dataset's factors."
        )
    return sizes


def sample_uniform_factors(factor_sizes, num, rng):
    """Draws `num` factor vectors uniformly from the grid `factor_sizes`.

    Example:

    >>> rng = np.random.default_rng(0)
    >>> sample_uniform_factors((3, 6), 4, rng).shape
    (4, 2)
    """
    sizes = np.asarray(factor_sizes, dtype=np.int64)
    return rng.integers(0, sizes, size=(int(num), len(sizes)), dtype=np.int64)


class IdentityGroundTruth:
    """Observations equal to their factors: a sanity check for metrics.

    The "image" of a factor vector is the factor vector itself as float32,
    shape `(num, num_factors)`. With the identity as representation every
    disentanglement metric should be close to its maximum.

    Args:
        factor_sizes: number of values of each factor.

    Example:

    >>> data = IdentityGroundTruth((10, 10, 10))
    >>> rng = np.random.default_rng(0)
    >>> x = data.sample_observations_from_factors(
    ...     data.sample_factors(5, rng), rng)
    >>> x.shape
    (5, 3)
    """

    def __init__(self, factor_sizes=(10,) * 10):
        self.factor_sizes = tuple(int(s) for s in factor_sizes)

    def sample_factors(self, num, rng):
        return sample_uniform_factors(self.factor_sizes, num, rng)

    def sample_observations_from_factors(self, factors, rng):
        return np.asarray(factors, dtype=np.float32)


class LabelledImages:
    """A ground-truth view of images with discrete labels, e.g. MNIST.

    Factors are the columns of `labels` (re-coded to `0 .. size - 1`);
    `sample_observations_from_factors` returns, for each factor vector, a
    random image carrying exactly those labels. Factor combinations absent
    from the data cannot be sampled, so `sample_factors` draws the factor
    vectors of random images (the empirical joint distribution).

    Args:
        images: array `(N, H, W, C)`, float32 in `[0, 1]`.
        labels: int array `(N,)` or `(N, num_factors)`.
        factor_names: optional names of the label columns.

    Example:

    >>> images = np.random.rand(100, 28, 28, 1).astype("float32")
    >>> digits = np.arange(100) % 10
    >>> data = LabelledImages(images, digits, factor_names=("digit",))
    >>> data.factor_sizes
    (10,)
    """

    def __init__(self, images, labels, factor_names=None):
        labels = np.asarray(labels)
        if labels.ndim == 1:
            labels = labels[:, None]
        if len(labels) != len(images):
            raise ValueError(
                f"images and labels differ in length: {len(images)} vs "
                f"{len(labels)}."
            )
        columns = []
        self.label_values = []
        for j in range(labels.shape[1]):
            values, codes = np.unique(labels[:, j], return_inverse=True)
            self.label_values.append(values)
            columns.append(codes)
        self.images = images
        self.factors = np.stack(columns, axis=1).astype(np.int64)
        self.factor_sizes = tuple(len(v) for v in self.label_values)
        if factor_names is not None:
            self.factor_names = tuple(factor_names)
        flat = np.ravel_multi_index(self.factors.T, self.factor_sizes)
        order = np.argsort(flat, kind="stable")
        self._sorted_keys = flat[order]
        self._order = order

    def sample_factors(self, num, rng):
        rows = rng.integers(0, len(self.factors), size=int(num))
        return self.factors[rows]

    def sample_observations_from_factors(self, factors, rng):
        factors = np.asarray(factors, dtype=np.int64)
        if np.any(factors < 0) or np.any(factors >= self.factor_sizes):
            raise ValueError(
                f"Factor classes out of range; sizes are {self.factor_sizes}."
            )
        keys = np.ravel_multi_index(factors.T, self.factor_sizes)
        start = np.searchsorted(self._sorted_keys, keys, side="left")
        stop = np.searchsorted(self._sorted_keys, keys, side="right")
        if np.any(stop == start):
            bad = factors[np.argmax(stop == start)].tolist()
            raise ValueError(f"No image has the factor vector {bad}.")
        pick = start + (rng.random(len(keys)) * (stop - start)).astype(np.int64)
        return np.asarray(self.images[self._order[pick]], dtype=np.float32)
