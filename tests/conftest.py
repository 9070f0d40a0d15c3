import os
import pathlib

import keras
import pytest

REPO = pathlib.Path(__file__).resolve().parents[1]


def pytest_report_header(config):
    return f"keras {keras.__version__}, backend {keras.backend.backend()}"


@pytest.fixture(scope="session")
def mnist_dir():
    """The real MNIST IDX files: $KERAS_DISENTANGLE_MNIST_DIR or ../shared."""
    path = os.environ.get("KERAS_DISENTANGLE_MNIST_DIR") or str(
        REPO.parent / "shared" / "data" / "mnist"
    )
    if not os.path.isfile(os.path.join(path, "train-images-idx3-ubyte.gz")):
        pytest.fail(
            f"Real MNIST not found at {path}; set KERAS_DISENTANGLE_MNIST_DIR "
            "to the folder with the gzipped IDX files."
        )
    return path


@pytest.fixture(scope="session")
def small_mnist_dir(mnist_dir, tmp_path_factory):
    """The first 512 training and 256 test digits of the real MNIST."""
    from keras_disentangle.datasets import load_mnist_uint8
    from tests.idx_files import write_idx

    folder = tmp_path_factory.mktemp("small_mnist")
    for split, size, (images_file, labels_file) in (
        ("train", 512, ("train-images-idx3-ubyte", "train-labels-idx1-ubyte")),
        ("test", 256, ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")),
    ):
        images, labels = load_mnist_uint8(split, data_dir=mnist_dir)
        write_idx(folder / f"{images_file}.gz", images[:size])
        write_idx(folder / f"{labels_file}.gz", labels[:size])
    return str(folder)
