"""BiGAN (Donahue, Kraehenbuehl and Darrell, ICLR 2017)."""

import keras
from keras import ops

from keras_disentangle.engine.adversarial_model import AdversarialModel
from keras_disentangle.engine.player import Player
from keras_disentangle.latent.codes import NoiseCode
from keras_disentangle.latent.latent_space import LatentSpace
from keras_disentangle.models.bigan import bigan_networks as networks
from keras_disentangle.models.generative_model import GenerativeModel
from keras_disentangle.models.generative_model import inference_in_batches
from keras_disentangle.models.image_checks import as_image_array
from keras_disentangle.models.image_checks import check_image_array
from keras_disentangle.models.image_checks import training_images


def bigan_losses(real_logits, fake_logits):
    """The BiGAN losses from D's logits on `(x, E(x))` and `(G(z), z)`.

    Returns `(d_loss, eg_loss)`:

    - `d_loss = 0.5 * (BCE(D(x, E(x)), 1) + BCE(D(G(z), z), 0))`;
    - `eg_loss = 0.5 * (BCE(D(x, E(x)), 0) + BCE(D(G(z), z), 1))`, the
      label-swapped ("non-saturating") loss the official code gives E and G.

    The sigmoid is folded into the loss: `BCE(sigmoid(l), 1) = softplus(-l)`.
    """
    real_logits = ops.convert_to_tensor(real_logits)
    fake_logits = ops.convert_to_tensor(fake_logits)
    d_loss = 0.5 * (
        ops.mean(ops.softplus(-real_logits))
        + ops.mean(ops.softplus(fake_logits))
    )
    eg_loss = 0.5 * (
        ops.mean(ops.softplus(real_logits))
        + ops.mean(ops.softplus(-fake_logits))
    )
    return d_loss, eg_loss


def bigan_learning_rate(
    steps_per_epoch,
    epochs=200,
    decay_epochs=200,
    learning_rate=2e-4,
    final_multiplier=0.01,
):
    """The official MNIST learning-rate schedule, per step.

    `learning_rate` for `epochs` epochs, then an exponential decay, one
    value per epoch, reaching `final_multiplier * learning_rate` in the last
    of `decay_epochs` epochs (`train_gan.py`'s default when
    `--linear_decay` is not given, as in `train_mnist.sh`).

    Returns a `keras.optimizers.schedules.PiecewiseConstantDecay`.
    """
    steps_per_epoch = int(steps_per_epoch)
    if steps_per_epoch < 1 or epochs < 0 or decay_epochs < 1:
        raise ValueError(
            "bigan_learning_rate needs steps_per_epoch >= 1, epochs >= 0 and "
            f"decay_epochs >= 1. Received steps_per_epoch={steps_per_epoch}, "
            f"epochs={epochs}, decay_epochs={decay_epochs}."
        )
    boundaries = [
        (epochs + k) * steps_per_epoch - 1 for k in range(decay_epochs)
    ]
    values = [float(learning_rate)] + [
        float(learning_rate * final_multiplier ** ((k + 1) / decay_epochs))
        for k in range(decay_epochs)
    ]
    return keras.optimizers.schedules.PiecewiseConstantDecay(boundaries, values)


