"""The base model of every adversarial game in keras_disentangle."""

import warnings

import keras
import numpy as np

from keras_disentangle import backend
from keras_disentangle.engine.nan_guard import NaNGuard
from keras_disentangle.engine.schedule import resolve_schedule


class AdversarialModel(keras.Model):
    """A Keras model trained by several players, each with its own optimizer.

    Subclasses build their networks in `__init__` and implement:

    - `build_players()`: a list of `Player`s, i.e. which trainable variables
      each optimizer updates and the loss (written with `keras.ops`) that
      drives it;
    - `default_optimizers()`: the paper's optimizer for each player name.

    Checkpoints (`model.save`, `save_weights`, `ModelCheckpoint`,
    `BackupAndRestore`) hold every player's optimizer state and the state of
    every `SeedGenerator` in the model (the latent sampler's and, e.g.,
    Dropout's), so training resumed from one continues exactly where it
    stopped. Keras alone saves no seed state; files without it still load
    (the seeds then keep their current state). One gap is Keras's: on
    PyTorch, a Dropout layer built without a `seed` draws from torch's global
    generator, which no checkpoint holds; give it a seed to resume exactly.

    Training runs inside plain `model.fit`. The step is backend-specific in
    exactly one place (`keras_disentangle.backend`): jitted and stateless on
    JAX, with every player's optimizer state, BatchNorm statistics and the
    seed generator in the state that `fit` threads; `tf.GradientTape` on
    TensorFlow; `torch.autograd.grad` on PyTorch. Each loss term a player
    declares is logged by `fit` and recorded in its `History`.

    Args:
        update_schedule: the order of updates, see
            `keras_disentangle.engine.resolve_schedule`: `"alternating"`
            (default), `"simultaneous"`, `{"discriminator": 5}` or a list of
            stages.
        seed: integer seed of the model's `SeedGenerator`, which draws every
            latent sample during training.
        **kwargs: passed to `keras.Model` (`name`, `dtype`).
    """

    def __init__(self, update_schedule="alternating", seed=None, **kwargs):
        super().__init__(**kwargs)
        self.update_schedule = update_schedule
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self._players = None
        self._update_stages = None
        self._trackers = {}

    # To implement -------------------------------------------------------------

    def build_players(self):
        """Returns the list of `Player`s of this model."""
        raise NotImplementedError

    def default_optimizers(self):
        """Returns a dict `player name -> keras.optimizers.Optimizer`."""
        raise NotImplementedError

    # Compilation --------------------------------------------------------------

    def compile(
        self,
        optimizer=None,
        *,
        update_schedule=None,
        run_eagerly=False,
        jit_compile="auto",
        steps_per_execution=1,
    ):
        """Configures the players' optimizers and the update schedule.

        Args:
            optimizer: `None` for the paper's optimizers, or a dict
                `player name -> optimizer` (an `Optimizer`, its name, or its
                config); players left out keep the paper's default. A single
                optimizer is accepted only by single-player models.
            update_schedule: overrides the schedule given to the constructor.
            run_eagerly, steps_per_execution: as in `keras.Model.compile`.
            jit_compile: as in `keras.Model.compile`, but `"auto"` compiles
                the step with XLA on TensorFlow's CPU too (Keras keeps it off
                there; the adversarial step runs about twice as fast with it,
                see benchmarks/) and stays eager on PyTorch.
        """
        self._mark_built()
        players = self.build_players()
        names = [player.name for player in players]
        if len(set(names)) != len(names):
            raise ValueError(f"Player names must be unique: {names}.")
        optimizers = self._resolve_optimizers(optimizer, names)
        if update_schedule is not None:
            self.update_schedule = update_schedule
        stages = resolve_schedule(self.update_schedule, names)

        owners = {}
        for player in players:
            for variable in player.variables:
                if id(variable) in owners:
                    raise ValueError(
                        f"Variable '{variable.path}' is claimed by the players "
                        f"'{owners[id(variable)]}' and '{player.name}'; each "
                        "trainable variable must belong to one player."
                    )
                owners[id(variable)] = player.name
        trainable = self.trainable_variables
        orphans = [v.path for v in trainable if id(v) not in owners]
        if orphans:
            raise ValueError(
                f"No player updates the trainable variables {orphans[:5]}"
                f"{' ...' if len(orphans) > 5 else ''}. Add them to a player, "
                "or freeze their layers (`layer.trainable = False`) before "
                "compile()."
            )
        order = {id(v): i for i, v in enumerate(trainable)}
        for player in players:
            unknown = [v.path for v in player.variables if id(v) not in order]
            if unknown:
                raise ValueError(
                    f"Player '{player.name}' lists variables that are not "
                    f"trainable variables of the model: {unknown[:5]}."
                )
            # Optimizers are built in the model's variable order.
            player.variables.sort(key=lambda v: order[id(v)])
            player.optimizer = optimizers[player.name]

        log_names = [name for player in players for name in player.logs]
        repeated = sorted({n for n in log_names if log_names.count(n) > 1})
        if repeated:
            raise ValueError(
                f"Each logged loss term needs a unique name; repeated: "
                f"{repeated}."
            )

        if jit_compile == "auto" and not run_eagerly:
            jit_compile = backend.engine().AUTO_JIT_COMPILE
        by_variable = {
            id(v): player.optimizer
            for player in players
            for v in player.variables
        }
        super().compile(
            optimizer=keras.optimizers.MultiOptimizer(
                lambda variable: by_variable[id(variable)]
            ),
            run_eagerly=run_eagerly,
            jit_compile=jit_compile,
            steps_per_execution=steps_per_execution,
        )
        self.optimizer.build(trainable)
        self._players = {player.name: player for player in players}
        self._update_stages = [
            [self._players[name] for name in stage] for stage in stages
        ]
        self._trackers = {
            name: keras.metrics.Mean(name=name) for name in log_names
        }
        self._compile_config = None
        self._player_compile_config = {
            "optimizer": {
                name: keras.optimizers.serialize(opt)
                for name, opt in optimizers.items()
            },
            "update_schedule": self.update_schedule,
            "run_eagerly": run_eagerly,
            "jit_compile": jit_compile,
            "steps_per_execution": steps_per_execution,
        }

    def _mark_built(self):
        """Marks the model built once its networks are.

        Keras would otherwise build a model on its first `fit()` batch by
        calling it on the data, but an adversarial model's `call` takes
        latents, not the training images.
        """
        if self.built:
            return
        unbuilt = [
            layer.name
            for layer in self._flatten_layers(include_self=False)
            if not layer.built
        ]
        if unbuilt:
            raise ValueError(
                f"{type(self).__name__} has layers that are not built yet: "
                f"{unbuilt[:5]}. Build every network in __init__ (start each "
                "Sequential or functional network with keras.Input, or call "
                "layer.build(input_shape)) so that compile() can hand their "
                "variables to the players."
            )
        self.built = True

    def _resolve_optimizers(self, optimizer, names):
        defaults = self.default_optimizers()
        if optimizer is None:
            given = {}
        elif isinstance(optimizer, dict) and not _looks_like_config(optimizer):
            unknown = sorted(set(optimizer) - set(names))
            if unknown:
                raise ValueError(
                    f"compile() received optimizers for unknown players "
                    f"{unknown}; this model's players are {names}."
                )
            given = dict(optimizer)
        elif len(names) == 1:
            given = {names[0]: optimizer}
        else:
            raise ValueError(
                f"{type(self).__name__} has {len(names)} players {names}, "
                "each with its own optimizer. Pass a dict such as "
                "compile(optimizer={"
                + ", ".join(f"'{n}': keras.optimizers.Adam()" for n in names)
                + "}), or nothing for the paper's defaults."
            )
        optimizers = {}
        for name in names:
            value = given.get(name, defaults.get(name))
            if value is None:
                raise ValueError(
                    f"No optimizer for player '{name}'; pass one in "
                    "compile(optimizer={...})."
                )
            optimizers[name] = keras.optimizers.get(value)
        instances = [id(opt) for opt in optimizers.values()]
        if len(set(instances)) != len(instances):
            raise ValueError(
                "Each player needs its own optimizer instance (optimizer "
                "state such as Adam moments is per player)."
            )
        return optimizers

    def get_compile_config(self):
        return getattr(self, "_player_compile_config", None)

    def compile_from_config(self, config):
        self.compile(**config)

    # Training -----------------------------------------------------------------

    @property
    def metrics(self):
        return list(self._trackers.values())

    def train_step(self, *args):
        return backend.engine().train_step(self, *args)

    def test_step(self, *args):
        raise NotImplementedError(
            f"{type(self).__name__} has no validation loss; remove "
            "`validation_data` / `validation_split` from fit() and evaluate "
            "the model with keras_disentangle.metrics instead."
        )

    def fit(
        self,
        x=None,
        y=None,
        batch_size=None,
        epochs=1,
        verbose="auto",
        callbacks=None,
        **kwargs,
    ):
        """`keras.Model.fit`, with checks of the data and of non-finite losses.

        A `NaNGuard` callback is added: a loss term that becomes NaN or
        infinite stops training with an error naming the term. Arrays with a
        `steps_per_epoch` that does not divide their batches get a warning
        with the number of updates Keras will really run (it ends an epoch
        early where the data runs out); `BatchDataset(..., repeat=True)`
        trains exactly `steps_per_epoch` updates per epoch.
        """
        if not self.compiled or self._players is None:
            raise RuntimeError(
                f"{type(self).__name__} must be compiled before fit(): call "
                "model.compile() for the paper's optimizers, or "
                "model.compile(optimizer={'generator': ..., "
                "'discriminator': ...})."
            )
        if isinstance(x, np.ndarray):
            self.validate_training_data(x)
            _warn_short_epochs(
                len(x),
                batch_size,
                kwargs.get("steps_per_epoch"),
                epochs - kwargs.get("initial_epoch", 0),
            )
        callbacks = list(callbacks or [])
        if not any(isinstance(c, NaNGuard) for c in callbacks):
            callbacks.append(NaNGuard())
        return super().fit(
            x,
            y,
            batch_size=batch_size,
            epochs=epochs,
            verbose=verbose,
            callbacks=callbacks,
            **kwargs,
        )

    # Saving -------------------------------------------------------------------

    def _seed_states(self):
        """The state variable of every `SeedGenerator` in the model."""
        weights = {id(v) for v in self.weights}
        return [v for v in self.variables if id(v) not in weights]

    def save_own_variables(self, store):
        super().save_own_variables(store)
        for i, state in enumerate(self._seed_states()):
            store[f"{SEED_STATE_PREFIX}{i}"] = state

    def load_own_variables(self, store):
        saved = sorted(
            (key for key in store.keys() if key.startswith(SEED_STATE_PREFIX)),
            key=lambda key: int(key[len(SEED_STATE_PREFIX) :]),
        )
        super().load_own_variables(_WithoutSeedStates(store))
        if not saved:
            return
        states = self._seed_states()
        if len(saved) != len(states):
            raise ValueError(
                f"The weights file holds {len(saved)} random seed states but "
                f"{type(self).__name__} '{self.name}' has {len(states)} "
                "SeedGenerators: the file was saved from a different "
                "architecture. Build the model with the configuration it was "
                "saved with."
            )
        for key, state in zip(saved, states):
            # Seeds are uint32 bit patterns; backends store them as uint32,
            # int32 or int64, so cast with wrap-around.
            value = np.asarray(store[key]).astype(np.int64)
            state.assign(
                value.astype(keras.backend.standardize_dtype(state.dtype))
            )

    def validate_training_data(self, x):
        """Checks a numpy array of training data; raises a clear error."""

    def _player_loss(self, player, data):
        terms = player.loss(data)
        if not isinstance(terms, dict) or player.objective not in terms:
            raise ValueError(
                f"The loss of player '{player.name}' must return a dict with "
                f"the key '{player.objective}'. Received: {terms!r}"
            )
        undeclared = sorted(set(terms) - set(player.logs))
        if undeclared:
            raise ValueError(
                f"The loss of player '{player.name}' returned undeclared "
                f"terms {undeclared}; list them in Player(logs=...)."
            )
        return terms[player.objective], terms

    def _check_gradients(self, player, grads):
        missing = [v.path for v, g in zip(player.variables, grads) if g is None]
        if missing:
            raise ValueError(
                f"The loss of player '{player.name}' does not depend on its "
                f"variables {missing[:5]}. A player's variables must all "
                "receive gradients from its loss; move them to the player "
                "whose loss uses them."
            )

    def _update_trackers(self, terms):
        for name, value in terms.items():
            self._trackers[name].update_state(value)
        return {
            name: tracker.result() for name, tracker in self._trackers.items()
        }


