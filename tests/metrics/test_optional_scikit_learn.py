"""Metrics that need scikit-learn say how to install it when it is missing."""

import sys

import numpy as np
import pytest

from keras_disentangle import metrics
from keras_disentangle.datasets import IdentityGroundTruth


@pytest.fixture
def no_scikit_learn(monkeypatch):
    # A None entry makes `import sklearn` (and its submodules) fail.
    for name in list(sys.modules):
        if name == "sklearn" or name.startswith("sklearn."):
            monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "sklearn", None)


@pytest.mark.parametrize(
    "function",
    [
        "compute_beta_vae",
        "compute_sap",
        "compute_dci",
        "compute_modularity_explicitness",
    ],
)
def test_missing_scikit_learn_names_the_extra(no_scikit_learn, function):
    data = IdentityGroundTruth((4, 4))
    compute = getattr(metrics, function)
    with pytest.raises(ImportError, match=r"keras-disentangle\[metrics\]"):
        compute(lambda x: x, data, setting="fast")


def test_metrics_without_estimators_run_without_scikit_learn(no_scikit_learn):
    data = IdentityGroundTruth((5, 5))
    score = metrics.compute_mig(lambda x: x, data, setting="fast")
    assert np.isfinite(score["discrete_mig"])
