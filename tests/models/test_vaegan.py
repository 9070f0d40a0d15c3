import functools
import itertools

import keras
import numpy as np
import pytest

import keras_disentangle as kd
from keras_disentangle.models.vaegan import bernoulli_nll
from keras_disentangle.models.vaegan import gan_balance
from keras_disentangle.models.vaegan import gaussian_kl
from keras_disentangle.models.vaegan import gaussian_nll
from tests.models.image_model_utils import assert_fit_rejects_bad_images
from tests.models.image_model_utils import assert_moved
from tests.models.image_model_utils import assert_round_trip
from tests.models.image_model_utils import assert_unchanged
from tests.models.image_model_utils import compile_for
from tests.models.image_model_utils import constructor_defaults
from tests.models.image_model_utils import random_images
from tests.models.image_model_utils import to_numpy
from tests.models.image_model_utils import values

tiny = functools.partial(kd.VAEGAN, units=16, latent_dim=4)


def test_paper_defaults_and_network_structure():
    defaults = constructor_defaults(kd.VAEGAN)
    assert defaults["latent_dim"] == 64
    assert defaults["units"] == 1024
    assert defaults["feature_layer"] == "dense_2"
    assert defaults["recon_vs_gan_weight"] == 1e-2
    assert (defaults["equilibrium"], defaults["margin"]) == (0.68, 0.35)
    assert defaults["discriminate_samples"]
    assert defaults["discriminate_reconstructions"]
    assert defaults["update_schedule"] == "simultaneous"
    model = tiny()
    assert model.generator is model.decoder
    mean, log_var = model.encoder.output_shape
    assert mean == log_var == (None, 4)
    dense = [
        layer.units
        for layer in model.decoder.layers
        if isinstance(layer, keras.layers.Dense)
    ]
    assert dense == [16, 16, 784]
    logits, features = model.discriminator.output_shape
    assert logits == (None, 1) and features == (None, 16)
    norms = [
        layer
        for layer in model.discriminator.layers
        if isinstance(layer, keras.layers.BatchNormalization)
    ]
    assert [(n.momentum, n.epsilon) for n in norms] == [(0.9, 1e-5)] * 2
    optimizers = model.default_optimizers()
    assert set(optimizers) == {"encoder", "decoder", "discriminator"}
    for optimizer in optimizers.values():
        assert isinstance(optimizer, keras.optimizers.RMSprop)
        assert np.isclose(float(to_numpy(optimizer.learning_rate)), 0.025 / 64)
        assert optimizer.rho == 0.9
    vae = tiny(adversarial=False)
    assert vae.discriminator is None
    assert set(vae.default_optimizers()) == {"encoder", "decoder"}


def test_kl_and_likelihoods_match_closed_forms():
    rng = np.random.RandomState(0)
    mean = rng.normal(size=(3, 5)).astype("float32")
    log_var = rng.normal(size=(3, 5)).astype("float32")
    var = np.exp(log_var.astype("float64"))
    # KL(N(m, s^2) || N(0, 1)) = log(1 / s) + (s^2 + m^2) / 2 - 1 / 2.
    closed = np.sum(-0.5 * log_var + 0.5 * (var + mean**2) - 0.5, axis=1)
    np.testing.assert_allclose(
        to_numpy(gaussian_kl(mean, log_var)), closed.mean(), rtol=1e-5
    )
    prediction = rng.rand(3, 4, 4, 1).astype("float32")
    target = rng.rand(3, 4, 4, 1).astype("float32")
    squared = ((prediction - target).astype("float64") ** 2).reshape(3, -1)
    np.testing.assert_allclose(
        to_numpy(gaussian_nll(prediction, target)),
        np.mean(0.5 * squared.sum(axis=1)),
        rtol=1e-5,
    )
    p, t = prediction.astype("float64"), target.astype("float64")
    bce = -(t * np.log(p) + (1 - t) * np.log(1 - p)).reshape(3, -1)
    np.testing.assert_allclose(
        to_numpy(bernoulli_nll(prediction, target)),
        np.mean(bce.sum(axis=1)),
        rtol=1e-4,
    )


def test_gan_balance_matches_the_official_rule():
    def official(real, fake, equilibrium=0.68, margin=0.35):
        dec_update = dis_update = True
        if real < equilibrium - margin or fake < equilibrium - margin:
            dis_update = False
        if real > equilibrium + margin or fake > equilibrium + margin:
            dec_update = False
        if not (dec_update or dis_update):
            dec_update = dis_update = True
        return float(dis_update), float(dec_update)

    costs = [0.1, 0.32, 0.34, 0.68, 1.0, 1.04, 2.5]
    for real, fake in itertools.product(costs, costs):
        d_step, dec_step = gan_balance(
            np.float32(real), np.float32(fake), 0.68, 0.35
        )
        assert (float(to_numpy(d_step)), float(to_numpy(dec_step))) == official(
            real, fake
        ), (real, fake)


