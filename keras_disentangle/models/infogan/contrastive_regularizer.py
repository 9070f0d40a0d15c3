"""The contrastive regulariser of InfoGAN-CR (Lin et al., ICML 2020).

A CR discriminator sees two generated images that share the value of one
regularised code and must say which code it is; the generator is trained
to make that easy, which pushes each code towards a distinct, recognisable
change of the image. The helpers here are backend-agnostic (`keras.ops`,
`keras.random`); `InfoGAN(contrastive_weight=...)` wires them in as a third
player.

Pair construction follows `JointLatent.sample_cr` of the official dSprites
code (`InfoGAN-CR_dSprites/gan/latent.py`) with its dSprites setting
`gap = 0` (`config.py`): per pair, a label `k` is drawn uniformly among the
regularised codes; code `k` takes one value in both images; every other
regularised code is drawn independently for each image; the unregularised
codes (nuisance noise) take one value shared by both images.
"""

import keras
from keras import ops

#: The official dSprites schedule: the CR weight is 0 for the first
#: 288,000 iterations and 2.0 from then on (`InfoGAN-CR_dSprites/config.py`:
#: `cr_coe_start` 0, `cr_coe_increase` 2.0, `cr_coe_increase_times` 1,
#: `cr_coe_increase_batch` 288000).
DSPRITES_CONTRASTIVE_WEIGHT = 2.0
DSPRITES_CONTRASTIVE_START = 288_000


def contrastive_weight_at(step, weight, start):
    """The progressive CR weight at a training step (a Python float).

    0 before `start`, `weight` from `start` on: the official schedule with
    one increase. `start=0` gives a constant weight.

    Example:

    >>> contrastive_weight_at(0, 2.0, 288_000)
    0.0
    >>> contrastive_weight_at(288_000, 2.0, 288_000)
    2.0
    """
    return float(weight) if int(step) >= int(start) else 0.0


def contrastive_pairs(latent_space, batch_size, seed=None):
    """Codes of image pairs that share exactly one regularised code.

    Args:
        latent_space: a `LatentSpace` with at least two regularised codes.
        batch_size: number of pairs.
        seed: a `keras.random.SeedGenerator` (inside training steps), or an
            integer or `None` to make one.

    Returns:
        `(first, second, labels)`: two dicts `code name -> (batch, dim)`
        tensors and int32 labels `(batch,)`, the index (among
        `latent_space.regularized_codes`) of the code each pair shares.

    Example:

    >>> from keras_disentangle.models.infogan import (
    ...     infogan_dsprites_latent_space)
    >>> first, second, labels = contrastive_pairs(
    ...     infogan_dsprites_latent_space(), 4, seed=0)
    >>> tuple(first["c1"].shape), tuple(labels.shape)
    ((4, 1), (4,))
    """
    if not isinstance(seed, keras.random.SeedGenerator):
        seed = keras.random.SeedGenerator(seed)
    regularized = [code.name for code in latent_space.regularized_codes]
    if len(regularized) < 2:
        raise ValueError(
            "The contrastive regulariser needs at least two regularized "
            f"codes to tell apart; this latent space has {regularized}."
        )
    labels = keras.random.randint(
        (batch_size,), 0, len(regularized), seed=seed, dtype="int32"
    )
    first, second = {}, {}
    for code in latent_space:
        value = code.sample(batch_size, seed)
        first[code.name] = value
        if not code.regularized:
            second[code.name] = value
            continue
        index = regularized.index(code.name)
        shared = ops.expand_dims(ops.equal(labels, index), -1)
        second[code.name] = ops.where(
            shared, value, code.sample(batch_size, seed)
        )
    return first, second, labels


def pair_images(first_images, second_images):
    """The CR discriminator's input: a pair stacked along the channel axis."""
    return ops.concatenate([first_images, second_images], axis=-1)


def contrastive_loss(logits, labels):
    """Mean softmax cross-entropy of the CR discriminator's logits.

    Example:

    >>> import numpy as np
    >>> loss = contrastive_loss(np.zeros((2, 5), "float32"), np.array([0, 3]))
    >>> round(float(loss), 4)  # log(5)
    1.6094
    """
    return ops.mean(
        keras.losses.sparse_categorical_crossentropy(
            labels, logits, from_logits=True
        )
    )


def contrastive_accuracy(logits, labels):
    """Fraction of pairs whose shared code the CR discriminator names."""
    hits = ops.equal(
        ops.cast(ops.argmax(logits, axis=-1), "int32"),
        ops.cast(labels, "int32"),
    )
    return ops.mean(ops.cast(hits, "float32"))
