import pytest

from keras_disentangle.datasets import load_mnist


@pytest.fixture(scope="session")
def mnist_test_images(mnist_dir):
    """The 10,000 real MNIST test digits, `(n, 28, 28, 1)` in `[0, 1]`."""
    images, _ = load_mnist("test", data_dir=mnist_dir)
    return images
