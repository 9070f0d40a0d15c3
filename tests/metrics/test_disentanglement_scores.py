"""Known answers on IdentityGroundTruth (observations = factors), after
disentanglement_lib's tests: identity near 1, constant codes near 0,
duplicated codes penalised by MIG and SAP only."""

import numpy as np
import pytest

from keras_disentangle.datasets import IdentityGroundTruth
from keras_disentangle.metrics import compute_beta_vae
from keras_disentangle.metrics import compute_dci
from keras_disentangle.metrics import compute_factor_vae
from keras_disentangle.metrics import compute_mig
from keras_disentangle.metrics import compute_modularity_explicitness
from keras_disentangle.metrics import compute_sap
from keras_disentangle.metrics import mig_from_codes
from keras_disentangle.metrics import sap_from_codes

DATA = IdentityGroundTruth((10,) * 10)
# Five factors keep the one-classifier-per-(code, factor) metrics fast.
SMALL = IdentityGroundTruth((10,) * 5)


def identity(x):
    return x


def zeros(x):
    return np.zeros_like(x)


def duplicated(x):
    return np.hstack([x, x])


def test_mig_known_answers():
    assert (
        0.9
        <= compute_mig(identity, DATA, setting="fast")["discrete_mig"]
        <= 1.0
    )
    assert compute_mig(zeros, DATA, setting="fast")["discrete_mig"] <= 0.2
    assert compute_mig(duplicated, DATA, setting="fast")["discrete_mig"] <= 0.1


def test_mig_of_a_noisy_and_a_shared_code():
    rng = np.random.default_rng(0)
    factors = rng.integers(0, 8, size=(4000, 2))
    clean = mig_from_codes(factors.astype(float), factors)["discrete_mig"]
    noisy = factors + rng.normal(scale=1.0, size=factors.shape)
    partial = mig_from_codes(noisy, factors)["discrete_mig"]
    mixed = np.stack([factors[:, 0] + factors[:, 1], rng.normal(size=4000)], 1)
    entangled = mig_from_codes(mixed, factors)["discrete_mig"]
    assert clean > 0.99 > partial > entangled


def test_beta_vae_known_answers():
    score = compute_beta_vae(identity, DATA, setting="fast")
    assert score["train_accuracy"] >= 0.9 and score["eval_accuracy"] >= 0.9
    # The BetaVAE score does not punish redundancy.
    assert (
        compute_beta_vae(duplicated, DATA, setting="fast")["eval_accuracy"]
        >= 0.9
    )
    # Constant codes: chance level among 10 factors.
    assert compute_beta_vae(zeros, DATA, setting="fast")["eval_accuracy"] <= 0.3


def test_factor_vae_known_answers():
    score = compute_factor_vae(identity, DATA, setting="fast")
    assert 0.9 <= score["eval_accuracy"] <= 1.0
    assert score["num_active_dims"] == 10
    zero = compute_factor_vae(zeros, DATA, setting="fast")
    assert zero["eval_accuracy"] <= 0.2 and zero["num_active_dims"] == 0
    dup = compute_factor_vae(duplicated, DATA, setting="fast")
    assert dup["eval_accuracy"] >= 0.9 and dup["num_active_dims"] == 20


def test_factor_vae_prunes_and_picks_the_right_code():
    # Code 0 carries factor 1, code 1 factor 0, code 2 is near-constant.
    def swapped(x):
        return np.stack([x[:, 1], x[:, 0], 0.001 * x[:, 0]], axis=1)

    data = IdentityGroundTruth((6, 6))
    score = compute_factor_vae(swapped, data, setting="fast", seed=1)
    assert score["num_active_dims"] == 2
    assert score["eval_accuracy"] == 1.0


def test_sap_known_answers():
    # disentanglement_lib pins identity SAP with the continuous (R^2) form;
    # a single linear code cannot separate 10 ordered classes one-vs-rest.
    continuous = compute_sap(
        identity, SMALL, setting="fast", continuous_factors=True
    )
    assert 0.9 <= continuous["SAP_score"] <= 1.0
    discrete = compute_sap(identity, SMALL, setting="fast")["SAP_score"]
    assert compute_sap(zeros, SMALL, setting="fast")["SAP_score"] <= 0.2
    dup = compute_sap(duplicated, SMALL, setting="fast")["SAP_score"]
    assert dup <= 0.2 and discrete > dup + 0.1


def test_sap_with_binary_factors_reaches_its_cap():
    rng = np.random.default_rng(0)
    factors = rng.integers(0, 2, size=(1500, 3))
    score = sap_from_codes(
        factors[:1000], factors[:1000], factors[1000:], factors[1000:]
    )
    # Right code: accuracy 1; others: balanced chance 0.5.
    assert abs(score["SAP_score"] - 0.5) < 0.06


def test_modularity_and_explicitness_known_answers():
    score = compute_modularity_explicitness(identity, SMALL, setting="fast")
    assert 0.9 <= score["modularity_score"] <= 1.0
    assert score["explicitness_score_test"] >= 0.9
    zero = compute_modularity_explicitness(zeros, SMALL, setting="fast")
    assert zero["modularity_score"] == 0.0
    assert abs(zero["explicitness_score_test"] - 0.5) < 1e-6


def test_dci_known_answers():
    data = IdentityGroundTruth((4, 4, 4))
    score = compute_dci(identity, data, setting="fast")
    assert score["disentanglement"] >= 0.9 and score["completeness"] >= 0.9
    assert score["informativeness_test"] >= 0.9
    zero = compute_dci(zeros, data, setting="fast")
    assert (
        zero["disentanglement"] <= 0.1 and zero["informativeness_test"] <= 0.5
    )
    dup = compute_dci(duplicated, data, setting="fast")
    # DCI disentanglement does not punish redundancy; completeness does.
    assert dup["disentanglement"] >= 0.9 and dup["completeness"] <= 0.8


def test_same_seed_same_score():
    first = compute_mig(
        lambda x: x + np.sin(3 * x), DATA, setting="fast", seed=7
    )
    second = compute_mig(
        lambda x: x + np.sin(3 * x), DATA, setting="fast", seed=7
    )
    assert first == second


@pytest.mark.parametrize("setting", ["fast", "study"])
def test_settings_are_disentanglement_lib_values(setting):
    from keras_disentangle.metrics import metric_settings

    factor_vae = metric_settings("factor_vae", setting)
    assert (
        factor_vae["batch_size"] == 64 and factor_vae["prune_threshold"] == 0.05
    )
    if setting == "study":
        assert metric_settings("mig", setting) == {
            "num_train": 10_000,
            "num_bins": 20,
        }
        assert metric_settings("dci", setting) == {
            "num_train": 10_000,
            "num_test": 5_000,
        }
        assert factor_vae["num_variance_estimate"] == 10_000
    with pytest.raises(ValueError, match="setting"):
        metric_settings("mig", "quick")
