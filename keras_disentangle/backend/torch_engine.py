"""Adversarial updates on PyTorch: autograd restricted to each player."""

import contextlib
import functools
import weakref

import keras
import torch
from keras import ops

# Eager: torch.compile takes minutes to warm up on an adversarial step.
AUTO_JIT_COMPILE = False


# model -> (the stages it was computed for, {player name: other variables})
_OTHER_VARIABLES = weakref.WeakKeyDictionary()


def _other_variables(model):
    """For each player, the trainable variables of every other player."""
    cached = _OTHER_VARIABLES.get(model)
    if cached is None or cached[0] is not model._update_stages:
        players = [p for stage in model._update_stages for p in stage]
        others = {}
        for player in players:
            own = {id(v) for v in player.variables}
            others[player.name] = [
                v
                for other in players
                for v in other.variables
                if id(v) not in own
            ]
        cached = (model._update_stages, others)
        _OTHER_VARIABLES[model] = cached
    return cached[1]


@contextlib.contextmanager
def _frozen(variables):
    """Autograd records no graph for `variables` (their gradients are not
    needed): the D step's generator pass runs like `torch.no_grad()`, and
    the G step skips D's weight gradients."""
    params = [v.value for v in variables if v.value.requires_grad]
    for param in params:
        param.requires_grad_(False)
    try:
        yield
    finally:
        for param in params:
            param.requires_grad_(True)


def _is_keras_torch_adam(optimizer):
    """Whether `optimizer` updates with Keras's own torch Adam arithmetic."""
    method = getattr(type(optimizer), "_parallel_update_step", None)
    return (
        isinstance(optimizer, keras.optimizers.Adam)
        and not optimizer.amsgrad
        and method is not None
        and method.__qualname__ == "Adam._parallel_update_step"
    )


# A step count at which Adam's bias corrections are exactly 1 in float32.
_NO_BIAS_CORRECTION_STEP = 2.0**30


def _fused_adam_update(optimizer, grads, variables, learning_rate):
    """Keras's torch Adam update (`_parallel_update_step`), fused.

    Keras's Adam: with `alpha = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)`,
    `m = beta_1 m + (1 - beta_1) g`, `v = beta_2 v + (1 - beta_2) g^2`,
    `w -= alpha m / (sqrt(v) + epsilon)`. torch's fused Adam kernel does
    the same in one pass over memory when it is given `alpha` as its
    learning rate and a step count at which its own bias corrections are 1
    (torch puts epsilon after the bias correction, Keras before; with the
    corrections at 1 they agree). Results match Keras's to float32
    rounding. Keras's version makes ten passes and five temporaries per
    variable: on CPU that made Adam a fifth of an InfoGAN step. Everything
    around the update (learning-rate schedules, clipping, weight decay,
    EMA, the iteration count) stays Keras's. Under `torch.compile`
    (`jit_compile=True`) Keras's own update runs, since the compiler
    cannot trace the fused kernel's call and fuses the plain arithmetic
    itself.
    """
    if torch.compiler.is_compiling():
        type(optimizer)._parallel_update_step(
            optimizer, grads, variables, learning_rate
        )
        return
    params = [v.value for v in variables]
    dtype = params[0].dtype
    lr = ops.cast(learning_rate, dtype)
    step = ops.cast(optimizer.iterations + 1, dtype)
    beta_1_power = ops.power(ops.cast(optimizer.beta_1, dtype), step)
    beta_2_power = ops.power(ops.cast(optimizer.beta_2, dtype), step)
    alpha = lr * ops.sqrt(1 - beta_2_power) / (1 - beta_1_power)
    index = optimizer._get_variable_index
    no_correction = torch.full(
        (), _NO_BIAS_CORRECTION_STEP, dtype=torch.float32, device=alpha.device
    )
    torch._fused_adam_(
        params,
        list(grads),
        [optimizer._momentums[index(v)].value for v in variables],
        [optimizer._velocities[index(v)].value for v in variables],
        [],
        [no_correction] * len(params),
        lr=alpha,
        beta1=float(optimizer.beta_1),
        beta2=float(optimizer.beta_2),
        weight_decay=0.0,
        eps=float(optimizer.epsilon),
        amsgrad=False,
        maximize=False,
    )


def _prepare_optimizer(optimizer, variables):
    """Swaps in the fused update for Keras's torch Adam (and AdamW)."""
    if getattr(optimizer, "_fused_update_checked", False):
        return
    values = [v.value for v in variables]
    if (
        _is_keras_torch_adam(optimizer)
        and len({(x.dtype, x.device) for x in values}) == 1
        and values[0].dtype == torch.float32
    ):
        optimizer._parallel_update_step = functools.partial(
            _fused_adam_update, optimizer
        )
    optimizer._fused_update_checked = True


def train_step(model, data):
    terms = {}
    others = _other_variables(model)
    for stage in model._update_stages:
        updates = []
        for player in stage:
            params = [v.value for v in player.variables]
            with _frozen(others[player.name]):
                loss, player_terms = model._player_loss(player, data)
                grads = torch.autograd.grad(loss, params, allow_unused=True)
            model._check_gradients(player, grads)
            updates.append((player, list(grads)))
            terms.update(player_terms)
        with torch.no_grad():
            for player, grads in updates:
                _prepare_optimizer(player.optimizer, player.variables)
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
