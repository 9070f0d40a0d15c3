"""Update schedules: in which order players take their steps."""


def resolve_schedule(schedule, player_names):
    """Turns a schedule spec into a list of stages (tuples of player names).

    Players of one stage compute their gradients at the same parameter
    values and are then updated together; stages run in order, each seeing
    the updates of the previous ones.

    Args:
        schedule: one of
            - `"alternating"`: each player in turn (the GAN default: the
              discriminator steps, then the generator steps against the
              updated discriminator);
            - `"simultaneous"`: all players in one stage;
            - `{"name": n, ...}`: alternating, with `n` consecutive steps for
              the named players (e.g. `{"discriminator": 5}` for five critic
              steps per generator step; the repeated steps reuse the batch of
              real data and draw fresh latent codes);
            - an explicit list of stages, each a player name or a tuple of
              names.
        player_names: the model's player names, in declaration order.
    """
    names = list(player_names)
    if schedule == "alternating":
        stages = [(name,) for name in names]
    elif schedule == "simultaneous":
        stages = [tuple(names)]
    elif isinstance(schedule, dict):
        unknown = sorted(set(schedule) - set(names))
        if unknown:
            raise ValueError(
                f"The schedule names unknown players {unknown}; this model's "
                f"players are {names}."
            )
        stages = []
        for name in names:
            repeats = schedule.get(name, 1)
            if int(repeats) != repeats or repeats < 1:
                raise ValueError(
                    f"Steps per update must be positive integers. "
                    f"Received {name}: {repeats!r}."
                )
            stages.extend([(name,)] * int(repeats))
    elif isinstance(schedule, (list, tuple)):
        stages = [
            (stage,) if isinstance(stage, str) else tuple(stage)
            for stage in schedule
        ]
        for stage in stages:
            unknown = sorted(set(stage) - set(names))
            if unknown or len(set(stage)) != len(stage):
                raise ValueError(
                    f"Invalid schedule stage {stage}: names must be distinct "
                    f"players of this model, which has {names}."
                )
    else:
        raise ValueError(
            "update_schedule must be 'alternating', 'simultaneous', a dict of "
            "steps per player such as {'discriminator': 5}, or a list of "
            f"stages. Received: {schedule!r}"
        )
    scheduled = {name for stage in stages for name in stage}
    idle = [name for name in names if name not in scheduled]
    if idle:
        raise ValueError(
            f"The schedule never updates the players {idle}. Add them to a "
            "stage."
        )
    return stages
