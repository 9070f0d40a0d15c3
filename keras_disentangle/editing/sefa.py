"""SeFa: closed-form latent directions (Shen & Zhou, CVPR 2021)."""

import keras
import numpy as np

from keras_disentangle.editing.prior import check_latents
from keras_disentangle.editing.prior import resolve_latent_space


def latent_projection(model, layer=None):
    """The kernel of the first layer that reads the latent vector.

    The kernel is returned in the layout `(latent_dim, columns)`: one row per
    latent dimension, one column per output unit. A `Dense` kernel already
    has it. A convolution applied to the latent as a 1x1 image (DCGAN-style
    generators) has kernel `(kh, kw, a, b)` with the latent on the input
    channel axis; every tap and output channel becomes a column. Column
    order does not change the SeFa result.

    Args:
        model: a `GenerativeModel` (its `generator` is searched) or a Keras
            generator.
        layer: `None` to take the first layer with a kernel (nested models
            are searched in order), or a layer / layer name to use instead.

    Returns:
        `(kernel, layer)`: a float64 numpy array and the layer it came from.
    """
    generator = getattr(model, "generator", model)
    if not isinstance(generator, keras.layers.Layer):
        raise TypeError(
            "latent_projection() takes a GenerativeModel or a Keras "
            f"generator. Received: {type(model).__name__}."
        )
    latent_dim = resolve_latent_space(model).dim
    if layer is None:
        candidates = [
            item
            for item in _layers_in_order(generator)
            if getattr(item, "kernel", None) is not None
        ]
        if not candidates:
            raise ValueError(
                f"The generator '{generator.name}' has no layer with a "
                "kernel. Pass the projection weight as a numpy array: "
                "sefa_directions(kernel)."
            )
        layer = candidates[0]
    elif isinstance(layer, str):
        matches = [
            item for item in _layers_in_order(generator) if item.name == layer
        ]
        if not matches:
            names = [item.name for item in _layers_in_order(generator)]
            raise ValueError(
                f"No layer named '{layer}' in the generator; its layers are "
                f"{names}."
            )
        layer = matches[0]
    kernel = getattr(layer, "kernel", None)
    if kernel is None:
        raise ValueError(
            f"Layer '{layer.name}' has no kernel; pick the Dense or "
            "convolution layer that reads the latent vector."
        )
    kernel = np.asarray(keras.ops.convert_to_numpy(kernel), dtype="float64")
    return _as_latent_rows(kernel, latent_dim, layer), layer


