"""The variational mutual-information term of InfoGAN."""

import math

import keras
import numpy as np
from keras import ops

from keras_disentangle.latent.codes import CategoricalCode
from keras_disentangle.latent.codes import GaussianCode
from keras_disentangle.latent.codes import UniformCode

_HALF_LOG_TWO_PI = 0.5 * math.log(2.0 * math.pi)


def code_negative_log_likelihood(code, value, posterior):
    """Per-sample `-log Q(c | x)` of one code; shape `(batch,)`.

    Categorical codes use the softmax of the logits; continuous codes a
    factored Gaussian with the posterior's mean and either unit scale (when
    the posterior has `code.dim` columns) or the learned log-scale in its
    last `code.dim` columns.
    """
    width = posterior.shape[-1]
    if isinstance(code, CategoricalCode):
        if width != code.num_categories:
            raise ValueError(
                f"The Q head gives {width} logits for categorical code "
                f"'{code.name}', which has {code.num_categories} categories. "
                "Rebuild the Q head from the same LatentSpace as the "
                "generator."
            )
        return keras.losses.categorical_crossentropy(
            value, posterior, from_logits=True
        )
    if width == code.dim:
        mean, log_std = posterior, None
    elif width == 2 * code.dim:
        mean, log_std = posterior[:, : code.dim], posterior[:, code.dim :]
    else:
        raise ValueError(
            f"The Q head gives {width} columns for continuous code "
            f"'{code.name}' of dim {code.dim}; expected {code.dim} (mean, "
            f"unit scale) or {2 * code.dim} (mean and log-scale). Rebuild the "
            "Q head from the same LatentSpace as the generator."
        )
    if log_std is None:
        nll = 0.5 * ops.square(value - mean) + _HALF_LOG_TWO_PI
    else:
        z = (value - mean) * ops.exp(-log_std)
        nll = log_std + 0.5 * ops.square(z) + _HALF_LOG_TWO_PI
    return ops.sum(nll, axis=-1)


def code_entropy(code):
    """Entropy `H(c)` of a code's prior in nats (a constant)."""
    if isinstance(code, CategoricalCode):
        return math.log(code.num_categories)
    if isinstance(code, UniformCode):
        return code.dim * math.log(code.high - code.low)
    if isinstance(code, GaussianCode):
        return code.dim * 0.5 * math.log(2 * math.pi * math.e * code.stddev**2)
    raise ValueError(f"Code '{code.name}' has no prior entropy.")


def mutual_information_loss(latent_space, codes, posteriors, weights=None):
    """The weighted InfoGAN information loss and its per-code parts.

    Returns `(loss, mi)` where `loss = sum_c w_c * E[-log Q(c | G(z, c))]`
    (minimised by G and Q) and `mi = sum_c (H(c) - E[-log Q(c | x)])`, the
    variational lower bound on the mutual information (logged; it differs
    from `-loss` by a constant when all weights are 1).

    Args:
        latent_space: the `LatentSpace` the codes were drawn from.
        codes: dict `name -> (batch, dim)` tensor of the sampled codes.
        posteriors: dict `name -> tensor` from a `QHead`.
        weights: optional dict `name -> lambda`; codes left out weigh 1.0.
    """
    expected = [code.name for code in latent_space.regularized_codes]
    missing = [name for name in expected if name not in posteriors]
    extra = [name for name in posteriors if name not in expected]
    if missing or extra:
        raise ValueError(
            f"The Q head predicts {sorted(posteriors)} but the latent space's "
            f"regularized codes are {expected} (missing {missing}, unknown "
            f"{extra}). Build the Q head from the model's LatentSpace."
        )
    weights = dict(weights or {})
    unknown = [name for name in weights if name not in expected]
    if unknown:
        raise ValueError(
            f"info weights name codes {unknown} that are not regularized "
            f"codes of the latent space ({expected})."
        )
    loss = 0.0
    mi = 0.0
    for code in latent_space.regularized_codes:
        nll = ops.mean(
            code_negative_log_likelihood(
                code, codes[code.name], posteriors[code.name]
            )
        )
        loss = loss + weights.get(code.name, 1.0) * nll
        mi = mi + (code_entropy(code) - nll)
    return loss, mi


def posterior_summary(latent_space, posteriors):
    """Numpy summaries of posteriors: class probabilities or means."""
    summary = {}
    for code in latent_space.regularized_codes:
        value = ops.convert_to_numpy(posteriors[code.name])
        if isinstance(code, CategoricalCode):
            value = value - value.max(axis=-1, keepdims=True)
            value = np.exp(value)
            value = value / value.sum(axis=-1, keepdims=True)
        else:
            value = value[:, : code.dim]
        summary[code.name] = value
    return summary
