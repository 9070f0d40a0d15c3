"""Latent traversals: sweep one code while holding the others fixed."""

import numpy as np

from keras_disentangle.latent.codes import CategoricalCode


def traversal_codes(
    latent_space, code, values, base=None, seed=None, column=None
):
    """Builds codes that sweep `code` through `values`, others held fixed.

    Args:
        latent_space: the `LatentSpace`.
        code: name of the code to sweep.
        values: for a categorical code, category indices; for a continuous
            code, either a 1-D sequence (applied to every column of the
            code) or a `(steps, dim)` array.
        base: optional dict of codes with batch size 1 to hold fixed; codes
            missing from it are sampled once with `seed`.
        seed: integer seed for the codes that are sampled.
        column: for a continuous code of several dimensions, the one column
            to sweep (1-D `values`); the others keep their `base` values.
            Default: every column takes the values together.

    Returns:
        A dict `name -> numpy array` with one row per value.

    Example:

    >>> from keras_disentangle.models.infogan import infogan_mnist_latent_space
    >>> space = infogan_mnist_latent_space()
    >>> codes = traversal_codes(space, "c1", np.linspace(-2, 2, 5), seed=0)
    >>> codes["c1"][:, 0]
    array([-2., -1.,  0.,  1.,  2.], dtype=float32)
    """
    spec = latent_space[code]
    base = latent_space.complete(dict(base or {}), batch_size=1, seed=seed)
    base = {name: np.asarray(value) for name, value in base.items()}
    if any(value.shape[0] != 1 for value in base.values()):
        raise ValueError("`base` codes must have batch size 1.")
    values = np.asarray(values)
    if column is not None and isinstance(spec, CategoricalCode):
        raise ValueError(
            f"'{code}' is a categorical code; column applies to continuous "
            "codes. Drop column to sweep its categories."
        )
    if isinstance(spec, CategoricalCode):
        index = values.astype("int64").reshape(-1)
        if index.min() < 0 or index.max() >= spec.num_categories:
            raise ValueError(
                f"Categories for code '{code}' must lie in "
                f"[0, {spec.num_categories}). Received {index.tolist()}."
            )
        swept = np.eye(spec.num_categories, dtype="float32")[index]
    elif column is not None:
        if not 0 <= int(column) < spec.dim or values.ndim != 1:
            raise ValueError(
                f"column must index one of the {spec.dim} columns of code "
                f"'{code}' and values must be 1-D. Received column={column} "
                f"and values of shape {values.shape}."
            )
        swept = np.repeat(base[code], len(values), axis=0).astype("float32")
        swept[:, int(column)] = values
    else:
        if values.ndim == 1:
            swept = np.repeat(values[:, None], spec.dim, axis=1)
        elif values.ndim == 2 and values.shape[1] == spec.dim:
            swept = values
        else:
            raise ValueError(
                f"Values for code '{code}' must be 1-D or shaped "
                f"(steps, {spec.dim}). Received shape {values.shape}."
            )
        swept = swept.astype("float32")
    steps = swept.shape[0]
    codes = {
        name: np.repeat(value, steps, axis=0).astype("float32")
        for name, value in base.items()
    }
    codes[code] = swept
    return codes


def traversal_grid_codes(
    latent_space,
    row_code,
    column_code,
    column_values,
    row_values=None,
    base=None,
    seed=None,
):
    """Codes for the classic InfoGAN figure: rows x columns of two codes.

    Rows take the values of `row_code` (every category by default), columns
    sweep `column_code` through `column_values`; all other codes are held
    at one sample. Rows are laid out one after another (row-major).
    """
    row_spec = latent_space[row_code]
    if row_values is None:
        if not isinstance(row_spec, CategoricalCode):
            raise ValueError(
                f"row_values is required when the row code '{row_code}' is "
                "not categorical."
            )
        row_values = np.arange(row_spec.num_categories)
    base = latent_space.complete(dict(base or {}), batch_size=1, seed=seed)
    rows = []
    for value in np.asarray(row_values):
        row_base = dict(base)
        row_base[row_code] = traversal_codes(
            latent_space, row_code, [value], base=base
        )[row_code]
        rows.append(
            traversal_codes(
                latent_space, column_code, column_values, base=row_base
            )
        )
    return {
        name: np.concatenate([row[name] for row in rows], axis=0)
        for name in latent_space.names
    }
