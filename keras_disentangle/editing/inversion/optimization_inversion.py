"""Optimisation-based GAN inversion: gradient descent on the latent."""

import dataclasses

import keras
import numpy as np
from keras import ops

from keras_disentangle.editing.inversion.inputs import check_images
from keras_disentangle.editing.inversion.inputs import check_mask
from keras_disentangle.editing.inversion.inputs import frozen_copy
from keras_disentangle.editing.inversion.inputs import resolve_generator
from keras_disentangle.editing.inversion.losses import feature_error
from keras_disentangle.editing.inversion.losses import squared_error
from keras_disentangle.editing.prior import check_latents
from keras_disentangle.editing.prior import code_bounds
from keras_disentangle.editing.prior import code_kind
from keras_disentangle.editing.prior import code_moments
from keras_disentangle.engine.adversarial_model import AdversarialModel
from keras_disentangle.engine.player import Player


@dataclasses.dataclass
class InversionResult:
    """What an inversion returns; every array is numpy.

    Attributes:
        latents: `(n, dim)` latents found, on the prior's support
            (categorical blocks are softmax probabilities; use
            `snap_to_prior` for one-hot codes).
        reconstructions: `G(latents)`, `(n, *image_shape)`.
        reconstruction_errors: `(n,)` mean squared error per image over
            its observed pixels.
        losses: `(n,)` the full objective per image (reconstruction, prior
            and feature terms).
        history: dict of `(steps + 1,)` arrays, the mean over images of each
            term before every step and after the last one: `"loss"`,
            `"reconstruction"`, and `"prior"` / `"feature"` when used.
            `history["reconstruction"][0]` is the error of the starting
            latents (of the encoder, for hybrid inversion).
        completions: for masked inversion, the completed images (the
            observed pixels pasted over `G(latents)` when `paste=True`).
    """

    latents: np.ndarray
    reconstructions: np.ndarray
    reconstruction_errors: np.ndarray
    losses: np.ndarray
    history: dict
    completions: np.ndarray = None


