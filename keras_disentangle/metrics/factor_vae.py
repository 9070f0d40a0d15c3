"""FactorVAE score (Kim & Mnih, 2018), as in disentanglement_lib."""

import numpy as np

from keras_disentangle.datasets.ground_truth import check_ground_truth_dataset
from keras_disentangle.metrics.settings import metric_settings
from keras_disentangle.metrics.utils import MAX_IMAGES_PER_CALL
from keras_disentangle.metrics.utils import as_rng
from keras_disentangle.metrics.utils import check_num_samples
from keras_disentangle.metrics.utils import represent
from keras_disentangle.metrics.utils import sample_factors_and_codes


def _votes(
    representation_function,
    dataset,
    num_votes,
    batch_size,
    rng,
    global_variances,
    active,
):
    """Vote matrix `(num_active_codes, num_factors)`."""
    num_factors = len(dataset.factor_sizes)
    votes = np.zeros((int(active.sum()), num_factors), dtype=np.int64)
    chunk = max(1, MAX_IMAGES_PER_CALL // batch_size)
    for start in range(0, num_votes, chunk):
        count = min(chunk, num_votes - start)
        fixed = rng.integers(0, num_factors, size=count)
        factors = dataset.sample_factors(count * batch_size, rng).reshape(
            count, batch_size, num_factors
        )
        # Within each vote, factor k takes the value of its first sample.
        factors[np.arange(count), :, fixed] = factors[
            np.arange(count), 0, fixed
        ][:, None]
        observations = dataset.sample_observations_from_factors(
            factors.reshape(count * batch_size, num_factors), rng
        )
        codes = represent(
            representation_function, observations, "FactorVAE score"
        )
        codes = codes.reshape(count, batch_size, -1)
        local = np.var(codes, axis=1, ddof=1)
        ratio = local[:, active] / global_variances[active]
        np.add.at(votes, (np.argmin(ratio, axis=1), fixed), 1)
    return votes


def compute_factor_vae(
    representation_function,
    dataset,
    batch_size=None,
    num_train=None,
    num_eval=None,
    num_variance_estimate=None,
    prune_threshold=None,
    seed=0,
    setting="study",
):
    """FactorVAE score: majority-vote accuracy of the least-varying code.

    Codes are normalised by their global variance (over
    `num_variance_estimate` points, ddof = 1); codes whose standard
    deviation is below `prune_threshold` are inactive. Each vote fixes one
    random factor over `batch_size` samples and votes for the active code
    of smallest normalised variance. Each code predicts its majority
    factor; the score is the accuracy of that classifier. With no active
    code every score is 0.

    Args:
        representation_function: images to codes `(n, num_codes)`.
        dataset: a `GroundTruthDataset`.
        batch_size: samples per vote (64).
        num_train: training votes (study 10,000; fast 700).
        num_eval: evaluation votes (study 5,000; fast 350).
        num_variance_estimate: points for the global variance (study
            10,000; fast 1,000).
        prune_threshold: minimum standard deviation of an active code
            (0.05, the study's value).
        seed: int seed or `numpy.random.Generator`.
        setting: `"study"` or `"fast"` defaults for unset arguments.

    Returns:
        dict with `train_accuracy`, `eval_accuracy`, `num_active_dims`.

    Example:

    >>> from keras_disentangle.datasets import IdentityGroundTruth
    >>> data = IdentityGroundTruth((10, 10, 10))
    >>> compute_factor_vae(lambda x: x, data, setting="fast")["eval_accuracy"]
    1.0
    """
    params = metric_settings(
        "factor_vae",
        setting,
        batch_size=batch_size,
        num_train=num_train,
        num_eval=num_eval,
        num_variance_estimate=num_variance_estimate,
        prune_threshold=prune_threshold,
    )
    check_ground_truth_dataset(dataset)
    metric = "FactorVAE score"
    check_num_samples(metric, params["batch_size"], 2, "samples per vote")
    check_num_samples(
        metric, params["num_variance_estimate"], 2, "points for the variance"
    )
    check_num_samples(metric, params["num_train"], 1, "training votes")
    check_num_samples(metric, params["num_eval"], 1, "evaluation votes")
    rng = as_rng(seed)
    _, codes = sample_factors_and_codes(
        representation_function,
        dataset,
        params["num_variance_estimate"],
        rng,
        metric,
    )
    global_variances = np.var(codes, axis=0, ddof=1)
    active = np.sqrt(global_variances) >= params["prune_threshold"]
    if not active.any():
        return {
            "train_accuracy": 0.0,
            "eval_accuracy": 0.0,
            "num_active_dims": 0,
        }
    train_votes = _votes(
        representation_function,
        dataset,
        params["num_train"],
        params["batch_size"],
        rng,
        global_variances,
        active,
    )
    eval_votes = _votes(
        representation_function,
        dataset,
        params["num_eval"],
        params["batch_size"],
        rng,
        global_variances,
        active,
    )
    classifier = np.argmax(train_votes, axis=1)
    rows = np.arange(len(classifier))
    return {
        "train_accuracy": float(
            train_votes[rows, classifier].sum() / train_votes.sum()
        ),
        "eval_accuracy": float(
            eval_votes[rows, classifier].sum() / eval_votes.sum()
        ),
        "num_active_dims": int(active.sum()),
    }
