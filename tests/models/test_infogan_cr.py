"""InfoGAN-CR on dSprites: official networks, CR routing, pairs and schedule.

The official facts checked here come from `fjxmlzn/InfoGAN-CR`,
`InfoGAN-CR_dSprites/` (`config.py`, `gan_task.py`, `gan/network.py`,
`gan/op.py`, `gan/latent.py`, `gan/infogan_cr.py`). One model is built and
compiled per module: model builds and XLA compilation dominate the cost on
a small CPU, so the tests share it and restore what they change. Models are
built with `build_then_load`, which skips the random initialisers (one XLA
program per weight shape on JAX) and loads numpy values drawn like them.
"""

import keras
import numpy as np
import pytest

import keras_disentangle as kd
from keras_disentangle import backend
from keras_disentangle.datasets import DSprites
from keras_disentangle.engine import resolve_schedule
from keras_disentangle.latent import NoiseCode
from keras_disentangle.latent import UniformCode
from keras_disentangle.models.infogan import SpectralConv2D
from keras_disentangle.models.infogan import SpectralDense
from keras_disentangle.models.infogan import contrastive_pairs
from keras_disentangle.models.infogan import contrastive_weight_at
from keras_disentangle.models.infogan import infogan_dsprites_latent_space
from keras_disentangle.models.infogan.contrastive_regularizer import (
    contrastive_loss,
)

BATCH = 8
START = 2  # CR weight switches on at step 2 in these tests


def _np(x):
    return np.array(keras.ops.convert_to_numpy(x))


def _values(variables):
    return [_np(v) for v in variables]


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread():
    """One PyTorch intra-op thread while this module runs.

    On a CPU shared with other jobs, two intra-op threads spend most of a
    training step waiting for each other (about ten times slower here).
    The previous setting is restored afterwards.
    """
    if keras.backend.backend() != "torch":
        yield
        return
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


def _initialise(model):
    """Values like the official initialisers, drawn with numpy."""
    rng = np.random.default_rng(0)
    for variable in model.weights:
        name = variable.name
        if name in ("gamma", "moving_variance"):
            value = np.ones(variable.shape)
        elif name == "u":
            value = rng.standard_normal(variable.shape)
        elif name == "kernel":
            value = rng.normal(0.0, 0.02, variable.shape)
        else:  # biases, BatchNorm offsets and means, the CR step counter
            value = np.zeros(variable.shape)
        variable.assign(value.astype(variable.dtype))


def _build(factory, load=_initialise):
    return backend.engine().build_then_load(factory, load)


@pytest.fixture(scope="module")
def model():
    # The official configuration with the switch early, so that a few
    # steps cross it.
    model = _build(
        lambda: kd.InfoGAN.dsprites(
            contrastive=True, seed=0, contrastive_start=START
        )
    )
    # SGD with learning rates the tests set per player; the rates are
    # optimizer variables, so changing them needs no recompilation.
    # One generator update per step (the official two are checked on the
    # configuration below) keeps the compiled step smaller.
    model.compile(
        optimizer={
            name: keras.optimizers.SGD(0.0)
            for name in ("cr_discriminator", "discriminator", "generator")
        },
        update_schedule="alternating",
        # XLA compilation of the step dominates a few steps on TensorFlow;
        # the other backends keep the package default ("auto").
        jit_compile=(
            False if keras.backend.backend() == "tensorflow" else "auto"
        ),
    )
    return model


@pytest.fixture(scope="module")
def official():
    return _build(lambda: kd.InfoGAN.dsprites(contrastive=True))


@pytest.fixture(scope="module")
def batches():
    """One fixed batch of procedural dSprites images."""
    indices = np.random.default_rng(0).choice(len(DSprites()), BATCH)
    return DSprites()[np.sort(indices)]


def _snapshot(model):
    """Weights and the seed generator's state (not part of the weights)."""
    return model.get_weights(), _np(model.seed_generator.state)


def _restore(model, snapshot):
    weights, seed_state = snapshot
    model.set_weights(weights)
    model.seed_generator.state.assign(seed_state)


def _set_rates(model, **rates):
    for name, player in model._players.items():
        player.optimizer.learning_rate = rates.get(name, 0.0)


def _fit(model, batches, steps=1):
    """`steps` training steps on the same batch, one per epoch."""
    return model.fit(
        batches, batch_size=BATCH, epochs=steps, verbose=0, shuffle=False
    )


def _d_networks(model):
    return [model.trunk, model.d_head, model.q_network]


