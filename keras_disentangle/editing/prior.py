"""Latent vectors and their prior: centres, missing codes, snapping back.

Editing moves latent vectors off their prior: an attribute vector or a
SeFa direction added to an InfoGAN latent gives a categorical block that is
no longer one-hot and uniform codes outside `[low, high]`. The helpers here
read each code's distribution from the `LatentSpace` and map latents back
(`snap_to_prior`), fill codes an encoder does not infer (`complete_latents`)
and give the prior's centre (`prior_center`).
"""

import keras
import numpy as np

from keras_disentangle.latent.codes import CategoricalCode
from keras_disentangle.latent.codes import GaussianCode
from keras_disentangle.latent.codes import NoiseCode
from keras_disentangle.latent.codes import UniformCode
from keras_disentangle.latent.latent_space import LatentSpace


def resolve_latent_space(model_or_space, latent_dim=None):
    """The `LatentSpace` of a model, a latent space, or a bare width.

    Args:
        model_or_space: a `GenerativeModel` (anything with a
            `latent_space`), a `LatentSpace`, or `None`.
        latent_dim: used when `model_or_space` is `None` or a plain Keras
            generator: the latent is then one standard normal block,
            `NoiseCode("z", latent_dim, "normal")`.
    """
    if isinstance(model_or_space, LatentSpace):
        return model_or_space
    space = getattr(model_or_space, "latent_space", None)
    if isinstance(space, LatentSpace):
        return space
    if latent_dim is None and isinstance(model_or_space, keras.Model):
        latent_dim = model_or_space.input_shape[-1]
    if latent_dim is None:
        raise ValueError(
            "Pass a GenerativeModel, a LatentSpace, or a Keras generator "
            "with a known input width. Received: "
            f"{type(model_or_space).__name__}."
        )
    return LatentSpace([NoiseCode("z", int(latent_dim), "normal")])


def code_kind(code):
    """`"categorical"`, `"gaussian"` or `"uniform"`: how editing treats it."""
    if isinstance(code, CategoricalCode):
        return "categorical"
    if isinstance(code, GaussianCode):
        return "gaussian"
    if isinstance(code, UniformCode):
        return "uniform"
    if isinstance(code, NoiseCode):
        return "gaussian" if code.distribution == "normal" else "uniform"
    raise TypeError(
        f"Editing does not know the distribution of {type(code).__name__} "
        f"'{code.name}'. Use CategoricalCode, UniformCode, GaussianCode or "
        "NoiseCode."
    )


def code_bounds(code):
    """`(low, high)` of a uniform code; `(-inf, inf)` for other codes."""
    if isinstance(code, UniformCode):
        return code.low, code.high
    if isinstance(code, NoiseCode) and code.distribution == "uniform":
        return -1.0, 1.0
    return -np.inf, np.inf


def code_moments(code):
    """`(mean, stddev)` of a Gaussian code (standard normal noise: 0, 1)."""
    if isinstance(code, GaussianCode):
        return code.mean, code.stddev
    return 0.0, 1.0


def prior_center(latent_space):
    """The centre of the prior as a `(dim,)` vector.

    Gaussian codes give their mean, uniform codes the middle of their
    interval, categorical codes the uniform distribution `1 / K` (the
    centre of the simplex).

    Example:

    >>> from keras_disentangle.models.infogan import infogan_mnist_latent_space
    >>> prior_center(infogan_mnist_latent_space())[60:66]
    array([0. , 0. , 0.1, 0.1, 0.1, 0.1], dtype=float32)
    """
    latent_space = resolve_latent_space(latent_space)
    parts = []
    for code in latent_space:
        kind = code_kind(code)
        if kind == "categorical":
            value = 1.0 / code.dim
        elif kind == "gaussian":
            value = code_moments(code)[0]
        else:
            low, high = code_bounds(code)
            value = 0.5 * (low + high)
        parts.append(np.full(code.dim, value, dtype="float32"))
    return np.concatenate(parts)


