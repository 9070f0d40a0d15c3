import warnings

import keras
import numpy as np
import pytest

from tests.engine.toy_models import BilinearGame
from tests.engine.toy_models import PenaltyGame
from tests.engine.toy_models import ReversalGame
from tests.engine.toy_models import ToyGAN


def _values(variables):
    return [np.array(keras.ops.convert_to_numpy(v)) for v in variables]


def _fit_one_step(model, data, **kwargs):
    return model.fit(
        data, batch_size=len(data), epochs=1, verbose=0, shuffle=False, **kwargs
    )


@pytest.mark.parametrize(
    "schedule, expected_w, expected_theta",
    [
        # D steps first; G's gradient (-w) is taken at the updated w.
        ("alternating", 0.5 - 0.1 * (2.0 - 1.0), 2.0 + 0.1 * 0.4),
        # Both gradients at the starting point.
        ("simultaneous", 0.4, 2.0 + 0.1 * 0.5),
        # Three critic steps, then one generator step.
        ({"discriminator": 3}, 0.5 - 3 * 0.1, 2.0 + 0.1 * 0.2),
        ([("discriminator", "generator")], 0.4, 2.05),
    ],
)
def test_schedules_match_closed_form(schedule, expected_w, expected_theta):
    model = BilinearGame(update_schedule=schedule)
    model.compile()
    _fit_one_step(model, np.ones((4, 1), "float32"))
    w = float(keras.ops.convert_to_numpy(model.d.value))
    theta = float(keras.ops.convert_to_numpy(model.g.value))
    np.testing.assert_allclose(w, expected_w, rtol=1e-6)
    np.testing.assert_allclose(theta, expected_theta, rtol=1e-6)


@pytest.mark.parametrize("jit_compile", [False, True])
def test_adam_updates_follow_adams_formulas_over_several_steps(jit_compile):
    # The engine applies Keras's Adam (fused in place on torch, Keras's own
    # arithmetic under torch.compile); three alternating steps of the
    # bilinear game, against Adam written out in numpy, compiled or not
    # (XLA on TensorFlow and JAX, torch.compile on PyTorch).
    lr, beta_1, beta_2, eps = 0.05, 0.8, 0.99, 1e-7
    model = BilinearGame(update_schedule="alternating")
    model.compile(
        optimizer={
            name: keras.optimizers.Adam(
                lr, beta_1=beta_1, beta_2=beta_2, epsilon=eps
            )
            for name in ("discriminator", "generator")
        },
        jit_compile=jit_compile,
    )
    data = np.full((4, 1), 0.25, "float32")
    w, theta = 0.5, 2.0
    state = {"w": [0.0, 0.0], "theta": [0.0, 0.0]}

    def adam(name, value, grad, t):
        m, v = state[name]
        m = beta_1 * m + (1 - beta_1) * grad
        v = beta_2 * v + (1 - beta_2) * grad**2
        state[name] = [m, v]
        alpha = lr * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
        return value - alpha * m / (np.sqrt(v) + eps)

    for t in (1, 2, 3):
        _fit_one_step(model, data)
        w = adam("w", w, theta - 0.25, t)
        theta = adam("theta", theta, -w, t)
        np.testing.assert_allclose(
            float(keras.ops.convert_to_numpy(model.d.value)), w, rtol=1e-5
        )
        np.testing.assert_allclose(
            float(keras.ops.convert_to_numpy(model.g.value)), theta, rtol=1e-5
        )


