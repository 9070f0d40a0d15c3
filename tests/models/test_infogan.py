import keras
import numpy as np
import pytest

import keras_disentangle as kd
from keras_disentangle.datasets import load_mnist
from keras_disentangle.heads import mutual_information_loss
from keras_disentangle.latent import CategoricalCode
from keras_disentangle.latent import LatentSpace
from keras_disentangle.latent import NoiseCode
from keras_disentangle.latent import UniformCode
from keras_disentangle.utils import batch_norm_layers


def _np(x):
    return keras.ops.convert_to_numpy(x)


def small_space():
    return LatentSpace(
        [NoiseCode("z", 8), CategoricalCode("digit", 10), UniformCode("c1")]
    )


def q_accuracy_on_generated(model, n=500, seed=0):
    digits = np.arange(n) % 10
    images = model.generate({"digit": np.eye(10)[digits]}, seed=seed)
    predicted = model.encode(images)["digit"].argmax(axis=1)
    return float(np.mean(predicted == digits))


@pytest.mark.slow
def test_infogan_learns_a_categorical_code_on_real_mnist(mnist_dir):
    images, _ = load_mnist("train", data_dir=mnist_dir)
    images = images[:2560]
    keras.utils.set_random_seed(0)
    model = kd.InfoGAN(seed=0)
    model.compile()
    before = q_accuracy_on_generated(model)
    history = model.fit(images, batch_size=32, epochs=2, verbose=0)
    after = q_accuracy_on_generated(model)
    assert before < 0.3
    # Chance is 0.1. After 160 steps Q reads the digit code off G's samples,
    # both in training mode (logged, batch statistics) and through
    # generate()/encode() (BatchNorm moving averages, which still lag).
    assert history.history["q_accuracy"][-1] > 0.8, history.history
    assert after > 0.3, (before, after)
    assert np.all(np.isfinite(history.history["d_loss"]))
    assert history.history["info_loss"][-1] < history.history["info_loss"][0]


def test_paper_networks_and_optimizers():
    model = kd.InfoGAN()
    assert model.latent_space.dim == 74
    g = model.generator
    assert g.input_shape == (None, 74)
    assert g.output_shape == (None, 28, 28, 1)
    dense = [
        layer for layer in g.layers if isinstance(layer, keras.layers.Dense)
    ]
    assert [d.units for d in dense] == [1024, 7 * 7 * 128]
    convs = [
        layer
        for layer in model.trunk.layers
        if isinstance(layer, keras.layers.Conv2D)
    ]
    assert [(c.filters, c.kernel_size, c.strides) for c in convs] == [
        (64, (4, 4), (2, 2)),
        (128, (4, 4), (2, 2)),
    ]
    assert model.trunk.output_shape == (None, 1024)
    heads = model.q_network(keras.ops.ones((2, 1024)))
    assert {k: tuple(v.shape) for k, v in heads.items()} == {
        "digit": (2, 10),
        "c1": (2, 1),
        "c2": (2, 1),
    }
    optimizers = model.default_optimizers()
    d, g_opt = optimizers["discriminator"], optimizers["generator"]
    assert np.isclose(float(_np(d.learning_rate)), 2e-4)
    assert np.isclose(float(_np(g_opt.learning_rate)), 1e-3)
    assert d.beta_1 == g_opt.beta_1 == 0.5
    assert d.epsilon == g_opt.epsilon == 1e-8  # TF1 Adam's, as official


def test_official_batch_norm_and_initializers():
    keras.utils.set_random_seed(0)
    model = kd.InfoGAN()
    networks = (model.generator, model.trunk, model.q_network)
    norms = [bn for net in networks for bn in batch_norm_layers(net)]
    assert len(norms) == 6
    for bn in norms:
        assert bn.epsilon == 1e-5 and bn.momentum == 0.9
        gamma = _np(bn.gamma)
        # gamma ~ N(1, 0.02): drawn, not all ones.
        assert not np.all(gamma == 1.0) and np.abs(gamma - 1.0).max() < 0.15
    convs = [
        layer
        for layer in model.trunk.layers
        if isinstance(layer, keras.layers.Conv2D)
    ]
    for conv in convs:
        kernel = _np(conv.kernel)
        assert np.abs(kernel).max() <= 0.04 + 1e-7  # truncated at 2 std
        assert 0.012 < kernel.std() < 0.02
    other = kd.InfoGAN(batch_norm_epsilon=1e-3, q_network="separate")
    for net in (other.generator, other.trunk, other.q_trunk, other.q_network):
        assert {bn.epsilon for bn in batch_norm_layers(net)} == {1e-3}
    with pytest.raises(ValueError, match="batch_norm_epsilon"):
        kd.InfoGAN(batch_norm_epsilon=0.0)