def test_dsprites_latent_space_is_official():
    space = infogan_dsprites_latent_space()
    # gan_task.py: five regularised UniformLatent(1, -1, 1), then one
    # unregularised UniformLatent(5, -1, 1); config.py: 5 and 5.
    assert space.names == ["c1", "c2", "c3", "c4", "c5", "z"]
    assert space.dim == 10
    for code in space.regularized_codes:
        assert isinstance(code, UniformCode)
        assert (code.dim, code.low, code.high) == (1, -1.0, 1.0)
    z = space["z"]
    assert isinstance(z, NoiseCode) and not z.regularized
    assert (z.dim, z.distribution) == (5, "uniform")


def test_official_networks_optimizers_and_configuration(model, official):
    layers = keras.layers
    g = model.generator
    assert g.input_shape == (None, 10)
    assert g.output_shape == (None, 64, 64, 1)
    # network.py Decoder: FC128, FC4*4*64, deconvs 64, 32, 32, 1.
    dense = [lay for lay in g.layers if isinstance(lay, layers.Dense)]
    assert [d.units for d in dense] == [128, 4 * 4 * 64]
    deconvs = [
        lay for lay in g.layers if isinstance(lay, layers.Conv2DTranspose)
    ]
    assert [(d.filters, d.kernel_size, d.strides) for d in deconvs] == [
        (c, (4, 4), (2, 2)) for c in (64, 32, 32, 1)
    ]
    norms = [
        lay for lay in g.layers if isinstance(lay, layers.BatchNormalization)
    ]
    assert len(norms) == 5
    assert all((n.momentum, n.epsilon) == (0.9, 1e-5) for n in norms)
    # InfoGANDiscriminator: SN convs 32, 32, 64, 64 and SN FC128, no BN.
    convs = [
        lay for lay in model.trunk.layers if isinstance(lay, SpectralConv2D)
    ]
    assert [(c.filters, c.kernel_size, c.strides) for c in convs] == [
        (f, 4, 2) for f in (32, 32, 64, 64)
    ]
    assert model.trunk.output_shape == (None, 128)
    for net in _d_networks(model) + [model.cr_discriminator]:
        assert not any(
            isinstance(lay, layers.BatchNormalization) for lay in net.layers
        )
    assert model.d_head.output_shape == (None, 1)
    posteriors = model.q_network(keras.ops.ones((2, 128)))
    assert {k: tuple(v.shape) for k, v in posteriors.items()} == {
        f"c{i}": (2, 1) for i in range(1, 6)
    }
    # CrDiscriminator: the pair stacked on channels, 5 logits; its last FC
    # layer is the only one without spectral normalisation.
    crd = model.cr_discriminator
    assert crd.input_shape == (None, 64, 64, 2)
    assert crd.output_shape == (None, 5)
    kinds = [
        type(lay).__name__
        for lay in crd.layers
        if isinstance(lay, (SpectralConv2D, SpectralDense, layers.Dense))
    ]
    assert kinds == ["SpectralConv2D"] * 4 + ["SpectralDense", "Dense"]
    assert model.leaky_relu_slope == 0.2
    # config.py: info_coe 0.05, CR weight 2.0 from batch 288,000; the
    # training loop updates CR discriminator, D/Q, then G twice.
    reference = official
    assert reference.info_weights == {f"c{i}": 0.05 for i in range(1, 6)}
    assert reference.contrastive_weight == 2.0
    assert reference.contrastive_start == 288_000
    players = [p.name for p in model._players.values()]
    assert resolve_schedule(reference.update_schedule, players) == [
        ("cr_discriminator",),
        ("discriminator",),
        ("generator",),
        ("generator",),
    ]
    optimizers = reference.default_optimizers()
    rates = {"generator": 1e-3, "discriminator": 2e-3, "cr_discriminator": 2e-3}
    for name, rate in rates.items():
        opt = optimizers[name]
        assert np.isclose(float(_np(opt.learning_rate)), rate)
        assert (opt.beta_1, opt.beta_2, opt.epsilon) == (0.5, 0.999, 1e-8)
    plain = _build(lambda: kd.InfoGAN.dsprites(contrastive=False))
    assert plain.cr_discriminator is None
    assert sorted(plain.default_optimizers()) == ["discriminator", "generator"]


def test_players_own_the_official_variables(model):
    players = model._players
    ids = {name: {id(v) for v in p.variables} for name, p in players.items()}
    assert ids["cr_discriminator"] == {
        id(v) for v in model.cr_discriminator.trainable_variables
    }
    assert ids["generator"] == {
        id(v) for v in model.generator.trainable_variables
    }
    assert ids["discriminator"] == {
        id(v) for net in _d_networks(model) for v in net.trainable_variables
    }


