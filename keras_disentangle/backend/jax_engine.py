"""Adversarial updates on JAX, stateless and jittable.

`fit` threads four lists through the step: trainable variables,
non-trainable variables (BatchNorm statistics, seed generator state),
optimizer variables (every player's optimizer, gathered by the model's
`MultiOptimizer`) and metric variables. The step keeps them in one mapping
from variable to current value, runs each player's loss (ordinary stateful
Keras code) inside a `StatelessScope` on that mapping, differentiates it with
respect to the player's variables only and applies the player's optimizer
with `stateless_apply`.
"""

import jax
import jax.numpy as jnp
from keras import StatelessScope
from keras.src.backend.common import global_state
from keras.src.backend.common.stateless_scope import get_stateless_scope

from keras_disentangle.backend import transposed_convolution

# `fit` jits the whole step with XLA.
AUTO_JIT_COMPILE = True


def train_step(model, state, data):
    trainable, non_trainable, optimizer_values, metric_values = state
    groups = (
        (model.trainable_variables, trainable),
        (model.non_trainable_variables, non_trainable),
        (model.optimizer.variables, optimizer_values),
        (model.metrics_variables, metric_values),
    )
    values = {}
    for variables, group_values in groups:
        for variable, value in zip(variables, group_values):
            values[id(variable)] = value
    model_variables = model.trainable_variables + model.non_trainable_variables

    terms = {}
    for stage in model._update_stages:
        updates = []
        for player in stage:
            grads, player_terms = _player_gradients(
                model, player, data, values, model_variables
            )
            updates.append((player, grads))
            terms.update(player_terms)
        for player, grads in updates:
            optimizer = player.optimizer
            new_params, new_opt = optimizer.stateless_apply(
                [values[id(v)] for v in optimizer.variables],
                grads,
                [values[id(v)] for v in player.variables],
            )
            for variable, value in zip(player.variables, new_params):
                values[id(variable)] = value
            for variable, value in zip(optimizer.variables, new_opt):
                values[id(variable)] = value
    iterations = model.optimizer.iterations
    values[id(iterations)] = values[id(iterations)] + 1

    with StatelessScope(
        state_mapping=[(v, values[id(v)]) for v in model.metrics_variables]
    ) as scope:
        logs = model._update_trackers(terms)
    for variable in model.metrics_variables:
        values[id(variable)] = scope.get_current_value(variable)

    new_state = tuple(
        [values[id(v)] for v in variables] for variables, _ in groups
    )
    return logs, new_state


def _player_gradients(model, player, data, values, model_variables):
    """Gradients of one player's loss; non-trainable updates land in values.

    Players of one stage see the same trainable values (simultaneous
    updates) but the non-trainable state advances from one loss to the
    next, as it does on the eager backends: each draws fresh noise and
    BatchNorm statistics accumulate.
    """
    player_ids = {id(v) for v in player.variables}

    def loss_fn(player_values):
        mapping = dict((id(v), values[id(v)]) for v in model_variables)
        for variable, value in zip(player.variables, player_values):
            mapping[id(variable)] = value
        with StatelessScope(
            state_mapping=[(v, mapping[id(v)]) for v in model_variables]
        ) as scope:
            loss, player_terms = model._player_loss(player, data)
        new_non_trainable = [
            scope.get_current_value(v) for v in model.non_trainable_variables
        ]
        return loss, (player_terms, new_non_trainable)

    player_values = [values[id(v)] for v in player.variables]
    (_, (player_terms, new_non_trainable)), grads = jax.value_and_grad(
        loss_fn, has_aux=True
    )(player_values)
    for variable, value in zip(
        model.non_trainable_variables, new_non_trainable
    ):
        if id(variable) not in player_ids:
            values[id(variable)] = value
    return grads, player_terms


def value_and_input_gradient(fn, x):
    outer = get_stateless_scope()

    def isolated(x):
        # State updates made by `fn` (BatchNorm statistics) are traced with
        # respect to `x`; keep them in a throw-away scope so that no tracer
        # escapes into the training step's state.
        if outer is None:
            return fn(x)
        with StatelessScope() as inner:
            inner.state_mapping = dict(outer.state_mapping)
            return fn(x)

    value, vjp = jax.vjp(isolated, jnp.asarray(x))
    (grad,) = vjp(jnp.ones_like(value))
    return value, grad


def conv_transpose_4x4_stride2(x, kernel):
    return transposed_convolution.conv_transpose_4x4_stride2(x, kernel)


def inference_call(owner, name, fn, *args):
    """`fn(*args)` jitted once per `owner` and `name`, weights as inputs.

    Eager Keras on JAX compiles every op of a forward pass separately the
    first time it sees a shape; one jitted function compiles the whole pass
    once, which is what makes a cold `generate()` fast. The variables'
    current values are arguments, so later weight changes are seen.
    """
    variables = owner.variables
    cache = owner.__dict__.get("_inference_functions")
    if cache is None:
        cache = {}
        # Bypasses Keras attribute tracking: a cache, not model state.
        object.__setattr__(owner, "_inference_functions", cache)
    key = (name, tuple(id(v) for v in variables))
    if key not in cache:

        def pure(values, *inputs):
            with StatelessScope(state_mapping=list(zip(variables, values))):
                return fn(*inputs)

        cache[key] = jax.jit(pure)
    return cache[key]([v.value for v in variables], *args)


def build_then_load(build, load):
    """`build()` a model without running its initializers, then `load(model)`.

    Random initializers on JAX compile one XLA program per weight shape,
    which dominates loading a preset whose weights are overwritten anyway.
    Variables created in a `StatelessScope` are registered uninitialised
    (Keras's deferred initialisation); `load` assigns them, and whatever it
    did not assign (e.g. a seed generator's state) is initialised after.
    """
    with StatelessScope(initialize_variables=False):
        model = build()
    try:
        load(model)
    finally:
        pending = global_state.get_global_attribute("uninitialized_variables")
        for variable in pending or ():
            if variable._value is None:
                variable._deferred_initialize()
        global_state.set_global_attribute("uninitialized_variables", [])
    return model
