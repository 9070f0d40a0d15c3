"""A preset saved on this backend loads on the other two, same images."""

import os
import subprocess
import sys

import keras
import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
BACKENDS = ("tensorflow", "jax", "torch")

LOAD_AND_GENERATE = """
import sys
import numpy as np
import keras
import keras_disentangle

preset, latents, out = sys.argv[1:4]
model = keras_disentangle.InfoGAN.from_preset(preset)
np.save(out, model.generate(np.load(latents)))
print(keras.backend.backend())
"""


def test_preset_loads_identically_on_every_backend(
    saved_preset, latents, reference_images, tmp_path
):
    np.save(tmp_path / "latents.npy", latents)
    runs = {}
    for backend in BACKENDS:
        if backend == keras.backend.backend():
            continue
        env = dict(os.environ, KERAS_BACKEND=backend, HF_HUB_OFFLINE="1")
        env["PYTHONPATH"] = REPO + os.pathsep + env.get("PYTHONPATH", "")
        out = tmp_path / f"{backend}.npy"
        runs[backend] = (
            subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    LOAD_AND_GENERATE,
                    saved_preset,
                    str(tmp_path / "latents.npy"),
                    str(out),
                ],
                env=env,
                cwd=str(tmp_path),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            ),
            out,
        )
    assert len(runs) == 2
    for backend, (process, out) in runs.items():
        stdout, stderr = process.communicate(timeout=600)
        assert process.returncode == 0, stderr[-3000:]
        assert stdout.strip().splitlines()[-1] == backend
        images = np.load(out)
        np.testing.assert_allclose(
            images,
            reference_images,
            rtol=0,
            atol=1e-5,
            err_msg=f"saved on {keras.backend.backend()}, loaded on {backend}",
        )
