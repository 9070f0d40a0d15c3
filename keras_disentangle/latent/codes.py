"""Latent code specifications: the named parts of a generator's input."""

import math

import keras
import numpy as np
from keras import ops

_PACKAGE = "keras_disentangle"


class LatentCode:
    """Base class of a named latent code.

    A code knows its width in the generator input (`dim`), how to sample its
    prior, and whether a Q head regularises it. Subclasses implement
    `sample` (backend tensors from `keras.random`, for training steps) and
    `sample_numpy` (numpy arrays from a `numpy.random.Generator`, for
    generation outside training: the same seed gives the same codes on
    every backend). Codes are plain serializable objects, not layers: they
    own no weights.

    Args:
        name: the code's name, unique within a `LatentSpace`.
        dim: number of columns the code takes in the generator input.
        regularized: whether a mutual-information (Q) term covers the code.
    """

    kind = None

    def __init__(self, name, dim, regularized=True):
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(
                "A latent code name must be a Python identifier such as "
                f"'digit' or 'c1'. Received: name={name!r}"
            )
        if int(dim) != dim or dim < 1:
            raise ValueError(
                f"Latent code '{name}' needs a positive integer dim. "
                f"Received: dim={dim!r}"
            )
        self.name = name
        self.dim = int(dim)
        self.regularized = bool(regularized)

    def sample(self, batch_size, seed=None):
        """Draws `batch_size` samples of shape `(batch_size, dim)`."""
        raise NotImplementedError

    def sample_numpy(self, batch_size, rng):
        """Draws `(batch_size, dim)` float32 samples with numpy's `rng`."""
        raise NotImplementedError

    def get_config(self):
        return {
            "name": self.name,
            "dim": self.dim,
            "regularized": self.regularized,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other):
        return type(self) is type(other) and (
            self.get_config() == other.get_config()
        )

    def __hash__(self):
        return hash((type(self).__name__, self.name, self.dim))


@keras.saving.register_keras_serializable(package=_PACKAGE)
class CategoricalCode(LatentCode):
    """A one-hot categorical code with a uniform prior.

    Args:
        name: the code's name.
        num_categories: number of values; the code takes this many columns.
        regularized: whether a Q head covers the code (default True).

    Example:

    >>> code = CategoricalCode("digit", 10)
    >>> tuple(code.sample(4, seed=0).shape)
    (4, 10)
    """

    kind = "categorical"

    def __init__(self, name, num_categories, regularized=True):
        if int(num_categories) != num_categories or num_categories < 2:
            raise ValueError(
                f"Categorical code '{name}' needs num_categories >= 2. "
                f"Received: num_categories={num_categories!r}"
            )
        super().__init__(name, num_categories, regularized)

    @property
    def num_categories(self):
        return self.dim

    @property
    def entropy(self):
        """Entropy of the uniform prior in nats, `log(num_categories)`."""
        return math.log(self.dim)

    def sample(self, batch_size, seed=None):
        logits = ops.zeros((batch_size, self.dim))
        index = keras.random.categorical(logits, 1, seed=seed)[:, 0]
        return ops.one_hot(index, self.dim)

    def sample_numpy(self, batch_size, rng):
        index = rng.integers(0, self.dim, size=batch_size)
        return np.eye(self.dim, dtype="float32")[index]

    def one_hot(self, index):
        """One-hot rows for integer category `index` (scalar or vector)."""
        index = ops.convert_to_tensor(index, dtype="int32")
        return ops.one_hot(ops.reshape(index, (-1,)), self.dim)

    def get_config(self):
        return {
            "name": self.name,
            "num_categories": self.dim,
            "regularized": self.regularized,
        }


@keras.saving.register_keras_serializable(package=_PACKAGE)
class UniformCode(LatentCode):
    """A continuous code with a uniform prior on `[low, high]` per column.

    Example:

    >>> code = UniformCode("rotation", 1)
    >>> tuple(code.sample(4, seed=0).shape)
    (4, 1)
    """

    kind = "continuous"

    def __init__(self, name, dim=1, low=-1.0, high=1.0, regularized=True):
        if not float(low) < float(high):
            raise ValueError(
                f"Uniform code '{name}' needs low < high. "
                f"Received: low={low!r}, high={high!r}"
            )
        super().__init__(name, dim, regularized)
        self.low = float(low)
        self.high = float(high)

    def sample(self, batch_size, seed=None):
        return keras.random.uniform(
            (batch_size, self.dim), self.low, self.high, seed=seed
        )

    def sample_numpy(self, batch_size, rng):
        shape = (batch_size, self.dim)
        return rng.uniform(self.low, self.high, shape).astype("float32")

    def get_config(self):
        config = super().get_config()
        config.update({"low": self.low, "high": self.high})
        return config


@keras.saving.register_keras_serializable(package=_PACKAGE)
class GaussianCode(LatentCode):
    """A continuous code with an isotropic Gaussian prior.

    Example:

    >>> code = GaussianCode("style", 2, stddev=1.0)
    >>> tuple(code.sample(4, seed=0).shape)
    (4, 2)
    """

    kind = "continuous"

    def __init__(self, name, dim=1, mean=0.0, stddev=1.0, regularized=True):
        if not float(stddev) > 0:
            raise ValueError(
                f"Gaussian code '{name}' needs stddev > 0. "
                f"Received: stddev={stddev!r}"
            )
        super().__init__(name, dim, regularized)
        self.mean = float(mean)
        self.stddev = float(stddev)

    def sample(self, batch_size, seed=None):
        return keras.random.normal(
            (batch_size, self.dim), self.mean, self.stddev, seed=seed
        )

    def sample_numpy(self, batch_size, rng):
        shape = (batch_size, self.dim)
        return rng.normal(self.mean, self.stddev, shape).astype("float32")

    def get_config(self):
        config = super().get_config()
        config.update({"mean": self.mean, "stddev": self.stddev})
        return config


@keras.saving.register_keras_serializable(package=_PACKAGE)
class NoiseCode(LatentCode):
    """Unstructured noise: an unregularised code (no Q head covers it).

    Args:
        name: the code's name, usually `"z"`.
        dim: number of noise dimensions.
        distribution: `"uniform"` (on `[-1, 1]`, the InfoGAN choice) or
            `"normal"` (standard Gaussian).

    Example:

    >>> z = NoiseCode("z", 62)
    >>> tuple(z.sample(4, seed=0).shape)
    (4, 62)
    """

    kind = "noise"

    def __init__(self, name="z", dim=62, distribution="uniform"):
        if distribution not in ("uniform", "normal"):
            raise ValueError(
                f"Noise code '{name}' needs distribution 'uniform' or "
                f"'normal'. Received: distribution={distribution!r}"
            )
        super().__init__(name, dim, regularized=False)
        self.distribution = distribution

    def sample(self, batch_size, seed=None):
        shape = (batch_size, self.dim)
        if self.distribution == "uniform":
            return keras.random.uniform(shape, -1.0, 1.0, seed=seed)
        return keras.random.normal(shape, seed=seed)

    def sample_numpy(self, batch_size, rng):
        shape = (batch_size, self.dim)
        if self.distribution == "uniform":
            return rng.uniform(-1.0, 1.0, shape).astype("float32")
        return rng.standard_normal(shape).astype("float32")

    def get_config(self):
        return {
            "name": self.name,
            "dim": self.dim,
            "distribution": self.distribution,
        }
