import keras
import numpy as np
import pytest

from keras_disentangle.latent import CategoricalCode
from keras_disentangle.latent import GaussianCode
from keras_disentangle.latent import LatentSpace
from keras_disentangle.latent import NoiseCode
from keras_disentangle.latent import UniformCode
from keras_disentangle.latent import as_latent_space
from keras_disentangle.latent import traversal_codes
from keras_disentangle.latent import traversal_grid_codes


def space():
    return LatentSpace(
        [
            NoiseCode("z", 5, "normal"),
            CategoricalCode("digit", 4),
            UniformCode("c1", 2, low=-1.0, high=1.0),
            GaussianCode("g", 1, mean=3.0, stddev=0.5),
        ]
    )


def test_layout_sampling_and_priors():
    s = space()
    assert s.dim == 5 + 4 + 2 + 1
    assert s.offsets["c1"] == (9, 11)
    assert [c.name for c in s.regularized_codes] == ["digit", "c1", "g"]
    codes = s.sample(4000, seed=keras.random.SeedGenerator(0))
    codes = {k: keras.ops.convert_to_numpy(v) for k, v in codes.items()}
    digit = codes["digit"]
    assert set(np.unique(digit)) == {0.0, 1.0}
    np.testing.assert_array_equal(digit.sum(axis=1), 1.0)
    # Uniform over categories: each near 1/4.
    np.testing.assert_allclose(digit.mean(axis=0), 0.25, atol=0.03)
    c1 = codes["c1"]
    assert c1.min() >= -1.0 and c1.max() <= 1.0
    np.testing.assert_allclose(c1.mean(), 0.0, atol=0.05)
    np.testing.assert_allclose(c1.var(), 1.0 / 3.0, atol=0.03)
    np.testing.assert_allclose(codes["g"].mean(), 3.0, atol=0.05)
    np.testing.assert_allclose(codes["g"].std(), 0.5, atol=0.03)
    np.testing.assert_allclose(codes["z"].std(), 1.0, atol=0.05)


def test_concat_and_split_round_trip():
    s = space()
    codes = s.sample(3, seed=1)
    matrix = s.concat(codes)
    assert tuple(matrix.shape) == (3, s.dim)
    back = s.split(matrix)
    for name in s.names:
        np.testing.assert_array_equal(
            keras.ops.convert_to_numpy(back[name]),
            keras.ops.convert_to_numpy(codes[name]),
        )


def test_serialization_round_trip():
    s = space()
    config = keras.saving.serialize_keras_object(s)
    restored = keras.saving.deserialize_keras_object(config)
    assert restored == s
    assert restored.offsets == s.offsets


def test_sampling_is_seeded():
    a = space().sample(5, seed=3)
    b = space().sample(5, seed=3)
    for name in a:
        np.testing.assert_array_equal(
            keras.ops.convert_to_numpy(a[name]),
            keras.ops.convert_to_numpy(b[name]),
        )


def test_bad_code_specs_raise_clear_errors():
    with pytest.raises(ValueError, match="num_categories >= 2"):
        CategoricalCode("digit", 1)
    with pytest.raises(ValueError, match="identifier"):
        UniformCode("my code")
    with pytest.raises(ValueError, match="low < high"):
        UniformCode("c", low=1.0, high=-1.0)
    with pytest.raises(ValueError, match="stddev > 0"):
        GaussianCode("g", stddev=0.0)
    with pytest.raises(ValueError, match="positive integer dim"):
        UniformCode("c", dim=0)
    with pytest.raises(ValueError, match="'uniform' or 'normal'"):
        NoiseCode("z", 3, "laplace")
    with pytest.raises(ValueError, match="unique"):
        LatentSpace([UniformCode("c"), UniformCode("c")])
    with pytest.raises(TypeError, match="LatentCode"):
        LatentSpace([UniformCode("c"), "z"])
    s = space()
    with pytest.raises(ValueError, match="missing"):
        s.concat({"z": np.zeros((2, 5))})
    with pytest.raises(ValueError, match=r"shape \(batch, 4\)"):
        codes = {
            k: keras.ops.convert_to_numpy(v) for k, v in s.sample(2, 0).items()
        }
        codes["digit"] = np.zeros((2, 3))
        s.concat(codes)
    with pytest.raises(KeyError, match="No latent code named"):
        s["rotation"]
    with pytest.raises(TypeError, match="list of latent codes"):
        as_latent_space("z")


