import functools

import keras
import numpy as np
import pytest
from keras import ops

import keras_disentangle as kd
from keras_disentangle.engine import value_and_input_gradient
from keras_disentangle.models.ogan import o_gan_loss
from keras_disentangle.models.ogan import pearson_correlation
from keras_disentangle.models.ogan.ogan_networks import num_downsamplings
from keras_disentangle.models.ogan.ogan_networks import official_base_filters
from tests.models.image_model_utils import assert_fit_rejects_bad_images
from tests.models.image_model_utils import assert_moved
from tests.models.image_model_utils import assert_round_trip
from tests.models.image_model_utils import compile_for
from tests.models.image_model_utils import constructor_defaults
from tests.models.image_model_utils import random_images
from tests.models.image_model_utils import to_numpy
from tests.models.image_model_utils import values

tiny = functools.partial(kd.OGAN, base_filters=4, latent_dim=8)


def test_paper_defaults_and_network_structure():
    defaults = constructor_defaults(kd.OGAN)
    assert defaults["latent_dim"] == 64
    assert defaults["base_filters"] is None  # the official rule
    assert defaults["correlation_weight"] == 0.5
    assert defaults["leaky_relu_slope"] == 0.2
    model = tiny()
    convs = [
        (layer.filters, layer.kernel_size, layer.strides)
        for layer in model.encoder.layers
        if isinstance(layer, keras.layers.Conv2D)
    ]
    # 28 -> 14 -> 7 with base_filters * 2^i channels (64, 128 by default).
    assert convs == [(4, (5, 5), (2, 2)), (8, (5, 5), (2, 2))]
    assert model.encoder.output_shape == (None, 8)
    assert model.generator.get_layer("dense").units == 7 * 7 * 8
    deconvs = [
        (layer.filters, layer.kernel_size, layer.strides)
        for layer in model.generator.layers
        if isinstance(layer, keras.layers.Conv2DTranspose)
    ]
    assert deconvs == [(4, (5, 5), (2, 2)), (1, (5, 5), (2, 2))]
    assert model.generator.output_shape == (None, 28, 28, 1)
    assert model.latent_space["z"].distribution == "normal"
    (optimizer,) = model.default_optimizers().values()
    assert isinstance(optimizer, keras.optimizers.RMSprop)
    assert np.isclose(float(to_numpy(optimizer.learning_rate)), 1e-4)
    assert optimizer.rho == 0.99
    # Keras 2's RMSprop (the official code's) divides by sqrt(v) + 1e-7;
    # Keras 3's by sqrt(v + epsilon): epsilon 1e-14 gives the same step.
    assert optimizer.epsilon == 1e-14
    v = np.array([0.0, 1e-16, 1e-14, 1e-12, 1e-8, 1e-4, 1.0])
    keras2 = np.sqrt(v) + 1e-7
    keras3 = np.sqrt(v + optimizer.epsilon)
    assert np.all(np.abs(keras3 - keras2) < 1e-7)
    assert np.allclose(keras3[-3:], keras2[-3:], rtol=1e-3)
    # The official width rule: 8 * size channels in E's last convolution.
    assert official_base_filters((28, 28, 1)) == 112
    assert official_base_filters((32, 32, 1)) == 64
    assert official_base_filters((64, 64, 3)) == 64
    assert official_base_filters((128, 128, 3)) == 64
    default = kd.OGAN(latent_dim=8)
    assert default.base_filters == 112
    assert [
        layer.filters
        for layer in default.encoder.layers
        if isinstance(layer, keras.layers.Conv2D)
    ] == [112, 224]
    assert default.generator.get_layer("dense").units == 7 * 7 * 224
    assert default.get_config()["base_filters"] == 112
    # 32, 64 and 128 px halve down to 4x4, 28 px to 7x7.
    assert num_downsamplings((28, 28, 1)) == (2, 7)
    assert num_downsamplings((32, 32, 3)) == (3, 4)
    assert num_downsamplings((128, 128, 3)) == (5, 4)


