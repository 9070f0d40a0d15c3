"""O-GAN: orthogonal GAN, the discriminator as an encoder (Su, 2019)."""

import keras
import numpy as np
from keras import ops

from keras_disentangle.engine.adversarial_model import AdversarialModel
from keras_disentangle.engine.player import Player
from keras_disentangle.latent.codes import NoiseCode
from keras_disentangle.latent.latent_space import LatentSpace
from keras_disentangle.models.generative_model import GenerativeModel
from keras_disentangle.models.generative_model import inference_in_batches
from keras_disentangle.models.image_checks import as_image_array
from keras_disentangle.models.image_checks import check_image_array
from keras_disentangle.models.image_checks import check_image_shape
from keras_disentangle.models.image_checks import training_images
from keras_disentangle.models.ogan import ogan_networks as networks


def pearson_correlation(x, y):
    """Per-row Pearson correlation of two `(batch, dim)` matrices.

    Each row is centred and L2-normalised (`x / sqrt(max(|x|^2, 1e-12))`,
    as `K.l2_normalize` does), then the rows are multiplied and summed.
    """
    x = ops.convert_to_tensor(x)
    y = ops.convert_to_tensor(y)
    x = x - ops.mean(x, axis=1, keepdims=True)
    y = y - ops.mean(y, axis=1, keepdims=True)
    x = x * ops.rsqrt(
        ops.maximum(ops.sum(ops.square(x), 1, keepdims=True), 1e-12)
    )
    y = y * ops.rsqrt(
        ops.maximum(ops.sum(ops.square(y), 1, keepdims=True), 1e-12)
    )
    return ops.sum(x * y, axis=1)


def o_gan_loss(
    z,
    real_codes,
    fake_codes,
    fake_codes_sg,
    real_images,
    fake_images_sg,
    correlation_weight=0.5,
):
    """The O-GAN loss of the official `o_gan_celeba.py`, one scalar.

    With `T(x) = mean(E(x))` over the code dimensions, `x_f = G(z)` and
    `sg` a stop-gradient (the caller passes `fake_images_sg = sg(x_f)` and
    `fake_codes_sg = E(sg(x_f))`, `fake_codes = E(x_f)`):

    - `t1 = T(x) - T(sg(x_f))`: only E receives its gradient;
    - `t2 = T(x_f) - T(sg(x_f))`: zero in value; E's gradient cancels
      between the two terms, so only G receives one, through `T(G(z))`;
    - `rho = pearson(z, E(x_f))` per sample, over the code dimensions;
    - `qp = 0.25 * t1^2 / mean((x - sg(x_f))^2)`, the GAN-QP quadratic
      potential, per pair `(x_i, x_f,i)`, with pixel distances measured on
      `[-1, 1]` images like the official ones (`real_images` and
      `fake_images_sg` are in `[0, 1]`).

    `loss = mean(t1 + t2 - correlation_weight * rho) + mean(qp)`.

    Returns a dict with `loss`, `t_loss = mean(t1)`, `z_corr = mean(rho)`
    and `qp_loss = mean(qp)`.
    """
    real_images = ops.convert_to_tensor(real_images)
    fake_images_sg = ops.convert_to_tensor(fake_images_sg)
    t_real = ops.mean(real_codes, axis=1)
    t_fake = ops.mean(fake_codes, axis=1)
    t_fake_sg = ops.mean(fake_codes_sg, axis=1)
    t1 = t_real - t_fake_sg
    t2 = t_fake - t_fake_sg
    rho = pearson_correlation(z, fake_codes)
    batch = ops.shape(real_images)[0]
    diff = ops.reshape(2.0 * (real_images - fake_images_sg), (batch, -1))
    qp = 0.25 * ops.square(t1) / ops.mean(ops.square(diff), axis=1)
    t_loss = ops.mean(t1)
    return {
        "loss": ops.mean(t1 + t2 - correlation_weight * rho) + ops.mean(qp),
        "t_loss": t_loss,
        "z_corr": ops.mean(rho),
        "qp_loss": ops.mean(qp),
    }