def optimization_inversion(
    model,
    images,
    steps=200,
    learning_rate=0.05,
    init=None,
    mask=None,
    prior_weight=1e-3,
    feature_extractor=None,
    feature_weight=0.0,
    categorical="softmax",
    batch_size=256,
    seed=None,
    latent_space=None,
):
    """Finds latents whose images match `images`, by Adam on the latents.

    For each image `x`, starting from `z_0`, minimises

    `L(z) = sum(m * (G(z) - x)^2) / sum(m)
            + prior_weight * mean_g(((z_g - mu_g) / sigma_g)^2)
            + feature_weight * mean((F(m * G(z)) - F(m * x))^2)`

    where `m` is the mask (all ones by default), `g` runs over the
    dimensions of Gaussian codes (the negative log prior up to constants,
    scaled) and `F` is an optional frozen feature extractor (a perceptual
    term). Codes with bounded or discrete priors are kept on their support
    instead of penalised:

    - uniform codes are projected back onto `[low, high]` after every step
      (projected gradient descent: the uniform prior is flat inside its box
      and zero outside, so there is nothing to penalise inside);
    - categorical codes are optimised as logits `u` with `c = softmax(u)`
      (`categorical="softmax"`), staying on the simplex; or kept at their
      starting value (`categorical="fixed"`), e.g. a class given by an
      encoder.

    Every image has its own Adam state (the objective is a sum over images,
    and Adam is per coordinate), so results do not depend on the batch. The
    generator is a frozen copy called with `training=False`. The steps run
    inside `fit` of a one-player `AdversarialModel` whose only trainable
    variable is the latent batch, so the engine's train step computes the
    gradients on every backend: jit-compiled on JAX and TensorFlow, traced
    once per batch shape, not once per step (a Python loop over
    `value_and_input_gradient` would dispatch every step eagerly).

    Args:
        model: a `GenerativeModel` or a Keras generator.
        images: `(n, *image_shape)` images in the generator's range.
        steps: number of Adam steps.
        learning_rate: Adam's step size, in latent units.
        init: starting latents `(n, dim)`; default a prior sample drawn
            with numpy from `seed` (the same start on every backend), with
            categorical codes at the uniform mixture so that any category
            can still win.
        mask: optional mask (see `masked_inversion`): 1 for observed
            pixels, 0 for missing ones.
        prior_weight: weight of the Gaussian prior term.
        feature_extractor, feature_weight: optional perceptual term.
        categorical: `"softmax"` or `"fixed"`.
        batch_size: images optimised together.
        seed: integer seed of the random start.
        latent_space: the latent space of a bare Keras generator.

    Returns:
        An `InversionResult`.

    Example:

    ```python
    import keras_disentangle
    from keras_disentangle.editing import optimization_inversion

    model = keras_disentangle.InfoGAN.from_preset("mnist")
    images = model.generate(16, seed=0)  # or real digits
    result = optimization_inversion(model, images, steps=200, seed=1)
    result.reconstruction_errors  # per-image MSE
    result.history["reconstruction"]  # mean MSE before each step
    ```
    """
    info = resolve_generator(model, latent_space)
    space, image_shape = info.latent_space, info.image_shape
    images = check_images(images, image_shape)
    n = len(images)
    masks = None if mask is None else check_mask(mask, images)
    if categorical not in ("softmax", "fixed"):
        raise ValueError(
            f"categorical must be 'softmax' or 'fixed'; got {categorical!r}."
        )
    steps = int(steps)
    if steps < 0:
        raise ValueError(f"steps must be >= 0; got {steps}.")
    if not float(learning_rate) > 0:
        raise ValueError(f"learning_rate must be > 0; got {learning_rate}.")
    if float(prior_weight) < 0 or float(feature_weight) < 0:
        raise ValueError("prior_weight and feature_weight must be >= 0.")
    if feature_weight and feature_extractor is None:
        raise ValueError(
            "feature_weight > 0 needs feature_extractor=, a Keras model from "
            "images to features."
        )
    if init is None:
        init = _random_start(space, n, seed)
    else:
        init = check_latents(init, space.dim, "init")
        if len(init) != n:
            raise ValueError(
                f"`init` has {len(init)} latents for {n} images; pass one "
                "starting latent per image."
            )
    batch_size = int(min(batch_size, n))
    generator = frozen_copy(info.generator, init[:1])
    extractor = None
    if feature_weight:
        extractor = frozen_copy(feature_extractor, images[:1])
    fitter = _LatentFit(
        generator,
        space,
        image_shape,
        batch_size,
        masked=masks is not None,
        prior_weight=float(prior_weight),
        feature_extractor=extractor,
        feature_weight=float(feature_weight),
        categorical=categorical,
    )
    fitter.compile(
        optimizer=keras.optimizers.Adam(float(learning_rate)),
    )

    latents, errors, losses, histories = [], [], [], []
    for start in range(0, n, batch_size):
        stop = min(start + batch_size, n)
        chunk = fitter.run(
            images[start:stop],
            None if masks is None else masks[start:stop],
            init[start:stop],
            steps,
        )
        latents.append(chunk[0])
        errors.append(chunk[1])
        losses.append(chunk[2])
        histories.append((stop - start, chunk[3]))
    history = {
        key: sum(count * h[key] for count, h in histories) / n
        for key in histories[0][1]
    }
    latents = np.concatenate(latents)
    reconstructions = np.concatenate(
        [
            ops.convert_to_numpy(
                generator(latents[i : i + batch_size], training=False)
            )
            for i in range(0, n, batch_size)
        ]
    )
    return InversionResult(
        latents=latents,
        reconstructions=reconstructions,
        reconstruction_errors=np.concatenate(errors),
        losses=np.concatenate(losses),
        history=history,
    )


