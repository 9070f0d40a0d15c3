"""Gradients of a network's output with respect to its inputs."""

from keras import ops

from keras_disentangle import backend


def value_and_input_gradient(fn, x):
    """Returns `fn(x)` and the gradient of `sum(fn(x))` with respect to `x`.

    The gradient is itself differentiable, so penalties built from it (R1,
    WGAN-GP) train the network inside `fn` with second-order gradients on
    every backend. State updates that `fn` makes (BatchNorm statistics) are
    kept on TensorFlow and PyTorch and discarded on JAX; call
    discriminators with `training=False` statistics, or without BatchNorm,
    inside penalties.

    Example:

    ```python
    scores, grads = value_and_input_gradient(
        lambda x: discriminator(x, training=True), real_images
    )
    r1 = ops.mean(ops.sum(ops.square(grads), axis=[1, 2, 3]))
    ```
    """
    return backend.engine().value_and_input_gradient(fn, x)


def input_gradient(fn, x):
    """The gradient of `sum(fn(x))` with respect to `x` (see above)."""
    return value_and_input_gradient(fn, x)[1]


def gradient_penalty(fn, x, target=0.0):
    """Mean over the batch of `(||d sum(fn) / dx||_2 - target)^2`.

    `target=0` gives the R1 penalty (before its `gamma / 2` factor) and
    `target=1` the WGAN-GP penalty when `x` are interpolates.
    """
    grads = input_gradient(fn, x)
    flat = ops.reshape(grads, (ops.shape(grads)[0], -1))
    if target == 0:
        return ops.mean(ops.sum(ops.square(flat), axis=-1))
    norm = ops.sqrt(ops.sum(ops.square(flat), axis=-1) + 1e-12)
    return ops.mean(ops.square(norm - target))
