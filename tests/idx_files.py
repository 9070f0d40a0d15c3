"""Writes IDX files (MNIST's format) for tests."""

import gzip

import numpy as np


def write_idx(path, array, compress=True):
    """Writes a uint8 array as an IDX file, gzipped if `compress`."""
    array = np.asarray(array, dtype=np.uint8)
    header = bytes([0, 0, 8, array.ndim]) + b"".join(
        int(d).to_bytes(4, "big") for d in array.shape
    )
    opener = gzip.open if compress else open
    with opener(path, "wb") as f:
        f.write(header + array.tobytes())
