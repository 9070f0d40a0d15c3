"""Small adversarial models whose updates can be computed by hand."""

import keras
from keras import ops

from keras_disentangle.engine import AdversarialModel
from keras_disentangle.engine import GradientReversal
from keras_disentangle.engine import Player
from keras_disentangle.engine import value_and_input_gradient


class Scalar(keras.layers.Layer):
    """One trainable scalar, returned as is."""

    def __init__(self, value, **kwargs):
        super().__init__(**kwargs)
        self.value = self.add_weight(
            shape=(), initializer=keras.initializers.Constant(value)
        )
        self.built = True

    def call(self, inputs=None):
        return self.value


class BilinearGame(AdversarialModel):
    """D(x) = w * x, G = theta. L_D = w * (theta - mean(real)), L_G = -w theta.

    With SGD(lr) the updates are known in closed form for every schedule.
    """

    def __init__(self, w=0.5, theta=2.0, **kwargs):
        super().__init__(**kwargs)
        self.d = Scalar(w, name="d")
        self.g = Scalar(theta, name="g")
        self.built = True

    def call(self, inputs):
        return inputs

    def default_optimizers(self):
        return {
            "discriminator": keras.optimizers.SGD(0.1),
            "generator": keras.optimizers.SGD(0.1),
        }

    def build_players(self):
        return [
            Player(
                "discriminator",
                self.d.trainable_variables,
                self.d_loss,
                "d_loss",
            ),
            Player(
                "generator", self.g.trainable_variables, self.g_loss, "g_loss"
            ),
        ]

    def d_loss(self, data):
        real = ops.mean(data)
        return {"d_loss": self.d() * (self.g() - real)}

    def g_loss(self, data):
        return {"g_loss": -self.d() * self.g()}


class ToyGAN(AdversarialModel):
    """Dense G and D with BatchNorm and random latents, for state tests."""

    def __init__(self, latent_dim=4, data_dim=3, **kwargs):
        super().__init__(**kwargs)
        self.latent_dim = latent_dim
        self.generator = keras.Sequential(
            [
                keras.Input((latent_dim,)),
                keras.layers.Dense(8, use_bias=False),
                keras.layers.BatchNormalization(),
                keras.layers.ReLU(),
                keras.layers.Dense(data_dim),
            ],
            name="generator",
        )
        self.discriminator = keras.Sequential(
            [
                keras.Input((data_dim,)),
                keras.layers.Dense(8),
                keras.layers.LeakyReLU(0.2),
                keras.layers.BatchNormalization(),
                keras.layers.Dropout(0.1, seed=11),
                keras.layers.Dense(1),
            ],
            name="discriminator",
        )
        self.built = True

    def call(self, latents):
        return self.generator(latents)

    def default_optimizers(self):
        return {
            "discriminator": keras.optimizers.Adam(1e-2),
            "generator": keras.optimizers.Adam(1e-2),
        }

    def build_players(self):
        return [
            Player(
                "discriminator",
                self.discriminator.trainable_variables,
                self.d_loss,
                "d_loss",
                logs=("d_loss", "d_real"),
            ),
            Player(
                "generator",
                self.generator.trainable_variables,
                self.g_loss,
                "g_loss",
            ),
        ]

    def _fake(self, data, training):
        z = keras.random.normal(
            (ops.shape(data)[0], self.latent_dim), seed=self.seed_generator
        )
        return self.generator(z, training=training)

    def d_loss(self, data):
        # Arrays arrive as a tensor, a PyDataset's batches as `(x,)`.
        data, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        fake = ops.stop_gradient(self._fake(data, True))
        real_logits = self.discriminator(data, training=True)
        fake_logits = self.discriminator(fake, training=True)
        loss = ops.mean(ops.softplus(-real_logits)) + ops.mean(
            ops.softplus(fake_logits)
        )
        return {"d_loss": loss, "d_real": ops.mean(real_logits)}

    def g_loss(self, data):
        data, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        logits = self.discriminator(self._fake(data, True), training=True)
        return {"g_loss": ops.mean(ops.softplus(-logits))}


class PenaltyGame(AdversarialModel):
    """One player minimising the R1-style penalty of D(x) = w * sum(x^2).

    grad_x D = 2 w x, penalty = mean_b sum (2 w x)^2 = 4 w^2 S, so
    d penalty / dw = 8 w S with S = mean_b sum x^2: a second-order gradient.
    """

    def __init__(self, w=0.5, **kwargs):
        super().__init__(**kwargs)
        self.d = Scalar(w, name="d")
        self.built = True

    def call(self, inputs):
        return inputs

    def default_optimizers(self):
        return {"critic": keras.optimizers.SGD(0.01)}

    def build_players(self):
        return [
            Player("critic", self.d.trainable_variables, self.loss_fn, "r1")
        ]

    def loss_fn(self, data):
        _, grads = value_and_input_gradient(
            lambda x: self.d() * ops.sum(ops.square(x), axis=-1), data
        )
        return {"r1": ops.mean(ops.sum(ops.square(grads), axis=-1))}


class ReversalGame(AdversarialModel):
    """One player minimising sum(GRL(w * x)): gradient ascent on w."""

    def __init__(self, w=0.5, scale=2.0, **kwargs):
        super().__init__(**kwargs)
        self.d = Scalar(w, name="d")
        self.reversal = GradientReversal(scale)
        self.built = True

    def call(self, inputs):
        return inputs

    def default_optimizers(self):
        return {"features": keras.optimizers.SGD(0.1)}

    def build_players(self):
        return [
            Player("features", self.d.trainable_variables, self.loss_fn, "loss")
        ]

    def loss_fn(self, data):
        return {"loss": ops.mean(self.reversal(self.d() * data))}