def _random_start(space, n, seed):
    """A prior sample from numpy (the same on every backend).

    Categorical codes start at the uniform mixture, the simplex's centre.
    """
    rng = np.random.default_rng(seed)
    parts = []
    for code in space:
        kind = code_kind(code)
        if kind == "categorical":
            parts.append(np.full((n, code.dim), 1.0 / code.dim))
        elif kind == "uniform":
            low, high = code_bounds(code)
            parts.append(rng.uniform(low, high, (n, code.dim)))
        else:
            mean, stddev = code_moments(code)
            parts.append(rng.normal(mean, stddev, (n, code.dim)))
    return np.concatenate(parts, axis=1).astype("float32")


class _Box(keras.constraints.Constraint):
    """Clips each column to its bounds (inf for unbounded columns)."""

    def __init__(self, low, high):
        self.low = np.asarray(low, "float32")
        self.high = np.asarray(high, "float32")

    def __call__(self, w):
        low = ops.convert_to_tensor(self.low, dtype=w.dtype)
        high = ops.convert_to_tensor(self.high, dtype=w.dtype)
        return ops.minimum(ops.maximum(w, low), high)


class _LatentFit(AdversarialModel):
    """A batch of latents as the only trainable variable, for `fit`.

    Internal to `optimization_inversion`: the targets, mask and starting
    values are non-trainable variables assigned before each run, so one
    compiled step serves every batch of the same size.
    """

    def __init__(
        self,
        generator,
        latent_space,
        image_shape,
        batch_size,
        masked,
        prior_weight,
        feature_extractor,
        feature_weight,
        categorical,
    ):
        super().__init__(name="latent_fit")
        self.generator = generator
        self.feature_extractor = feature_extractor
        self.latent_space = latent_space
        self.masked = masked
        self.prior_weight = prior_weight
        self.feature_weight = feature_weight
        self.categorical = categorical
        dim = latent_space.dim
        low = np.full(dim, -np.inf, "float32")
        high = np.full(dim, np.inf, "float32")
        gaussian = np.zeros(dim, "float32")
        mean = np.zeros(dim, "float32")
        scale = np.ones(dim, "float32")
        self.blocks = []
        for code in latent_space:
            lo, hi = latent_space.offsets[code.name]
            kind = code_kind(code)
            self.blocks.append((lo, hi, kind))
            if kind == "uniform":
                low[lo:hi], high[lo:hi] = code_bounds(code)
            elif kind == "gaussian":
                gaussian[lo:hi] = 1.0
                mean[lo:hi], scale[lo:hi] = code_moments(code)
        self.low, self.high = low, high
        self.gaussian = gaussian
        self.num_gaussian = max(float(gaussian.sum()), 1.0)
        self.mean = mean
        self.scale = scale
        self.params = self.add_weight(
            shape=(batch_size, dim),
            initializer="zeros",
            constraint=_Box(low, high),
            name="latent_params",
        )
        shape = (batch_size,) + tuple(image_shape)
        self.targets = self._state(shape, "targets")
        self.mask = self._state(shape, "mask") if masked else None
        self.weights_per_image = self._state((batch_size,), "image_weights")
        self.start = self._state((batch_size, dim), "start")
        self.terms = ["loss", "reconstruction"]
        if prior_weight and gaussian.any():
            self.terms.append("prior")
        if feature_weight:
            self.terms.append("feature")
        self._optimizer_start = None
        self.built = True

    def _state(self, shape, name):
        return self.add_weight(
            shape=shape, initializer="zeros", trainable=False, name=name
        )

    def call(self, inputs):
        return self.latents()

    def latents(self):
        """The latent batch: softmax (or fixed) categorical blocks."""
        parts = []
        for lo, hi, kind in self.blocks:
            if kind != "categorical":
                parts.append(self.params[:, lo:hi])
            elif self.categorical == "softmax":
                parts.append(ops.softmax(self.params[:, lo:hi], axis=-1))
            else:
                parts.append(self.start[:, lo:hi])
        return ops.concatenate(parts, axis=-1)

    def per_image_terms(self):
        latents = self.latents()
        generated = self.generator(latents, training=False)
        reconstruction = squared_error(generated, self.targets, self.mask)
        terms = {"reconstruction": reconstruction}
        loss = reconstruction
        if "prior" in self.terms:
            mean = ops.convert_to_tensor(self.mean)
            scale = ops.convert_to_tensor(self.scale)
            gaussian = ops.convert_to_tensor(self.gaussian)
            standard = (latents - mean) / scale
            terms["prior"] = self.prior_weight * (
                ops.sum(gaussian * ops.square(standard), axis=-1)
                / self.num_gaussian
            )
            loss = loss + terms["prior"]
        if "feature" in self.terms:
            terms["feature"] = self.feature_weight * feature_error(
                self.feature_extractor, generated, self.targets, self.mask
            )
            loss = loss + terms["feature"]
        terms["loss"] = loss
        return terms

    def default_optimizers(self):
        return {"latents": keras.optimizers.Adam(0.05)}

    def build_players(self):
        return [
            Player(
                "latents",
                variables=[self.params],
                loss=self.objective,
                objective="total",
                logs=["total"] + self.terms,
            )
        ]

    def objective(self, data):
        terms = self.per_image_terms()
        weights = self.weights_per_image
        count = ops.maximum(ops.sum(weights), 1.0)
        logs = {
            name: ops.sum(weights * value) / count
            for name, value in terms.items()
        }
        # A sum over images: each image's gradient is its own.
        logs["total"] = ops.sum(weights * terms["loss"])
        return logs

    def _update_trackers(self, terms):
        # The history needs each step's value, not the running mean.
        super()._update_trackers(terms)
        return dict(terms)

    def run(self, images, masks, init, steps):
        """Optimises one batch; returns latents, errors, losses, history."""
        count = len(images)
        size = self.params.shape[0]
        pad = size - count

        def padded(array):
            if pad == 0:
                return array
            filler = np.repeat(array[-1:], pad, axis=0)
            return np.concatenate([array, filler], axis=0)

        self.params.assign(padded(self._to_params(init)))
        self.start.assign(padded(init))
        self.targets.assign(padded(images))
        if self.mask is not None:
            self.mask.assign(padded(masks))
        weights = np.zeros(size, "float32")
        weights[:count] = 1.0
        self.weights_per_image.assign(weights)
        # Fresh Adam moments and step count for every batch.
        if self._optimizer_start is None:
            self._optimizer_start = [
                ops.convert_to_numpy(v) for v in self.optimizer.variables
            ]
        for variable, value in zip(
            self.optimizer.variables, self._optimizer_start
        ):
            variable.assign(value)

        recorder = _StepRecorder(self.terms)
        if steps:
            self.fit(
                np.zeros((steps, 1), "float32"),
                batch_size=1,
                epochs=1,
                shuffle=False,
                verbose=0,
                callbacks=[recorder],
            )
        final = {
            name: np.asarray(ops.convert_to_numpy(value))[:count]
            for name, value in self.per_image_terms().items()
        }
        history = {
            name: np.asarray(
                recorder.values[name] + [float(np.mean(final[name]))],
                "float32",
            )
            for name in self.terms
        }
        latents = np.asarray(ops.convert_to_numpy(self.latents()))[:count]
        return latents, final["reconstruction"], final["loss"], history

    def _to_params(self, latents):
        params = latents.copy()
        for lo, hi, kind in self.blocks:
            if kind == "categorical":
                params[:, lo:hi] = np.log(np.clip(latents[:, lo:hi], 1e-6, 1))
        return np.clip(params, self.low, self.high)


class _StepRecorder(keras.callbacks.Callback):
    def __init__(self, names):
        super().__init__()
        self.values = {name: [] for name in names}

    def on_train_batch_end(self, batch, logs=None):
        for name, values in self.values.items():
            values.append(float(logs[name]))
