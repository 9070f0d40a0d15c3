"""Per-image reconstruction errors shared by every inversion method."""

from keras import ops


def squared_error(generated, target, mask=None):
    """Mean squared error per image, over the observed pixels only.

    `sum(m * (G - x)^2) / sum(m)` per image; `m = 1` everywhere without a
    mask. Missing pixels (`m = 0`) contribute nothing to the value or the
    gradient, whatever their values in `target`.
    """
    axes = list(range(1, len(generated.shape)))
    error = ops.square(generated - target)
    if mask is None:
        return ops.mean(error, axis=axes)
    observed = ops.maximum(ops.sum(mask, axis=axes), 1e-8)
    return ops.sum(mask * error, axis=axes) / observed


def feature_error(feature_extractor, generated, target, mask=None):
    """Mean squared distance per image between features of two batches.

    With a mask both batches are masked first (`F(m * G)` against
    `F(m * x)`), so missing pixels do not enter this term either.
    """
    if mask is not None:
        generated = generated * mask
        target = target * mask
    batch = ops.shape(generated)[0]
    features = ops.reshape(
        feature_extractor(generated, training=False), (batch, -1)
    )
    reference = ops.stop_gradient(
        ops.reshape(feature_extractor(target, training=False), (batch, -1))
    )
    return ops.mean(ops.square(features - reference), axis=1)