def test_configs_without_batch_norm_epsilon_keep_the_keras_default():
    model = kd.InfoGAN(latent_space=small_space())
    assert model.get_config()["batch_norm_epsilon"] == 1e-5
    config = model.get_config()
    del config["batch_norm_epsilon"]
    legacy = kd.InfoGAN.from_config(config)
    assert legacy.batch_norm_epsilon == 1e-3
    assert {bn.epsilon for bn in batch_norm_layers(legacy.trunk)} == {1e-3}
    # The built-in preset was trained with it and says so.
    assert kd.InfoGAN.from_preset("mnist").batch_norm_epsilon == 1e-3


def _statistics_after_discriminator_loss(real):
    keras.utils.set_random_seed(0)
    model = kd.InfoGAN(latent_space=small_space(), seed=0)
    model.discriminator_loss(real)
    return [
        [_np(bn.moving_mean).copy() for bn in batch_norm_layers(net)]
        for net in (model.trunk, model.q_network)
    ]


def test_q_sees_only_generated_images_in_the_discriminator_step():
    # The official graph never evaluates Q on real images, so Q's BatchNorm
    # averages follow generated ones only; D's trunk sees both.
    dark = np.zeros((8, 28, 28, 1), "float32")
    bright = np.ones((8, 28, 28, 1), "float32")
    trunk_dark, q_dark = _statistics_after_discriminator_loss(dark)
    trunk_bright, q_bright = _statistics_after_discriminator_loss(bright)
    for a, b in zip(q_dark, q_bright):
        np.testing.assert_array_equal(a, b)
    assert any(not np.allclose(a, b) for a, b in zip(trunk_dark, trunk_bright))


@pytest.mark.parametrize(
    "shape, q_network", [((32, 32, 3), "shared"), ((64, 64, 1), "separate")]
)
def test_builder_sizes_and_separate_q(shape, q_network):
    model = kd.InfoGAN(
        image_shape=shape, latent_space=small_space(), q_network=q_network
    )
    assert model.generator.output_shape == (None,) + shape
    images = model.generate(2, seed=0)
    assert images.shape == (2,) + shape
    assert images.min() >= 0.0 and images.max() <= 1.0
    logits, posteriors = model.discriminate(images)
    assert tuple(logits.shape) == (2, 1)
    assert (model.q_trunk is None) == (q_network == "shared")


def test_players_route_losses_to_the_right_networks():
    model = kd.InfoGAN(latent_space=small_space(), q_network="separate")
    model.compile()
    players = model._players
    d_vars = {id(v) for v in players["discriminator"].variables}
    g_vars = {id(v) for v in players["generator"].variables}
    # Q (head and its trunk), D's trunk and head: the D optimizer.
    for net in (model.trunk, model.d_head, model.q_network, model.q_trunk):
        assert {id(v) for v in net.trainable_variables} <= d_vars
    assert g_vars == {id(v) for v in model.generator.trainable_variables}


def test_each_step_updates_only_its_player():
    keras.utils.set_random_seed(1)
    model = kd.InfoGAN(latent_space=small_space())
    model.compile(
        optimizer={
            "discriminator": keras.optimizers.Adam(2e-4, beta_1=0.5),
            "generator": keras.optimizers.SGD(0.0),
        }
    )
    g_before = [_np(v).copy() for v in model.generator.trainable_variables]
    q_before = [_np(v).copy() for v in model.q_network.trainable_variables]
    images = np.random.RandomState(0).rand(16, 28, 28, 1).astype("float32")
    model.fit(images, batch_size=16, epochs=1, verbose=0)
    for a, v in zip(g_before, model.generator.trainable_variables):
        np.testing.assert_array_equal(a, _np(v))
    assert any(
        not np.allclose(a, _np(v))
        for a, v in zip(q_before, model.q_network.trainable_variables)
    )


def test_generate_encode_traverse_interface():
    model = kd.InfoGAN(latent_space=small_space(), seed=0)
    a = model.generate(4, seed=3)
    b = model.generate(4, seed=3)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, model.generate(4, seed=4))
    codes = {
        "z": np.zeros((2, 8)),
        "digit": np.eye(10)[:2],
        "c1": np.zeros((2, 1)),
    }
    np.testing.assert_allclose(
        model.generate(codes),
        model.generate(model.latent_space.concat(codes)),
        atol=1e-6,
    )
    posteriors = model.encode(a)
    assert posteriors["digit"].shape == (4, 10)
    np.testing.assert_allclose(posteriors["digit"].sum(axis=1), 1.0, rtol=1e-5)
    assert posteriors["c1"].shape == (4, 1)
    sweep = model.traverse("c1", np.linspace(-2, 2, 5), seed=0)
    assert sweep.shape == (5, 28, 28, 1)
    grid, rows, columns = model.traversal_grid("c1", values=[-2.0, 0.0, 2.0])
    assert (rows, columns) == (10, 3) and grid.shape == (30, 28, 28, 1)


