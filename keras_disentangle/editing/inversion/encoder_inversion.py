"""Encoder-based GAN inversion: train E so that G(E(x)) = x, G frozen."""

import keras
import numpy as np
from keras import layers
from keras import ops

from keras_disentangle.editing.inversion.inputs import check_images
from keras_disentangle.editing.inversion.inputs import frozen_copy
from keras_disentangle.editing.inversion.inputs import resolve_generator
from keras_disentangle.editing.inversion.latent_activation import (
    LatentActivation,
)
from keras_disentangle.editing.inversion.losses import feature_error
from keras_disentangle.editing.inversion.losses import squared_error
from keras_disentangle.engine.adversarial_model import AdversarialModel
from keras_disentangle.engine.player import Player
from keras_disentangle.latent.latent_space import as_latent_space


def inversion_encoder(
    image_shape, latent_dim, filters=(64, 128), units=512, name="encoder"
):
    """A small encoder from images to raw latent outputs.

    Convolutions 4x4, stride 2, with `filters` channels and leaky ReLU
    (slope 0.2), then a dense layer of `units` and a linear layer of
    `latent_dim` outputs. Images that are not `(h, w, c)` go straight to
    the dense layers. `EncoderInversion` adds the `LatentActivation`.

    Example:

    >>> encoder = inversion_encoder((28, 28, 1), 74)
    >>> encoder.output_shape
    (None, 74)
    """
    inputs = keras.Input(tuple(image_shape), name="images")
    x = inputs
    if len(image_shape) == 3:
        for width in filters:
            x = layers.Conv2D(width, 4, strides=2, padding="same")(x)
            x = layers.LeakyReLU(0.2)(x)
    x = layers.Flatten()(x)
    x = layers.Dense(units)(x)
    x = layers.LeakyReLU(0.2)(x)
    outputs = layers.Dense(latent_dim, name="raw_latents")(x)
    return keras.Model(inputs, outputs, name=name)


