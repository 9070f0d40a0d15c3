import numpy as np
import pytest

from keras_disentangle.datasets import MNIST_DIR_ENV
from keras_disentangle.datasets import LabelledImages
from keras_disentangle.datasets import load_mnist
from keras_disentangle.datasets import load_mnist_uint8
from tests.idx_files import write_idx


def test_train_split_matches_readme_checks(mnist_dir):
    images, labels = load_mnist("train", data_dir=mnist_dir)
    assert images.shape == (60000, 28, 28, 1)
    assert images.dtype == np.float32 and labels.dtype == np.int64
    assert images.min() == 0.0 and images.max() == 1.0
    assert abs(float(images.mean()) - 0.1307) < 5e-5
    assert abs(float(images.std()) - 0.3081) < 5e-5
    counts = np.bincount(labels, minlength=10).tolist()
    assert counts == [
        5923,
        6742,
        5958,
        6131,
        5842,
        5421,
        5918,
        6265,
        5851,
        5949,
    ]


def test_test_split_and_env_var(mnist_dir, monkeypatch):
    monkeypatch.setenv(MNIST_DIR_ENV, str(mnist_dir))
    images, labels = load_mnist("test")
    assert images.shape == (10000, 28, 28, 1)
    assert labels[:5].tolist() == [7, 2, 1, 0, 4]
    raw, raw_labels = load_mnist_uint8("test")
    assert raw.dtype == np.uint8 and raw.shape == (10000, 28, 28)
    np.testing.assert_array_equal(raw_labels, labels)
    np.testing.assert_allclose(images[..., 0], raw / 255.0, atol=1e-7)


@pytest.mark.parametrize("compress", [False, True])
def test_idx_parser_on_handmade_files(tmp_path, compress):
    images = np.arange(3 * 28 * 28).reshape(3, 28, 28) % 256
    suffix = ".gz" if compress else ""
    write_idx(tmp_path / f"t10k-images-idx3-ubyte{suffix}", images, compress)
    write_idx(tmp_path / f"t10k-labels-idx1-ubyte{suffix}", [4, 0, 9], compress)
    loaded, labels = load_mnist("test", data_dir=tmp_path)
    assert labels.tolist() == [4, 0, 9]
    np.testing.assert_allclose(loaded[..., 0] * 255.0, images, atol=1e-4)


def test_truncated_idx_file_is_rejected(tmp_path):
    write_idx(tmp_path / "t10k-images-idx3-ubyte", np.zeros((2, 28, 28)), False)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte", [1, 2], False)
    data = (tmp_path / "t10k-images-idx3-ubyte").read_bytes()
    (tmp_path / "t10k-images-idx3-ubyte").write_bytes(data[:-10])
    with pytest.raises(ValueError, match="header"):
        load_mnist("test", data_dir=tmp_path)


def test_bad_split_and_source():
    with pytest.raises(ValueError, match="split"):
        load_mnist("validation", data_dir=".")
    with pytest.raises(ValueError, match="source"):
        load_mnist("train", data_dir=".", source="torchvision")


def test_tfds_source_needs_tensorflow_datasets():
    try:
        import tensorflow_datasets  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="tensorflow-datasets"):
            load_mnist("train", source="tfds")
    else:
        pytest.skip("tensorflow_datasets is installed; the call needs network")


def test_labelled_images_serves_matching_labels(mnist_dir):
    images, labels = load_mnist("test", data_dir=mnist_dir)
    data = LabelledImages(images[:2000], labels[:2000], factor_names=("digit",))
    assert data.factor_sizes == (10,)
    rng = np.random.default_rng(0)
    factors = data.sample_factors(50, rng)
    drawn = data.sample_observations_from_factors(factors, rng)
    # Every drawn image is an image of the requested digit.
    lookup = {images[i].tobytes(): labels[i] for i in range(2000)}
    assert [lookup[x.tobytes()] for x in drawn] == factors[:, 0].tolist()
    two_labels = LabelledImages(images[:4], [[0, 0], [0, 1], [1, 0], [0, 0]])
    with pytest.raises(ValueError, match="No image"):
        two_labels.sample_observations_from_factors([[1, 1]], rng)
    with pytest.raises(ValueError, match="out of range"):
        two_labels.sample_observations_from_factors([[2, 0]], rng)
