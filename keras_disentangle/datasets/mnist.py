"""MNIST from the original IDX files, or from TensorFlow Datasets."""

import gzip
import os

import numpy as np

MNIST_DIR_ENV = "KERAS_DISENTANGLE_MNIST_DIR"

_IDX_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


def mnist_directory(data_dir=None):
    """The MNIST directory: `data_dir`, else `$KERAS_DISENTANGLE_MNIST_DIR`.

    Raises:
        ValueError: if neither is set.
    """
    if data_dir is None:
        data_dir = os.environ.get(MNIST_DIR_ENV)
    if not data_dir:
        raise ValueError(
            "No MNIST directory given. Pass `data_dir=` or set the "
            f"environment variable {MNIST_DIR_ENV} to a directory holding "
            "the IDX files (train-images-idx3-ubyte[.gz], ...). Online users "
            "can call load_mnist(source='tfds') instead."
        )
    return os.fspath(data_dir)


def _find_file(directory, stem):
    for name in (stem + ".gz", stem):
        path = os.path.join(directory, name)
        if os.path.isfile(path):
            return path
    return None


def _read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError(f"{path} is not an unsigned-byte IDX file.")
    ndim = data[3]
    header = 4 + 4 * ndim
    dims = np.frombuffer(data, dtype=">u4", count=ndim, offset=4)
    shape = tuple(int(d) for d in dims)
    array = np.frombuffer(data, dtype=np.uint8, offset=header)
    if array.size != int(np.prod(shape)):
        raise ValueError(
            f"{path} holds {array.size} bytes of data; its header says {shape}."
        )
    return array.reshape(shape)


def load_mnist_uint8(split="train", data_dir=None):
    """Raw MNIST: uint8 images `(N, 28, 28)` and uint8 labels `(N,)`.

    Reads `train-*` or `t10k-*` IDX files, gzipped or not, from
    `data_dir` or `$KERAS_DISENTANGLE_MNIST_DIR`.
    """
    if split not in _IDX_FILES:
        raise ValueError(f"split must be 'train' or 'test', got {split!r}.")
    directory = mnist_directory(data_dir)
    paths = [_find_file(directory, stem) for stem in _IDX_FILES[split]]
    if None in paths:
        missing = [
            stem + "[.gz]"
            for stem, path in zip(_IDX_FILES[split], paths)
            if path is None
        ]
        raise FileNotFoundError(
            f"MNIST {split} files missing from directory "
            f"{os.path.abspath(directory)!r}: {', '.join(missing)}. Put the "
            f"original IDX files there, point {MNIST_DIR_ENV} (or "
            "`data_dir=`) at the directory that holds them, or use "
            "load_mnist(source='tfds') when online."
        )
    images = _read_idx(paths[0])
    labels = _read_idx(paths[1])
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise ValueError(
            f"Unexpected MNIST shapes {images.shape} and {labels.shape} in "
            f"{directory!r}."
        )
    return images, labels


def _load_tfds(split):
    try:
        import tensorflow_datasets as tfds
    except ImportError as error:
        raise ImportError(
            "load_mnist(source='tfds') needs tensorflow-datasets "
            "(`pip install tensorflow-datasets`) and network access. "
            "Offline, use the IDX files with `data_dir=` or "
            f"{MNIST_DIR_ENV}."
        ) from error
    data = tfds.as_numpy(
        tfds.load("mnist", split=split, batch_size=-1, as_supervised=True)
    )
    images, labels = data
    return images[..., 0].astype(np.uint8), labels.astype(np.uint8)


def load_mnist(split="train", data_dir=None, source="idx"):
    """Loads MNIST as float32 images in `[0, 1]`, shape `(N, 28, 28, 1)`.

    Args:
        split: `"train"` (60,000 images) or `"test"` (10,000).
        data_dir: directory of the original IDX files (gzipped or not).
            Defaults to the environment variable
            `KERAS_DISENTANGLE_MNIST_DIR`.
        source: `"idx"` (offline, the default) or `"tfds"` (downloads
            through `tensorflow_datasets`).

    Returns:
        `(images, labels)`: float32 `(N, 28, 28, 1)` in `[0, 1]` (pixel /
        255) and int64 `(N,)` digits.

    Example:

    >>> images, labels = load_mnist("test", data_dir="../shared/data/mnist")
    >>> images.shape, images.dtype, labels[:5]
    ((10000, 28, 28, 1), dtype('float32'), array([7, 2, 1, 0, 4]))
    """
    if source == "idx":
        images, labels = load_mnist_uint8(split, data_dir)
    elif source == "tfds":
        if split not in _IDX_FILES:
            raise ValueError(f"split must be 'train' or 'test', got {split!r}.")
        images, labels = _load_tfds(split)
    else:
        raise ValueError(f"source must be 'idx' or 'tfds', got {source!r}.")
    images = images.astype(np.float32)[..., None] / np.float32(255.0)
    return images, labels.astype(np.int64)