def sefa_directions(model_or_kernel, layer=None, codes=None, latent_space=None):
    """Latent directions of SeFa, sorted by importance.

    SeFa treats the first projection of the latent vector, `y = A z + b`, as
    what decides how a move in `z` changes the image, and looks for the unit
    moves `n` that change `y` the most: `max ||A n||^2` subject to
    `n^T n = 1`. The solutions are the eigenvectors of `A^T A`. With a Keras
    kernel `K` of shape `(latent_dim, units)` (`A = K^T`) the steps are:

    1. normalise every column of `K` (the weights into one output unit) to
       unit length, as the official `factorize_weight` does with
       `weight / ||weight||` along the latent axis;
    2. eigen-decompose `K K^T` (`latent_dim x latent_dim`, symmetric);
    3. sort eigenvalues in descending order; the eigenvectors, as rows,
       are the directions.

    The directions span the latent codes whose rows enter the projection:
    for InfoGAN the generator's first Dense reads the full 74-dim vector
    (noise, digit one-hot and both continuous codes), so a direction may
    mix all of them (see `direction_code_norms`). Pass `codes=["z"]` to
    search only the noise code's rows: the directions are then zero on the
    other codes and an edit along them leaves those codes unchanged.

    Deviations from the official code: `np.linalg.eigh` on the symmetric
    matrix instead of `np.linalg.eig`, which leaves eigenvalues unsorted
    and may return complex values from round-off; results are sorted in
    descending order; each direction's sign is fixed so that its largest
    entry is positive (eigenvectors have no sign of their own); columns of
    zeros (dead units) are dropped before normalising instead of producing
    NaNs.

    Args:
        model_or_kernel: a `GenerativeModel`, a Keras generator, or a
            projection weight of shape `(latent_dim, columns)` (a `Dense`
            kernel).
        layer: with a model, the layer to factorise (see
            `latent_projection`); default the first layer with a kernel.
        codes: optional list of code names; the search is restricted to
            their rows of the kernel (after column normalisation of the full
            kernel, so it solves the same problem inside the subspace).
        latent_space: the `LatentSpace` for `codes` when a bare kernel is
            passed.

    Returns:
        `(directions, eigenvalues)`: float32 arrays `(k, latent_dim)` with
        unit rows, and `(k,)` in descending order, where `k` is the number
        of latent dimensions searched.

    Example:

    ```python
    import numpy as np
    import keras_disentangle
    from keras_disentangle.editing import apply_direction, sefa_directions

    model = keras_disentangle.InfoGAN.from_preset("mnist")
    directions, eigenvalues = sefa_directions(model)
    latents = model.latents(4, seed=0)
    edited = apply_direction(latents, directions[0], np.linspace(-3, 3, 7))
    images = model.generate(edited)  # 4 rows of 7 images
    ```
    """
    if isinstance(model_or_kernel, (np.ndarray, list, tuple)) or (
        keras.ops.is_tensor(model_or_kernel)
    ):
        kernel = np.asarray(
            keras.ops.convert_to_numpy(model_or_kernel), dtype="float64"
        )
        if kernel.ndim != 2:
            raise ValueError(
                "A projection weight must be a matrix (latent_dim, columns), "
                f"e.g. a Dense kernel. Received shape {kernel.shape}."
            )
        if latent_space is not None:
            latent_space = resolve_latent_space(latent_space)
            if latent_space.dim != kernel.shape[0]:
                raise ValueError(
                    f"The kernel has {kernel.shape[0]} rows but the latent "
                    f"space is {latent_space.dim}-dimensional; pass the "
                    "kernel of the layer that reads the latent vector, with "
                    "one row per latent dimension."
                )
    else:
        kernel, _ = latent_projection(model_or_kernel, layer)
        latent_space = resolve_latent_space(model_or_kernel)
    if not np.all(np.isfinite(kernel)):
        raise ValueError("The projection weight contains NaN or inf values.")

    norms = np.linalg.norm(kernel, axis=0)
    weight = kernel[:, norms > 0] / norms[norms > 0]
    if weight.shape[1] == 0:
        raise ValueError("The projection weight is all zeros.")

    rows = np.arange(kernel.shape[0])
    if codes is not None:
        if latent_space is None:
            raise ValueError(
                "Restricting to codes needs the latent space: pass "
                "latent_space=... with a bare kernel."
            )
        if isinstance(codes, str):
            codes = [codes]
        if not codes:
            raise ValueError(
                f"`codes` must name at least one of {latent_space.names}."
            )
        rows = np.concatenate(
            [
                np.arange(*latent_space.offsets[latent_space[n].name])
                for n in codes
            ]
        )
        rows = np.unique(rows)
    sub = weight[rows]
    eigenvalues, eigenvectors = np.linalg.eigh(sub @ sub.T)
    order = np.argsort(eigenvalues)[::-1]
    eigenvalues = np.clip(eigenvalues[order], 0.0, None)
    directions = np.zeros((len(rows), kernel.shape[0]), dtype="float64")
    directions[:, rows] = eigenvectors[:, order].T
    largest = np.argmax(np.abs(directions), axis=1)
    signs = np.sign(directions[np.arange(len(rows)), largest])
    directions *= signs[:, None]
    return directions.astype("float32"), eigenvalues.astype("float32")


