"""Cold start per backend: import, `from_preset`, 64 samples, in a fresh
process each time.

```shell
python benchmarks/cold_start.py                  # the built-in "mnist"
python benchmarks/cold_start.py --preset out/my_preset --repeats 5
python benchmarks/cold_start.py --backends jax --jax-cache out/jax_cache
python benchmarks/cold_start.py --backends jax --python .venv-main/bin/python
```

`--python` times another environment, e.g. the one the README's main-job
command creates (`pip install -e ".[jax]"`, without the `metrics` extra).
The report says whether the children could import scikit-learn: `import
keras` imports it whenever it is installed, about 0.9 s here.

Without the trained built-in preset (a source checkout before
`presets/train_infogan_mnist.py` ran), `--preset mnist` falls back to an
untrained InfoGAN saved the same way (float16 kernels) into
`out/cold_start_preset`: same architecture and file size, so the same
timings. The child processes run offline (`HF_HUB_OFFLINE=1`).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BACKENDS = ("jax", "tensorflow", "torch")

CHILD = r"""
import json, sys, time
start = time.perf_counter()
import keras_disentangle
imported = time.perf_counter()
model = keras_disentangle.InfoGAN.from_preset(sys.argv[1])
loaded = time.perf_counter()
images = model.generate(64, seed=0)
generated = time.perf_counter()
assert images.shape == (64, 28, 28, 1)
print(json.dumps({
    "import": imported - start,
    "from_preset": loaded - imported,
    "generate_64": generated - loaded,
}))
"""

FALLBACK = r"""
import sys
import keras_disentangle
keras_disentangle.InfoGAN(seed=0).save_to_preset(
    sys.argv[1], weights_dtype="float16",
    metadata={"description": "untrained stand-in for the cold-start benchmark"})
"""


def _env(backend, jax_cache=None):
    env = dict(os.environ, KERAS_BACKEND=backend, HF_HUB_OFFLINE="1")
    if jax_cache and backend == "jax":
        # JAX's persistent compilation cache, for every compiled kernel.
        env["JAX_COMPILATION_CACHE_DIR"] = jax_cache
        env["JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS"] = "0"
        env["JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES"] = "0"
    env["PYTHONPATH"] = REPO + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return env


def resolve_preset(preset):
    """The preset to time: `preset`, or an untrained stand-in for mnist."""
    if preset != "mnist":
        return preset, preset
    builtin = os.path.join(
        REPO,
        "keras_disentangle",
        "presets",
        "builtin",
        "mnist",
        "model.weights.h5",
    )
    if os.path.isfile(builtin):
        return "mnist", "mnist (built-in)"
    stand_in = os.path.join(REPO, "out", "cold_start_preset")
    if not os.path.isfile(os.path.join(stand_in, "model.weights.h5")):
        subprocess.run(
            [sys.executable, "-c", FALLBACK, stand_in],
            env=_env("tensorflow"),
            check=True,
            cwd=REPO,
        )
    return stand_in, "untrained stand-in for mnist (float16, out/)"


def time_backend(backend, preset, cwd, jax_cache=None, python=None):
    result = subprocess.run(
        [python or sys.executable, "-c", CHILD, preset],
        env=_env(backend, jax_cache),
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{backend} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description="Cold start per backend.")
    parser.add_argument("--preset", default="mnist")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--backends", nargs="+", default=list(BACKENDS))
    parser.add_argument(
        "--jax-cache",
        default=None,
        help="also time JAX with its persistent compilation cache in this "
        "directory (warmed by one untimed run)",
    )
    parser.add_argument(
        "--python",
        default=None,
        help="the interpreter of the environment to time (default: this one)",
    )
    args = parser.parse_args(argv)
    python = os.path.abspath(args.python) if args.python else sys.executable
    probe = [python, "-c", "import sklearn"]
    has_sklearn = subprocess.run(probe, capture_output=True).returncode == 0

    preset, label = resolve_preset(args.preset)
    if os.path.isdir(preset):
        preset = os.path.abspath(preset)
    # Children start outside the repository, like an installed user.
    cwd = os.path.expanduser("~")
    print(f"preset: {label}; {args.repeats} fresh processes per backend")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print(
        f"environment: {python}; scikit-learn installed: "
        f"{'yes' if has_sklearn else 'no'}\n"
    )
    header = (
        "backend",
        "import s",
        "from_preset s",
        "generate(64) s",
        "total s (median)",
        "total s (min)",
    )
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    rows = [(backend, backend, None) for backend in args.backends]
    if args.jax_cache:
        cache = os.path.abspath(args.jax_cache)
        time_backend("jax", preset, cwd, cache, python)  # warms the cache
        rows.append(("jax", "jax, warm compilation cache", cache))
    for backend, name, cache in rows:
        runs = [
            time_backend(backend, preset, cwd, cache, python)
            for _ in range(args.repeats)
        ]
        totals = [sum(run.values()) for run in runs]
        median = {
            key: statistics.median(run[key] for run in runs) for key in runs[0]
        }
        row = [
            name,
            f"{median['import']:.2f}",
            f"{median['from_preset']:.2f}",
            f"{median['generate_64']:.2f}",
            f"{statistics.median(totals):.2f}",
            f"{min(totals):.2f}",
        ]
        print("| " + " | ".join(row) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
