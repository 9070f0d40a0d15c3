"""VAE-GAN: autoencoding beyond pixels (Larsen et al., ICML 2016)."""

import keras
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
from keras_disentangle.models.vaegan import vaegan_networks as networks

_PIXEL_LOSSES = ("gaussian", "bernoulli")


def gaussian_kl(mean, log_var):
    """`KL(N(mean, exp(log_var)) || N(0, I))`, summed over z, batch mean."""
    mean = ops.convert_to_tensor(mean)
    log_var = ops.convert_to_tensor(log_var)
    per_dim = 0.5 * (ops.square(mean) + ops.exp(log_var) - 1.0 - log_var)
    return ops.mean(ops.sum(per_dim, axis=-1))


def gaussian_nll(prediction, target):
    """`-log N(target | prediction, I)` up to its constant, batch mean.

    `0.5 * sum((prediction - target)^2)` over every non-batch axis: the
    official `NLLNormal` with sigma 1, whose gradient it has.
    """
    prediction = ops.convert_to_tensor(prediction)
    target = ops.convert_to_tensor(target)
    batch = ops.shape(prediction)[0]
    diff = ops.reshape(prediction - target, (batch, -1))
    return ops.mean(0.5 * ops.sum(ops.square(diff), axis=-1))


def bernoulli_nll(prediction, target):
    """Pixel-wise binary cross-entropy summed over each image, batch mean."""
    prediction = ops.convert_to_tensor(prediction)
    target = ops.convert_to_tensor(target)
    batch = ops.shape(prediction)[0]
    bce = ops.binary_crossentropy(
        ops.reshape(target, (batch, -1)), ops.reshape(prediction, (batch, -1))
    )
    return ops.mean(ops.sum(bce, axis=-1))


def gan_balance(real_cost, fake_cost, equilibrium=0.68, margin=0.35):
    """The official GAN balancing rule: whether D and Dec take their step.

    `real_cost = -mean log D(x)` and `fake_cost = -mean log(1 - D(fake))`.
    D skips its step if either cost is below `equilibrium - margin` (it is
    winning); Dec skips its step if either is above `equilibrium + margin`
    (it is losing); if both would skip, both step. Returns
    `(discriminator_steps, decoder_steps)` as float 0/1 tensors.
    """
    real_cost = ops.convert_to_tensor(real_cost)
    fake_cost = ops.convert_to_tensor(fake_cost)
    low = equilibrium - margin
    high = equilibrium + margin
    d_skip = ops.logical_or(real_cost < low, fake_cost < low)
    dec_skip = ops.logical_or(real_cost > high, fake_cost > high)
    both = ops.logical_and(d_skip, dec_skip)
    d_step = ops.logical_or(ops.logical_not(d_skip), both)
    dec_step = ops.logical_or(ops.logical_not(dec_skip), both)
    return ops.cast(d_step, "float32"), ops.cast(dec_step, "float32")


def _gated(loss, gate):
    """`loss` in value, `gate * d(loss)` in gradient."""
    frozen = ops.stop_gradient(loss)
    return frozen + ops.cast(gate, loss.dtype) * (loss - frozen)