PLAYERS = ("encoder", "decoder", "discriminator")
SP_03, SP_NEG_03 = np.log1p(np.exp(0.3)), np.log1p(np.exp(-0.3))


class Stepper:
    """A tiny VAE-GAN compiled once; steps from the same starting state.

    gamma = 1, so that it can also learn as an autoencoder in D's
    features with D held still; the balance rule keeps its default band.
    """

    def __init__(self):
        keras.utils.set_random_seed(1)
        self.model = model = tiny(
            units=32, latent_dim=8, recon_vs_gan_weight=1.0, seed=1
        )
        compile_for(model)  # RMSprop for every player
        # Small logits: both costs near log 2, inside the balance band, on
        # every backend's random initialisation.
        logit = model.discriminator.get_layer("logit")
        logit.kernel.assign(0.05 * to_numpy(logit.kernel))
        self.weights = model.get_weights()
        self.optimizer_state = values(model.optimizer.variables)
        self.seed_state = to_numpy(model.seed_generator.state).copy()
        self.images = random_images(16)

    def restore(self, rates, logit=None):
        """Start weights, fresh optimizer state, `rates` per player.

        `logit`: optional `(kernel, bias)` constants for D's logit layer.
        """
        model = self.model
        model.set_weights(self.weights)
        for variable, value in zip(
            model.optimizer.variables, self.optimizer_state
        ):
            variable.assign(value)
        model.seed_generator.state.assign(self.seed_state)
        if logit is not None:
            layer = model.discriminator.get_layer("logit")
            layer.kernel.assign(
                np.full(layer.kernel.shape, logit[0], "float32")
            )
            layer.bias.assign(np.full(layer.bias.shape, logit[1], "float32"))
        for name in PLAYERS:
            model._players[name].optimizer.learning_rate = rates.get(name, 0.0)

    def step(self, rates, logit=None):
        self.restore(rates, logit)
        return self.model.fit(
            self.images, batch_size=16, verbose=0, shuffle=False
        ).history


@pytest.fixture(scope="module")
def stepper():
    return Stepper()


def test_loss_values_with_a_constant_discriminator(stepper):
    """D's logit fixed at b = 0.3: every GAN term is a softplus of b."""
    logs = stepper.step({}, logit=(0.0, 0.3))
    np.testing.assert_allclose(logs["d_real_cost"][0], SP_NEG_03, 1e-5)
    np.testing.assert_allclose(logs["d_fake_cost"][0], SP_03, 1e-5)
    # D's objective is the GAN loss alone (no L_llike term).
    np.testing.assert_allclose(
        logs["d_loss"][0], 0.5 * SP_NEG_03 + 0.5 * SP_03, 1e-5
    )
    # log(1 - D) of the reconstructions plus that of the prior samples.
    np.testing.assert_allclose(logs["dec_gan_loss"][0], -2 * SP_03, 1e-5)
    # The encoder's objective is KL + L_llike, without a GAN term.
    np.testing.assert_allclose(
        logs["enc_loss"][0],
        logs["kl_loss"][0] + logs["recon_loss"][0],
        rtol=1e-5,
    )
    # Both costs inside [0.68 - 0.35, 0.68 + 0.35]: both step.
    assert logs["d_step"][0] == logs["dec_step"][0] == 1.0


def test_balance_rule_holds_the_losing_decoder(stepper):
    """b = 0.7: -log(1 - D(fake)) = 1.10 > 1.03, so Dec must not step."""
    networks = {name: getattr(stepper.model, name) for name in PLAYERS}
    stepper.restore({}, logit=(0.0, 0.7))
    before = {n: values(net.trainable_variables) for n, net in networks.items()}
    logs = stepper.step(dict.fromkeys(PLAYERS, 1e-3), logit=(0.0, 0.7))
    assert logs["dec_step"] == [0.0] and logs["d_step"] == [1.0]
    for name, network in networks.items():
        after = values(network.trainable_variables)
        moved = [not np.array_equal(a, b) for a, b in zip(before[name], after)]
        assert not any(moved) if name == "decoder" else any(moved), name


@pytest.mark.parametrize("player", PLAYERS)
def test_each_player_moves_only_its_network(stepper, player):
    model = stepper.model
    networks = {name: getattr(model, name) for name in PLAYERS}
    assert {id(v) for v in model._players[player].variables} == {
        id(v) for v in networks[player].trainable_variables
    }
    stepper.restore({})
    before = {
        name: values(net.trainable_variables) for name, net in networks.items()
    }
    logs = stepper.step({player: 1e-3})
    assert logs["d_step"] == logs["dec_step"] == [1.0]
    for name, network in networks.items():
        if name == player:
            assert_moved(network.trainable_variables, before[name])
        else:
            assert_unchanged(network.trainable_variables, before[name])