SEED_STATE_PREFIX = "seed_state_"


class _WithoutSeedStates:
    """A view of a weights store that hides the seed states."""

    def __init__(self, store):
        self.store = store

    def keys(self):
        return [
            key
            for key in self.store.keys()
            if not key.startswith(SEED_STATE_PREFIX)
        ]

    def __getitem__(self, key):
        return self.store[key]


def _warn_short_epochs(samples, batch_size, steps_per_epoch, epochs):
    """Warns where array input makes Keras train fewer updates than asked.

    With arrays and `steps_per_epoch`, Keras ends the epoch that reaches the
    end of the data early and starts the next epoch on a new pass.
    """
    if not steps_per_epoch or not samples:
        return
    batches = -(-samples // (batch_size or 32))
    epochs_per_pass = -(-batches // steps_per_epoch)
    passes, rest = divmod(epochs, epochs_per_pass)
    updates = passes * batches + min(rest * steps_per_epoch, batches)
    if updates < epochs * steps_per_epoch:
        warnings.warn(
            f"fit() on arrays of {samples} samples ({batches} batches per "
            f"pass) with steps_per_epoch={steps_per_epoch}: Keras ends each "
            "epoch that reaches the end of the data early, so these "
            f"{epochs} epochs train {updates} updates, not "
            f"{epochs * steps_per_epoch}. To train exactly steps_per_epoch "
            "updates per epoch, pass keras_disentangle.datasets."
            "BatchDataset(x, batch_size, shuffle=True, drop_remainder=True, "
            "repeat=True) with shuffle=False.",
            stacklevel=3,
        )


def _looks_like_config(value):
    return "class_name" in value and "config" in value