@keras.saving.register_keras_serializable(package="keras_disentangle")
class EncoderInversion(AdversarialModel):
    """An encoder trained to invert a frozen generator.

    The encoder `E` maps images to latents (its raw outputs pass through a
    `LatentActivation`, so categorical codes come out on the simplex and
    uniform codes inside their interval). It minimises, with configurable
    weights,

    - `latent_weight * mean((E(G(z)) - z)^2)` on latents `z` drawn from
      the prior (inverse of the generator on its own samples);
    - `image_weight * mean((G(E(x)) - x)^2)` on the images passed to
      `fit` (pixel reconstruction of real images);
    - `feature_weight * mean((F(G(E(x))) - F(x))^2)` with a frozen feature
      extractor `F` (a perceptual term).

    The reference encoders train on image reconstruction: iGAN's projector
    uses pixel L2 plus `0.002 x` AlexNet-conv4 features on generated and
    real images; the in-domain GAN encoder uses pixel, VGG-feature and
    adversarial terms on real images. Both defaults here weigh the latent
    and the pixel term 1; the adversarial term is not implemented.

    The generator is copied and frozen: `E` is the only player (one
    optimizer, updating only `E`'s variables), the copy always runs with
    `training=False` (BatchNorm statistics stay put), and the model that was
    passed in is never modified. Training runs in plain `fit` on
    TensorFlow, JAX and PyTorch through the engine's `AdversarialModel`.

    Args:
        generator: a `GenerativeModel` or a Keras generator.
        latent_space: the generator's `LatentSpace` when it is a bare Keras
            model (default: a standard normal code).
        encoder: a Keras model from images to `(batch, dim)` raw outputs;
            default `inversion_encoder(image_shape, dim)`.
        latent_weight, image_weight, feature_weight: weights of the three
            terms (non-negative; the latent or the image term must be on).
        feature_extractor: a Keras model from images to features, needed
            when `feature_weight > 0` (e.g. a trained classifier's feature
            layer); copied and frozen.
        seed: seed of the prior samples drawn during training.

    Example:

    ```python
    import keras
    import keras_disentangle
    from keras_disentangle.editing import EncoderInversion

    model = keras_disentangle.InfoGAN.from_preset("mnist")
    images = model.generate(2048, seed=0)  # or real digits, load_mnist()
    inverter = EncoderInversion(model, seed=0)
    inverter.compile(optimizer=keras.optimizers.Adam(1e-3))
    inverter.fit(images, batch_size=64, epochs=1)
    latents = inverter.invert(images[:16])
    reconstructions = model.generate(latents)
    inverter.save("inverter.keras")  # the frozen generator copy included
    ```
    """

    def __init__(
        self,
        generator,
        latent_space=None,
        encoder=None,
        latent_weight=1.0,
        image_weight=1.0,
        feature_extractor=None,
        feature_weight=0.0,
        seed=None,
        **kwargs,
    ):
        super().__init__(seed=seed, **kwargs)
        if latent_space is not None:
            latent_space = as_latent_space(latent_space)
        info = resolve_generator(generator, latent_space)
        self.latent_space = info.latent_space
        self.image_shape = info.image_shape
        self.latent_weight = _weight(latent_weight, "latent_weight")
        self.image_weight = _weight(image_weight, "image_weight")
        self.feature_weight = _weight(feature_weight, "feature_weight")
        if not (self.latent_weight or self.image_weight):
            raise ValueError(
                "Turn on the latent or the image term: latent_weight > 0 "
                "or image_weight > 0."
            )
        if self.feature_weight and feature_extractor is None:
            raise ValueError(
                "feature_weight > 0 needs feature_extractor=, a Keras model "
                "from images to features."
            )
        dim = self.latent_space.dim
        self.generator = frozen_copy(
            info.generator, np.zeros((1, dim), "float32")
        )
        example = np.zeros((1,) + self.image_shape, "float32")
        self.feature_extractor = (
            frozen_copy(feature_extractor, example)
            if feature_extractor is not None
            else None
        )
        if encoder is None:
            encoder = inversion_encoder(self.image_shape, dim)
        out_shape = tuple(ops.shape(encoder(example, training=False)))
        if out_shape != (1, dim):
            raise ValueError(
                f"The encoder must map images {self.image_shape} to "
                f"(batch, {dim}) latent outputs; it returns shape "
                f"{out_shape[1:]} per batch. End it with Dense({dim})."
            )
        self.encoder = encoder
        self.latent_activation = LatentActivation(self.latent_space)
        self.built = True

    # Networks -----------------------------------------------------------------

    def call(self, images, training=False):
        """Latents `(batch, dim)` of `images`, on the latent support."""
        return self.latent_activation(self.encoder(images, training=training))

    def invert(self, images, batch_size=256):
        """Latents of `images` as a float32 numpy array `(n, dim)`."""
        images = check_images(images, self.image_shape)
        parts = [
            ops.convert_to_numpy(self(images[i : i + batch_size]))
            for i in range(0, len(images), batch_size)
        ]
        return np.concatenate(parts, axis=0).astype("float32")

    def reconstruct(self, images, batch_size=256):
        """`G(E(x))` as a numpy array shaped like `images`."""
        latents = self.invert(images, batch_size)
        parts = [
            ops.convert_to_numpy(
                self.generator(latents[i : i + batch_size], training=False)
            )
            for i in range(0, len(latents), batch_size)
        ]
        return np.concatenate(parts, axis=0)

    # Training -----------------------------------------------------------------

    def default_optimizers(self):
        # iGAN's projector: Adam 2e-4, beta_1 = 0.5.
        return {"encoder": keras.optimizers.Adam(2e-4, beta_1=0.5)}

    def build_players(self):
        return [
            Player(
                "encoder",
                variables=self.encoder.trainable_variables,
                loss=self.encoder_loss,
                objective="loss",
                logs=["loss"] + self._term_names(),
            )
        ]

    def _term_names(self):
        names = []
        if self.latent_weight:
            names.append("latent_mse")
        if self.image_weight:
            names.append("image_mse")
        if self.feature_weight:
            names.append("feature_mse")
        return names

    def encoder_loss(self, data):
        """The weighted sum of the active terms and each term, as a dict."""
        x, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        if tuple(x.shape[1:]) != self.image_shape:
            raise ValueError(
                f"EncoderInversion trains on images of shape "
                f"{self.image_shape} (the generator's output); received "
                f"batches of shape {tuple(x.shape)}."
            )
        images = ops.cast(x, "float32")
        terms = {}
        total = 0.0
        if self.latent_weight:
            codes = self.latent_space.sample(
                ops.shape(images)[0], self.seed_generator
            )
            latents = self.latent_space.concat(codes)
            fakes = ops.stop_gradient(self.generator(latents, training=False))
            predicted = self(fakes, training=True)
            terms["latent_mse"] = ops.mean(ops.square(predicted - latents))
            total = total + self.latent_weight * terms["latent_mse"]
        if self.image_weight or self.feature_weight:
            reconstructions = self.generator(
                self(images, training=True), training=False
            )
            if self.image_weight:
                terms["image_mse"] = ops.mean(
                    squared_error(reconstructions, images)
                )
                total = total + self.image_weight * terms["image_mse"]
            if self.feature_weight:
                terms["feature_mse"] = ops.mean(
                    feature_error(
                        self.feature_extractor, reconstructions, images
                    )
                )
                total = total + self.feature_weight * terms["feature_mse"]
        terms["loss"] = total
        return terms

    def validate_training_data(self, x):
        check_images(x[:1], self.image_shape, name="x")

    # Serialization ------------------------------------------------------------

    def get_config(self):
        config = super().get_config()
        serialize = keras.saving.serialize_keras_object
        config.update(
            {
                "generator": serialize(self.generator),
                "latent_space": self.latent_space.get_config(),
                "encoder": serialize(self.encoder),
                "latent_weight": self.latent_weight,
                "image_weight": self.image_weight,
                "feature_extractor": (
                    serialize(self.feature_extractor)
                    if self.feature_extractor is not None
                    else None
                ),
                "feature_weight": self.feature_weight,
                "seed": self.seed,
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        deserialize = keras.saving.deserialize_keras_object
        for key in ("generator", "encoder", "feature_extractor"):
            if isinstance(config.get(key), dict):
                config[key] = deserialize(config[key])
        return cls(**config)


def _weight(value, name):
    value = float(value)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a non-negative number; got {value}.")
    return value
