"""The code in docs/ runs as written and does what the text says."""

import pathlib
import re

import keras
import numpy as np

DOCS = pathlib.Path(__file__).resolve().parents[1] / "docs"


def python_blocks(path):
    """The ```python blocks of a markdown file, in order."""
    return re.findall(r"```python\n(.*?)```", path.read_text(), flags=re.S)


def test_writing_a_model_guide_runs_and_its_model_learns():
    blocks = python_blocks(DOCS / "writing_a_model.md")
    assert len(blocks) == 3
    namespace = {"__name__": "writing_a_model_guide"}
    for block in blocks:
        exec(compile(block, "docs/writing_a_model.md", "exec"), namespace)

    model, images = namespace["model"], namespace["images"]
    history = namespace["history"].history
    assert set(history) == {"d_loss", "g_loss"}
    assert all(np.isfinite(history["d_loss"] + history["g_loss"]))

    # A fresh generator draws grey noise; the trained one draws the data's
    # bright left half and dark right half (0.9 vs 0.1).
    def contrast(x):
        return float(x[:, :, :4].mean() - x[:, :, 4:].mean())

    samples = namespace["samples"]
    assert samples.shape == (16, 8, 8, 1)
    assert 0.0 <= samples.min() and samples.max() <= 1.0
    fresh = namespace["TinyGAN"](seed=0).generate(256, seed=1)
    assert abs(contrast(fresh)) < 0.1
    assert contrast(images) > 0.75
    assert contrast(samples) > 0.5

    # The text's claims about the engine: each player owns its variables.
    players = {player.name: player for player in model.build_players()}
    assert {id(v) for v in players["generator"].variables} == {
        id(v) for v in model.generator.trainable_variables
    }
    # The restored preset is a TinyGAN built from its registered config.
    assert type(namespace["restored"]).__name__ == "TinyGAN"
    assert keras.saving.get_registered_object("keras_disentangle>TinyGAN")
