"""Interpolation between latent vectors, code by code."""

import keras
import numpy as np

from keras_disentangle.editing.prior import check_latents
from keras_disentangle.editing.prior import code_kind
from keras_disentangle.editing.prior import code_moments
from keras_disentangle.editing.prior import resolve_latent_space

_METHODS = ("auto", "linear", "spherical")
_CATEGORICAL = ("linear", "hold", "nearest")


def lerp(start, end, t):
    """Linear interpolation `(1 - t) a + t b` of rows of two matrices.

    Args:
        start, end: `(n, dim)` arrays (or `(dim,)` vectors).
        t: a scalar or a 1-D array of fractions.

    Returns:
        `(n, steps, dim)` float32 array (`(steps, dim)` for vectors).

    Example:

    >>> lerp(np.zeros(2), np.ones(2), [0.0, 0.25, 1.0])[:, 0]
    array([0.  , 0.25, 1.  ], dtype=float32)
    """
    start, end, t, vector = _pair(start, end, t)
    out = (1.0 - t)[None, :, None] * start[:, None] + t[None, :, None] * end[
        :, None
    ]
    return (out[0] if vector else out).astype("float32")


def slerp(start, end, t):
    """Spherical interpolation of rows of two matrices (about the origin).

    `slerp(a, b, t) = sin((1 - t) w) / sin(w) a + sin(t w) / sin(w) b`, with
    `w` the angle between `a` and `b`. Between vectors of equal norm the
    path stays on the sphere of that norm; a high-dimensional standard
    Gaussian puts almost all its mass near such a sphere (radius
    `sqrt(dim)`), where a straight line would cut through the low-norm
    interior the generator rarely saw. When the vectors are (anti)parallel
    or one is zero the angle is undefined and the row falls back to `lerp`.

    Args, returns: as `lerp`.

    Example:

    >>> out = slerp(np.array([1.0, 0.0]), np.array([0.0, 1.0]), [0.5])
    >>> np.round(out, 4)
    array([[0.7071, 0.7071]], dtype=float32)
    """
    start, end, t, vector = _pair(start, end, t)
    norm_a = np.linalg.norm(start, axis=1)
    norm_b = np.linalg.norm(end, axis=1)
    safe = (norm_a > 1e-12) & (norm_b > 1e-12)
    cosine = np.sum(start * end, axis=1) / np.where(safe, norm_a * norm_b, 1.0)
    omega = np.arccos(np.clip(cosine, -1.0, 1.0))
    sin_omega = np.sin(omega)
    spherical = safe & (sin_omega > 1e-6)
    sin_omega = np.where(spherical, sin_omega, 1.0)
    weight_a = np.sin((1.0 - t)[None, :] * omega[:, None]) / sin_omega[:, None]
    weight_b = np.sin(t[None, :] * omega[:, None]) / sin_omega[:, None]
    weight_a = np.where(spherical[:, None], weight_a, 1.0 - t[None, :])
    weight_b = np.where(spherical[:, None], weight_b, t[None, :])
    out = (
        weight_a[..., None] * start[:, None]
        + weight_b[..., None] * end[:, None]
    )
    return (out[0] if vector else out).astype("float32")