def test_loss_matches_numpy_on_fixed_inputs():
    rng = np.random.RandomState(0)
    batch, dim = 6, 5
    z = rng.normal(size=(batch, dim)).astype("float32")
    real_codes = rng.normal(size=(batch, dim)).astype("float32")
    fake_codes = rng.normal(size=(batch, dim)).astype("float32")
    real = rng.rand(batch, 4, 4, 1).astype("float32")
    fake = rng.rand(batch, 4, 4, 1).astype("float32")
    terms = o_gan_loss(z, real_codes, fake_codes, fake_codes, real, fake)
    rho = np.array([np.corrcoef(a, b)[0, 1] for a, b in zip(z, fake_codes)])
    np.testing.assert_allclose(
        to_numpy(pearson_correlation(z, fake_codes)), rho, rtol=1e-5, atol=1e-6
    )
    t1 = real_codes.mean(axis=1) - fake_codes.mean(axis=1)
    # Pixel distances on the official [-1, 1] scale.
    distance = np.mean(((2 * real - 1) - (2 * fake - 1)) ** 2, axis=(1, 2, 3))
    qp = 0.25 * t1**2 / distance
    expected = np.mean(t1 - 0.5 * rho) + np.mean(qp)
    np.testing.assert_allclose(to_numpy(terms["loss"]), expected, rtol=1e-5)
    np.testing.assert_allclose(to_numpy(terms["z_corr"]), rho.mean(), rtol=1e-5)
    np.testing.assert_allclose(to_numpy(terms["t_loss"]), t1.mean(), rtol=1e-5)
    np.testing.assert_allclose(to_numpy(terms["qp_loss"]), qp.mean(), rtol=1e-5)


def test_stop_gradients_route_each_term_to_its_network():
    """E's gradient has no t2 part; G's has no t1 or qp part.

    E is a fixed linear map here, so `E(G(z))` and `E(sg(G(z)))` are
    explicit. The gradient reaching G (with respect to the fake images)
    must be that of `mean(T(G(z))) - 0.5 * mean(rho)` alone; the gradient
    reaching E through the two fake-code inputs must be that of
    `-mean(T(sg(G(z)))) + qp - 0.5 * mean(rho)`, t2 cancelling out.
    """
    rng = np.random.RandomState(1)
    batch, dim = 4, 3
    z = rng.normal(size=(batch, dim)).astype("float32")
    weights = ops.convert_to_tensor(
        rng.normal(size=(16, dim)).astype("float32")
    )
    real = rng.rand(batch, 4, 4, 1).astype("float32")
    fake = rng.rand(batch, 4, 4, 1).astype("float32")
    real_codes = rng.normal(size=(batch, dim)).astype("float32")

    def encode(images):
        return ops.matmul(ops.reshape(images, (batch, 16)), weights)

    def full_loss(images):
        codes = encode(images)
        codes_sg = encode(ops.stop_gradient(images))
        return o_gan_loss(
            z, real_codes, codes, codes_sg, real, ops.stop_gradient(images)
        )["loss"]

    def generator_part(images):
        codes = encode(images)
        return ops.mean(ops.mean(codes, axis=1)) - 0.5 * ops.mean(
            pearson_correlation(z, codes)
        )

    _, grad = value_and_input_gradient(full_loss, fake)
    _, expected = value_and_input_gradient(generator_part, fake)
    np.testing.assert_allclose(
        to_numpy(grad), to_numpy(expected), rtol=1e-4, atol=1e-6
    )

    fake_codes = to_numpy(encode(fake))

    def through_codes(stacked):
        codes, codes_sg = stacked[0], stacked[1]
        return o_gan_loss(z, real_codes, codes, codes_sg, real, fake)["loss"]

    def encoder_part(codes):
        t1 = ops.mean(real_codes, axis=1) - ops.mean(codes, axis=1)
        distance = ops.mean(
            ops.reshape(ops.square(2.0 * (real - fake)), (batch, -1)), axis=1
        )
        return (
            ops.mean(t1)
            + ops.mean(0.25 * ops.square(t1) / distance)
            - 0.5 * ops.mean(pearson_correlation(z, codes))
        )

    stacked = np.stack([fake_codes, fake_codes])
    _, grads = value_and_input_gradient(through_codes, stacked)
    _, expected = value_and_input_gradient(encoder_part, fake_codes)
    grads = to_numpy(grads)
    np.testing.assert_allclose(
        grads[0] + grads[1], to_numpy(expected), rtol=1e-4, atol=1e-6
    )


