"""The opt-in Inception-v3 feature extractor (random weights: no network)."""

import numpy as np
import pytest

from keras_disentangle.metrics import InceptionFeatures
from keras_disentangle.metrics import frechet_distance


@pytest.fixture(scope="module")
def inception():
    return InceptionFeatures(weights=None)


def test_features_log_probabilities_and_grey_images(inception):
    rng = np.random.default_rng(0)
    grey = rng.random((3, 32, 32, 1)).astype("float32")
    features, logits = inception.features_and_logits(grey)
    assert features.shape == (3, 2048)
    assert logits.shape == (3, 1000)
    np.testing.assert_allclose(np.exp(logits).sum(axis=-1), 1.0, atol=1e-4)
    # Grey images are the same as their RGB repetition.
    rgb_features = inception.features(np.repeat(grey, 3, axis=-1))
    np.testing.assert_allclose(rgb_features, features, rtol=1e-4, atol=1e-5)
    # Different images give different features; identical sets FID 0.
    assert not np.allclose(features[0], features[1])
    assert abs(frechet_distance(features, features)) < 1e-6


def test_bad_shapes_and_missing_weights(inception):
    with pytest.raises(ValueError, match=r"\(N, H, W, 1 or 3\)"):
        inception.features(np.zeros((2, 32, 32), "float32"))
    with pytest.raises(RuntimeError, match="weights=<path"):
        InceptionFeatures(weights="/nonexistent/inception_v3.h5")
