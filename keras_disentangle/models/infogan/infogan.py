"""InfoGAN (Chen et al., NIPS 2016)."""

import keras
import numpy as np
from keras import ops

from keras_disentangle.backend import inference_call
from keras_disentangle.engine.adversarial_model import AdversarialModel
from keras_disentangle.engine.player import Player
from keras_disentangle.heads.mutual_information import mutual_information_loss
from keras_disentangle.heads.mutual_information import posterior_summary
from keras_disentangle.heads.q_head import QHead
from keras_disentangle.latent.codes import CategoricalCode
from keras_disentangle.latent.codes import NoiseCode
from keras_disentangle.latent.codes import UniformCode
from keras_disentangle.latent.latent_space import LatentSpace
from keras_disentangle.latent.latent_space import as_latent_space
from keras_disentangle.latent.traversal import traversal_grid_codes
from keras_disentangle.models.generative_model import GenerativeModel
from keras_disentangle.models.image_checks import as_image_array
from keras_disentangle.models.image_checks import check_image_array
from keras_disentangle.models.image_checks import training_images
from keras_disentangle.models.infogan import contrastive_regularizer as cr
from keras_disentangle.models.infogan import infogan_cr_networks as cr_networks
from keras_disentangle.models.infogan import infogan_networks as networks

_ARCHITECTURES = ("infogan", "infogan_cr")
# Keras's BatchNormalization default, which InfoGANs saved before
# `batch_norm_epsilon` existed were built and trained with.
LEGACY_BATCH_NORM_EPSILON = 1e-3


def infogan_mnist_latent_space():
    """The paper's MNIST codes: z ~ U(-1, 1)^62, Cat(10), two U(-1, 1)."""
    return LatentSpace(
        [
            NoiseCode("z", 62, "uniform"),
            CategoricalCode("digit", 10),
            UniformCode("c1", 1),
            UniformCode("c2", 1),
        ]
    )


def infogan_dsprites_latent_space():
    """InfoGAN-CR's dSprites codes: five regularised U(-1, 1), then 5 noise.

    The official `gan_task.py` builds five regularised one-dimensional
    `UniformLatent(-1, 1)` codes followed by one unregularised
    five-dimensional `UniformLatent(-1, 1)` (`uniform_reg_dim` 5,
    `uniform_not_reg_dim` 5 in `config.py`); the generator input is their
    concatenation in that order (10 columns).
    """
    return LatentSpace(
        [UniformCode(f"c{i}", 1) for i in range(1, 6)]
        + [NoiseCode("z", 5, "uniform")]
    )