def complete_latents(codes, latent_space):
    """Latent matrix from a possibly partial dict of codes.

    Codes missing from `codes` take the prior centre (`prior_center`), so
    the output is deterministic. A full `(n, dim)` matrix is returned as
    float32 after a width check. This turns the output of `model.encode`
    (InfoGAN's Q head infers the structured codes but not the noise) into
    a starting point for inversion or into inputs for
    `attribute_vector`.

    Args:
        codes: a dict `code name -> (n, code.dim)` array, or an `(n, dim)`
            matrix.
        latent_space: a `LatentSpace` or a model that has one.

    Returns:
        A float32 numpy array `(n, latent_space.dim)`.
    """
    latent_space = resolve_latent_space(latent_space)
    if not isinstance(codes, dict):
        return check_latents(codes, latent_space.dim, "latents")
    unknown = [name for name in codes if name not in latent_space]
    if unknown:
        raise ValueError(
            f"Unknown codes {unknown}; the latent space has "
            f"{latent_space.names}."
        )
    if not codes:
        raise ValueError("complete_latents() needs at least one code.")
    sizes = {int(np.shape(value)[0]) for value in codes.values()}
    if len(sizes) != 1:
        raise ValueError(
            "All codes must have the same batch size; received "
            f"{sorted(sizes)}."
        )
    (size,) = sizes
    center = prior_center(latent_space)
    latents = np.repeat(center[None], size, axis=0)
    for name, value in codes.items():
        start, stop = latent_space.offsets[name]
        value = np.asarray(keras.ops.convert_to_numpy(value), dtype="float32")
        if value.ndim == 1 and stop - start == 1:
            value = value[:, None]
        if value.shape != (size, stop - start):
            raise ValueError(
                f"Code '{name}' must have shape ({size}, {stop - start}); "
                f"received {value.shape}."
            )
        latents[:, start:stop] = value
    return latents


def snap_to_prior(latents, latent_space, categorical=True, clip=True):
    """Maps edited latents back to the prior's support.

    Categorical blocks become the one-hot vector of their largest entry and
    uniform codes are clipped to `[low, high]`; Gaussian codes are left as
    they are (their support is unbounded).

    Args:
        latents: `(n, dim)` latent matrix.
        latent_space: a `LatentSpace` or a model that has one.
        categorical: whether to snap categorical blocks to one-hot.
        clip: whether to clip uniform codes to their interval.

    Example:

    >>> from keras_disentangle.latent import CategoricalCode, UniformCode
    >>> space = LatentSpace([CategoricalCode("d", 3), UniformCode("c")])
    >>> snap_to_prior(np.array([[0.2, 0.5, 0.3, 1.7]]), space)
    array([[0., 1., 0., 1.]], dtype=float32)
    """
    latent_space = resolve_latent_space(latent_space)
    latents = check_latents(latents, latent_space.dim, "latents").copy()
    for code in latent_space:
        start, stop = latent_space.offsets[code.name]
        kind = code_kind(code)
        if kind == "categorical" and categorical:
            index = np.argmax(latents[:, start:stop], axis=1)
            latents[:, start:stop] = np.eye(code.dim, dtype="float32")[index]
        elif kind == "uniform" and clip:
            low, high = code_bounds(code)
            latents[:, start:stop] = np.clip(latents[:, start:stop], low, high)
    return latents


def check_latents(latents, dim, name="latents"):
    """A float32 `(n, dim)` numpy copy of `latents`, or a clear error."""
    array = np.asarray(keras.ops.convert_to_numpy(latents), dtype="float32")
    if array.ndim == 1 and array.shape[0] == dim:
        raise ValueError(
            f"`{name}` must be a matrix (batch, {dim}); received a single "
            f"vector of shape {array.shape}. Add a batch axis: {name}[None]."
        )
    if array.ndim != 2 or array.shape[1] != dim:
        raise ValueError(
            f"`{name}` must have shape (batch, {dim}) to match the latent "
            f"space; received shape {array.shape}."
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(f"`{name}` contains NaN or infinite values.")
    return array