@pytest.mark.parametrize("player", ["discriminator", "generator"])
def test_each_player_changes_only_its_own_variables(player):
    keras.utils.set_random_seed(0)
    model = ToyGAN(seed=1)
    # The other player's optimizer has a zero learning rate: any change of
    # its variables would come from the wrong optimizer.
    other = "generator" if player == "discriminator" else "discriminator"
    model.compile(
        optimizer={
            player: keras.optimizers.SGD(0.1),
            other: keras.optimizers.SGD(0.0),
        }
    )
    net = getattr(model, player)
    other_net = getattr(model, other)
    before_own = _values(net.trainable_variables)
    before_other = _values(other_net.trainable_variables)
    data = np.random.RandomState(0).normal(size=(16, 3)).astype("float32")
    _fit_one_step(model, data)
    after_own = _values(net.trainable_variables)
    after_other = _values(other_net.trainable_variables)
    assert all(not np.allclose(a, b) for a, b in zip(before_own, after_own)), (
        f"every {player} variable should move"
    )
    for a, b in zip(before_other, after_other):
        np.testing.assert_array_equal(a, b)


def test_batchnorm_statistics_and_optimizer_state_advance():
    keras.utils.set_random_seed(0)
    model = ToyGAN(seed=1)
    model.compile()
    bn_vars = [
        v
        for v in model.generator.non_trainable_variables
        + model.discriminator.non_trainable_variables
        if "moving" in v.path
    ]
    assert len(bn_vars) == 4
    before = _values(bn_vars)
    seed_before = _values([model.seed_generator.state])[0]
    data = np.random.RandomState(0).normal(size=(32, 3)).astype("float32")
    model.fit(data, batch_size=8, epochs=1, verbose=0)
    for a, b in zip(before, _values(bn_vars)):
        assert not np.allclose(a, b)
    assert not np.array_equal(
        seed_before, _values([model.seed_generator.state])[0]
    )
    steps = 4
    assert int(keras.ops.convert_to_numpy(model.optimizer.iterations)) == steps
    for player in model._players.values():
        opt = player.optimizer
        assert int(keras.ops.convert_to_numpy(opt.iterations)) == steps
        moments = [v for v in opt.variables if "momentum" in v.path]
        assert moments and all(
            np.any(np.asarray(m) != 0) for m in _values(moments)
        )
    # Every player optimizer's state is part of the model's optimizer state,
    # which is what fit threads on JAX and what checkpoints save.
    all_state = {id(v) for v in model.optimizer.variables}
    for player in model._players.values():
        assert {id(v) for v in player.optimizer.variables} <= all_state


def test_fit_logs_each_loss_term_in_history():
    model = ToyGAN(seed=1)
    model.compile()
    data = np.random.RandomState(0).normal(size=(32, 3)).astype("float32")
    history = model.fit(data, batch_size=8, epochs=2, verbose=0)
    assert set(history.history) == {"d_loss", "d_real", "g_loss"}
    assert all(len(v) == 2 for v in history.history.values())
    assert all(np.isfinite(v).all() for v in history.history.values())


def test_fit_with_fixed_seed_is_reproducible():
    def run():
        keras.utils.set_random_seed(123)
        model = ToyGAN(seed=7)
        model.compile()
        data = np.random.RandomState(0).normal(size=(32, 3)).astype("float32")
        history = model.fit(
            data, batch_size=8, epochs=2, verbose=0, shuffle=False
        )
        return _values(model.weights), history.history

    weights_a, history_a = run()
    weights_b, history_b = run()
    for a, b in zip(weights_a, weights_b):
        np.testing.assert_array_equal(a, b)
    assert history_a == history_b


def test_steps_per_execution_runs_the_same_updates():
    # compile(steps_per_execution=4) runs four train steps per call (one
    # compiled loop on JAX and TensorFlow); the updates, the seed stream
    # and the BatchNorm statistics must be those of single steps.
    if keras.backend.backend() == "torch":
        pytest.skip("Keras's PyTorch trainer runs one step per execution")

    def run(steps_per_execution):
        keras.utils.set_random_seed(123)
        model = ToyGAN(seed=7)
        model.compile(steps_per_execution=steps_per_execution)
        data = np.random.RandomState(0).normal(size=(64, 3)).astype("float32")
        model.fit(data, batch_size=8, epochs=2, verbose=0, shuffle=False)
        iterations = {
            name: int(keras.ops.convert_to_numpy(player.optimizer.iterations))
            for name, player in model._players.items()
        }
        return _values(model.weights), iterations

    single, single_iterations = run(1)
    looped, looped_iterations = run(4)
    assert single_iterations == looped_iterations == {
        "discriminator": 16,
        "generator": 16,
    }
    for a, b in zip(single, looped):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