@keras.saving.register_keras_serializable(package="keras_disentangle")
class BiGAN(AdversarialModel, GenerativeModel):
    """BiGAN: a GAN that also learns an encoder E, judged jointly on (x, z).

    A joint discriminator `D(x, z)` tells real pairs `(x, E(x))` from
    generated pairs `(G(z), z)`; the generator G and the encoder E are one
    player against it (the paper's `min_{G,E} max_D V(D, E, G)`). With `l`
    D's logit:

    - discriminator player (D):
      `0.5 * (-log sigmoid l(x, E(x)) - log(1 - sigmoid l(G(z), z)))`;
    - encoder_generator player (E and G, one optimizer): the label-swapped
      loss `0.5 * (-log(1 - sigmoid l(x, E(x))) - log sigmoid l(G(z), z))`,
      as in the official code (`--encode_gen_weight 1`, "opp_loss"), not
      the saturating `-V`.

    Each player also minimises `weight_decay / 2 * sum(w^2)` over its own
    weights: the official L2 decay, which is added to the gradient before
    Adam (not the decoupled decay of `AdamW`). The players update
    simultaneously from the same parameters, as the official code does
    with one Theano function for all updates (`update_schedule=
    "simultaneous"`); E's output reaches D's step through a stop-gradient
    and so does G's.

    Networks (the official permutation-invariant MNIST setting, see
    `bigan_networks`): 1024-unit MLPs with batch normalization without
    scale or offset; `z` is a 50-d uniform code on `(-1, 1)`; E ends in
    `2 * sigmoid - 1`; z enters D and the second layer of G as a learned
    bias; D's logit layer starts at zero. Optimizer: Adam(2e-4,
    beta_1=0.5) per player, batch 128. The official run lasts 400 epochs:
    the rate is held for 200 and decays exponentially to 1% over the other
    200 (`train_mnist.sh` does not pass `--linear_decay`); `compile()`
    keeps it constant, pass `bigan_learning_rate(steps_per_epoch)` to each
    Adam for the official schedule. The official `--encode_normalize`
    only rescales latent-regression costs, which the BiGAN objective does
    not use; E's output is normalised by the `2 * sigmoid - 1` map alone.

    Deviations from the official code: each player draws its own `z`
    (the official step shares one sample between D's and E/G's update);
    batch normalization uses `epsilon=1e-5` (official 1e-8) and, for
    inference, the moving averages of training; the official code instead
    re-estimates the statistics over 1000 batches before each evaluation,
    which `keras_disentangle.utils.reestimate_batch_norm_statistics` does
    (the MNIST example calls it on E and G before evaluating); the sigmoid
    is folded into the loss (softplus of the logit).

    Args:
        image_shape: `(height, width, channels)` of images in `[0, 1]`;
            the networks flatten them.
        latent_dim: width of `z` (paper: 50).
        latent_distribution: `"uniform"` on `(-1, 1)` (paper) or
            `"normal"`.
        units: width of every hidden layer (paper: 1024).
        leaky_relu_slope: slope of E's and D's leaky ReLUs (official 0.2).
        weight_decay: L2 coefficient of every weight (official 2.5e-5).
        update_schedule, seed: see `AdversarialModel`.

    Example:

    ```python
    model = keras_disentangle.BiGAN()
    model.compile()  # Adam(2e-4, beta_1=0.5) for both players
    model.fit(images, batch_size=128, epochs=1)  # images in [0, 1], NHWC
    codes = model.encode(images[:16])["z"]  # E(x), shape (16, 50)
    features = model.encode_features(images[:16])  # E's last hidden layer
    recon = model.reconstruct(images[:16])  # G(E(x))
    ```
    """

    def __init__(
        self,
        image_shape=(28, 28, 1),
        latent_dim=50,
        latent_distribution="uniform",
        units=1024,
        leaky_relu_slope=0.2,
        weight_decay=2.5e-5,
        update_schedule="simultaneous",
        seed=None,
        **kwargs,
    ):
        super().__init__(update_schedule=update_schedule, seed=seed, **kwargs)
        self.image_shape = networks.check_image_shape(image_shape)
        self.latent_distribution = networks.check_latent_distribution(
            latent_distribution
        )
        if int(latent_dim) != latent_dim or latent_dim < 1:
            raise ValueError(
                f"latent_dim must be a positive integer. Received: "
                f"{latent_dim!r}"
            )
        if not float(weight_decay) >= 0:
            raise ValueError(
                f"weight_decay must be >= 0. Received: {weight_decay!r}"
            )
        self.latent_dim = int(latent_dim)
        self.units = int(units)
        self.leaky_relu_slope = float(leaky_relu_slope)
        self.weight_decay = float(weight_decay)
        self.latent_space = LatentSpace(
            [NoiseCode("z", self.latent_dim, self.latent_distribution)]
        )
        self.generator = networks.bigan_generator(
            self.latent_dim, self.image_shape, self.units
        )
        self.encoder = networks.bigan_encoder(
            self.latent_dim,
            self.image_shape,
            self.units,
            self.latent_distribution,
            self.leaky_relu_slope,
        )
        self.discriminator = networks.bigan_discriminator(
            self.latent_dim,
            self.image_shape,
            self.units,
            self.leaky_relu_slope,
        )
        self.built = True

    # Networks -----------------------------------------------------------------

    def call(self, latents, training=False):
        """Generates images from `(batch, latent_dim)` latent vectors."""
        return self.generator(latents, training=training)

    # Training -----------------------------------------------------------------

    def default_optimizers(self):
        return {
            "discriminator": keras.optimizers.Adam(2e-4, beta_1=0.5),
            "encoder_generator": keras.optimizers.Adam(2e-4, beta_1=0.5),
        }

    def build_players(self):
        return [
            Player(
                "discriminator",
                variables=self.discriminator.trainable_variables,
                loss=self.discriminator_loss,
                objective="d_loss",
                logs=["d_loss"],
            ),
            Player(
                "encoder_generator",
                variables=self.encoder.trainable_variables
                + self.generator.trainable_variables,
                loss=self.encoder_generator_loss,
                objective="eg_loss",
                logs=["eg_loss"],
            ),
        ]

    def _logits(self, real, stop_gradient):
        batch = ops.shape(real)[0]
        z = self.latent_space.concat(
            self.latent_space.sample(batch, self.seed_generator)
        )
        encoded = self.encoder(real, training=True)
        fake = self.generator(z, training=True)
        if stop_gradient:
            encoded = ops.stop_gradient(encoded)
            fake = ops.stop_gradient(fake)
        real_logits = self.discriminator([real, encoded], training=True)
        fake_logits = self.discriminator([fake, z], training=True)
        return real_logits, fake_logits

    def discriminator_loss(self, data):
        real = training_images(self, data)
        d_loss, _ = bigan_losses(*self._logits(real, stop_gradient=True))
        decay = _l2(self.discriminator.trainable_variables, self.weight_decay)
        return {"d_loss": d_loss + decay}

    def encoder_generator_loss(self, data):
        real = training_images(self, data)
        _, eg_loss = bigan_losses(*self._logits(real, stop_gradient=False))
        decay = _l2(
            self.encoder.trainable_variables
            + self.generator.trainable_variables,
            self.weight_decay,
        )
        return {"eg_loss": eg_loss + decay}

    def validate_training_data(self, x):
        check_image_array(self, x)

    # Inference ----------------------------------------------------------------

    def encode(self, images, batch_size=256):
        """`E(x)` for images in `[0, 1]`: `{"z": array (n, latent_dim)}`."""
        return {"z": self._map("encode", self.encoder, images, batch_size)}

    def encode_features(self, images, batch_size=256):
        """E's last hidden layer (1024-d), the official `NNC_e-` features."""
        features = keras.Model(
            self.encoder.input, self.encoder.get_layer("features").output
        )
        return self._map("encode_features", features, images, batch_size)

    def encode_logits(self, images, batch_size=256):
        """E's output before the `2 * sigmoid - 1` map (`latent_dim` wide).

        The official `NNC_e` features: the official evaluation measures
        distances between these logits, not between the squashed codes.
        With `latent_distribution="normal"` E has no such map, and the
        logits are the codes `encode()` returns.
        """
        logits = keras.Model(
            self.encoder.input, self.encoder.get_layer("latent_logits").output
        )
        return self._map("encode_logits", logits, images, batch_size)

    def reconstruct(self, images, batch_size=256):
        """`G(E(x))` as a numpy array in `[0, 1]`."""
        codes = self.encode(images, batch_size)["z"]
        return self.generate(codes, batch_size=batch_size)

    def _map(self, name, network, images, batch_size):
        # `network` is E or a view of E's layers: E owns every weight it reads.
        return inference_in_batches(
            self.encoder,
            name,
            lambda x: network(x, training=False),
            as_image_array(self, images),
            batch_size,
        )

    # Serialization ------------------------------------------------------------

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "image_shape": list(self.image_shape),
                "latent_dim": self.latent_dim,
                "latent_distribution": self.latent_distribution,
                "units": self.units,
                "leaky_relu_slope": self.leaky_relu_slope,
                "weight_decay": self.weight_decay,
                "update_schedule": self.update_schedule,
                "seed": self.seed,
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _l2(variables, weight):
    """`weight / 2 * sum(w^2)`: its gradient is the official `weight * w`."""
    if not weight:
        return 0.0
    return (
        0.5
        * weight
        * ops.sum(ops.stack([ops.sum(ops.square(v)) for v in variables]))
    )