def test_a_latent_space_from_codes_or_config():
    s = space()
    assert as_latent_space(s) is s
    assert as_latent_space(list(s.codes)) == s
    assert as_latent_space(tuple(s.codes)) == s
    assert as_latent_space(s.get_config()) == s


def test_traversal_sweeps_one_code_and_holds_the_rest():
    s = space()
    codes = traversal_codes(s, "c1", np.linspace(-2, 2, 5), seed=0)
    np.testing.assert_allclose(codes["c1"][:, 0], np.linspace(-2, 2, 5))
    np.testing.assert_allclose(codes["c1"][:, 1], np.linspace(-2, 2, 5))
    for name in ("z", "digit", "g"):
        assert np.all(codes[name] == codes[name][:1])
    cat = traversal_codes(s, "digit", [0, 1, 2, 3], seed=0)
    np.testing.assert_array_equal(cat["digit"], np.eye(4))
    with pytest.raises(ValueError, match="must lie in"):
        traversal_codes(s, "digit", [4])


def test_traversal_of_one_column_holds_the_others():
    s = space()
    values = np.linspace(-1, 1, 4)
    both = traversal_codes(s, "c1", values, seed=3)
    one = traversal_codes(s, "c1", values, seed=3, column=1)
    np.testing.assert_allclose(one["c1"][:, 1], values)
    # Column 0 keeps the base value that the same seed draws.
    base = traversal_codes(s, "c1", [0.0], seed=3, column=1)["c1"][0, 0]
    np.testing.assert_allclose(one["c1"][:, 0], np.full(4, base))
    np.testing.assert_allclose(both["c1"], np.stack([values] * 2, axis=1))
    for name in ("z", "digit", "g"):
        np.testing.assert_array_equal(one[name], both[name])
    with pytest.raises(ValueError, match="one of the 2 columns"):
        traversal_codes(s, "c1", values, column=2)
    with pytest.raises(ValueError, match="categorical code"):
        traversal_codes(s, "digit", [0, 1], column=0)


def test_traversal_grid_rows_are_categories():
    s = space()
    codes = traversal_grid_codes(
        s, "digit", "c1", np.linspace(-2, 2, 3), seed=0
    )
    assert codes["digit"].shape == (12, 4)
    np.testing.assert_array_equal(
        codes["digit"].argmax(axis=1), np.repeat(np.arange(4), 3)
    )
    np.testing.assert_allclose(codes["c1"][:3, 0], [-2, 0, 2])
    assert np.all(codes["z"] == codes["z"][:1])


def test_integer_seed_samples_on_the_host_identically_everywhere():
    s = space()
    codes = s.sample(6, seed=5)
    assert all(isinstance(v, np.ndarray) for v in codes.values())
    assert all(v.dtype == np.float32 for v in codes.values())
    # numpy's generator: the same codes on every backend.
    rng = np.random.default_rng(5)
    expected = {code.name: code.sample_numpy(6, rng) for code in s}
    for name in s.names:
        np.testing.assert_array_equal(codes[name], expected[name])
    latents = s.concat(codes)
    assert isinstance(latents, np.ndarray) and latents.shape == (6, s.dim)
    completed = s.complete({"c1": np.zeros((6, 2))}, seed=5)
    assert isinstance(completed["z"], np.ndarray)
    np.testing.assert_array_equal(completed["c1"], 0.0)
    # The host priors are the declared distributions.
    big = s.sample(4000, seed=0)
    np.testing.assert_array_equal(big["digit"].sum(axis=1), 1.0)
    np.testing.assert_allclose(big["digit"].mean(axis=0), 0.25, atol=0.03)
    assert -1.0 <= big["c1"].min() and big["c1"].max() <= 1.0
    np.testing.assert_allclose(big["c1"].mean(), 0.0, atol=0.05)
    np.testing.assert_allclose(big["g"].mean(), 3.0, atol=0.05)
    np.testing.assert_allclose(big["g"].std(), 0.5, atol=0.03)
    np.testing.assert_allclose(big["z"].std(), 1.0, atol=0.05)