def test_cr_step_changes_only_the_cr_discriminator(model, batches):
    snapshot = _snapshot(model)
    others = [
        v
        for net in _d_networks(model) + [model.generator]
        for v in net.trainable_variables
    ]
    crd = model.cr_discriminator.trainable_variables
    # Only the CR player's optimizer has a non-zero rate.
    _set_rates(model, cr_discriminator=0.1)
    before_crd, before_others = _values(crd), _values(others)
    _fit(model, batches)
    assert all(
        not np.array_equal(a, b) for a, b in zip(before_crd, _values(crd))
    )
    for a, b in zip(before_others, _values(others)):
        np.testing.assert_array_equal(a, b)
    # The other players' steps leave the CR discriminator alone.
    _restore(model, snapshot)
    _set_rates(model, discriminator=0.1, generator=0.1)
    before_crd, before_others = _values(crd), _values(others)
    _fit(model, batches)
    for a, b in zip(before_crd, _values(crd)):
        np.testing.assert_array_equal(a, b)
    assert all(
        not np.array_equal(a, b) for a, b in zip(before_others, _values(others))
    )
    _restore(model, snapshot)


def test_generator_minimises_the_weighted_cr_loss(model, batches):
    """G's update depends on the CR term once the weight is on."""
    snapshot = _snapshot(model)
    g_vars = model.generator.trainable_variables
    _set_rates(model, generator=0.1)
    after = {}
    for step in (0, 1, START):
        _restore(model, snapshot)
        model.contrastive_step.assign(float(step))
        _fit(model, batches)
        after[step] = _values(g_vars)
    # Steps 0 and 1 (weight 0) give the same update: the runs are
    # deterministic; the weight of 2.0 at START changes it.
    for a, b in zip(after[0], after[1]):
        np.testing.assert_array_equal(a, b)
    assert any(not np.array_equal(a, b) for a, b in zip(after[0], after[START]))
    _restore(model, snapshot)


def test_cr_loss_matches_a_hand_computation(model, batches):
    """The CR player's loss is CE(CRD(G(a) ++ G(b)), k), computed by hand."""
    snapshot = _snapshot(model)
    terms = model.contrastive_discriminator_loss((batches,))
    # Same seed state, BatchNorm statistics and power-iteration vectors.
    _restore(model, snapshot)
    first, second, labels = contrastive_pairs(
        model.latent_space, BATCH, model.seed_generator
    )
    space = model.latent_space
    a = model.generator(space.concat(first), training=True)
    b = model.generator(space.concat(second), training=True)
    logits = _np(model.contrastive_logits(a, b, training=True))
    labels = _np(labels)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    expected = -np.mean(log_probs[np.arange(BATCH), labels])
    np.testing.assert_allclose(_np(terms["cr_loss"]), expected, rtol=1e-5)
    np.testing.assert_allclose(
        _np(terms["cr_accuracy"]), np.mean(logits.argmax(axis=1) == labels)
    )
    # The pair is stacked along channels, first image first.
    stacked = np.concatenate([_np(a), _np(b)], axis=-1)
    np.testing.assert_allclose(
        _np(model.contrastive_logits(a, b)),
        _np(model.cr_discriminator(stacked)),
        rtol=1e-5,
        atol=1e-6,
    )
    # Fixed logits: CE of [0, log 3, 0, 0, 0] at label 1 is log 7 - log 3.
    fixed = np.zeros((1, 5), "float32")
    fixed[0, 1] = np.log(3.0)
    np.testing.assert_allclose(
        _np(contrastive_loss(fixed, np.array([1]))),
        np.log(7.0) - np.log(3.0),
        rtol=1e-6,
    )
    _restore(model, snapshot)


def test_pairs_share_exactly_one_regularized_code():
    space = infogan_dsprites_latent_space()
    first, second, labels = contrastive_pairs(
        space, 512, keras.random.SeedGenerator(3)
    )
    first = {k: _np(v) for k, v in first.items()}
    second = {k: _np(v) for k, v in second.items()}
    labels = _np(labels)
    assert set(np.unique(labels)) == {0, 1, 2, 3, 4}
    same = np.stack(
        [
            (first[c.name] == second[c.name]).all(axis=1)
            for c in space.regularized_codes
        ],
        axis=1,
    )
    # Exactly one regularised code is shared, the labelled one.
    assert (same.sum(axis=1) == 1).all()
    np.testing.assert_array_equal(same.argmax(axis=1), labels)
    # The nuisance noise is shared too (official sample_same, gap 0).
    np.testing.assert_array_equal(first["z"], second["z"])
    for values in list(first.values()) + list(second.values()):
        assert values.min() >= -1.0 and values.max() <= 1.0


