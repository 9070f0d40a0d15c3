"""Opt-in Inception features for FID on natural-image datasets.

The package's default feature extractors are small classifiers shipped as
presets (`FeatureClassifier.from_preset("mnist_digits")`). For colour
images of natural scenes, users may want the Inception-v3 features behind
the usual FID. They come from `keras.applications.InceptionV3`, whose
ImageNet weights Keras downloads on first use (network needed once; then
they sit in `~/.keras/models`).

These Keras weights are not the `pt_inception-2015-12-05` graph that
`pytorch-fid` and the original TTUR code use, so the numbers are close to,
but not comparable with, published FIDs; report them as "FID
(keras.applications InceptionV3)".
"""

import keras
import numpy as np
from keras import ops

INCEPTION_SIZE = 299


class InceptionFeatures:
    """Inception-v3 pool features and log-probabilities of images.

    Images are float `(N, H, W, C)` in `[0, 1]` with 1 or 3 channels; they
    are resized bilinearly to 299x299, grey images repeated to RGB, and
    scaled to `[-1, 1]` as Inception-v3 expects. `features` are the 2048
    average-pooled activations (the FID layer), `logits` the log of the
    1000 ImageNet class probabilities (for the Inception Score through
    `classifier_score`). Any object with `features_and_logits` works with
    `quality_metrics`, so this does too.

    Args:
        weights: `"imagenet"` (downloaded by Keras on first use), a path to
            a weights file of `keras.applications.InceptionV3`, or `None`
            (random weights, for tests only).

    Example:

    ```python
    from keras_disentangle.metrics import InceptionFeatures, quality_metrics

    inception = InceptionFeatures()  # downloads the weights once
    scores = quality_metrics(real_images, generated_images, inception)
    ```
    """

    def __init__(self, weights="imagenet"):
        try:
            network = keras.applications.InceptionV3(
                include_top=True, weights=weights
            )
        except Exception as error:  # download or file errors vary by OS
            raise RuntimeError(
                "Inception-based FID needs the ImageNet weights of "
                "keras.applications.InceptionV3, which Keras downloads on "
                "first use and could not load here "
                f"({type(error).__name__}: {error}). Connect to the network "
                "once (the file is cached in ~/.keras/models), pass "
                "weights=<path to inception_v3 weights .h5>, or use the "
                "offline feature classifiers: "
                "FeatureClassifier.from_preset('mnist_digits')."
            ) from error
        pool = network.get_layer("avg_pool").output
        self.name = "inception_v3"
        self.network = keras.Model(
            network.inputs, [pool, network.outputs[0]], name="inception_v3"
        )

    def _prepare(self, images):
        images = np.asarray(images, dtype=np.float32)
        if images.ndim != 4 or images.shape[-1] not in (1, 3):
            raise ValueError(
                "InceptionFeatures takes images of shape (N, H, W, 1 or 3) "
                f"in [0, 1]; received shape {images.shape}."
            )
        if images.shape[-1] == 1:
            images = np.repeat(images, 3, axis=-1)
        return images

    def features_and_logits(self, images, batch_size=64):
        """Pool features `(N, 2048)` and log-probabilities `(N, 1000)`."""
        images = self._prepare(images)
        features, logits = [], []
        for start in range(0, len(images), batch_size):
            batch = ops.convert_to_tensor(images[start : start + batch_size])
            batch = ops.image.resize(
                batch,
                (INCEPTION_SIZE, INCEPTION_SIZE),
                interpolation="bilinear",
            )
            pool, probabilities = self.network(batch * 2.0 - 1.0)
            features.append(ops.convert_to_numpy(pool))
            logits.append(
                np.log(np.maximum(ops.convert_to_numpy(probabilities), 1e-12))
            )
        return np.concatenate(features), np.concatenate(logits)

    def features(self, images, batch_size=64):
        return self.features_and_logits(images, batch_size)[0]

    def logits(self, images, batch_size=64):
        return self.features_and_logits(images, batch_size)[1]