@keras.saving.register_keras_serializable(package="keras_disentangle")
class VAEGAN(AdversarialModel, GenerativeModel):
    """VAE-GAN: a VAE whose reconstructions are scored in a GAN's features.

    Three players, with `Dis_l` the discriminator's `feature_layer`,
    `x~ = Dec(z)`, `z ~ q(z | x)` (reparameterised) and `z_p ~ N(0, I)`:

    - encoder (Enc): `KL(q(z | x) || N(0, I)) + L_llike`, with the
      feature-wise reconstruction
      `L_llike = 0.5 * sum (Dis_l(x~) - sg(Dis_l(x)))^2`, the Gaussian
      negative log-likelihood of `Dis_l(x)` given `Dis_l(x~)` up to its
      constant. No GAN gradient reaches the encoder (the official code
      scales it by 0).
    - decoder (Dec): `gamma * L_llike - (1 - gamma) * L_GAN`, where the
      decoder's part of `L_GAN` is
      `E[log(1 - D(Dec(z_p)))] + E[log(1 - D(x~))]` (the saturating
      minimax form of the official code). `gamma` is
      `recon_vs_gan_weight`.
    - discriminator (Dis): only the GAN loss,
      `0.5 * E[-log D(x)] + 0.5 * E[-log(1 - D(fake))]` over all fakes; it
      is not trained by `L_llike`.

    As in the official code, D judges real images and fakes in one batch
    (shared batch-normalization statistics) and computes `Dis_l` on
    reconstructions and real images in one batch; fakes are decoded from
    `sg(z)` (when `discriminate_reconstructions`) and `z_p` (when
    `discriminate_samples`) in one batch. All players update
    simultaneously from the same parameters (the official code takes one
    backward pass). The official GAN balance is on by default: with D's
    costs `-log D(x)` on real and `-log(1 - D(fake))` on generated
    images, D skips its step while either is below
    `equilibrium - margin` and Dec while either is above
    `equilibrium + margin` (see `gan_balance`); `margin=None` turns it
    off. A skipped step has zero gradient: with the default RMSprop the
    weights stay put, but its running average of squared gradients
    decays (the official code skips the update and leaves it as is).

    With `adversarial=False` the same encoder and decoder train as a plain
    VAE (the official `mnist_ae.py`): no discriminator; Enc minimises
    `KL + L_pixel` and Dec `L_pixel`, with `pixel_loss="gaussian"`
    (`0.5 * sum (x~ - x)^2`, the official `NLLNormal` with sigma 1) or
    `"bernoulli"` (binary cross-entropy).

    Networks (`vaegan_networks`): the official MNIST MLPs, two
    1024-unit FC-BN-ReLU blocks each; z has 64 dimensions as in
    `mnist_ae.py`. The default feature layer, `"dense_2"`, is the
    pre-normalization output of D's last hidden layer, mirroring the
    CelebA run's choice of a pre-normalization convolution output
    (`recon_depth=9`). `gamma` defaults to the official class default
    1e-2 (the official code has no MNIST VAE-GAN run; CelebA uses 1e-6 on
    far larger feature maps). Optimizer: RMSprop(rho=0.9, epsilon=1e-8)
    per player at 0.025 / 64, the official per-sample learning rate of the
    CelebA run at the start (the losses here are batch means, the official
    ones batch sums with the rate divided by the batch size).

    Deviations from the official code: the learning rate is constant (the
    official one anneals to 1e-5 over training, `GammaAnnealer`, power
    0.75); no weight decay (the official MNIST networks have none, CelebA
    uses 1e-5); each player draws its own `z` and `z_p` and evaluates the
    balance rule on its own forward pass; D's sigmoid is folded into the
    loss (the official code adds 1e-3 inside each log); the constant of
    the Gaussian log-likelihood is dropped; the same decoder and
    discriminator layers serve the reconstruction and GAN paths (the
    official copies share weights but keep their own batch-normalization
    running averages).

    Args:
        image_shape: `(height, width, channels)` of images in `[0, 1]`;
            the networks flatten them.
        latent_dim: width of z (official MNIST: 64).
        units: width of every hidden layer (official: 1024).
        adversarial: `False` trains a plain VAE with the same encoder and
            decoder and no discriminator.
        feature_layer: the discriminator layer of `L_llike`.
        recon_vs_gan_weight: `gamma`, the decoder's weight on `L_llike`
            (and `1 - gamma` on the GAN term).
        discriminate_samples: whether fakes include `Dec(z_p)`.
        discriminate_reconstructions: whether fakes include `x~` (the
            paper's third GAN term; the official CelebA run turns it off).
        equilibrium, margin: the GAN balance rule; `margin=None` turns it
            off.
        pixel_loss: the plain VAE's reconstruction loss, `"gaussian"` or
            `"bernoulli"`.
        update_schedule, seed: see `AdversarialModel`.

    Example:

    ```python
    model = keras_disentangle.VAEGAN()
    model.compile()  # RMSprop per player
    model.fit(images, batch_size=64, epochs=1)  # images in [0, 1], NHWC
    recon = model.reconstruct(images[:16])  # Dec(mean of q(z | x))
    codes = model.encode(images[:16])["z"]  # posterior means
    vae = keras_disentangle.VAEGAN(adversarial=False)  # the VAE baseline
    ```
    """

    def __init__(
        self,
        image_shape=(28, 28, 1),
        latent_dim=64,
        units=1024,
        adversarial=True,
        feature_layer="dense_2",
        recon_vs_gan_weight=1e-2,
        discriminate_samples=True,
        discriminate_reconstructions=True,
        equilibrium=0.68,
        margin=0.35,
        pixel_loss="gaussian",
        update_schedule="simultaneous",
        seed=None,
        **kwargs,
    ):
        super().__init__(update_schedule=update_schedule, seed=seed, **kwargs)
        self.image_shape = check_image_shape(image_shape)
        if int(latent_dim) != latent_dim or latent_dim < 1:
            raise ValueError(
                f"latent_dim must be a positive integer. Received: "
                f"{latent_dim!r}"
            )
        if not 0.0 <= float(recon_vs_gan_weight) <= 1.0:
            raise ValueError(
                "recon_vs_gan_weight (gamma) must be in [0, 1]. Received: "
                f"{recon_vs_gan_weight!r}"
            )
        if adversarial and not (
            discriminate_samples or discriminate_reconstructions
        ):
            raise ValueError(
                "The GAN needs generated images: set discriminate_samples "
                "or discriminate_reconstructions to True (or "
                "adversarial=False for a plain VAE)."
            )
        if margin is not None and not float(margin) >= 0:
            raise ValueError(
                f"margin must be >= 0 or None. Received: {margin!r}"
            )
        if pixel_loss not in _PIXEL_LOSSES:
            raise ValueError(
                f"pixel_loss must be one of {list(_PIXEL_LOSSES)}. "
                f"Received: {pixel_loss!r}"
            )
        self.latent_dim = int(latent_dim)
        self.units = int(units)
        self.adversarial = bool(adversarial)
        self.feature_layer = networks.check_feature_layer(feature_layer)
        self.recon_vs_gan_weight = float(recon_vs_gan_weight)
        self.discriminate_samples = bool(discriminate_samples)
        self.discriminate_reconstructions = bool(discriminate_reconstructions)
        self.equilibrium = float(equilibrium)
        self.margin = None if margin is None else float(margin)
        self.pixel_loss = pixel_loss
        self.latent_space = LatentSpace(
            [NoiseCode("z", self.latent_dim, "normal")]
        )
        self.encoder = networks.vaegan_encoder(
            self.latent_dim, self.image_shape, self.units
        )
        self.decoder = networks.vaegan_decoder(
            self.latent_dim, self.image_shape, self.units
        )
        self.discriminator = (
            networks.vaegan_discriminator(
                self.image_shape, self.units, self.feature_layer
            )
            if self.adversarial
            else None
        )
        self.built = True

    @property
    def generator(self):
        """The decoder: latent vectors to images in `[0, 1]`."""
        return self.decoder

    # Networks -----------------------------------------------------------------

    def call(self, latents, training=False):
        """Decodes `(batch, latent_dim)` latent vectors into images."""
        return self.decoder(latents, training=training)

    # Training -----------------------------------------------------------------

    def default_optimizers(self):
        def rmsprop():
            return keras.optimizers.RMSprop(0.025 / 64, rho=0.9, epsilon=1e-8)

        optimizers = {"encoder": rmsprop(), "decoder": rmsprop()}
        if self.adversarial:
            optimizers["discriminator"] = rmsprop()
        return optimizers

    def build_players(self):
        players = [
            Player(
                "encoder",
                variables=self.encoder.trainable_variables,
                loss=self.encoder_loss,
                objective="enc_loss",
                logs=["enc_loss", "kl_loss", "recon_loss"],
            ),
            Player(
                "decoder",
                variables=self.decoder.trainable_variables,
                loss=self.decoder_loss,
                objective="dec_loss",
                logs=(
                    ["dec_loss", "dec_gan_loss", "dec_step"]
                    if self.adversarial
                    else None
                ),
            ),
        ]
        if self.adversarial:
            players.append(
                Player(
                    "discriminator",
                    variables=self.discriminator.trainable_variables,
                    loss=self.discriminator_loss,
                    objective="d_loss",
                    logs=["d_loss", "d_real_cost", "d_fake_cost", "d_step"],
                )
            )
        return players

    def _sample_posterior(self, images):
        mean, log_var = self.encoder(images, training=True)
        noise = keras.random.normal(ops.shape(mean), seed=self.seed_generator)
        return mean, log_var, mean + ops.exp(0.5 * log_var) * noise

    def _reconstruction(self, images):
        """`(KL, reconstruction loss, z)` of one pass through Enc and Dec."""
        mean, log_var, z = self._sample_posterior(images)
        reconstructed = self.decoder(z, training=True)
        if not self.adversarial:
            nll = (
                gaussian_nll if self.pixel_loss == "gaussian" else bernoulli_nll
            )
            return gaussian_kl(mean, log_var), nll(reconstructed, images), z
        _, features = self.discriminator(
            ops.concatenate([reconstructed, images], axis=0), training=True
        )
        fake_features, real_features = ops.split(features, 2, axis=0)
        recon = gaussian_nll(fake_features, ops.stop_gradient(real_features))
        return gaussian_kl(mean, log_var), recon, z

    def _gan_logits(self, images, z):
        """D's logits on real images and on the fakes, in one batch."""
        batch = ops.shape(images)[0]
        latents = []
        if self.discriminate_reconstructions:
            latents.append(ops.stop_gradient(z))
        if self.discriminate_samples:
            latents.append(
                self.latent_space.concat(
                    self.latent_space.sample(batch, self.seed_generator)
                )
            )
        fakes = self.decoder(ops.concatenate(latents, axis=0), training=True)
        logits, _ = self.discriminator(
            ops.concatenate([images, fakes], axis=0), training=True
        )
        parts = ops.split(logits, 1 + len(latents), axis=0)
        return parts[0], parts[1:]

    def _balance(self, real_logits, fake_logits):
        real_cost = ops.mean(ops.softplus(-real_logits))
        fake_cost = ops.mean(
            ops.stack([ops.mean(ops.softplus(f)) for f in fake_logits])
        )
        if self.margin is None:
            one = ops.ones((), "float32")
            return real_cost, fake_cost, one, one
        d_step, dec_step = gan_balance(
            ops.stop_gradient(real_cost),
            ops.stop_gradient(fake_cost),
            self.equilibrium,
            self.margin,
        )
        return real_cost, fake_cost, d_step, dec_step

    def encoder_loss(self, data):
        images = training_images(self, data)
        kl, recon, _ = self._reconstruction(images)
        return {"enc_loss": kl + recon, "kl_loss": kl, "recon_loss": recon}

    def decoder_loss(self, data):
        images = training_images(self, data)
        _, recon, z = self._reconstruction(images)
        if not self.adversarial:
            return {"dec_loss": recon}
        real_logits, fake_logits = self._gan_logits(images, z)
        # log(1 - D(fake)) = -softplus(logit), summed over the fake sources.
        log_one_minus_d = -sum(ops.mean(ops.softplus(f)) for f in fake_logits)
        gamma = self.recon_vs_gan_weight
        loss = gamma * recon + (1.0 - gamma) * log_one_minus_d
        _, _, _, dec_step = self._balance(real_logits, fake_logits)
        return {
            "dec_loss": _gated(loss, dec_step),
            "dec_gan_loss": log_one_minus_d,
            "dec_step": dec_step,
        }

    def discriminator_loss(self, data):
        images = training_images(self, data)
        z = None
        if self.discriminate_reconstructions:
            _, _, z = self._sample_posterior(images)
        real_logits, fake_logits = self._gan_logits(images, z)
        real_cost, fake_cost, d_step, _ = self._balance(
            real_logits, fake_logits
        )
        loss = 0.5 * real_cost + 0.5 * fake_cost
        return {
            "d_loss": _gated(loss, d_step),
            "d_real_cost": real_cost,
            "d_fake_cost": fake_cost,
            "d_step": d_step,
        }

    def validate_training_data(self, x):
        check_image_array(self, x)

    # Inference ----------------------------------------------------------------

    def encode(self, images, batch_size=256):
        """Posterior means of `q(z | x)`: `{"z": array (n, latent_dim)}`."""
        encoder = self.encoder
        means = inference_in_batches(
            encoder,
            "encode",
            lambda x: encoder(x, training=False)[0],
            as_image_array(self, images),
            batch_size,
        )
        return {"z": means}

    def reconstruct(self, images, batch_size=256):
        """`Dec(E[z | x])` as a numpy array in `[0, 1]`."""
        codes = self.encode(images, batch_size)["z"]
        return self.generate(codes, batch_size=batch_size)

    # Serialization ------------------------------------------------------------

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "image_shape": list(self.image_shape),
                "latent_dim": self.latent_dim,
                "units": self.units,
                "adversarial": self.adversarial,
                "feature_layer": self.feature_layer,
                "recon_vs_gan_weight": self.recon_vs_gan_weight,
                "discriminate_samples": self.discriminate_samples,
                "discriminate_reconstructions": (
                    self.discriminate_reconstructions
                ),
                "equilibrium": self.equilibrium,
                "margin": self.margin,
                "pixel_loss": self.pixel_loss,
                "update_schedule": self.update_schedule,
                "seed": self.seed,
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)
