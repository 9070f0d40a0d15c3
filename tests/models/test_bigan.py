import functools

import keras
import numpy as np
import pytest

import keras_disentangle as kd
from keras_disentangle.models.bigan import bigan_learning_rate
from keras_disentangle.models.bigan import bigan_losses
from tests.models.image_model_utils import assert_fit_rejects_bad_images
from tests.models.image_model_utils import assert_round_trip
from tests.models.image_model_utils import assert_unchanged
from tests.models.image_model_utils import compile_for
from tests.models.image_model_utils import constructor_defaults
from tests.models.image_model_utils import random_images
from tests.models.image_model_utils import to_numpy
from tests.models.image_model_utils import values

LOG_2 = float(np.log(2.0))
DECAY, LR = 0.01, 0.5
PLAYERS = ("discriminator", "encoder_generator")

tiny = functools.partial(kd.BiGAN, units=16, latent_dim=4)


def test_paper_defaults_and_network_structure():
    defaults = constructor_defaults(kd.BiGAN)
    assert defaults["latent_dim"] == 50
    assert defaults["latent_distribution"] == "uniform"
    assert defaults["units"] == 1024
    assert defaults["weight_decay"] == 2.5e-5
    assert defaults["leaky_relu_slope"] == 0.2
    assert defaults["update_schedule"] == "simultaneous"
    model = tiny()
    dense = [
        layer
        for layer in model.generator.layers
        if isinstance(layer, keras.layers.Dense)
    ]
    assert sorted(d.units for d in dense) == [16, 16, 16, 784]
    assert not any(d.use_bias for d in dense)
    assert model.generator.output_shape == (None, 28, 28, 1)
    assert model.encoder.output_shape == (None, 4)
    assert model.encoder.get_layer("features").output.shape == (None, 16)
    assert model.discriminator.output_shape == (None, 1)
    norms = [
        layer
        for net in (model.generator, model.encoder, model.discriminator)
        for layer in net.layers
        if isinstance(layer, keras.layers.BatchNormalization)
    ]
    assert len(norms) == 4 and not any(n.center or n.scale for n in norms)
    for name, optimizer in model.default_optimizers().items():
        assert isinstance(optimizer, keras.optimizers.Adam), name
        assert np.isclose(float(to_numpy(optimizer.learning_rate)), 2e-4)
        assert optimizer.beta_1 == 0.5


def test_losses_match_hand_computation():
    real = np.array([[0.3], [-1.2], [2.0]], "float32")
    fake = np.array([[-0.5], [0.8], [0.1]], "float32")
    d_loss, eg_loss = bigan_losses(real, fake)

    def sigmoid(x):
        return 1.0 / (1.0 + np.exp(-x.astype("float64")))

    expected_d = 0.5 * (
        np.mean(-np.log(sigmoid(real))) + np.mean(-np.log(1 - sigmoid(fake)))
    )
    # The label-swapped (non-saturating) loss of E and G.
    expected_eg = 0.5 * (
        np.mean(-np.log(1 - sigmoid(real))) + np.mean(-np.log(sigmoid(fake)))
    )
    np.testing.assert_allclose(to_numpy(d_loss), expected_d, rtol=1e-5)
    np.testing.assert_allclose(to_numpy(eg_loss), expected_eg, rtol=1e-5)


class Stepped:
    """A tiny BiGAN compiled once with SGD, after its first recorded step.

    Tests restore its weights and learning rates before they step it.
    """

    def __init__(self):
        keras.utils.set_random_seed(0)
        self.model = model = tiny(weight_decay=DECAY, seed=0)
        compile_for(model, {name: keras.optimizers.SGD(LR) for name in PLAYERS})
        self.images = random_images(16)
        self.initial = values(model.trainable_variables)
        self.history = model.fit(self.images, batch_size=16, verbose=0).history
        self.after_first = values(model.trainable_variables)
        self.weights = model.get_weights()

    def restore(self, **rates):
        self.model.set_weights(self.weights)
        for name in PLAYERS:
            optimizer = self.model._players[name].optimizer
            optimizer.learning_rate = rates.get(name, LR)


@pytest.fixture(scope="module")
def stepped():
    return Stepped()


def test_first_step_zero_logit_and_coupled_weight_decay(stepped):
    """D's logit starts at zero: both losses are log 2 and only decay moves.

    With D's last layer at zero no adversarial gradient reaches D's hidden
    layers, E or G in the first step, so SGD scales their weights by
    exactly `1 - lr * weight_decay` (decay added to the gradient).
    """
    model = stepped.model
    variables = model.trainable_variables
    before = {id(v): w for v, w in zip(variables, stepped.initial)}
    after = {id(v): w for v, w in zip(variables, stepped.after_first)}

    def squares(network):
        return sum(
            float(np.sum(before[id(v)].astype("float64") ** 2))
            for v in network.trainable_variables
        )

    d_square = squares(model.discriminator)
    eg_square = squares(model.encoder) + squares(model.generator)
    history = stepped.history
    np.testing.assert_allclose(
        history["d_loss"][0], LOG_2 + 0.5 * DECAY * d_square, rtol=1e-5
    )
    np.testing.assert_allclose(
        history["eg_loss"][0], LOG_2 + 0.5 * DECAY * eg_square, rtol=1e-5
    )
    logit = model.discriminator.get_layer("logit").kernel
    for variable in variables:
        if variable is logit:
            assert np.any(after[id(variable)] != 0)
        else:
            np.testing.assert_allclose(
                after[id(variable)],
                before[id(variable)] * (1 - LR * DECAY),
                rtol=1e-5,
                atol=1e-9,
            )


