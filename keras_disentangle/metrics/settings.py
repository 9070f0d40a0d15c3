"""Sample-count settings: disentanglement_lib's study defaults and a fast one.

`"study"` is the setting of the Locatello et al. (2019) study
(`unsupervised_study_v1/metric_configs/*.gin`); report numbers with it.
`"fast"` follows the continuous-integration settings of nmichlo/disent and
is meant for tests and smoke checks only: its numbers are noisier and must
not be compared with published ones.
"""

import copy

STUDY = {
    "beta_vae": {"batch_size": 64, "num_train": 10_000, "num_eval": 5_000},
    "factor_vae": {
        "batch_size": 64,
        "num_train": 10_000,
        "num_eval": 5_000,
        "num_variance_estimate": 10_000,
        "prune_threshold": 0.05,
    },
    "mig": {"num_train": 10_000, "num_bins": 20},
    "dci": {"num_train": 10_000, "num_test": 5_000},
    "sap": {"num_train": 10_000, "num_test": 5_000},
    "modularity_explicitness": {
        "num_train": 10_000,
        "num_test": 5_000,
        "num_bins": 20,
    },
}

FAST = {
    "beta_vae": {"batch_size": 64, "num_train": 300, "num_eval": 150},
    "factor_vae": {
        "batch_size": 64,
        "num_train": 700,
        "num_eval": 350,
        "num_variance_estimate": 1_000,
        "prune_threshold": 0.05,
    },
    "mig": {"num_train": 2_000, "num_bins": 20},
    "dci": {"num_train": 1_000, "num_test": 500},
    "sap": {"num_train": 2_000, "num_test": 1_000},
    "modularity_explicitness": {
        "num_train": 2_000,
        "num_test": 1_000,
        "num_bins": 20,
    },
}

SETTINGS = {"study": STUDY, "fast": FAST}


def metric_settings(metric, setting="study", **overrides):
    """The parameters of `metric` under `setting`, with `overrides` applied.

    Overrides equal to None are ignored.

    Example:

    >>> metric_settings("mig", "fast")
    {'num_train': 2000, 'num_bins': 20}
    >>> metric_settings("mig", num_train=500)["num_train"]
    500
    """
    if setting not in SETTINGS:
        raise ValueError(
            f"setting must be one of {sorted(SETTINGS)}, got {setting!r}."
        )
    params = copy.deepcopy(SETTINGS[setting][metric])
    for key, value in overrides.items():
        if key not in params:
            raise TypeError(f"{metric} has no parameter {key!r}.")
        if value is not None:
            params[key] = value
    return params