class CountingToyGAN(ToyGAN):
    """Counts the Python runs of its discriminator loss."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.loss_runs = 0

    def d_loss(self, data):
        self.loss_runs += 1
        return super().d_loss(data)


def test_the_train_step_is_traced_once_across_epochs_and_fit_calls():
    # JAX and TensorFlow run the loss's Python once, while tracing; more
    # runs would mean retracing. PyTorch runs eagerly: once per step.
    model = CountingToyGAN(seed=1)
    model.compile()
    data = np.random.RandomState(0).normal(size=(40, 3)).astype("float32")
    model.fit(data, batch_size=8, epochs=1, steps_per_epoch=1, verbose=0)
    model.fit(data, batch_size=8, epochs=3, verbose=0)  # 15 more steps
    expected = 16 if keras.backend.backend() == "torch" else 1
    assert model.loss_runs == expected


def test_second_order_input_gradient_trains_through_the_engine():
    model = PenaltyGame(w=0.5)
    model.compile()
    data = np.random.RandomState(0).normal(size=(8, 3)).astype("float32")
    _fit_one_step(model, data)
    s = np.mean(np.sum(data**2, axis=-1))
    expected = 0.5 - 0.01 * 8 * 0.5 * s
    w = float(keras.ops.convert_to_numpy(model.d.value))
    np.testing.assert_allclose(w, expected, rtol=1e-5)


def test_gradient_reversal_flips_and_scales_the_gradient():
    model = ReversalGame(w=0.5, scale=2.0)
    model.compile()
    data = np.full((4, 1), 3.0, "float32")
    _fit_one_step(model, data)
    # Without reversal SGD would give 0.5 - 0.1 * 3; reversed and scaled by 2:
    w = float(keras.ops.convert_to_numpy(model.d.value))
    np.testing.assert_allclose(w, 0.5 + 0.1 * 2.0 * 3.0, rtol=1e-6)
    # The forward pass is the identity.
    x = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(model.reversal(x)), x
    )


def test_fit_before_compile_says_how_to_fix():
    model = ToyGAN()
    with pytest.raises(RuntimeError, match=r"compile\(\)"):
        model.fit(np.zeros((4, 3), "float32"), verbose=0)


# Keras's own warning for the same case ("interrupting training").
@pytest.mark.filterwarnings("ignore:Your input ran out of data")
def test_short_epochs_on_arrays_are_announced_and_avoidable():
    """Arrays of 5 batches in epochs of 2 steps: Keras cuts every third epoch
    to 1 step (5 epochs, 9 updates); fit says so, BatchDataset(repeat=True)
    gives all 10."""
    from keras_disentangle.datasets import BatchDataset

    data = np.random.RandomState(0).normal(size=(40, 3)).astype("float32")
    model = ToyGAN(seed=0)
    model.compile()
    with pytest.warns(UserWarning, match="train 9 updates, not 10"):
        model.fit(data, batch_size=8, epochs=5, steps_per_epoch=2, verbose=0)
    assert int(keras.ops.convert_to_numpy(model.optimizer.iterations)) == 9
    # Epochs 3 to 5 only: 2 + 1 + 2 updates (a new pass at each fit).
    with pytest.warns(UserWarning, match="train 5 updates, not 6"):
        model.fit(
            data, batch_size=8, epochs=5, initial_epoch=2, steps_per_epoch=2,
            verbose=0,
        )  # fmt: skip
    assert int(keras.ops.convert_to_numpy(model.optimizer.iterations)) == 14

    model = ToyGAN(seed=0)
    model.compile()
    batches = BatchDataset(
        data, batch_size=8, shuffle=True, seed=0, drop_remainder=True,
        repeat=True,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        model.fit(
            batches, epochs=5, steps_per_epoch=2, shuffle=False, verbose=0
        )
    assert int(keras.ops.convert_to_numpy(model.optimizer.iterations)) == 10


def test_compile_errors():
    model = ToyGAN()
    with pytest.raises(ValueError, match="Pass a dict"):
        model.compile(optimizer=keras.optimizers.Adam())
    with pytest.raises(ValueError, match="unknown players"):
        model.compile(optimizer={"critic": "adam"})
    with pytest.raises(ValueError, match="never updates"):
        model.compile(update_schedule=["discriminator"])
    with pytest.raises(ValueError, match="update_schedule must be"):
        model.compile(update_schedule="round-robin")
    shared = keras.optimizers.Adam()
    with pytest.raises(ValueError, match="its own optimizer instance"):
        model.compile(optimizer={"generator": shared, "discriminator": shared})


class UnmarkedToyGAN(ToyGAN):
    """ToyGAN without `self.built = True` at the end of its constructor."""

    def __init__(self, extra_layer=None, **kwargs):
        super().__init__(**kwargs)
        self.built = False
        self.extra_layer = extra_layer


def test_compile_marks_a_model_with_built_networks_as_built():
    # Keras would otherwise build the model by calling it on the images.
    model = UnmarkedToyGAN()
    model.compile()
    assert model.built
    history = _fit_one_step(model, np.ones((8, 3), "float32"))
    assert np.isfinite(history.history["g_loss"][0])


def test_compile_refuses_unbuilt_layers():
    model = UnmarkedToyGAN(extra_layer=keras.layers.Dense(2, name="head"))
    with pytest.raises(ValueError, match=r"not built yet: \['head'\]"):
        model.compile()


def test_validation_data_is_refused_clearly():
    model = ToyGAN()
    model.compile()
    data = np.zeros((8, 3), "float32")
    with pytest.raises(NotImplementedError, match="validation"):
        model.fit(data, validation_data=(data,), epochs=1, verbose=0)


def test_non_finite_loss_stops_training_with_a_clear_error():
    model = BilinearGame()
    model.compile()
    data = np.full((4, 1), np.nan, "float32")
    with pytest.raises(FloatingPointError, match="'d_loss'.*became nan"):
        model.fit(data, batch_size=4, epochs=1, verbose=0)


def _seed_datasets(path):
    import h5py

    found = []
    with h5py.File(path, "r") as f:
        f.visititems(
            lambda name, obj: found.append(name)
            if "seed_state_" in name.rsplit("/", 1)[-1]
            else None
        )
    return found


def _toy_run(epochs, weights_in=None, weights_out=None):
    keras.utils.set_random_seed(123)
    model = ToyGAN(seed=7)
    model.compile()
    if weights_in is not None:
        model.load_weights(weights_in)
    data = np.random.RandomState(0).normal(size=(32, 3)).astype("float32")
    model.fit(data, batch_size=8, epochs=epochs, verbose=0, shuffle=False)
    if weights_out is not None:
        model.save_weights(weights_out)
    return model


def test_training_resumed_from_a_checkpoint_continues_exactly(tmp_path):
    """fit(2 epochs) == fit(1 epoch), save, load into a new model, fit(1):
    the checkpoint holds both optimizers' state and the seed states (the
    latent sampler's and Dropout's), which Keras alone does not save."""
    checkpoint = str(tmp_path / "toy.weights.h5")
    uninterrupted = _toy_run(2)
    first_half = _toy_run(1, weights_out=checkpoint)
    # The model's SeedGenerator and the discriminator's Dropout.
    assert len(_seed_datasets(checkpoint)) == 2
    resumed = _toy_run(1, weights_in=checkpoint)
    assert len(resumed.variables) == len(uninterrupted.variables)
    for a, b in zip(
        _values(uninterrupted.variables), _values(resumed.variables)
    ):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    for a, b in zip(
        _values(uninterrupted.optimizer.variables),
        _values(resumed.optimizer.variables),
    ):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    # Training advanced the seed state, so restoring it is what keeps the
    # resumed run on the same latents.
    assert not np.array_equal(
        _values([first_half.seed_generator.state])[0],
        _values([ToyGAN(seed=7).seed_generator.state])[0],
    )


def test_weights_without_seed_states_still_load(tmp_path):
    import h5py

    path = str(tmp_path / "toy.weights.h5")
    trained = _toy_run(1, weights_out=path)
    with h5py.File(path, "r+") as f:
        for name in _seed_datasets(path):
            del f[name]
    model = ToyGAN(seed=7)
    model.compile()
    fresh_seed = _values([model.seed_generator.state])[0]
    model.load_weights(path)
    for a, b in zip(_values(trained.weights), _values(model.weights)):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(
        _values([model.seed_generator.state])[0], fresh_seed
    )


def test_weights_with_other_seed_states_raise(tmp_path):
    import h5py

    path = str(tmp_path / "toy.weights.h5")
    _toy_run(1, weights_out=path)
    name = _seed_datasets(path)[0]
    with h5py.File(path, "r+") as f:
        f[name.rsplit("/", 1)[0] + "/seed_state_9"] = np.zeros(2, "int64")
    model = ToyGAN(seed=7)
    model.compile()
    with pytest.raises(ValueError, match="3 random seed states but ToyGAN"):
        model.load_weights(path)


def test_backup_and_restore_resumes_an_interrupted_fit(tmp_path):
    class Interrupt(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 0:
                raise KeyboardInterrupt

    data = np.random.RandomState(0).normal(size=(32, 3)).astype("float32")
    backup = keras.callbacks.BackupAndRestore(str(tmp_path / "backup"))

    def fit(callbacks):
        keras.utils.set_random_seed(123)
        model = ToyGAN(seed=7)
        model.compile()
        model.fit(
            data,
            batch_size=8,
            epochs=2,
            verbose=0,
            shuffle=False,
            callbacks=callbacks,
        )
        return model

    with pytest.raises(KeyboardInterrupt):
        fit([backup, Interrupt()])
    resumed = fit([backup])
    uninterrupted = _toy_run(2)
    for a, b in zip(
        _values(uninterrupted.variables), _values(resumed.variables)
    ):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@keras.saving.register_keras_serializable(package="keras_disentangle_tests")
class SerializableToyGAN(ToyGAN):
    def get_config(self):
        return {
            "latent_dim": self.latent_dim,
            "seed": self.seed,
            "update_schedule": self.update_schedule,
        }


def test_saved_model_resumes_exactly(tmp_path):
    """`model.save` / `keras.saving.load_model`: the loaded model is compiled
    with the players' optimizers, their state and the seed states, and a
    second epoch gives what an uninterrupted two-epoch fit gives."""
    data = np.random.RandomState(0).normal(size=(32, 3)).astype("float32")

    def new_model():
        keras.utils.set_random_seed(123)
        model = SerializableToyGAN(seed=7)
        model.compile()
        return model

    def fit(model):
        model.fit(data, batch_size=8, epochs=1, verbose=0, shuffle=False)

    uninterrupted = new_model()
    fit(uninterrupted)
    fit(uninterrupted)
    interrupted = new_model()
    fit(interrupted)
    path = str(tmp_path / "toy.keras")
    interrupted.save(path)
    keras.utils.set_random_seed(0)  # loading must not depend on it
    loaded = keras.saving.load_model(path)
    assert set(loaded._players) == {"discriminator", "generator"}
    fit(loaded)
    for a, b in zip(
        _values(uninterrupted.variables), _values(loaded.variables)
    ):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