def apply_direction(latents, direction, strengths):
    """Moves latent vectors along a direction: `z + alpha * n`.

    Args:
        latents: `(n, dim)` latent matrix (e.g. `model.latents(8, seed=0)`).
        direction: `(dim,)` vector (a SeFa direction, an attribute vector).
            It is used as given, not normalised.
        strengths: a scalar `alpha`, or a 1-D sweep of `k` values.

    Returns:
        A float32 numpy array: `(n, dim)` for a scalar strength; for a sweep
        `(n * k, dim)`, row-major (each latent followed by its `k` edits),
        so that `image_grid(model.generate(out), rows=n)` shows one latent
        per row.

    Example:

    >>> z = np.zeros((2, 3), "float32")
    >>> apply_direction(z, np.array([1.0, 0.0, 0.0]), [-1.0, 1.0])[:, 0]
    array([-1.,  1., -1.,  1.], dtype=float32)
    """
    direction = np.asarray(keras.ops.convert_to_numpy(direction), "float32")
    if direction.ndim == 2 and direction.shape[0] == 1:
        direction = direction[0]
    if direction.ndim != 1:
        raise ValueError(
            "`direction` must be one vector (dim,); received shape "
            f"{direction.shape}. Take one row: directions[0]."
        )
    latents = check_latents(latents, direction.shape[0], "latents")
    strengths = np.asarray(strengths, dtype="float32")
    if strengths.ndim == 0:
        return latents + strengths * direction
    if strengths.ndim != 1:
        raise ValueError(
            "`strengths` must be a scalar or a 1-D sweep; received shape "
            f"{strengths.shape}."
        )
    edited = latents[:, None, :] + strengths[None, :, None] * direction
    return edited.reshape(-1, latents.shape[1])


def direction_code_norms(direction, latent_space):
    """How much of a direction lies in each code: `{name: share}`.

    The share is the fraction of the squared norm of `direction` in the
    code's columns; shares sum to 1.

    Example:

    ```python
    import keras_disentangle
    from keras_disentangle.editing import direction_code_norms
    from keras_disentangle.editing import sefa_directions

    model = keras_disentangle.InfoGAN.from_preset("mnist")
    directions, _ = sefa_directions(model)
    direction_code_norms(directions[0], model.latent_space)
    # {"z": 0.01, "digit": 0.98, "c1": 0.0, "c2": 0.01}: the one-hot rows
    # of the first Dense dominate; sefa_directions(model, codes=["z"])
    # searches the noise alone.
    ```
    """
    latent_space = resolve_latent_space(latent_space)
    direction = np.asarray(keras.ops.convert_to_numpy(direction), "float64")
    if direction.shape != (latent_space.dim,):
        raise ValueError(
            f"`direction` must have shape ({latent_space.dim},); received "
            f"{direction.shape}."
        )
    total = float(np.sum(direction**2)) or 1.0
    return {
        name: float(np.sum(direction[start:stop] ** 2) / total)
        for name, (start, stop) in latent_space.offsets.items()
    }


def _layers_in_order(layer):
    """Layers of a model in order, descending into nested models."""
    for child in getattr(layer, "layers", []):
        if isinstance(child, keras.layers.InputLayer):
            continue
        yield child
        if getattr(child, "layers", None):
            yield from _layers_in_order(child)


def _as_latent_rows(kernel, latent_dim, layer):
    name = layer.name
    if kernel.ndim == 2:
        if kernel.shape[0] != latent_dim:
            raise ValueError(
                f"Layer '{name}' has a kernel of shape {kernel.shape}: it "
                f"does not read the {latent_dim}-dim latent vector. Pass "
                "layer= naming the layer that does, or the weight itself."
            )
        return kernel
    # Convolutions read their input channels on axis -2 (Conv) or -1
    # (ConvTranspose, kernel (kh, kw, filters, in_channels)).
    axis = -1 if "Transpose" in type(layer).__name__ else -2
    if kernel.ndim >= 3 and kernel.shape[axis] == latent_dim:
        return np.moveaxis(kernel, axis, 0).reshape(latent_dim, -1)
    raise ValueError(
        f"Layer '{name}' has a kernel of shape {kernel.shape}, whose input "
        f"axis is not the latent width {latent_dim}. Pass layer= naming the "
        "layer that reads the latent vector, or the weight as a numpy array."
    )
