"""BetaVAE score (Higgins et al., 2017), as in disentanglement_lib."""

import numpy as np

from keras_disentangle.datasets.ground_truth import check_ground_truth_dataset
from keras_disentangle.metrics.settings import metric_settings
from keras_disentangle.metrics.utils import MAX_IMAGES_PER_CALL
from keras_disentangle.metrics.utils import as_rng
from keras_disentangle.metrics.utils import check_num_samples
from keras_disentangle.metrics.utils import represent
from keras_disentangle.metrics.utils import require_scikit_learn
from keras_disentangle.metrics.utils import sklearn_seed


def _beta_vae_points(
    representation_function, dataset, num_points, batch_size, rng
):
    """Features `(num_points, num_codes)` and fixed-factor labels."""
    num_factors = len(dataset.factor_sizes)
    features, labels = [], []
    chunk = max(1, MAX_IMAGES_PER_CALL // (2 * batch_size))
    for start in range(0, num_points, chunk):
        count = min(chunk, num_points - start)
        fixed = rng.integers(0, num_factors, size=count)
        first = dataset.sample_factors(count * batch_size, rng)
        second = dataset.sample_factors(count * batch_size, rng)
        rows = np.repeat(fixed, batch_size)
        index = np.arange(count * batch_size)
        second[index, rows] = first[index, rows]
        observations = np.concatenate(
            [
                dataset.sample_observations_from_factors(first, rng),
                dataset.sample_observations_from_factors(second, rng),
            ]
        )
        codes = represent(
            representation_function, observations, "BetaVAE score"
        )
        half = count * batch_size
        diff = np.abs(codes[:half] - codes[half:])
        features.append(diff.reshape(count, batch_size, -1).mean(axis=1))
        labels.append(fixed)
    return np.concatenate(features), np.concatenate(labels)


def compute_beta_vae(
    representation_function,
    dataset,
    batch_size=None,
    num_train=None,
    num_eval=None,
    seed=0,
    setting="study",
):
    """BetaVAE score: how well a linear model finds the fixed factor.

    Each point picks a factor k at random and draws `batch_size` pairs of
    factor vectors that share factor k (its value varies across pairs);
    the feature is the mean absolute difference of the pairs' codes. A
    `sklearn.linear_model.LogisticRegression` (default C = 1) is trained to
    predict k; the score is its accuracy.

    Args:
        representation_function: images `(n, H, W, C)` to codes
            `(n, num_codes)`, numpy in and out.
        dataset: a `GroundTruthDataset`.
        batch_size: pairs per point (64).
        num_train: training points (study 10,000; fast 300).
        num_eval: evaluation points (study 5,000; fast 150).
        seed: int seed or `numpy.random.Generator`.
        setting: `"study"` or `"fast"` defaults for unset arguments.

    Returns:
        dict with `train_accuracy` and `eval_accuracy`.

    Example:

    >>> from keras_disentangle.datasets import IdentityGroundTruth
    >>> data = IdentityGroundTruth((10, 10, 10))
    >>> score = compute_beta_vae(lambda x: x, data, setting="fast")
    >>> score["eval_accuracy"] > 0.9
    True
    """
    require_scikit_learn("The BetaVAE score")
    from sklearn.linear_model import LogisticRegression

    params = metric_settings(
        "beta_vae",
        setting,
        batch_size=batch_size,
        num_train=num_train,
        num_eval=num_eval,
    )
    sizes = check_ground_truth_dataset(dataset)
    check_num_samples(
        "BetaVAE score", params["batch_size"], 1, "pairs per point"
    )
    check_num_samples(
        "BetaVAE score", params["num_train"], 2 * len(sizes), "training points"
    )
    check_num_samples(
        "BetaVAE score", params["num_eval"], 1, "evaluation points"
    )
    rng = as_rng(seed)
    train_x, train_y = _beta_vae_points(
        representation_function,
        dataset,
        params["num_train"],
        params["batch_size"],
        rng,
    )
    eval_x, eval_y = _beta_vae_points(
        representation_function,
        dataset,
        params["num_eval"],
        params["batch_size"],
        rng,
    )
    if len(np.unique(train_y)) < 2:
        raise ValueError(
            "BetaVAE score needs training points for at least two factors; "
            "increase num_train."
        )
    model = LogisticRegression(random_state=sklearn_seed(rng))
    model.fit(train_x, train_y)
    return {
        "train_accuracy": float(model.score(train_x, train_y)),
        "eval_accuracy": float(model.score(eval_x, eval_y)),
    }
