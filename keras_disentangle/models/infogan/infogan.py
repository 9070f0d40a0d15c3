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
from keras_disentangle.latent.traversal import traversal_grid_codes
from keras_disentangle.models.generative_model import GenerativeModel
from keras_disentangle.models.infogan import infogan_networks as networks


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
    through a stop-gradient. D and Q see real and generated batches in
    separate calls, so BatchNorm statistics are per batch as in the
    official code. Players alternate: D steps, then G against the updated
    D, each with fresh latent samples.

    Deviations from the official code, all numerically equivalent or
    configurable: the sigmoid is folded into the loss (log-sigmoid via
    softplus, instead of `log(p + 1e-8)`); the leaky-ReLU slope defaults to
    the paper's 0.1 (the official code's default is 0.01; pass
    `leaky_relu_slope=0.01` to match it).

    Args:
        image_shape: `(size, size, channels)` with size 28, 32 or 64 and 1
            or 3 channels; images are floats in `[0, 1]`.
        latent_space: a `LatentSpace` (default: the paper's MNIST codes).
        q_network: `"shared"` (Q on D's trunk, the paper's choice) or
            `"separate"` (Q with its own trunk of the same architecture).
        info_weights: dict `code name -> lambda` for the information term;
            codes left out weigh 1.0 (the official `info_reg_coeff`).
        learn_scale: whether Q learns the scale of continuous posteriors
            (the official code fixes it to 1).
        leaky_relu_slope: slope of D's and Q's leaky ReLUs.
        update_schedule, seed: see `AdversarialModel`.

    Example:

    ```python
    model = keras_disentangle.InfoGAN()
    model.compile()  # Adam(beta_1=0.5): D 2e-4, G 1e-3
    model.fit(images, batch_size=64, epochs=1)  # images in [0, 1], NHWC
    grid = model.traverse("c1", np.linspace(-2, 2, 10), seed=0)
    posteriors = model.encode(images[:16])  # {"digit": probs, "c1": means, ...}
    ```
    """

    def __init__(
        self,
        image_shape=(28, 28, 1),
        latent_space=None,
        q_network="shared",
        info_weights=None,
        learn_scale=False,
        leaky_relu_slope=0.1,
        update_schedule="alternating",
        seed=None,
        **kwargs,
    ):
        super().__init__(update_schedule=update_schedule, seed=seed, **kwargs)
        if latent_space is None:
            latent_space = infogan_mnist_latent_space()
        elif isinstance(latent_space, dict):
            latent_space = LatentSpace.from_config(latent_space)
        if q_network not in ("shared", "separate"):
            raise ValueError(
                "q_network must be 'shared' (Q on D's trunk) or 'separate'. "
                f"Received: {q_network!r}"
            )
        self.image_shape = networks.check_image_shape(image_shape)
        self.latent_space = latent_space
        self.q_network_mode = q_network
        self.info_weights = dict(info_weights or {})
        self.learn_scale = bool(learn_scale)
        self.leaky_relu_slope = float(leaky_relu_slope)
        # Validates the weights against the codes before training starts.
        regularized = [c.name for c in latent_space.regularized_codes]
        unknown = [n for n in self.info_weights if n not in regularized]
        if unknown:
            raise ValueError(
                f"info_weights names {unknown}, which are not regularized "
                f"codes of the latent space ({regularized})."
            )

        self.generator = networks.infogan_generator(
            latent_space.dim, self.image_shape
        )
        self.trunk = networks.infogan_trunk(
            self.image_shape, self.leaky_relu_slope
        )
        self.d_head = networks.infogan_d_head()
        self.q_trunk = (
            networks.infogan_trunk(
                self.image_shape, self.leaky_relu_slope, name="q_trunk"
            )
            if q_network == "separate"
            else None
        )
        self.q_network = networks.infogan_q_network(
            QHead(latent_space, learn_scale=self.learn_scale),
            leaky_relu_slope=self.leaky_relu_slope,
        )
        self.built = True

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
        return {
            "discriminator": keras.optimizers.Adam(2e-4, beta_1=0.5),
            "generator": keras.optimizers.Adam(1e-3, beta_1=0.5),
        }

    def build_players(self):
        d_networks = [self.trunk, self.d_head, self.q_network]
        if self.q_trunk is not None:
            d_networks.append(self.q_trunk)
        categorical = self.latent_space.categorical_codes
        d_logs = ["d_loss", "info_loss", "mi"]
        if categorical:
            d_logs.append("q_accuracy")
        return [
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
        real = self._training_images(data)
        batch = ops.shape(real)[0]
        codes = self.latent_space.sample(batch, self.seed_generator)
        fake = ops.stop_gradient(
            self.generator(self.latent_space.concat(codes), training=True)
        )
        real_logits, _ = self.discriminate(real, training=True)
        fake_logits, posteriors = self.discriminate(fake, training=True)
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
        real = self._training_images(data)
        batch = ops.shape(real)[0]
        codes = self.latent_space.sample(batch, self.seed_generator)
        fake = self.generator(self.latent_space.concat(codes), training=True)
        fake_logits, posteriors = self.discriminate(fake, training=True)
        adversarial = ops.mean(ops.softplus(-fake_logits))
        info, _ = mutual_information_loss(
            self.latent_space, codes, posteriors, self.info_weights
        )
        return {"g_loss": adversarial + info}

    def _training_images(self, data):
        x, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        if isinstance(x, dict):
            raise ValueError(
                "InfoGAN.fit() takes a batch of images, not a dict; pass the "
                "image array as x."
            )
        shape = tuple(x.shape[1:])
        if shape != self.image_shape:
            hint = ""
            if shape == self.image_shape[:2]:
                hint = " Add a channel axis: images[..., None]."
            raise ValueError(
                f"{type(self).__name__}(image_shape={self.image_shape}) "
                f"trains on images of shape (batch, "
                f"{', '.join(map(str, self.image_shape))}); received batches "
                f"of shape {tuple(x.shape)}.{hint}"
            )
        return ops.cast(x, self.compute_dtype)

    def validate_training_data(self, x):
        if tuple(x.shape[1:]) != self.image_shape:
            self._training_images(x[:1])
        if x.size:
            low, high = float(np.min(x)), float(np.max(x))
            if low < 0.0 or high > 1.0:
                raise ValueError(
                    f"{type(self).__name__} expects pixel values in [0, 1] "
                    f"(its generator ends in a sigmoid); received values in "
                    f"[{low:g}, {high:g}]. Scale uint8 images with "
                    "images.astype('float32') / 255."
                )

    # Inference ----------------------------------------------------------------

    def encode(self, images, batch_size=256):
        """Q's posteriors for real images, as numpy arrays.

        Returns a dict `code name -> array`: class probabilities for
        categorical codes, posterior means for continuous codes.
        """
        images = np.asarray(images, dtype="float32")
        if images.ndim == 3 and self.image_shape[-1] == 1:
            images = images[..., None]
        self._training_images(images[:1])
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
                "update_schedule": self.update_schedule,
                "seed": self.seed,
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)
