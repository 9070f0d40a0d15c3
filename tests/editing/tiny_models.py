"""Small generators with known latents, for fast editing tests.

Weights come from numpy with fixed seeds (layers start at zeros and are
then assigned), so every backend tests the same networks and no random
initialiser has to be compiled.
"""

import keras
import numpy as np

from keras_disentangle.latent import CategoricalCode
from keras_disentangle.latent import LatentSpace
from keras_disentangle.latent import NoiseCode
from keras_disentangle.latent import UniformCode
from keras_disentangle.models.generative_model import GenerativeModel

IMAGE_SHAPE = (8, 8, 1)


def tiny_space():
    """3 standard normal dims, a 3-way category and one uniform code."""
    return LatentSpace(
        [
            NoiseCode("z", 3, "normal"),
            CategoricalCode("cls", 3),
            UniformCode("c", 1),
        ]
    )


def seeded(model, seed, scales=None):
    """Assigns normal weights (`scales[i]` per kernel, zero biases)."""
    rng = np.random.default_rng(seed)
    kernels = [w for w in model.weights if len(w.shape) > 1]
    scales = scales or [1.0 / np.sqrt(k.shape[-2]) for k in kernels]
    for kernel, scale in zip(kernels, scales):
        kernel.assign(rng.normal(0.0, scale, kernel.shape).astype("float32"))
    return model


def dense(units, activation=None, name=None):
    return keras.layers.Dense(
        units, activation=activation, kernel_initializer="zeros", name=name
    )


def tiny_generator(latent_dim, seed=0, hidden=32):
    """Dense(tanh) -> Dense(sigmoid) -> 8x8x1 images."""
    generator = keras.Sequential(
        [
            keras.Input((latent_dim,)),
            dense(hidden, "tanh", name="projection"),
            dense(int(np.prod(IMAGE_SHAPE)), "sigmoid", name="pixels"),
            keras.layers.Reshape(IMAGE_SHAPE),
        ],
        name="generator",
    )
    return seeded(generator, seed, scales=[1.0, 0.5])


class TinyModel(GenerativeModel):
    """A GenerativeModel around `tiny_generator`, with an exact `encode`.

    `encode` returns the structured codes of the latents the images were
    made from (looked up by image), like a perfect Q head: no noise.
    """

    def __init__(self, seed=0):
        self.latent_space = tiny_space()
        self.generator = tiny_generator(self.latent_space.dim, seed)
        self.known = {}

    def remember(self, latents):
        images = self.generate(latents)
        for latent, image in zip(latents, images):
            self.known[image.tobytes()] = latent
        return images

    def encode(self, images, batch_size=256):
        latents = np.stack([self.known[i.tobytes()] for i in images])
        codes = self.latent_space.split(latents)
        return {"cls": codes["cls"], "c": codes["c"]}


def encoder_mlp(latent_dim, units=64, seed=1):
    encoder = keras.Sequential(
        [
            keras.Input(IMAGE_SHAPE),
            keras.layers.Flatten(),
            dense(units, "relu"),
            dense(latent_dim),
        ],
        name="encoder",
    )
    return seeded(encoder, seed)
