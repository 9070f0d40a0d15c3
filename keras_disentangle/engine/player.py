"""A player: the variables one optimizer updates and the loss that drives it."""


class Player:
    """One network (or group of networks) in an adversarial game.

    Args:
        name: the player's name, e.g. `"generator"`; `compile()` takes one
            optimizer per player name.
        variables: the trainable variables this player's optimizer updates.
            Each trainable variable of the model belongs to exactly one
            player.
        loss: a callable `loss(data) -> dict` of scalar tensors written with
            `keras.ops`. The entry named `objective` is minimised; every
            entry is logged by `fit` under its key.
        objective: the key of the minimised entry of the loss dict.
        logs: every key `loss` returns (the objective included), declared
            up front so that their metric trackers exist before training.

    Example:

    ```python
    Player(
        "discriminator",
        variables=discriminator.trainable_variables,
        loss=lambda images: {"d_loss": ...},
        objective="d_loss",
        logs=("d_loss",),
    )
    ```
    """

    def __init__(self, name, variables, loss, objective, logs=None):
        if not callable(loss):
            raise TypeError(
                f"Player '{name}' needs a callable loss. Received: {loss!r}"
            )
        logs = tuple(logs) if logs is not None else (objective,)
        if objective not in logs:
            logs = (objective,) + logs
        self.name = name
        self.variables = list(variables)
        self.loss = loss
        self.objective = objective
        self.logs = logs
        self.optimizer = None

    def __repr__(self):
        return (
            f"Player(name={self.name!r}, variables={len(self.variables)}, "
            f"objective={self.objective!r})"
        )
