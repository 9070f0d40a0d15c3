"""Each bad input gives a clear error."""

import numpy as np
import pytest

from keras_disentangle.datasets import MNIST_DIR_ENV
from keras_disentangle.datasets import IdentityGroundTruth
from keras_disentangle.datasets import load_mnist
from keras_disentangle.metrics import compute_beta_vae
from keras_disentangle.metrics import compute_dci
from keras_disentangle.metrics import compute_factor_vae
from keras_disentangle.metrics import compute_mig
from keras_disentangle.metrics import compute_modularity_explicitness
from keras_disentangle.metrics import compute_sap
from keras_disentangle.metrics import frechet_distance
from keras_disentangle.metrics import kernel_distance
from keras_disentangle.metrics import mig_from_codes
from keras_disentangle.metrics import precision_recall
from keras_disentangle.metrics import real_vs_real_floor

DATA = IdentityGroundTruth((5, 5, 5))
ALL_METRICS = [
    compute_beta_vae,
    compute_factor_vae,
    compute_mig,
    compute_dci,
    compute_sap,
    compute_modularity_explicitness,
]


def with_nan(x):
    codes = x.astype(np.float64).copy()
    codes[3, 1] = np.nan
    return codes


@pytest.mark.parametrize("metric", ALL_METRICS)
def test_nan_representation(metric):
    with pytest.raises(ValueError, match="NaN"):
        metric(with_nan, DATA, setting="fast")


@pytest.mark.parametrize("metric", ALL_METRICS)
def test_factor_with_a_single_value(metric):
    with pytest.raises(ValueError, match="single value"):
        metric(lambda x: x, IdentityGroundTruth((5, 1, 5)), setting="fast")


def test_single_valued_factor_in_arrays():
    factors = np.stack([np.arange(100) % 4, np.zeros(100, int)], axis=1)
    with pytest.raises(ValueError, match="factor 1 takes a single value"):
        mig_from_codes(np.random.rand(100, 3), factors)


@pytest.mark.parametrize(
    "metric, kwargs",
    [
        (compute_mig, {"num_train": 1}),
        (compute_dci, {"num_train": 1}),
        (compute_sap, {"num_test": 0}),
        (compute_modularity_explicitness, {"num_test": 1}),
        (compute_beta_vae, {"num_train": 2}),
        (compute_factor_vae, {"batch_size": 1}),
    ],
)
def test_too_few_samples(metric, kwargs):
    with pytest.raises(ValueError, match="needs at least"):
        metric(lambda x: x, DATA, setting="fast", **kwargs)


def test_too_few_samples_for_quality_metrics():
    one = np.zeros((1, 4))
    many = np.random.rand(10, 4)
    for fn in (frechet_distance, kernel_distance):
        with pytest.raises(ValueError, match="needs at least 2 samples"):
            fn(one, many)
    with pytest.raises(ValueError, match="needs at least 4 samples"):
        precision_recall(many, many[:3], k=3)
    with pytest.raises(ValueError, match="needs at least 20 real images"):
        real_vs_real_floor(np.zeros((15, 2, 2, 1)), None, num_samples=10)


def test_mig_needs_two_codes_and_matching_lengths():
    factors = np.arange(40).reshape(20, 2) % 3
    with pytest.raises(ValueError, match="needs at least 2 codes"):
        mig_from_codes(np.random.rand(20, 1), factors)
    with pytest.raises(ValueError, match="20 factor vectors"):
        mig_from_codes(np.random.rand(10, 2), factors)


def test_wrong_representation_shape():
    with pytest.raises(ValueError, match="representation function must map"):
        compute_mig(lambda x: x[:-1], DATA, setting="fast")


def test_not_a_ground_truth_dataset():
    with pytest.raises(TypeError, match="sample_factors"):
        compute_mig(lambda x: x, object(), setting="fast")


def test_missing_mnist_directory(tmp_path, monkeypatch):
    missing = tmp_path / "nowhere"
    with pytest.raises(FileNotFoundError) as error:
        load_mnist("train", data_dir=missing)
    message = str(error.value)
    assert str(missing) in message and MNIST_DIR_ENV in message
    assert "train-images-idx3-ubyte" in message
    monkeypatch.delenv(MNIST_DIR_ENV, raising=False)
    with pytest.raises(ValueError, match=MNIST_DIR_ENV):
        load_mnist("train")
