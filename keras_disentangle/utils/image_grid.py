"""Tiling image batches into one grid and writing it as a PNG."""

import os

import numpy as np


def image_grid(images, rows=None, columns=None, padding=2, pad_value=1.0):
    """Tiles `(n, h, w, c)` images in `[0, 1]` into one `uint8` image.

    Args:
        images: array of shape `(n, height, width)` or `(n, height, width,
            channels)` with 1 or 3 channels, values in `[0, 1]`.
        rows, columns: the grid shape; by default the squarest grid with
            `n` cells. Cells past `n` stay blank.
        padding: pixels between cells and around the grid.
        pad_value: the colour of the padding, in `[0, 1]`.

    Returns:
        A `uint8` array `(H, W)` for grayscale or `(H, W, 3)` for colour.

    Example:

    >>> import numpy as np
    >>> grid = image_grid(np.zeros((6, 28, 28, 1)), rows=2)
    >>> grid.shape
    (62, 92)
    """
    images = np.asarray(images, dtype="float32")
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4 or images.shape[-1] not in (1, 3):
        raise ValueError(
            "image_grid takes images shaped (n, height, width[, 1 or 3]). "
            f"Received shape {images.shape}."
        )
    n, height, width, channels = images.shape
    if n == 0:
        raise ValueError("image_grid needs at least one image.")
    if rows is None and columns is None:
        columns = int(np.ceil(np.sqrt(n)))
    if rows is None:
        rows = int(np.ceil(n / columns))
    if columns is None:
        columns = int(np.ceil(n / rows))
    if rows * columns < n:
        raise ValueError(
            f"A {rows}x{columns} grid cannot hold {n} images; pass more rows "
            "or columns."
        )
    grid = np.full(
        (
            rows * (height + padding) + padding,
            columns * (width + padding) + padding,
            channels,
        ),
        pad_value,
        dtype="float32",
    )
    for index in range(n):
        row, column = divmod(index, columns)
        top = padding + row * (height + padding)
        left = padding + column * (width + padding)
        grid[top : top + height, left : left + width] = images[index]
    grid = np.round(np.clip(grid, 0.0, 1.0) * 255.0).astype("uint8")
    return grid[..., 0] if channels == 1 else grid


def save_image_grid(path, images, rows=None, columns=None, scale=1, **kwargs):
    """Writes `image_grid(images, rows, columns)` to `path` as a PNG.

    Args:
        path: the output file (`.png`); parent folders are created.
        images: a batch for `image_grid`, or a finished `uint8` grid
            (`(H, W)` or `(H, W, 3)`, as `image_grid` returns), written as
            is.
        scale: integer upscaling factor (nearest neighbour), for small
            images such as 28x28 digits.

    Returns:
        The path written.
    """
    from PIL import Image

    array = np.asarray(images)
    if array.dtype == np.uint8 and (
        array.ndim == 2 or (array.ndim == 3 and array.shape[-1] == 3)
    ):
        grid = array
    else:
        grid = image_grid(array, rows=rows, columns=columns, **kwargs)
    if scale > 1:
        grid = np.repeat(np.repeat(grid, scale, axis=0), scale, axis=1)
    path = os.fspath(path)
    parent = os.path.dirname(path)
    if parent:
        os.makedirs(parent, exist_ok=True)
    Image.fromarray(grid).save(path, format="PNG")
    return path
