"""A generator's latent space: an ordered set of named codes."""

import keras
import numpy as np
from keras import ops

from keras_disentangle.latent.codes import CategoricalCode
from keras_disentangle.latent.codes import LatentCode


@keras.saving.register_keras_serializable(package="keras_disentangle")
class LatentSpace:
    """An ordered collection of named latent codes.

    The generator input is the concatenation of the codes in order. The
    latent space samples every code's prior, concatenates a dict of codes
    into one matrix and splits a matrix back into named parts.

    Args:
        codes: a list of `LatentCode` objects with unique names.

    Example:

    >>> from keras_disentangle.latent import (
    ...     CategoricalCode, NoiseCode, UniformCode, LatentSpace)
    >>> space = LatentSpace([NoiseCode("z", 62), CategoricalCode("digit", 10),
    ...                      UniformCode("c1"), UniformCode("c2")])
    >>> space.dim
    74
    >>> codes = space.sample(8, seed=0)
    >>> space.concat(codes).shape
    (8, 74)
    """

    def __init__(self, codes):
        codes = list(codes)
        if not codes:
            raise ValueError("A LatentSpace needs at least one code.")
        for code in codes:
            if not isinstance(code, LatentCode):
                raise TypeError(
                    "Every entry of a LatentSpace must be a LatentCode "
                    "(CategoricalCode, UniformCode, GaussianCode or "
                    f"NoiseCode). Received: {code!r}"
                )
        names = [code.name for code in codes]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(
                f"Latent code names must be unique; repeated: {duplicates}."
            )
        self.codes = codes
        self._by_name = {code.name: code for code in codes}
        self.offsets = {}
        offset = 0
        for code in codes:
            self.offsets[code.name] = (offset, offset + code.dim)
            offset += code.dim
        self.dim = offset

    # Lookup -----------------------------------------------------------------

    @property
    def names(self):
        return [code.name for code in self.codes]

    @property
    def regularized_codes(self):
        """The codes a Q head must predict, in order."""
        return [code for code in self.codes if code.regularized]

    @property
    def categorical_codes(self):
        return [c for c in self.codes if isinstance(c, CategoricalCode)]

    def __getitem__(self, name):
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(
                f"No latent code named {name!r}; this latent space has "
                f"{self.names}."
            ) from None

    def __contains__(self, name):
        return name in self._by_name

    def __iter__(self):
        return iter(self.codes)

    def __len__(self):
        return len(self.codes)

    def __eq__(self, other):
        return isinstance(other, LatentSpace) and self.codes == other.codes

    def __repr__(self):
        return f"LatentSpace({self.codes!r})"

    # Sampling and layout ------------------------------------------------------

    def sample(self, batch_size, seed=None):
        """Samples every code's prior; returns a dict `name -> tensor`.

        `seed` is a `keras.random.SeedGenerator` (use one inside training
        steps; returns backend tensors), or an integer or `None` (samples on
        the host with `numpy.random.default_rng(seed)`; returns float32
        numpy arrays, the same on every backend).
        """
        if _is_host_seed(seed):
            rng = np.random.default_rng(seed)
            return {
                code.name: code.sample_numpy(batch_size, rng) for code in self
            }
        return {code.name: code.sample(batch_size, seed) for code in self}

    def concat(self, codes):
        """Concatenates a dict of codes into the generator input matrix."""
        missing = [name for name in self.names if name not in codes]
        extra = [name for name in codes if name not in self]
        if missing or extra:
            raise ValueError(
                "The codes do not match the latent space: "
                f"missing {missing}, unknown {extra}. Expected names "
                f"{self.names}."
            )
        # Host (numpy) codes stay on the host: no device round trip.
        host = all(isinstance(codes[name], np.ndarray) for name in self.names)
        parts = []
        for code in self.codes:
            value = codes[code.name]
            value = (
                value.astype("float32", copy=False)
                if host
                else ops.convert_to_tensor(value, dtype="float32")
            )
            if len(value.shape) != 2 or value.shape[-1] != code.dim:
                raise ValueError(
                    f"Code '{code.name}' must have shape (batch, {code.dim}). "
                    f"Received shape {tuple(value.shape)}."
                )
            parts.append(value)
        if host:
            return np.concatenate(parts, axis=-1)
        return ops.concatenate(parts, axis=-1)

    def split(self, latents):
        """Splits a `(batch, dim)` matrix into a dict `name -> tensor`."""
        if latents.shape[-1] != self.dim:
            raise ValueError(
                f"Expected latent vectors of width {self.dim}, received "
                f"shape {tuple(latents.shape)}."
            )
        return {
            name: latents[:, start:stop]
            for name, (start, stop) in self.offsets.items()
        }

    def complete(self, codes, batch_size=None, seed=None):
        """Fills the codes missing from a partial dict by sampling them.

        Given codes must agree on the batch size; `batch_size` is needed only
        when `codes` is empty.
        """
        unknown = [name for name in codes if name not in self]
        if unknown:
            raise ValueError(
                f"Unknown latent codes {unknown}; this latent space has "
                f"{self.names}."
            )
        sizes = {int(np.shape(value)[0]) for value in codes.values()}
        if batch_size is not None:
            sizes.add(int(batch_size))
        if len(sizes) != 1:
            raise ValueError(
                "All given codes must have the same batch size (and match "
                f"batch_size if given). Received sizes {sorted(sizes)}."
            )
        (size,) = sizes
        host = _is_host_seed(seed)
        rng = np.random.default_rng(seed) if host else None
        full = {}
        for code in self.codes:
            if code.name in codes:
                value = codes[code.name]
                full[code.name] = (
                    np.asarray(value, dtype="float32")
                    if host and isinstance(value, (np.ndarray, list, tuple))
                    else ops.convert_to_tensor(value, dtype="float32")
                )
            elif host:
                full[code.name] = code.sample_numpy(size, rng)
            else:
                full[code.name] = code.sample(size, seed)
        return full

    # Serialization ------------------------------------------------------------

    def get_config(self):
        return {
            "codes": [
                keras.saving.serialize_keras_object(code) for code in self.codes
            ]
        }

    @classmethod
    def from_config(cls, config):
        return cls(
            [
                keras.saving.deserialize_keras_object(code)
                for code in config["codes"]
            ]
        )


def _is_host_seed(seed):
    return seed is None or isinstance(seed, (int, np.integer))


def as_latent_space(value, argument="latent_space"):
    """A `LatentSpace` from a `LatentSpace`, its config or a list of codes.

    Models and layers call this on their `latent_space` argument, so a
    user may pass `[NoiseCode("z", 62), CategoricalCode("digit", 10)]`
    directly, and `from_config` may pass the serialized dict.

    Example:

    >>> from keras_disentangle.latent import UniformCode
    >>> as_latent_space([UniformCode("c1"), UniformCode("c2")]).dim
    2
    """
    if isinstance(value, LatentSpace):
        return value
    if isinstance(value, dict):
        return LatentSpace.from_config(value)
    if isinstance(value, (list, tuple)):
        return LatentSpace(list(value))
    raise TypeError(
        f"{argument} must be a LatentSpace, a list of latent codes (e.g. "
        "[NoiseCode('z', 62), CategoricalCode('digit', 10), "
        f"UniformCode('c1')]) or a LatentSpace config dict. Received: {value!r}"
    )