@keras.saving.register_keras_serializable(package="keras_disentangle")
class OGAN(AdversarialModel, GenerativeModel):
    """O-GAN: a GAN whose discriminator is also an encoder of z.

    The discriminator `E: x -> R^latent_dim` outputs a code; its critic is
    the code's mean `T(x) = mean(E(x))`. A Pearson-correlation term between
    `z` and `E(G(z))` makes E invert G at no extra network cost. The loss
    is the official `o_gan_celeba.py` one (see `o_gan_loss`):
    `mean(t1 + t2 - 0.5 * rho(z, E(G(z)))) + mean(qp)`, with the GAN-QP
    regulariser `qp = 0.25 * t1^2 / mean((x - sg(G(z)))^2)`.

    One player, `encoder_generator`, owns every weight of E and G and one
    optimizer minimises the loss, as in the official code: its
    stop-gradients turn the single minimisation into the game. E pushes
    `T` down on real images and up on fakes (through `t1`); G pushes
    `T(G(z))` down (through `t2`, whose gradient reaches only G); both
    raise the correlation. E sees real images, `G(z)` and `sg(G(z))` in
    three separate batches, as the official code does (each with its own
    batch-normalization statistics).

    Networks (`ogan_networks`): DCGAN-style, 5x5 stride-2 convolutions
    with the official code's channel rule (`8 * size` channels in E's last
    convolution, halved towards the first); for 28x28 MNIST (the default)
    E is conv112-lReLU, conv224-BN-lReLU, FC(latent) and G is
    FC(7x7x224)-BN-ReLU, deconv112-BN-ReLU, deconv1-tanh; for 32, 64 and
    128 px the channels run from 64 up. `z ~ N(0, I)` with 64 dimensions.
    Optimizer: RMSprop(1e-4, rho=0.99), batch 64, as in the official code.
    The official code runs on Keras 2, whose RMSprop divides by
    `sqrt(v) + 1e-7`; Keras 3's divides by `sqrt(v + epsilon)`, so the
    default optimizer takes `epsilon=1e-14`: the two denominators then
    differ by less than 1e-7 for every `v`.

    Deviations from the official code: the dense and convolution layers
    feeding a batch normalization have no bias (the normalization's offset
    makes it redundant); images are in `[0, 1]` at the model's boundary
    (E rescales its input to `[-1, 1]`, G its tanh output to `[0, 1]`, and
    the regulariser measures pixel distances on the `[-1, 1]` scale, so
    the loss equals the official one).

    Args:
        image_shape: square `(size, size, channels)` images in `[0, 1]`;
            28 px halves to 7x7, 32, 64 and 128 px to 4x4.
        latent_dim: width of z and of E's code.
        base_filters: channels of E's first convolution (doubling after
            each) and of G's last hidden deconvolution; `None` (default)
            takes the official rule's width (112 for 28 px, 64 for 32, 64
            and 128 px; `ogan_networks.official_base_filters`).
        correlation_weight: the weight of the correlation term (official
            0.5).
        leaky_relu_slope: slope of E's leaky ReLUs (official 0.2).
        self_modulated: replace G's batch normalizations by
            `SelfModulatedBatchNormalization` of z, as the official
            `o_gan_celeba_sm_4x4.py` does (there with 4x4 kernels; here the
            kernels stay 5x5).
        update_schedule, seed: see `AdversarialModel`.

    Example:

    ```python
    model = keras_disentangle.OGAN()
    model.compile()  # RMSprop(1e-4, rho=0.99)
    model.fit(images, batch_size=64, epochs=1)  # images in [0, 1], NHWC
    codes = model.encode(images[:16])["z"]  # E(x)
    recon = model.reconstruct(images[:16])  # G(0.9 * standardised E(x))
    ```
    """

    def __init__(
        self,
        image_shape=(28, 28, 1),
        latent_dim=64,
        base_filters=None,
        correlation_weight=0.5,
        leaky_relu_slope=0.2,
        self_modulated=False,
        update_schedule="alternating",
        seed=None,
        **kwargs,
    ):
        super().__init__(update_schedule=update_schedule, seed=seed, **kwargs)
        self.image_shape = check_image_shape(image_shape)
        networks.num_downsamplings(self.image_shape)
        if int(latent_dim) != latent_dim or latent_dim < 2:
            raise ValueError(
                "latent_dim must be an integer >= 2 (the correlation is "
                f"taken across code dimensions). Received: {latent_dim!r}"
            )
        self.latent_dim = int(latent_dim)
        if base_filters is None:
            base_filters = networks.official_base_filters(self.image_shape)
        if int(base_filters) != base_filters or base_filters < 1:
            raise ValueError(
                "base_filters must be a positive integer, or None for the "
                f"official width. Received: {base_filters!r}"
            )
        self.base_filters = int(base_filters)
        self.correlation_weight = float(correlation_weight)
        self.leaky_relu_slope = float(leaky_relu_slope)
        self.self_modulated = bool(self_modulated)
        self.latent_space = LatentSpace(
            [NoiseCode("z", self.latent_dim, "normal")]
        )
        self.encoder = networks.ogan_encoder(
            self.latent_dim,
            self.image_shape,
            self.base_filters,
            self.leaky_relu_slope,
        )
        self.generator = networks.ogan_generator(
            self.latent_dim,
            self.image_shape,
            self.base_filters,
            self_modulated=self.self_modulated,
        )
        self.built = True

    # Networks -----------------------------------------------------------------

    def call(self, latents, training=False):
        """Generates images from `(batch, latent_dim)` latent vectors."""
        return self.generator(latents, training=training)

    def critic(self, images, training=False):
        """`T(x) = mean(E(x))`, the critic's score, shape `(batch,)`."""
        return ops.mean(self.encoder(images, training=training), axis=1)

    # Training -----------------------------------------------------------------

    def default_optimizers(self):
        # epsilon=1e-14 inside the square root matches Keras 2's 1e-7
        # outside it (see the class docstring).
        return {
            "encoder_generator": keras.optimizers.RMSprop(
                1e-4, rho=0.99, epsilon=1e-14
            )
        }

    def build_players(self):
        return [
            Player(
                "encoder_generator",
                variables=self.encoder.trainable_variables
                + self.generator.trainable_variables,
                loss=self.ogan_loss,
                objective="loss",
                logs=["loss", "t_loss", "z_corr", "qp_loss"],
            )
        ]

    def ogan_loss(self, data):
        real = training_images(self, data)
        batch = ops.shape(real)[0]
        z = self.latent_space.concat(
            self.latent_space.sample(batch, self.seed_generator)
        )
        fake = self.generator(z, training=True)
        fake_sg = ops.stop_gradient(fake)
        return o_gan_loss(
            z,
            self.encoder(real, training=True),
            self.encoder(fake, training=True),
            self.encoder(fake_sg, training=True),
            real,
            fake_sg,
            self.correlation_weight,
        )

    def validate_training_data(self, x):
        check_image_array(self, x)

    # Inference ----------------------------------------------------------------

    def encode(self, images, batch_size=256):
        """`E(x)` for images in `[0, 1]`: `{"z": array (n, latent_dim)}`."""
        encoder = self.encoder
        codes = inference_in_batches(
            encoder,
            "encode",
            lambda x: encoder(x, training=False),
            as_image_array(self, images),
            batch_size,
        )
        return {"z": codes}

    def reconstruct(self, images, batch_size=256, scale=0.9):
        """`G(scale * standardise(E(x)))` as a numpy array in `[0, 1]`.

        The correlation term fixes `E(x)` only up to an offset and a scale
        per sample, so each code is standardised (zero mean, unit standard
        deviation across its dimensions) and multiplied by `scale` before
        decoding, as the official `sample_ae` does (with 0.9).
        """
        codes = self.encode(images, batch_size)["z"]
        codes = codes - codes.mean(axis=1, keepdims=True)
        codes = codes / np.maximum(codes.std(axis=1, keepdims=True), 1e-12)
        return self.generate(scale * codes, batch_size=batch_size)

    # Serialization ------------------------------------------------------------

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "image_shape": list(self.image_shape),
                "latent_dim": self.latent_dim,
                "base_filters": self.base_filters,
                "correlation_weight": self.correlation_weight,
                "leaky_relu_slope": self.leaky_relu_slope,
                "self_modulated": self.self_modulated,
                "update_schedule": self.update_schedule,
                "seed": self.seed,
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)