def test_config_round_trip_and_weights():
    model = kd.InfoGAN(
        latent_space=small_space(), info_weights={"c1": 0.5}, learn_scale=True
    )
    config = keras.saving.serialize_keras_object(model)
    restored = keras.saving.deserialize_keras_object(config)
    assert isinstance(restored, kd.InfoGAN)
    assert restored.get_config() == model.get_config()
    restored.set_weights(model.get_weights())
    z = model.latent_space.concat(model.latent_space.sample(3, seed=0))
    np.testing.assert_allclose(_np(model(z)), _np(restored(z)), atol=1e-6)


def test_bad_inputs_raise_clear_errors():
    model = kd.InfoGAN(latent_space=small_space())
    with pytest.raises(RuntimeError, match=r"model.compile\(\)"):
        model.fit(np.zeros((8, 28, 28, 1), "float32"), verbose=0)
    model.compile()
    with pytest.raises(ValueError, match=r"images\[\.\.\., None\]"):
        model.fit(np.zeros((8, 28, 28), "float32"), verbose=0)
    with pytest.raises(ValueError, match=r"\(batch, 28, 28, 1\)"):
        model.fit(np.zeros((8, 32, 32, 1), "float32"), verbose=0)
    with pytest.raises(ValueError, match=r"\[0, 1\].*/ 255"):
        model.fit(np.full((8, 28, 28, 1), 255.0, "float32"), verbose=0)
    with pytest.raises(ValueError, match="28, 32 or 64"):
        kd.InfoGAN(image_shape=(48, 48, 1))
    with pytest.raises(ValueError, match="'shared'"):
        kd.InfoGAN(q_network="tied")
    with pytest.raises(ValueError, match="not regularized"):
        kd.InfoGAN(latent_space=small_space(), info_weights={"z": 1.0})
    with pytest.raises(TypeError, match="LatentSpace, a list of latent codes"):
        kd.InfoGAN(latent_space="digit")
    # encode() names the whole batch's shape, and checks the pixel range.
    with pytest.raises(ValueError, match=r"received shape \(5, 28, 28, 3\)"):
        model.encode(np.zeros((5, 28, 28, 3), "float32"))
    with pytest.raises(ValueError, match=r"\[0, 1\].*/ 255"):
        model.encode(np.full((5, 28, 28, 1), 255.0, "float32"))
    # A plain list of codes is a latent space.
    listed = kd.InfoGAN(latent_space=list(small_space().codes))
    assert listed.latent_space == small_space()


def test_code_spec_that_does_not_match_the_q_head():
    space = small_space()
    other = LatentSpace(
        [NoiseCode("z", 8), CategoricalCode("digit", 12), UniformCode("c1")]
    )
    codes = {k: _np(v) for k, v in other.sample(4, seed=0).items()}
    posteriors = kd.QHead(space)(keras.ops.ones((4, 16)))
    with pytest.raises(ValueError, match="10 logits.*12 categories"):
        mutual_information_loss(other, codes, posteriors)
    renamed = LatentSpace(
        [NoiseCode("z", 8), CategoricalCode("label", 10), UniformCode("c1")]
    )
    with pytest.raises(ValueError, match="missing"):
        mutual_information_loss(renamed, codes, posteriors)


def test_mutual_information_matches_closed_form():
    space = small_space()
    digit = np.eye(10, dtype="float32")[[1, 3]]
    c1 = np.array([[0.5], [-0.25]], "float32")
    logits = np.zeros((2, 10), "float32")
    mean = np.array([[0.0], [0.25]], "float32")
    loss, mi = mutual_information_loss(
        space,
        {"digit": digit, "c1": c1},
        {"digit": logits, "c1": mean},
        weights={"c1": 2.0},
    )
    half_log_2pi = 0.5 * np.log(2 * np.pi)
    cont = np.mean(0.5 * (c1 - mean) ** 2 + half_log_2pi)
    np.testing.assert_allclose(_np(loss), np.log(10) + 2.0 * cont, rtol=1e-5)
    # H(digit) = log 10 cancels the uniform logits; H(U(-1, 1)) = log 2.
    np.testing.assert_allclose(_np(mi), np.log(2) - cont, rtol=1e-5, atol=1e-6)