def test_gan_term_never_reaches_the_encoder(stepper):
    """The encoder's step is the same whatever D's output layer says."""
    stepper.step({"encoder": 1e-3})
    first = values(stepper.model.encoder.trainable_variables)
    stepper.step({"encoder": 1e-3}, logit=(0.0, -2.0))
    second = values(stepper.model.encoder.trainable_variables)
    for a, b in zip(first, second):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-8)


def pixel_error(model, images):
    mean, _ = model.encoder(images, training=True)
    reconstructed = to_numpy(model.decoder(mean, training=True))
    return float(np.mean((reconstructed - images) ** 2))


def test_plain_vae_learns_to_reconstruct_real_mnist(mnist_test_images):
    train = mnist_test_images[:512]
    held_out = mnist_test_images[512:768]
    keras.utils.set_random_seed(2)
    model = tiny(adversarial=False, units=64, latent_dim=8, seed=2)
    compile_for(
        model,
        {
            name: keras.optimizers.RMSprop(2e-3)
            for name in ("encoder", "decoder")
        },
    )
    error_before = pixel_error(model, held_out)
    history = model.fit(train[:256], batch_size=32, epochs=2, verbose=0)
    recon = history.history["recon_loss"]
    assert recon[-1] < 0.8 * recon[0], history.history
    assert pixel_error(model, held_out) < 0.6 * error_before
    assert history.history["kl_loss"][-1] > 0.1


def test_feature_wise_reconstruction_trains_encoder_and_decoder(
    stepper, mnist_test_images
):
    """gamma = 1 and D held still: an autoencoder in D's feature space."""
    train = mnist_test_images[:512]
    held_out = mnist_test_images[512:768]
    model = stepper.model
    stepper.restore({"encoder": 3e-3, "decoder": 3e-3})
    d_before = values(model.discriminator.trainable_variables)

    def held_out_feature_loss():
        mean, _ = model.encoder(held_out, training=True)
        reconstructed = model.decoder(mean, training=True)
        _, features = model.discriminator(
            keras.ops.concatenate([reconstructed, held_out]), training=True
        )
        fake, real = keras.ops.split(features, 2)
        return float(to_numpy(gaussian_nll(fake, real)))

    loss_before = held_out_feature_loss()
    history = model.fit(train[:128], batch_size=16, epochs=2, verbose=0)
    recon = history.history["recon_loss"]
    assert recon[-1] < recon[0], history.history
    assert held_out_feature_loss() < 0.8 * loss_before
    assert_unchanged(model.discriminator.trainable_variables, d_before)


def test_encode_reconstruct_interface():
    model = tiny(seed=0)
    images = random_images(5)
    codes = model.encode(images[..., 0])["z"]
    assert codes.shape == (5, 4)
    mean, _ = model.encoder(images)
    np.testing.assert_allclose(codes, to_numpy(mean), rtol=1e-5, atol=1e-6)
    recon = model.reconstruct(images)
    assert recon.shape == (5, 28, 28, 1)
    assert recon.min() >= 0.0 and recon.max() <= 1.0
    assert model.generate(3, seed=0).shape == (3, 28, 28, 1)


@pytest.mark.parametrize("adversarial", [True, False])
def test_config_round_trip_and_weights(adversarial):
    model = tiny(
        adversarial=adversarial,
        feature_layer="relu_1",
        margin=None,
        pixel_loss="bernoulli",
        seed=4,
    )
    restored = assert_round_trip(model)
    images = random_images(3)
    np.testing.assert_allclose(
        model.reconstruct(images), restored.reconstruct(images), atol=1e-6
    )
    if adversarial:
        for a, b in zip(
            model.discriminator(images), restored.discriminator(images)
        ):
            np.testing.assert_allclose(to_numpy(a), to_numpy(b), atol=1e-6)


def test_bad_inputs_raise_clear_errors():
    model = tiny()
    assert_fit_rejects_bad_images(model)
    with pytest.raises(ValueError, match=r"\[0, 1\].*/ 255"):
        model.reconstruct(np.full((2, 28, 28, 1), -1.0, "float32"))
    with pytest.raises(ValueError, match="one of.*'relu_2'"):
        kd.VAEGAN(feature_layer="logit")
    with pytest.raises(ValueError, match="'gaussian', 'bernoulli'"):
        kd.VAEGAN(pixel_loss="l1")
    with pytest.raises(ValueError, match=r"gamma\) must be in \[0, 1\]"):
        kd.VAEGAN(recon_vs_gan_weight=2.0)
    with pytest.raises(ValueError, match="adversarial=False"):
        kd.VAEGAN(
            discriminate_samples=False, discriminate_reconstructions=False
        )
