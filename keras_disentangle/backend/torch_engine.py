"""Adversarial updates on PyTorch: autograd restricted to each player."""

import torch
from keras import ops

# Eager: torch.compile takes minutes to warm up on an adversarial step.
AUTO_JIT_COMPILE = False


def train_step(model, data):
    terms = {}
    for stage in model._update_stages:
        updates = []
        for player in stage:
            loss, player_terms = model._player_loss(player, data)
            params = [v.value for v in player.variables]
            grads = torch.autograd.grad(loss, params, allow_unused=True)
            model._check_gradients(player, grads)
            updates.append((player, list(grads)))
            terms.update(player_terms)
        with torch.no_grad():
            for player, grads in updates:
                player.optimizer.apply(grads, player.variables)
    with torch.no_grad():
        model.optimizer.iterations.assign_add(1)
    terms = {name: value.detach() for name, value in terms.items()}
    return model._update_trackers(terms)


def value_and_input_gradient(fn, x):
    x = torch.as_tensor(x)
    if not x.requires_grad:
        x = x.detach().requires_grad_(True)
    value = fn(x)
    (grad,) = torch.autograd.grad(value.sum(), x, create_graph=True)
    return value, grad


def conv_transpose_4x4_stride2(x, kernel):
    return ops.conv_transpose(x, kernel, 2, padding="same")


def inference_call(owner, name, fn, *args):
    """`fn(*args)` without recording an autograd graph."""
    del owner, name
    with torch.no_grad():
        return fn(*args)


def build_then_load(build, load):
    """`build()` a model, then `load(model)` its weights."""
    model = build()
    load(model)
    return model