def test_progressive_schedule(model, official, batches):
    # config.py: 0 until batch 288,000, then 2.0.
    assert official.contrastive_weight_at(0) == 0.0
    assert official.contrastive_weight_at(287_999) == 0.0
    assert official.contrastive_weight_at(288_000) == 2.0
    assert official.contrastive_weight_at(322_559) == 2.0
    assert contrastive_weight_at(5, 2.0, 0) == 2.0
    # Inside fit the weight is read from the step counter: one step per
    # epoch, the switch at step START, no recompilation.
    snapshot = _snapshot(model)
    _set_rates(model, cr_discriminator=1e-3, discriminator=1e-3, generator=1e-3)
    model.contrastive_step.assign(0.0)
    history = _fit(model, batches, steps=START + 2).history
    assert history["cr_weight"] == [0.0] * START + [2.0, 2.0]
    assert float(_np(model.contrastive_step)) == START + 2
    for name, values in history.items():
        assert np.all(np.isfinite(values)), (name, values)
    assert set(history) == {
        "cr_loss",
        "cr_accuracy",
        "cr_weight",
        "d_loss",
        "info_loss",
        "mi",
        "g_loss",
    }
    _restore(model, snapshot)


def test_restart_reinitialises_the_cr_discriminator(model, batches):
    snapshot = _snapshot(model)
    _set_rates(model, cr_discriminator=0.1)
    _fit(model, batches)
    optimizer = model._players["cr_discriminator"].optimizer
    assert int(_np(optimizer.iterations)) > 0
    variables = model.cr_discriminator.trainable_variables
    vectors = model.cr_discriminator.non_trainable_variables
    before, before_vectors = _values(variables), _values(vectors)
    model.restart_contrastive_discriminator(seed=1)
    after = _values(variables)
    # Trainable weights are redrawn, the power-iteration vectors kept.
    assert len(vectors) == 5
    for a, b in zip(before_vectors, _values(vectors)):
        np.testing.assert_array_equal(a, b)
    kernels = [a for v, a in zip(variables, after) if v.name == "kernel"]
    biases = [a for v, a in zip(variables, after) if v.name == "bias"]
    assert len(kernels) == len(biases) == 6
    assert all(not np.array_equal(a, b) for a, b in zip(before, kernels))
    # Drawn like the initialisers: N(0, 0.02), truncated for convolutions.
    assert all(
        0.01 < np.std(k) < 0.03 and np.abs(k).max() < 0.2 for k in kernels
    )
    assert all(not b.any() for b in biases)
    model.restart_contrastive_discriminator(seed=1)
    for a, b in zip(after, _values(variables)):
        np.testing.assert_array_equal(a, b)
    assert int(_np(optimizer.iterations)) == 0
    assert np.isclose(float(_np(optimizer.learning_rate)), 0.1)
    _restore(model, snapshot)


def test_config_round_trip(model, batches):
    config = keras.saving.serialize_keras_object(model)
    # The model is rebuilt uncompiled (its optimizers are not under test).
    config.pop("compile_config", None)
    restored = _build(
        lambda: keras.saving.deserialize_keras_object(config),
        lambda restored: restored.set_weights(model.get_weights()),
    )
    assert isinstance(restored, kd.InfoGAN)
    assert restored.get_config() == model.get_config()
    for key, value in {
        "architecture": "infogan_cr",
        "contrastive_weight": 2.0,
        "contrastive_start": START,
        "update_schedule": "alternating",
        "info_weights": {f"c{i}": 0.05 for i in range(1, 6)},
    }.items():
        assert model.get_config()[key] == value
    z = model.latent_space.concat(model.latent_space.sample(BATCH, seed=0))
    np.testing.assert_allclose(_np(model(z)), _np(restored(z)), atol=1e-6)
    np.testing.assert_allclose(
        _np(model.contrastive_logits(batches, batches[::-1])),
        _np(restored.contrastive_logits(batches, batches[::-1])),
        atol=1e-5,
    )


def test_invalid_options_raise():
    with pytest.raises(ValueError, match="64x64"):
        kd.InfoGAN(image_shape=(32, 32, 1), architecture="infogan_cr")
    with pytest.raises(ValueError, match="architecture"):
        kd.InfoGAN(architecture="dcgan")
    with pytest.raises(ValueError, match=">= 0"):
        kd.InfoGAN(contrastive_weight=-1.0)
    with pytest.raises(ValueError, match="at least two"):
        kd.InfoGAN(
            latent_space=kd.LatentSpace([NoiseCode("z", 4), UniformCode("c")]),
            contrastive_weight=1.0,
        )
