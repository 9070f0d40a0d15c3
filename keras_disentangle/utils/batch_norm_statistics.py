"""Re-estimating a network's BatchNormalization statistics ("precise BN")."""

import keras


def batch_norm_layers(network):
    """Every `keras.layers.BatchNormalization` in `network`, nested ones too."""
    found, stack, seen = [], [network], set()
    while stack:
        layer = stack.pop()
        if id(layer) in seen:
            continue
        seen.add(id(layer))
        if isinstance(layer, keras.layers.BatchNormalization):
            found.append(layer)
        stack.extend(reversed(getattr(layer, "layers", [])))
    return found


def reestimate_batch_norm_statistics(network, batches):
    """Sets BatchNormalization statistics to their average over `batches`.

    During training, each BatchNormalization layer keeps an exponential
    moving average of its batch statistics, which lags behind weights that
    are still changing. This runs `network(batch, training=True)` on every
    batch and replaces each layer's moving mean and variance with the mean
    of its batch means and of its batch variances over all of them, as the
    official BiGAN code does before each evaluation (its "deploy" step,
    1,000 training batches). The weights do not change; the layers'
    momentum and `trainable` flags are restored afterwards.

    Args:
        network: a Keras layer or model with BatchNormalization layers.
        batches: an iterable of inputs for `network`, e.g. arrays of images.

    Returns:
        The number of batches used.

    Example:

    >>> import numpy as np
    >>> net = keras.Sequential([keras.Input((2,)),
    ...                         keras.layers.BatchNormalization()])
    >>> reestimate_batch_norm_statistics(net, [np.zeros((4, 2)),
    ...                                        np.full((4, 2), 2.0)])
    2
    >>> keras.ops.convert_to_numpy(net.layers[0].moving_mean)
    array([1., 1.], dtype=float32)
    """
    layers = batch_norm_layers(network)
    if not layers:
        raise ValueError(
            f"{getattr(network, 'name', network)!r} has no BatchNormalization "
            "layer whose statistics could be re-estimated."
        )
    renorm = [layer.name for layer in layers if layer.renorm]
    if renorm:
        raise ValueError(
            f"BatchNormalization layers {renorm} use renorm, whose "
            "statistics this function does not re-estimate."
        )
    saved = [(layer.momentum, layer.trainable) for layer in layers]
    count = 0
    try:
        for layer in layers:
            layer.trainable = True
        for batch in batches:
            # moving = moving * k / (k + 1) + batch statistic / (k + 1): the
            # running mean of the first k + 1 batches' statistics.
            for layer in layers:
                layer.momentum = count / (count + 1.0)
            network(batch, training=True)
            count += 1
    finally:
        for layer, (momentum, trainable) in zip(layers, saved):
            layer.momentum = momentum
            layer.trainable = trainable
    if not count:
        raise ValueError("batches is empty: give at least one batch.")
    return count