@keras.saving.register_keras_serializable(package="keras_disentangle")
class InfoGAN(AdversarialModel, GenerativeModel):
    """InfoGAN: a GAN whose Q head recovers structured codes from images.

    Losses (official `openai/InfoGAN` trainer), with `D(x)` a logit,
    `L_I = sum_c lambda_c * E[-log Q(c | G(z, c))]`:

    - discriminator player (D, the shared trunk and Q):
      `-E[log sigmoid D(x)] - E[log(1 - sigmoid D(G(z, c)))] + L_I`;
    - generator player (G): `-E[log sigmoid D(G(z, c))] + L_I`.

    The information term updates G and Q (and the shared trunk), as in the
    official code where Q lives in D's scope. G's samples enter D's step
    through a stop-gradient. D sees real and generated batches in separate
    calls, so BatchNorm statistics are per batch as in the official code;
    Q sees only generated ones, as there. Players alternate: D steps, then
    G against the updated D, each with fresh latent samples.

    The networks and optimizers follow the official code's constants:
    BatchNorm with epsilon 1e-5, moving averages with decay 0.9 and gamma
    drawn from N(1, 0.02) (`custom_ops.conv_batch_norm`); kernels from
    N(0, 0.02), truncated at two standard deviations for D's convolutions;
    zero biases; Adam(beta_1=0.5, epsilon=1e-8).

    Deviations from the official code, all numerically equivalent or
    configurable:

    - the sigmoid is folded into the loss (log-sigmoid via softplus,
      instead of `log(p + 1e-8)`);
    - the leaky-ReLU slope defaults to the paper's 0.1 (the official
      code's default is 0.01; pass `leaky_relu_slope=0.01` to match it);
    - the official trainer reads the 55,000 images of TensorFlow's MNIST
      training split (5,000 more are its validation set); the examples and
      `presets/train_infogan_mnist.py` train on all 60,000.

    **InfoGAN-CR** (Lin et al., ICML 2020; official code
    `fjxmlzn/InfoGAN-CR`, folder `InfoGAN-CR_dSprites`). `InfoGAN.dsprites()`
    gives the official dSprites configuration; its parts are options:

    - `architecture="infogan_cr"`: the official 64x64 networks
      (`infogan_cr_networks`: spectrally normalised D/Q without BatchNorm,
      lReLU 0.2, a 128-unit trunk) and the official optimizers as defaults:
      Adam(beta_1=0.5, epsilon=1e-8) with learning rates G 1e-3, D/Q 2e-3
      and CR discriminator 2e-3 (`config.py`, `gan/infogan_cr.py`).
    - `contrastive_weight > 0`: the contrastive regulariser, a third player
      `"cr_discriminator"` declared first, so the default alternating
      schedule runs CR discriminator, then D/Q, then G, as the official
      loop does. Per step, a label `k` is drawn uniformly among the
      regularised codes and a pair of latent vectors shares the value of
      code `k` and of the unregularised noise, the other regularised codes
      being drawn independently (`contrastive_regularizer.contrastive_pairs`).
      With `CE` the softmax cross-entropy of the CR discriminator's logits
      on the pair (the two images stacked along channels) against `k`:

      - CR player (the CR discriminator only): `CE`, G's images through a
        stop-gradient;
      - generator player: its loss above `+ w_t * CE`, so G cooperates
        with the CR discriminator; D/Q's loss is unchanged.

      `w_t` is the progressive weight: 0 before step `contrastive_start`,
      `contrastive_weight` from then on (official: 2.0 from iteration
      288,000 of 322,560). It is computed inside the step from a
      non-trainable step counter (`contrastive_step`, advanced by the CR
      player's update, once per step in the default schedules), so it
      switches during one `fit` call without retracing, and is saved with
      the weights. At the switch the official code also re-initialises the
      CR discriminator and its Adam state; call
      `restart_contrastive_discriminator()` at that step (the example
      script `examples/train_infogan_dsprites.py` does).

    Deviations from the official InfoGAN-CR code, and why:

    - each player's loss draws its own latent codes and pairs; the
      official loop feeds one draw to the CR, D/Q and both G updates of an
      iteration. Fresh draws keep the players independent of the schedule
      and are an unbiased estimate of the same expectations.
    - pair images are generated with BatchNorm in training mode throughout;
      the official code uses inference mode while the CR weight is 0. That
      only changes what the CR discriminator sees before the weight
      switches on, and the official code discards that discriminator at
      the switch.
    - the stored spectral-norm vectors advance by one power iteration per
      step, as in the official code, but in D's real-image call and in the
      CR player's call instead of after the last G update. The weights
      they are computed from are the same (nothing updates D or the CR
      discriminator between those two points); those two calls see a
      vector one power iteration less converged, every other call the
      same one.
    - the sigmoid of D is folded into the loss (softplus) as above.
    - the gap between non-shared codes (`gap_start` etc.) is fixed at 0,
      the value of every official dSprites configuration.

    Args:
        image_shape: `(size, size, channels)` with size 28, 32 or 64 and 1
            or 3 channels (64 only with `architecture="infogan_cr"`);
            images are floats in `[0, 1]`.
        latent_space: a `LatentSpace` or a list of latent codes (default:
            the paper's MNIST codes).
        q_network: `"shared"` (Q on D's trunk, the paper's choice) or
            `"separate"` (Q with its own trunk of the same architecture).
        info_weights: dict `code name -> lambda` for the information term;
            codes left out weigh 1.0 (the official `info_reg_coeff`;
            InfoGAN-CR's `info_coe` is 0.05).
        learn_scale: whether Q learns the scale of continuous posteriors
            (the official code fixes it to 1).
        leaky_relu_slope: slope of D's and Q's leaky ReLUs; default 0.1
            with `architecture="infogan"` and 0.2 (G's too, fixed) with
            `"infogan_cr"`.
        batch_norm_epsilon: epsilon of every BatchNorm layer of the
            `"infogan"` networks (official 1e-5). Configs saved before this
            option existed load with Keras's default 1e-3, which they were
            trained with.
        architecture: `"infogan"` (Chen et al.'s networks) or
            `"infogan_cr"` (InfoGAN-CR's 64x64 dSprites networks).
        contrastive_weight: final weight of the contrastive regulariser in
            G's loss; 0 (default) builds no CR discriminator.
        contrastive_start: the training step from which that weight applies
            (0: from the start).
        update_schedule, seed: see `AdversarialModel`.

    Example:

    ```python
    model = keras_disentangle.InfoGAN()
    model.compile()  # Adam(beta_1=0.5): D 2e-4, G 1e-3
    model.fit(images, batch_size=64, epochs=1)  # images in [0, 1], NHWC
    grid = model.traverse("c1", np.linspace(-2, 2, 10), seed=0)
    posteriors = model.encode(images[:16])  # {"digit": probs, "c1": means, ...}
    ```

    InfoGAN-CR on procedural dSprites (a few steps; the official run is
    322,560 steps at batch 64, see `examples/train_infogan_dsprites.py`):

    ```python
    from keras_disentangle.datasets import DSprites

    model = keras_disentangle.InfoGAN.dsprites(contrastive=True, seed=0)
    model.compile()  # Adam(0.5): G 1e-3, D/Q 2e-3, CR discriminator 2e-3
    batches = DSprites().batches(batch_size=64, seed=0, drop_remainder=True)
    model.fit(batches, epochs=1, steps_per_epoch=20)
    means = model.encode(DSprites()[:256])  # {"c1": (256, 1), ...}
    ```
    """

    def __init__(
        self,
        image_shape=(28, 28, 1),
        latent_space=None,
        q_network="shared",
        info_weights=None,
        learn_scale=False,
        leaky_relu_slope=None,
        batch_norm_epsilon=networks.OFFICIAL_BATCH_NORM_EPSILON,
        update_schedule="alternating",
        seed=None,
        architecture="infogan",
        contrastive_weight=0.0,
        contrastive_start=0,
        **kwargs,
    ):
        super().__init__(update_schedule=update_schedule, seed=seed, **kwargs)
        if latent_space is None:
            latent_space = infogan_mnist_latent_space()
        else:
            latent_space = as_latent_space(latent_space)
        if q_network not in ("shared", "separate"):
            raise ValueError(
                "q_network must be 'shared' (Q on D's trunk) or 'separate'. "
                f"Received: {q_network!r}"
            )
        if architecture not in _ARCHITECTURES:
            raise ValueError(
                f"architecture must be one of {_ARCHITECTURES}. "
                f"Received: {architecture!r}"
            )
        if float(contrastive_weight) < 0 or int(contrastive_start) < 0:
            raise ValueError(
                "contrastive_weight and contrastive_start must be >= 0. "
                f"Received: {contrastive_weight!r}, {contrastive_start!r}"
            )
        if architecture == "infogan_cr":
            self.image_shape = cr_networks.check_image_shape(image_shape)
        else:
            self.image_shape = networks.check_image_shape(image_shape)
        if leaky_relu_slope is None:
            leaky_relu_slope = 0.2 if architecture == "infogan_cr" else 0.1
        self.architecture = architecture
        self.latent_space = latent_space
        self.q_network_mode = q_network
        self.info_weights = dict(info_weights or {})
        self.learn_scale = bool(learn_scale)
        self.leaky_relu_slope = float(leaky_relu_slope)
        if not float(batch_norm_epsilon) > 0:
            raise ValueError(
                "batch_norm_epsilon must be > 0. Received: "
                f"{batch_norm_epsilon!r}"
            )
        self.batch_norm_epsilon = float(batch_norm_epsilon)
        self.contrastive_weight = float(contrastive_weight)
        self.contrastive_start = int(contrastive_start)
        # D's training flag on generated images. The Chen et al. networks
        # need batch statistics there. The InfoGAN-CR networks have no
        # BatchNorm: their flag only advances the spectral-norm power
        # iteration, which the official code does once per step.
        self._fake_training = architecture == "infogan"
        # Validates the weights against the codes before training starts.
        regularized = [c.name for c in latent_space.regularized_codes]
        unknown = [n for n in self.info_weights if n not in regularized]
        if unknown:
            raise ValueError(
                f"info_weights names {unknown}, which are not regularized "
                f"codes of the latent space ({regularized})."
            )
        if self.contrastive_weight > 0 and len(regularized) < 2:
            raise ValueError(
                "The contrastive regularizer tells regularized codes apart "
                f"and needs at least two; this latent space has {regularized}."
            )

        if architecture == "infogan_cr":
            self._build_infogan_cr_networks()
        else:
            epsilon = self.batch_norm_epsilon
            self.generator = networks.infogan_generator(
                latent_space.dim, self.image_shape, batch_norm_epsilon=epsilon
            )
            self.trunk = networks.infogan_trunk(
                self.image_shape,
                self.leaky_relu_slope,
                batch_norm_epsilon=epsilon,
            )
            self.d_head = networks.infogan_d_head()
            self.q_trunk = (
                networks.infogan_trunk(
                    self.image_shape,
                    self.leaky_relu_slope,
                    batch_norm_epsilon=epsilon,
                    name="q_trunk",
                )
                if q_network == "separate"
                else None
            )
            self.q_network = networks.infogan_q_network(
                QHead(latent_space, learn_scale=self.learn_scale),
                leaky_relu_slope=self.leaky_relu_slope,
                batch_norm_epsilon=epsilon,
            )
        self.cr_discriminator = None
        if self.contrastive_weight > 0:
            self.cr_discriminator = self._build_cr_discriminator()
            self.contrastive_step = self.add_weight(
                shape=(),
                initializer="zeros",
                trainable=False,
                name="contrastive_step",
            )
            self.current_contrastive_weight = self.add_weight(
                shape=(),
                initializer="zeros",
                trainable=False,
                name="current_contrastive_weight",
            )
        self.built = True

    @classmethod
    def dsprites(cls, contrastive=True, seed=None, **overrides):
        """InfoGAN-CR's official dSprites configuration.

        64x64x1 images, `infogan_dsprites_latent_space()` (five
        regularised U(-1, 1) codes `c1`..`c5` and five noise columns `z`),
        `architecture="infogan_cr"`, information weight 0.05 on every code
        (`info_coe_de` = `info_coe_infod` = 0.05), two generator updates
        per step (the official loop runs G's optimizer twice per
        iteration) and, with `contrastive=True`, the CR weight 2.0 from
        step 288,000 on. `contrastive=False` is "InfoGAN (modified)" of
        the paper's Table 1: the same run without the CR (the official
        checkpoints for that row are the CR runs at iteration 287,999,
        before the weight switches on).

        Args:
            contrastive: whether to add the contrastive regulariser.
            seed: the model's seed.
            **overrides: any other constructor argument, e.g.
                `contrastive_start=0` for a constant CR weight.

        Example:

        ```python
        model = InfoGAN.dsprites(contrastive=True, seed=0)
        model.compile()
        ```
        """
        if not contrastive and overrides.get("contrastive_weight"):
            raise ValueError(
                "InfoGAN.dsprites(contrastive=False) has no contrastive "
                "regularizer; drop contrastive_weight or pass "
                "contrastive=True."
            )
        latent_space = overrides.pop(
            "latent_space", infogan_dsprites_latent_space()
        )
        config = {
            "image_shape": (64, 64, 1),
            "latent_space": as_latent_space(latent_space),
            "architecture": "infogan_cr",
            "info_weights": {
                code.name: 0.05 for code in latent_space.regularized_codes
            },
            "update_schedule": {"generator": 2},
            "contrastive_weight": (
                cr.DSPRITES_CONTRASTIVE_WEIGHT if contrastive else 0.0
            ),
            "contrastive_start": cr.DSPRITES_CONTRASTIVE_START,
            "seed": seed,
        }
        config.update(overrides)
        return cls(**config)

    def _build_infogan_cr_networks(self):
        slope = self.leaky_relu_slope
        self.generator = cr_networks.infogan_cr_generator(
            self.latent_space.dim, self.image_shape
        )
        self.trunk = cr_networks.infogan_cr_trunk(self.image_shape, slope)
        self.d_head = cr_networks.infogan_cr_d_head()
        self.q_trunk = (
            cr_networks.infogan_cr_trunk(
                self.image_shape, slope, name="q_trunk"
            )
            if self.q_network_mode == "separate"
            else None
        )
        self.q_network = cr_networks.infogan_cr_q_network(
            self.latent_space,
            learn_scale=self.learn_scale,
            leaky_relu_slope=slope,
        )

    def _build_cr_discriminator(self):
        return cr_networks.contrastive_discriminator(
            self.image_shape,
            len(self.latent_space.regularized_codes),
            leaky_relu_slope=0.2,
        )

    # Networks -----------------------------------------------------------------

    def call(self, latents, training=False):
        """Generates images from `(batch, latent_space.dim)` latent vectors."""
        return self.generator(latents, training=training)

    def discriminate(self, images, training=False):
        """Returns D's logits `(batch, 1)` and Q's posteriors for `images`."""
        features = self.trunk(images, training=training)
        q_features = (
            features
            if self.q_trunk is None
            else self.q_trunk(images, training=training)
        )
        return (
            self.d_head(features, training=training),
            self.q_network(q_features, training=training),
        )

    # Training -----------------------------------------------------------------

    def default_optimizers(self):
        if self.architecture == "infogan_cr":
            # InfoGAN-CR: de_lr, infod_lr, crd_lr; TF1 Adam's epsilon.
            optimizers = {
                "discriminator": keras.optimizers.Adam(
                    2e-3, beta_1=0.5, epsilon=1e-8
                ),
                "generator": keras.optimizers.Adam(
                    1e-3, beta_1=0.5, epsilon=1e-8
                ),
            }
        else:
            # `run_mnist_exp.py`; TF1 Adam's epsilon.
            optimizers = {
                "discriminator": keras.optimizers.Adam(
                    2e-4, beta_1=0.5, epsilon=1e-8
                ),
                "generator": keras.optimizers.Adam(
                    1e-3, beta_1=0.5, epsilon=1e-8
                ),
            }
        if self.cr_discriminator is not None:
            optimizers["cr_discriminator"] = keras.optimizers.Adam(
                2e-3, beta_1=0.5, epsilon=1e-8
            )
        return optimizers

    def build_players(self):
        d_networks = [self.trunk, self.d_head, self.q_network]
        if self.q_trunk is not None:
            d_networks.append(self.q_trunk)
        categorical = self.latent_space.categorical_codes
        d_logs = ["d_loss", "info_loss", "mi"]
        if categorical:
            d_logs.append("q_accuracy")
        players = []
        if self.cr_discriminator is not None:
            players.append(
                Player(
                    "cr_discriminator",
                    variables=self.cr_discriminator.trainable_variables,
                    loss=self.contrastive_discriminator_loss,
                    objective="cr_loss",
                    logs=["cr_loss", "cr_accuracy", "cr_weight"],
                )
            )
        return players + [
            Player(
                "discriminator",
                variables=[
                    v for net in d_networks for v in net.trainable_variables
                ],
                loss=self.discriminator_loss,
                objective="d_loss",
                logs=d_logs,
            ),
            Player(
                "generator",
                variables=self.generator.trainable_variables,
                loss=self.generator_loss,
                objective="g_loss",
                logs=["g_loss"],
            ),
        ]

    def discriminator_loss(self, data):
        real = training_images(self, data)
        batch = ops.shape(real)[0]
        codes = self.latent_space.sample(batch, self.seed_generator)
        fake = ops.stop_gradient(
            self.generator(self.latent_space.concat(codes), training=True)
        )
        if self.architecture == "infogan":
            # D only: as in the official graph, Q never sees real images in
            # training, so its BatchNorm averages follow generated ones.
            real_logits = self.d_head(
                self.trunk(real, training=True), training=True
            )
        else:
            # InfoGAN-CR: this call advances every spectral-norm power
            # iteration of D and Q, once per step.
            real_logits, _ = self.discriminate(real, training=True)
        fake_logits, posteriors = self.discriminate(
            fake, training=self._fake_training
        )
        adversarial = ops.mean(ops.softplus(-real_logits)) + ops.mean(
            ops.softplus(fake_logits)
        )
        info, mi = mutual_information_loss(
            self.latent_space, codes, posteriors, self.info_weights
        )
        terms = {"d_loss": adversarial + info, "info_loss": info, "mi": mi}
        categorical = self.latent_space.categorical_codes
        if categorical:
            name = categorical[0].name
            hits = ops.argmax(posteriors[name], axis=-1) == ops.argmax(
                codes[name], axis=-1
            )
            terms["q_accuracy"] = ops.mean(ops.cast(hits, "float32"))
        return terms

    def generator_loss(self, data):
        real = training_images(self, data)
        batch = ops.shape(real)[0]
        codes = self.latent_space.sample(batch, self.seed_generator)
        fake = self.generator(self.latent_space.concat(codes), training=True)
        fake_logits, posteriors = self.discriminate(
            fake, training=self._fake_training
        )
        adversarial = ops.mean(ops.softplus(-fake_logits))
        info, _ = mutual_information_loss(
            self.latent_space, codes, posteriors, self.info_weights
        )
        loss = adversarial + info
        if self.cr_discriminator is not None:
            logits, labels = self._contrastive_logits_and_labels(
                batch, generator_gradient=True
            )
            weight = ops.cast(self.current_contrastive_weight, loss.dtype)
            loss = loss + weight * cr.contrastive_loss(logits, labels)
        return {"g_loss": loss}

    # Contrastive regularizer --------------------------------------------------

    def contrastive_discriminator_loss(self, data):
        """The CR player's loss; also advances the CR weight schedule."""
        real = training_images(self, data)
        batch = ops.shape(real)[0]
        step = ops.convert_to_tensor(self.contrastive_step)
        switched_on = ops.greater_equal(step, float(self.contrastive_start))
        weight = ops.cast(switched_on, "float32") * self.contrastive_weight
        self.current_contrastive_weight.assign(weight)
        self.contrastive_step.assign(step + 1.0)
        logits, labels = self._contrastive_logits_and_labels(
            batch, generator_gradient=False
        )
        return {
            "cr_loss": cr.contrastive_loss(logits, labels),
            "cr_accuracy": cr.contrastive_accuracy(logits, labels),
            "cr_weight": weight,
        }

    def _contrastive_logits_and_labels(self, batch, generator_gradient):
        first, second, labels = cr.contrastive_pairs(
            self.latent_space, batch, self.seed_generator
        )
        images = []
        for codes in (first, second):
            # One generator call per image of the pair: separate BatchNorm
            # statistics, as the official code builds two decoder graphs.
            x = self.generator(self.latent_space.concat(codes), training=True)
            images.append(x if generator_gradient else ops.stop_gradient(x))
        # The power iteration advances in the CR player's call only.
        logits = self.contrastive_logits(
            *images, training=not generator_gradient
        )
        return logits, labels

    def contrastive_logits(self, first_images, second_images, training=False):
        """The CR discriminator's logits for pairs of images.

        The pair is stacked along the channel axis (first image's channels
        first); the logits say which regularised code (in the order of
        `latent_space.regularized_codes`) the two images share.
        """
        if self.cr_discriminator is None:
            raise ValueError(
                "This InfoGAN has no contrastive regularizer; build it with "
                "contrastive_weight > 0."
            )
        return self.cr_discriminator(
            cr.pair_images(first_images, second_images), training=training
        )

    def contrastive_weight_at(self, step):
        """The CR weight the schedule gives at a training step (a float)."""
        return cr.contrastive_weight_at(
            step, self.contrastive_weight, self.contrastive_start
        )

    def restart_contrastive_discriminator(self, seed=None):
        """Re-initialises the CR discriminator and its optimizer state.

        The official code does this at the step where the CR weight
        switches on (`gan/infogan_cr.py`, the training loop); call it
        between `fit` calls at `contrastive_start`. As there, the trainable
        weights are redrawn from the networks' initialisers (here with
        numpy, `seed`; default: the model's seed) while the non-trainable
        spectral-norm vectors are kept; learning rates are kept, Adam's
        moments and iteration count (its bias correction) restart at zero.
        """
        if self.cr_discriminator is None:
            raise ValueError("This InfoGAN has no contrastive regularizer.")
        cr_networks.reinitialize(
            self.cr_discriminator,
            self.seed if seed is None else seed,
            power_iteration=False,
        )
        player = (self._players or {}).get("cr_discriminator")
        if player is not None and player.optimizer is not None:
            for variable in player.optimizer.variables:
                if not variable.path.endswith("learning_rate"):
                    variable.assign(ops.zeros(variable.shape, variable.dtype))

    def validate_training_data(self, x):
        check_image_array(self, x)

    # Inference ----------------------------------------------------------------

    def encode(self, images, batch_size=256):
        """Q's posteriors for real images, as numpy arrays.

        Returns a dict `code name -> array`: class probabilities for
        categorical codes, posterior means for continuous codes.
        """
        images = as_image_array(self, images)
        parts = []
        for start in range(0, len(images), batch_size):
            posteriors = inference_call(
                self,
                "encode",
                lambda x: self.discriminate(x, training=False)[1],
                images[start : start + batch_size],
            )
            parts.append(posterior_summary(self.latent_space, posteriors))
        return {
            name: np.concatenate([p[name] for p in parts], axis=0)
            for name in parts[0]
        }

    def traversal_grid(self, column_code, row_code=None, values=None, seed=0):
        """The classic InfoGAN figure as an image batch.

        Rows take every value of `row_code` (the first categorical code by
        default), columns sweep `column_code` over `values` (default
        `linspace(-2, 2, 10)`); other codes are fixed at one sample.
        Returns `(images, rows, columns)`.
        """
        if row_code is None:
            categorical = self.latent_space.categorical_codes
            if not categorical:
                raise ValueError(
                    "Pass row_code: this latent space has no categorical code."
                )
            row_code = categorical[0].name
        if values is None:
            values = np.linspace(-2.0, 2.0, 10)
        codes = traversal_grid_codes(
            self.latent_space, row_code, column_code, values, seed=seed
        )
        images = self.generate(codes)
        return images, len(images) // len(values), len(values)

    # Serialization ------------------------------------------------------------

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "image_shape": list(self.image_shape),
                "latent_space": self.latent_space.get_config(),
                "q_network": self.q_network_mode,
                "info_weights": self.info_weights,
                "learn_scale": self.learn_scale,
                "leaky_relu_slope": self.leaky_relu_slope,
                "batch_norm_epsilon": self.batch_norm_epsilon,
                "update_schedule": self.update_schedule,
                "seed": self.seed,
                "architecture": self.architecture,
                "contrastive_weight": self.contrastive_weight,
                "contrastive_start": self.contrastive_start,
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        # Configs written before the option trained with Keras's default.
        config.setdefault("batch_norm_epsilon", LEGACY_BATCH_NORM_EPSILON)
        return cls(**config)
