"""A small CNN classifier whose features feed the quality metrics."""

import keras
import numpy as np

from keras_disentangle.presets.preset_mixin import PresetMixin


@keras.saving.register_keras_serializable(package="keras_disentangle")
class FeatureClassifier(keras.Model, PresetMixin):
    """A small convolutional classifier with a feature layer.

    Blocks of `convs_per_block` 3x3 ReLU convolutions and a 2x2
    max-pooling, then a
    dense ReLU layer named `"features"` (the embedding used by the Frechet
    distance, KID and precision/recall), dropout, and a dense layer of
    `num_classes` logits. Trained on MNIST it replaces the Inception
    network of FID for digit-sized images. Two trained classifiers ship as
    presets (`FeatureClassifier.presets`): `"mnist_digits"` (MNIST digits)
    and `"dsprites_shapes"` (dSprites' three shapes, 64x64), both trained
    by `presets/train_feature_classifier.py`.

    Inputs are float images `(batch, *image_shape)` in `[0, 1]`; the model
    returns logits.

    Args:
        image_shape: shape of one image, channels last.
        num_classes: number of classes.
        filters: channels of each convolution block.
        convs_per_block: convolutions in each block.
        feature_dim: width of the feature layer.
        dropout_rate: dropout between the features and the logits.
        **kwargs: `name`, `trainable`, and other `keras.Model` arguments.

    Example:

    >>> model = FeatureClassifier(image_shape=(28, 28, 1), num_classes=10)
    >>> images = np.random.rand(4, 28, 28, 1).astype("float32")
    >>> model.features(images).shape, model.logits(images).shape
    ((4, 128), (4, 10))

    The trained MNIST classifier, for `quality_metrics`:

    >>> digits = FeatureClassifier.from_preset("mnist_digits")
    >>> digits.features(images).shape
    (4, 64)
    """

    def __init__(
        self,
        image_shape=(28, 28, 1),
        num_classes=10,
        filters=(32, 64),
        convs_per_block=1,
        feature_dim=128,
        dropout_rate=0.3,
        **kwargs,
    ):
        image_shape = tuple(int(d) for d in image_shape)
        filters = tuple(int(f) for f in filters)
        inputs = keras.Input(shape=image_shape, name="images")
        x = inputs
        for block, width in enumerate(filters):
            for conv in range(1, int(convs_per_block) + 1):
                x = keras.layers.Conv2D(
                    width,
                    3,
                    padding="same",
                    activation="relu",
                    name=f"block{block}_conv{conv}",
                )(x)
            x = keras.layers.MaxPooling2D(2, name=f"block{block}_pool")(x)
        x = keras.layers.Flatten(name="flatten")(x)
        features = keras.layers.Dense(
            feature_dim, activation="relu", name="features"
        )(x)
        x = keras.layers.Dropout(dropout_rate, name="dropout")(features)
        logits = keras.layers.Dense(num_classes, name="logits")(x)
        super().__init__(inputs=inputs, outputs=logits, **kwargs)
        self.image_shape = image_shape
        self.num_classes = int(num_classes)
        self.filters = filters
        self.convs_per_block = int(convs_per_block)
        self.feature_dim = int(feature_dim)
        self.dropout_rate = float(dropout_rate)
        # Shares the layers above; inference only.
        self.embedding_model = keras.Model(
            inputs, [features, logits], name="embedding_model"
        )

    def _as_images(self, images):
        images = np.asarray(images, dtype=np.float32)
        if images.ndim == len(self.image_shape) and self.image_shape[-1] == 1:
            images = images[..., None]
        if images.shape[1:] != self.image_shape:
            raise ValueError(
                f"{self.name} takes images of shape (N, "
                f"{', '.join(map(str, self.image_shape))}); got "
                f"{images.shape}."
            )
        return images

    def features_and_logits(self, images, batch_size=256):
        """Feature-layer activations and logits, numpy float32."""
        features, logits = self.embedding_model.predict(
            self._as_images(images), batch_size=batch_size, verbose=0
        )
        return np.asarray(features), np.asarray(logits)

    def features(self, images, batch_size=256):
        """Feature-layer activations `(N, feature_dim)`, numpy float32."""
        return self.features_and_logits(images, batch_size)[0]

    def logits(self, images, batch_size=256):
        """Class logits `(N, num_classes)`, numpy float32."""
        return self.features_and_logits(images, batch_size)[1]

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "image_shape": self.image_shape,
            "num_classes": self.num_classes,
            "filters": self.filters,
            "convs_per_block": self.convs_per_block,
            "feature_dim": self.feature_dim,
            "dropout_rate": self.dropout_rate,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)