def interpolate(
    start,
    end,
    steps=8,
    latent_space=None,
    method="auto",
    categorical="linear",
):
    """Interpolates latent vectors code by code, respecting code types.

    Each code of the latent space is interpolated on its own:

    - Gaussian codes (`GaussianCode`, `NoiseCode(distribution="normal")`):
      spherically about the code's mean (`method="auto"` or
      `"spherical"`), or linearly (`"linear"`);
    - uniform codes (`UniformCode`, uniform `NoiseCode`): linearly under
      `"auto"`, which keeps the path inside the box `[low, high]`;
      spherically (about the origin) only if `method="spherical"`;
    - categorical codes, by `categorical`:
      `"linear"` mixes the two one-hot vectors (the path stays on the
      simplex; the generator sees soft categories it was not trained on,
      which often still gives a smooth morph), `"hold"` keeps the start's
      value all along, and `"nearest"` switches from the start's to the
      end's category at the midpoint.

    Without a latent space the whole vector is one standard-normal code.

    Args:
        start, end: latent vectors `(dim,)` or matrices `(n, dim)` (one
            path per row).
        steps: number of points including both ends, or a 1-D array of
            fractions in `[0, 1]`.
        latent_space: a `LatentSpace` or a `GenerativeModel`.
        method: `"auto"`, `"linear"` or `"spherical"`.
        categorical: `"linear"`, `"hold"` or `"nearest"`.

    Returns:
        float32 `(steps, dim)` for vectors; `(n * steps, dim)` for matrices,
        row-major (each path's points together), ready for
        `model.generate` and `image_grid(..., rows=n)`.

    Example:

    ```python
    import keras_disentangle
    from keras_disentangle.editing import interpolate

    model = keras_disentangle.InfoGAN.from_preset("mnist")
    a, b = model.latents(2, seed=0)
    path = interpolate(a, b, steps=10, latent_space=model)
    images = model.generate(path)  # 10 images from a to b
    ```
    """
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}; got {method!r}.")
    if categorical not in _CATEGORICAL:
        raise ValueError(
            f"categorical must be one of {_CATEGORICAL}; got {categorical!r}."
        )
    start_array = np.asarray(keras.ops.convert_to_numpy(start), "float32")
    dim = start_array.shape[-1] if start_array.ndim else 0
    space = resolve_latent_space(latent_space, latent_dim=dim)
    vector = start_array.ndim == 1
    start, end, t, _ = _pair(start, end, _fractions(steps))
    check_latents(start, space.dim, "start")
    n, count = start.shape[0], t.shape[0]
    out = np.empty((n, count, space.dim), dtype="float32")
    for code in space:
        lo, hi = space.offsets[code.name]
        a, b = start[:, lo:hi], end[:, lo:hi]
        kind = code_kind(code)
        if kind == "categorical":
            if categorical == "linear":
                part = lerp(a, b, t)
            else:
                switch = 0.5 if categorical == "nearest" else np.inf
                choose_end = (t >= switch)[None, :, None]
                part = np.where(choose_end, b[:, None], a[:, None])
        elif method == "linear" or (method == "auto" and kind == "uniform"):
            part = lerp(a, b, t)
        else:
            center = code_moments(code)[0] if kind == "gaussian" else 0.0
            part = slerp(a - center, b - center, t) + center
        out[:, :, lo:hi] = part
    if vector:
        return out[0]
    return out.reshape(n * count, space.dim)


def _fractions(steps):
    t = np.asarray(steps, dtype="float64")
    if t.ndim == 0:
        count = int(steps)
        if count != steps or count < 2:
            raise ValueError(
                "`steps` must be an integer >= 2 (both ends included) or a "
                f"1-D array of fractions; received {steps!r}."
            )
        return np.linspace(0.0, 1.0, count)
    return t


def _pair(start, end, t):
    start = np.asarray(keras.ops.convert_to_numpy(start), dtype="float64")
    end = np.asarray(keras.ops.convert_to_numpy(end), dtype="float64")
    if start.shape != end.shape:
        raise ValueError(
            f"`start` and `end` must have the same shape; received "
            f"{start.shape} and {end.shape}."
        )
    vector = start.ndim == 1
    if vector:
        start, end = start[None], end[None]
    if start.ndim != 2:
        raise ValueError(
            "Interpolate vectors (dim,) or matrices (n, dim); received shape "
            f"{start.shape}."
        )
    t = np.asarray(t, dtype="float64").reshape(-1)
    if t.size == 0 or not np.all(np.isfinite(t)):
        raise ValueError("Interpolation fractions must be finite numbers.")
    return start, end, t, vector