@pytest.mark.parametrize("player", PLAYERS)
def test_each_player_moves_only_its_networks(stepped, player):
    model = stepped.model
    owners = {
        "discriminator": [model.discriminator],
        "encoder_generator": [model.encoder, model.generator],
    }
    other = next(name for name in PLAYERS if name != player)
    own = [v for net in owners[player] for v in net.trainable_variables]
    others = [v for net in owners[other] for v in net.trainable_variables]
    assert {id(v) for v in model._players[player].variables} == {
        id(v) for v in own
    }
    # After the first step D's logit is no longer zero: every network now
    # receives adversarial gradients.
    stepped.restore(**{other: 0.0})
    own_before, others_before = values(own), values(others)
    model.fit(stepped.images, batch_size=16, verbose=0)
    for variable, before in zip(own, own_before):
        # More than the weight decay alone: the adversarial loss reaches it.
        assert not np.allclose(to_numpy(variable), before * (1 - LR * DECAY)), (
            variable.path
        )
    assert_unchanged(others, others_before)


def test_short_training_on_real_mnist_moves_the_game(
    stepped, mnist_test_images
):
    train = mnist_test_images[:256]
    held_out = mnist_test_images[512:768]
    model = stepped.model
    stepped.restore()

    def code_spread():
        return float(np.std(to_numpy(model.encoder(held_out, training=True))))

    spread_before = code_spread()
    history = model.fit(train, batch_size=16, epochs=2, verbose=0).history
    # D sees z directly, so E must spread its codes towards the U(-1, 1)
    # prior (std 0.58) to fool it; they start close to 0.
    assert spread_before < 0.05
    assert code_spread() > 4 * spread_before, (spread_before, code_spread())
    assert np.all(np.isfinite(history["d_loss"] + history["eg_loss"]))


def test_encode_reconstruct_interface():
    model = tiny(seed=0)
    images = random_images(5)
    codes = model.encode(images[..., 0])["z"]  # channel axis added
    assert codes.shape == (5, 4)
    assert np.all(np.abs(codes) < 1.0)
    assert model.encode_features(images).shape == (5, 16)
    # The official NNC_e features: E's logits, which 2 * sigmoid - 1 maps
    # onto the codes.
    logits = model.encode_logits(images)
    assert logits.shape == (5, 4)
    np.testing.assert_allclose(
        2.0 / (1.0 + np.exp(-logits)) - 1.0, codes, rtol=1e-5, atol=1e-6
    )
    recon = model.reconstruct(images)
    assert recon.shape == (5, 28, 28, 1)
    assert recon.min() >= 0.0 and recon.max() <= 1.0
    np.testing.assert_allclose(
        recon, model.generate(codes), rtol=1e-5, atol=1e-6
    )
    # A normal prior: E's output stays linear.
    normal = tiny(latent_distribution="normal")
    assert normal.latent_space["z"].distribution == "normal"
    assert normal.encoder.layers[-1].name == "latent_logits"
    normal_images = random_images(3)
    np.testing.assert_allclose(
        normal.encode_logits(normal_images),
        normal.encode(normal_images)["z"],
        rtol=1e-6,
    )


def test_config_round_trip_and_weights():
    model = tiny(latent_distribution="normal", weight_decay=1e-4, seed=3)
    restored = assert_round_trip(model)
    images = random_images(3)
    np.testing.assert_allclose(
        model.encode(images)["z"], restored.encode(images)["z"], atol=1e-6
    )
    z = model.latent_space.concat(model.latent_space.sample(3, seed=0))
    pair = [keras.ops.convert_to_tensor(x) for x in (images, z)]
    np.testing.assert_allclose(
        to_numpy(model.discriminator(pair)),
        to_numpy(restored.discriminator(pair)),
        atol=1e-6,
    )


def test_learning_rate_schedule_matches_the_official_one():
    # Held for `epochs`, then one value per epoch, reaching 1% at the end.
    schedule = bigan_learning_rate(steps_per_epoch=10, epochs=4, decay_epochs=4)

    def rate(step):
        return float(to_numpy(schedule(step)))

    assert np.isclose(rate(0), 2e-4)
    assert np.isclose(rate(4 * 10 - 1), 2e-4)
    assert np.isclose(rate(4 * 10), 2e-4 * 0.01 ** (1 / 4))
    assert np.isclose(rate(6 * 10 + 5), 2e-4 * 0.01 ** (3 / 4))
    assert np.isclose(rate(8 * 10 - 1), 2e-6)
    assert np.isclose(rate(10**6), 2e-6)
    with pytest.raises(ValueError, match="steps_per_epoch >= 1"):
        bigan_learning_rate(0)


def test_bad_inputs_raise_clear_errors():
    model = tiny()
    assert_fit_rejects_bad_images(model)
    with pytest.raises(ValueError, match=r"\[0, 1\].*/ 255"):
        model.encode(np.full((2, 28, 28, 1), 3.0, "float32"))
    with pytest.raises(ValueError, match=r"\(n, 28, 28, 1\)"):
        model.encode(np.zeros((28, 28, 1, 1, 1), "float32"))
    with pytest.raises(ValueError, match="'uniform'"):
        kd.BiGAN(latent_distribution="gaussian")
    with pytest.raises(ValueError, match=r"\(height, width, channels\)"):
        kd.BiGAN(image_shape=(28, 28))
    with pytest.raises(ValueError, match="weight_decay"):
        kd.BiGAN(weight_decay=-1.0)