def test_one_loss_trains_e_and_g_to_invert_each_other(mnist_test_images):
    keras.utils.set_random_seed(2)
    model = tiny(latent_dim=16, seed=2)
    compile_for(model, keras.optimizers.RMSprop(3e-4, rho=0.99))
    variables = (
        model.encoder.trainable_variables + model.generator.trainable_variables
    )
    # One player, one optimizer, every weight of E and G.
    assert {id(v) for v in model._players["encoder_generator"].variables} == {
        id(v) for v in variables
    }
    assert len(variables) == len(model.trainable_variables)

    def correlation():
        z = model.latent_space.concat(model.latent_space.sample(256, seed=5))
        codes = model.encoder(model.generator(z, training=True), training=True)
        return float(np.mean(to_numpy(pearson_correlation(z, codes))))

    before = correlation()
    weights = values(variables)
    first = model.fit(mnist_test_images[:32], batch_size=32, verbose=0).history
    assert_moved(variables, weights)
    assert abs(first["z_corr"][0]) < 0.3
    history = model.fit(
        mnist_test_images[:256], batch_size=32, epochs=2, verbose=0
    )
    assert abs(before) < 0.3
    # Per-sample Pearson correlation of z and E(G(z)), logged and fresh.
    assert history.history["z_corr"][-1] > 0.7, history.history
    assert correlation() > 0.6
    # E separates real from generated images: T(x) - T(G(z)) < 0.
    assert history.history["t_loss"][-1] < -0.03, history.history


def test_encode_critic_reconstruct_interface():
    model = tiny(seed=0)
    images = random_images(5)
    codes = model.encode(images[..., 0])["z"]
    assert codes.shape == (5, 8)
    np.testing.assert_allclose(
        to_numpy(model.critic(images)), codes.mean(axis=1), rtol=1e-5, atol=1e-6
    )
    recon = model.reconstruct(images)
    assert recon.shape == (5, 28, 28, 1)
    assert recon.min() >= 0.0 and recon.max() <= 1.0
    standard = (codes - codes.mean(1, keepdims=True)) / codes.std(
        1, keepdims=True
    )
    np.testing.assert_allclose(
        recon, model.generate(0.9 * standard), rtol=1e-4, atol=1e-5
    )


@pytest.mark.parametrize("self_modulated", [False, True])
def test_config_round_trip_and_weights(self_modulated):
    model = tiny(
        correlation_weight=0.25,
        leaky_relu_slope=0.1,
        self_modulated=self_modulated,
        seed=3,
    )
    restored = assert_round_trip(model)
    assert restored.self_modulated is self_modulated
    images = random_images(3)
    np.testing.assert_allclose(
        model.encode(images)["z"], restored.encode(images)["z"], atol=1e-5
    )
    z = np.random.default_rng(0).normal(size=(3, 8)).astype("float32")
    np.testing.assert_allclose(
        model.generate(z), restored.generate(z), atol=1e-5
    )


def test_self_modulated_generator_normalizes_with_mlps_of_z():
    model = tiny(self_modulated=True, seed=4)
    kinds = [type(layer) for layer in model.generator.layers]
    assert keras.layers.BatchNormalization not in kinds
    modulated = [
        layer
        for layer in model.generator.layers
        if isinstance(layer, kd.layers.SelfModulatedBatchNormalization)
    ]
    assert len(modulated) == 2  # after the dense layer and deconv_1
    # Each one sees z: a latent-sized hidden layer in each MLP.
    assert all(layer.gamma_hidden.units == 8 for layer in modulated)
    compile_for(model, keras.optimizers.RMSprop(1e-3, rho=0.99))
    mlp_variables = [
        v for layer in modulated for v in layer.trainable_variables
    ]
    before = values(mlp_variables)
    model.fit(random_images(16), batch_size=8, verbose=0)
    # The one player's loss reaches the modulation MLPs too.
    assert_moved(mlp_variables, before)


def test_bad_inputs_raise_clear_errors():
    model = tiny()
    assert_fit_rejects_bad_images(model)
    with pytest.raises(ValueError, match=r"\[0, 1\].*/ 255"):
        model.encode(np.full((2, 28, 28, 1), 2.0, "float32"))
    with pytest.raises(ValueError, match="square images"):
        kd.OGAN(image_shape=(28, 32, 1))
    with pytest.raises(ValueError, match="square images"):
        kd.OGAN(image_shape=(6, 6, 1))
    with pytest.raises(ValueError, match="latent_dim"):
        kd.OGAN(latent_dim=1)
    with pytest.raises(ValueError, match="base_filters.*positive"):
        kd.OGAN(base_filters=0)
