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
