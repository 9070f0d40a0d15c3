"""Adversarial updates on TensorFlow: one GradientTape per player."""

import tensorflow as tf
from keras import ops

# XLA, also on CPU: about twice the steps per second of a plain
# tf.function for the InfoGAN step (benchmarks/infogan_training_speed.py).
AUTO_JIT_COMPILE = True


def train_step(model, data):
    terms = {}
    for stage in model._update_stages:
        updates = []
        for player in stage:
            with tf.GradientTape() as tape:
                loss, player_terms = model._player_loss(player, data)
            grads = tape.gradient(loss, player.variables)
            model._check_gradients(player, grads)
            updates.append((player, grads))
            terms.update(player_terms)
        for player, grads in updates:
            player.optimizer.apply(grads, player.variables)
    model.optimizer.iterations.assign_add(1)
    return model._update_trackers(terms)


def value_and_input_gradient(fn, x):
    x = tf.convert_to_tensor(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        value = fn(x)
        total = tf.reduce_sum(value)
    return value, tape.gradient(total, x)


def conv_transpose_4x4_stride2(x, kernel):
    return ops.conv_transpose(x, kernel, 2, padding="same")


def inference_call(owner, name, fn, *args):
    """`fn(*args)`, eagerly (tracing a `tf.function` costs more at start)."""
    del owner, name
    return fn(*args)


def build_then_load(build, load):
    """`build()` a model, then `load(model)` its weights."""
    model = build()
    load(model)
    return model
