import os
import subprocess
import sys
import textwrap

import keras
import pytest

from tests.conftest import REPO

SCRIPT = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    import keras
    from tests.engine.toy_models import ToyGAN

    def train(distribution):
        keras.distribution.set_distribution(distribution)
        keras.utils.set_random_seed(0)
        model = ToyGAN(seed=3)
        model.compile()
        data = np.random.RandomState(0).normal(size=(64, 3)).astype("float32")
        history = model.fit(data, batch_size=16, epochs=2, verbose=0,
                            shuffle=False)
        weights = [np.asarray(w).tolist() for w in model.get_weights()]
        return weights, history.history

    devices = keras.distribution.list_devices("cpu")
    assert len(devices) == 2, devices
    single = train(None)
    parallel = train(keras.distribution.DataParallel(devices=devices))
    json.dump({"single": single, "parallel": parallel}, sys.stdout)
    """
)


@pytest.mark.skipif(
    keras.backend.backend() != "jax",
    reason="keras.distribution.DataParallel is implemented for JAX only in "
    "Keras 3.15 (TensorFlow's is a prototype, PyTorch's has none).",
)
def test_data_parallel_on_two_cpu_devices_matches_one_device():
    import json

    import numpy as np

    env = dict(os.environ)
    env["KERAS_BACKEND"] = "jax"
    env["XLA_FLAGS"] = "--xla_force_host_platform_device_count=2"
    env["PYTHONPATH"] = str(REPO)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout)
    single_w, single_h = out["single"]
    parallel_w, parallel_h = out["parallel"]
    assert len(single_w) == len(parallel_w)
    for a, b in zip(single_w, parallel_w):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), atol=1e-5)
    for name in single_h:
        np.testing.assert_allclose(single_h[name], parallel_h[name], atol=1e-5)
