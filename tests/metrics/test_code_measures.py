"""`code_measure_correlations` on a generator whose images encode its codes."""

import numpy as np
import pytest
from keras import ops

from keras_disentangle.latent import CategoricalCode
from keras_disentangle.latent import LatentSpace
from keras_disentangle.latent import NoiseCode
from keras_disentangle.latent import UniformCode
from keras_disentangle.latent import traversal_codes
from keras_disentangle.metrics import code_measure_correlations


class CodesAsPixels:
    """Channel 0 holds c1, channel 1 holds -c2**3, channel 2 the noise."""

    def __init__(self, codes):
        self.latent_space = LatentSpace(codes)

    def generate(self, codes):
        c1 = ops.convert_to_numpy(codes["c1"])[:, 0]
        c2 = ops.convert_to_numpy(codes["c2"])[:, 0]
        z = ops.convert_to_numpy(codes["z"])[:, 0]
        images = np.zeros((len(c1), 2, 2, 3), "float32")
        images[..., 0] = c1[:, None, None]
        images[..., 1] = -(c2[:, None, None] ** 3)
        images[..., 2] = z[:, None, None]
        return images

    def traverse(self, code, values, seed=None):
        return self.generate(
            traversal_codes(self.latent_space, code, values, seed=seed)
        )


def channel_means(images):
    return {
        "first": images[..., 0].mean(axis=(1, 2)),
        "second": images[..., 1].mean(axis=(1, 2)),
        "noise": images[..., 2].mean(axis=(1, 2)),
    }


CODES = [
    CategoricalCode("digit", 3),
    UniformCode("c1"),
    UniformCode("c2"),
    NoiseCode("z", 2),
]


def test_each_code_is_matched_to_the_measure_it_drives():
    table = code_measure_correlations(
        CodesAsPixels(CODES), samples=200, bases=3, steps=5,
        measure=channel_means,
    )  # fmt: skip
    assert table["best_match"] == {
        "c1": {"measure": "first", "spearman_random": 1.0,
               "spearman_sweeps": 1.0},
        "c2": {"measure": "second", "spearman_random": -1.0,
               "spearman_sweeps": -1.0},
    }  # fmt: skip
    # Independent draws: weak correlation with the other channels.
    assert abs(table["random"]["c1"]["second"]) < 0.25
    assert abs(table["random"]["c2"]["noise"]) < 0.25
    # Within a sweep the other codes are held, so their channels are
    # constant and the correlation is undefined: reported as 0.
    assert table["sweeps"]["c1"]["second"] == 0.0
    assert table["protocol"]["sweep_values"] == [-1.0, -0.5, 0.0, 0.5, 1.0]


def test_bases_zero_skips_the_sweeps():
    table = code_measure_correlations(
        CodesAsPixels(CODES), samples=50, bases=0, measure=channel_means
    )
    assert table["sweeps"] == {}
    assert "spearman_sweeps" not in table["best_match"]["c1"]


def test_a_model_without_continuous_codes_is_refused():
    model = CodesAsPixels([CategoricalCode("digit", 3), NoiseCode("z", 2)])
    with pytest.raises(ValueError, match="no continuous code"):
        code_measure_correlations(model, samples=10, measure=channel_means)


class SharedMeasures(CodesAsPixels):
    """Channel 0: c1 + c2 (a measure two codes share); channel 1: the
    digit's index times 3 plus c1 (a measure the digit dominates); channel
    2: the noise. `encode` reads the codes back from a corner it writes."""

    def generate(self, codes):
        digit = np.argmax(ops.convert_to_numpy(codes["digit"]), axis=-1)
        c1 = ops.convert_to_numpy(codes["c1"])[:, 0]
        c2 = ops.convert_to_numpy(codes["c2"])[:, 0]
        z = ops.convert_to_numpy(codes["z"])[:, 0]
        images = np.zeros((len(c1), 2, 2, 3), "float32")
        images[:, 1:, :, 0] = (c1 + c2)[:, None, None]
        images[:, 1:, :, 1] = (3.0 * digit + c1)[:, None, None]
        images[:, 1:, :, 2] = z[:, None, None]
        images[:, 0, 0, 0], images[:, 0, 0, 1] = c1, c2
        images[:, 0, 1, 0] = digit
        return images

    def encode(self, images):
        digit = images[:, 0, 1, 0].astype(int)
        return {
            "digit": np.eye(3)[digit] * 0.8 + 0.05,  # probabilities
            "c1": images[:, 0, 0, 0:1],
            "c2": images[:, 0, 0, 1:2],
        }


def lower_half_means(images):
    return {
        "shared": images[:, 1:, :, 0].mean(axis=(1, 2)),
        "digit_plus_c1": images[:, 1:, :, 1].mean(axis=(1, 2)),
        "noise": images[:, 1:, :, 2].mean(axis=(1, 2)),
    }


def test_partial_correlation_holds_the_other_codes():
    model = SharedMeasures(CODES)
    real = model.generate(model.latent_space.sample(300, seed=7))
    table = code_measure_correlations(
        model, samples=300, bases=2, measure=lower_half_means, images=real
    )
    random, partial = table["random"], table["partial"]
    # c1 + c2: each code alone explains half of the variance (rho ~ 0.7);
    # with the other code held, almost all of what is left.
    assert 0.6 < random["c1"]["shared"] < 0.8
    assert 0.6 < random["c2"]["shared"] < 0.8
    assert partial["c1"]["shared"] > 0.97 and partial["c2"]["shared"] > 0.97
    # 3 * digit + c1: the digit dominates; held, c1 decides the order.
    assert random["c1"]["digit_plus_c1"] < 0.45
    assert partial["c1"]["digit_plus_c1"] > 0.97
    assert abs(partial["c2"]["digit_plus_c1"]) < 0.2
    assert abs(partial["c1"]["noise"]) < 0.2
    assert table["best_match_partial"]["c1"]["measure"] in (
        "shared", "digit_plus_c1"
    )  # fmt: skip
    assert table["best_match_partial"]["c2"]["measure"] == "shared"
    # Real images whose inferred codes are those that drew them: the same
    # table as on the generated images drawn with the same seed.
    same_draw = code_measure_correlations(
        model, samples=300, bases=0, seed=7, measure=lower_half_means,
        images=real,
    )  # fmt: skip
    assert same_draw["partial_real"] == same_draw["partial"]
    assert table["protocol"]["real_images"] == 300
    assert table["best_match_partial"]["c2"]["spearman_partial_real"] > 0.97


def test_real_images_need_a_model_that_encodes():
    images = np.zeros((4, 2, 2, 3), "float32")
    with pytest.raises(ValueError, match="has no encode"):
        code_measure_correlations(
            CodesAsPixels(CODES), samples=20, bases=0,
            measure=channel_means, images=images,
        )  # fmt: skip
    table = code_measure_correlations(
        CodesAsPixels(CODES), samples=20, bases=0, measure=channel_means
    )
    assert table["partial_real"] == {}

    class WithoutC2(SharedMeasures):
        def encode(self, images):
            codes = super().encode(images)
            del codes["c2"]
            return codes

    model = WithoutC2(CODES)
    with pytest.raises(ValueError, match="infers no 'c2'"):
        code_measure_correlations(
            model, samples=20, bases=0, measure=lower_half_means,
            images=model.generate(model.latent_space.sample(20, seed=1)),
        )  # fmt: skip
