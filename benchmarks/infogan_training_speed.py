"""Training speed of keras_disentangle.InfoGAN against a plain PyTorch loop.

Measures training steps per second (one step = one discriminator update and
one generator update, batch 64 by default) of

- `keras_disentangle.InfoGAN()` trained by `model.fit` on each Keras backend
  (TensorFlow, JAX, PyTorch), each in a fresh subprocess with
  `KERAS_BACKEND` set, optionally with several `steps_per_execution` and
  `jit_compile` settings;
- the same networks, losses and update order as a plain PyTorch loop
  (`plain_torch_infogan.py`),

on the same images, and prints a markdown table with the ratio of each to
the plain PyTorch loop and a description of the machine.

Every configuration first runs a warm-up `fit` (compilation, tracing,
first-call allocations; not timed), then `--repeats` timed `fit` calls of
`--steps` steps each; the table gives the best and the median repeat. The
plain loop runs `--warmup-steps` untimed steps, then the same timed
repeats. The 1-minute load average is sampled before and after every timed
repeat: on a shared machine, rerun when it is well above the CPU count
(`--max-load` makes the script wait for a quieter machine first).

Memory: each configuration's process reports its peak resident set size
(everything: Python, the framework, the images, the model, the optimizer
state) and, on a GPU, the framework's peak device allocation.

Examples:

    python benchmarks/infogan_training_speed.py                  # MNIST
    python benchmarks/infogan_training_speed.py --synthetic --steps 10
    python benchmarks/infogan_training_speed.py --backends jax \\
        --steps-per-execution 1,4 --jit-compile auto,false
"""

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_MNIST = os.path.join(ROOT, "..", "shared", "data", "mnist")
BACKENDS = ("tensorflow", "jax", "torch")


# Data -------------------------------------------------------------------------


def load_mnist(directory=DEFAULT_MNIST, split="train"):
    """MNIST images as float32 `(n, 28, 28, 1)` in [0, 1]."""
    from keras_disentangle.datasets import load_mnist_uint8

    images, _ = load_mnist_uint8(split, data_dir=directory)
    return images[..., None].astype(np.float32) / np.float32(255.0)


def benchmark_images(args):
    """The images every configuration trains on: warm-up, then timed part."""
    needed = (args.warmup_steps + args.steps) * args.batch_size
    if args.synthetic:
        rng = np.random.default_rng(0)
        return rng.random((needed, 28, 28, 1), dtype=np.float32), "synthetic"
    images = load_mnist(args.data)
    if len(images) < needed:
        reps = -(-needed // len(images))
        images = np.concatenate([images] * reps)
    return np.ascontiguousarray(images[:needed]), "MNIST train"


# Children ---------------------------------------------------------------------


def _set_threads(threads, backend):
    if not threads:
        return
    if backend == "tensorflow":
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    if backend in ("torch", "plain_torch"):
        import torch

        torch.set_num_threads(threads)


def _timed_repeats(run_once, repeats):
    times, loads = [], []
    for _ in range(repeats):
        before = os.getloadavg()[0]
        start = time.perf_counter()
        logs = run_once()
        times.append(time.perf_counter() - start)
        loads.append((before, os.getloadavg()[0]))
    return times, loads, logs


def _peak_memory(framework):
    """Peak RSS of this process and, on a GPU, the peak device allocation."""
    peak = {
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        / 1024
    }
    device = None
    if framework == "jax":
        import jax

        stats = jax.local_devices()[0].memory_stats() or {}
        device = stats.get("peak_bytes_in_use")
    elif framework == "torch":
        import torch

        if torch.cuda.is_available():
            device = torch.cuda.max_memory_allocated()
    elif framework == "tensorflow":
        import tensorflow as tf

        if tf.config.list_physical_devices("GPU"):
            device = tf.config.experimental.get_memory_info("GPU:0")["peak"]
    if device is not None:
        peak["device_peak_mib"] = device / 2**20
    return peak


def child_keras(args, images):
    backend = os.environ["KERAS_BACKEND"]
    _set_threads(args.threads, backend)
    import keras

    import keras_disentangle

    warm = images[: args.warmup_steps * args.batch_size]
    timed = images[args.warmup_steps * args.batch_size :]
    jit = args.jit_compile
    jit = {"auto": "auto", "true": True, "false": False}[jit]
    model = keras_disentangle.InfoGAN(seed=0)
    model.compile(jit_compile=jit, steps_per_execution=args.spe)
    t0 = time.perf_counter()
    model.fit(warm, batch_size=args.batch_size, epochs=1, verbose=0)
    warmup_s = time.perf_counter() - t0

    def run_once():
        history = model.fit(
            timed, batch_size=args.batch_size, epochs=1, verbose=0
        )
        return {k: float(v[-1]) for k, v in history.history.items()}

    times, loads, logs = _timed_repeats(run_once, args.repeats)
    versions = {"keras": keras.__version__}
    if backend == "tensorflow":
        import tensorflow as tf

        versions["tensorflow"] = tf.__version__
    elif backend == "jax":
        import jax

        versions["jax"] = jax.__version__
    else:
        import torch

        versions["torch"] = torch.__version__
    return {
        "times": times,
        "loads": loads,
        "warmup_s": warmup_s,
        "logs": logs,
        "jit_compile": str(model.jit_compile),
        "versions": versions,
        **_peak_memory(backend),
    }


def child_plain(args, images):
    _set_threads(args.threads, "plain_torch")
    import torch

    sys.path.insert(0, HERE)
    import plain_torch_infogan as plain

    data = torch.from_numpy(
        np.ascontiguousarray(np.transpose(images, (0, 3, 1, 2)))
    )
    warm = data[: args.warmup_steps * args.batch_size]
    timed = data[args.warmup_steps * args.batch_size :]
    model = plain.PlainInfoGAN(seed=0, fused_adam=args.fused_adam)
    bs = args.batch_size

    t0 = time.perf_counter()
    for start in range(0, len(warm) - bs + 1, bs):
        model.train_step(warm[start : start + bs])
    warmup_s = time.perf_counter() - t0

    def run_once():
        # Shuffled batches, as fit() gives Keras.
        order = torch.randperm(len(timed))
        for start in range(0, len(timed) - bs + 1, bs):
            d_loss, g_loss = model.train_step(timed[order[start : start + bs]])
        return {"d_loss": float(d_loss), "g_loss": float(g_loss)}

    times, loads, logs = _timed_repeats(run_once, args.repeats)
    return {
        "times": times,
        "loads": loads,
        "warmup_s": warmup_s,
        "logs": logs,
        "threads": torch.get_num_threads(),
        "versions": {"torch": torch.__version__},
        **_peak_memory("torch"),
    }


def child_main(args):
    images = np.load(args.images_file)
    if args.child == "plain_torch":
        result = child_plain(args, images)
    else:
        result = child_keras(args, images)
    print("RESULT " + json.dumps(result))


# Parent -----------------------------------------------------------------------


def run_child(args, images_file, kind, spe=1, jit="auto", fused_adam=False):
    cmd = [
        sys.executable,
        os.path.abspath(__file__),
        "--child",
        kind,
        "--images-file",
        images_file,
        "--steps",
        str(args.steps),
        "--warmup-steps",
        str(args.warmup_steps),
        "--batch-size",
        str(args.batch_size),
        "--repeats",
        str(args.repeats),
        "--threads",
        str(args.threads),
        "--spe",
        str(spe),
        "--jit-compile",
        jit,
    ]
    if fused_adam:
        cmd.append("--fused-adam")
    env = dict(os.environ)
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    if kind != "plain_torch":
        env["KERAS_BACKEND"] = kind
    if args.threads:
        env["OMP_NUM_THREADS"] = str(args.threads)
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT ") :])
    raise RuntimeError(
        f"{kind} (spe={spe}, jit={jit}) failed:\n{proc.stdout[-3000:]}\n"
        f"{proc.stderr[-3000:]}"
    )


def wait_for_quiet(max_load, timeout=600):
    if not max_load:
        return
    start = time.time()
    while os.getloadavg()[0] > max_load and time.time() - start < timeout:
        print(
            f"  waiting: load average {os.getloadavg()[0]:.2f} > {max_load}",
            file=sys.stderr,
        )
        time.sleep(15)


def describe_machine(versions):
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    parts = [
        f"{os.cpu_count()} CPUs ({cpu})",
        f"Python {platform.python_version()}",
        f"numpy {np.__version__}",
    ]
    parts += [f"{k} {v}" for k, v in sorted(versions.items())]
    return ", ".join(parts)


def run_round(args, images_file, row, round_index, versions):
    """Runs `row`'s configuration once in a fresh process; adds its figures."""
    wait_for_quiet(args.max_load)
    round_text = (
        f" (round {round_index + 1}/{args.rounds})" if args.rounds > 1 else ""
    )
    print(
        f"running {row['label']}{round_text} ...", file=sys.stderr, flush=True
    )
    plain = row["kind"] == "plain_torch"
    result = run_child(
        args,
        images_file,
        row["kind"],
        spe=row["spe"],
        jit="auto" if plain else row["jit"],
        fused_adam=args.fused_adam,
    )
    versions.update(result["versions"])
    rates = [args.steps / t for t in result["times"]]
    print(
        f"  {statistics.median(rates):.3f} steps/s (median), best "
        f"{max(rates):.3f}, loads {result['loads']}",
        file=sys.stderr,
        flush=True,
    )
    row["resolved_jit"] = result.get("jit_compile", "-")
    row["rates"] += rates
    row["round_medians"].append(statistics.median(rates))
    row["loads"] += result["loads"]
    row["warmup_s"].append(result["warmup_s"])
    row["logs"].append(result["logs"])
    row["peak_rss_mib"] = max(row["peak_rss_mib"], result["peak_rss_mib"])
    if result.get("device_peak_mib") is not None:
        row["device_peak_mib"] = max(
            row["device_peak_mib"] or 0.0, result["device_peak_mib"]
        )


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 1)[1],
    )
    parser.add_argument("--steps", type=int, default=20, help="timed steps")
    parser.add_argument("--warmup-steps", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="run every configuration this many times, one after the other "
        "in turn (each in a fresh process), so that slow drifts of the "
        "machine's speed touch all of them alike",
    )
    parser.add_argument(
        "--backends",
        default="tensorflow,jax,torch",
        help="comma-separated Keras backends",
    )
    parser.add_argument(
        "--steps-per-execution",
        default="1",
        help="comma-separated steps_per_execution values to try",
    )
    parser.add_argument(
        "--jit-compile",
        default="auto",
        help="comma-separated jit_compile values to try: auto,true,false",
    )
    parser.add_argument("--data", default=DEFAULT_MNIST, help="MNIST folder")
    parser.add_argument("--synthetic", action="store_true")
    parser.add_argument(
        "--threads",
        type=int,
        default=0,
        help="intra-op threads (TensorFlow intra/inter-op, torch "
        "set_num_threads, OMP_NUM_THREADS) for every run; JAX keeps its own "
        "thread pool (0: library defaults)",
    )
    parser.add_argument(
        "--fused-adam", action="store_true", help="plain loop: fused Adam"
    )
    parser.add_argument("--no-plain", action="store_true")
    parser.add_argument(
        "--max-load",
        type=float,
        default=0.0,
        help="wait (up to 10 min) before each run until the load average is "
        "at most this",
    )
    parser.add_argument("--json", help="also write the results to this file")
    # Internal: one configuration in a subprocess.
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--images-file", help=argparse.SUPPRESS)
    parser.add_argument("--spe", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error(f"--rounds must be at least 1; got {args.rounds}")

    if args.child:
        return child_main(args)

    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = [b for b in backends if b not in BACKENDS]
    if unknown:
        parser.error(f"unknown backends {unknown}; choose from {BACKENDS}")
    spes = [int(s) for s in args.steps_per_execution.split(",")]
    jits = [j.strip().lower() for j in args.jit_compile.split(",")]
    for spe in spes:
        if args.steps % spe:
            parser.error(f"--steps must be a multiple of every spe ({spe})")

    images, source = benchmark_images(args)
    versions = {}
    with tempfile.TemporaryDirectory() as tmp:
        images_file = os.path.join(tmp, "images.npy")
        np.save(images_file, images)
        configs = []
        if not args.no_plain:
            configs.append(("plain_torch", 1, "-"))
        configs += [(b, s, j) for b in backends for j in jits for s in spes]
        rows = [
            {
                "kind": kind,
                "label": "plain PyTorch loop"
                if kind == "plain_torch"
                else f"Keras {kind}, jit_compile={jit}, "
                f"steps_per_execution={spe}",
                "spe": spe,
                "jit": jit,
                "resolved_jit": "-",
                "rates": [],
                "round_medians": [],
                "loads": [],
                "warmup_s": [],
                "logs": [],
                "peak_rss_mib": 0.0,
                "device_peak_mib": None,
            }
            for kind, spe, jit in configs
        ]
        for round_index in range(args.rounds):
            for row in rows:
                run_round(args, images_file, row, round_index, versions)
    for row in rows:
        row["median"] = statistics.median(row["rates"])
        row["best"] = max(row["rates"])

    plain = next((r for r in rows if r["kind"] == "plain_torch"), None)
    if plain:
        for row in rows:
            row["round_ratios"] = [
                mine / theirs
                for mine, theirs in zip(
                    row["round_medians"], plain["round_medians"]
                )
            ]
    print()
    print(
        f"InfoGAN (MNIST 28x28 networks) training speed, batch "
        f"{args.batch_size}, {args.steps} timed steps x {args.repeats} "
        f"repeats after a warm-up of {args.warmup_steps} steps, data: "
        f"{source}, threads: {args.threads or 'library default'}"
    )
    print()
    print(
        "| configuration | resolved jit_compile | steps/s (median) | "
        "steps/s (best) | median vs plain PyTorch | per-round ratio "
        "(median, min-max) | warm-up fit (s) | load avg (1 min) during runs | "
        "peak RSS MiB | device peak MiB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        ratio = f"{row['median'] / plain['median']:.2f}x" if plain else "-"
        per_round = "-"
        if plain:
            r = row["round_ratios"]
            per_round = (
                f"{statistics.median(r):.2f}x ({min(r):.2f}-{max(r):.2f}, "
                f"{len(r)} rounds)"
            )
        loads = [x for pair in row["loads"] for x in pair]
        device = row["device_peak_mib"]
        device = "-" if device is None else f"{device:.0f}"
        print(
            f"| {row['label']} | {row['resolved_jit']} | "
            f"{row['median']:.3f} | {row['best']:.3f} | {ratio} | "
            f"{per_round} | "
            f"{statistics.median(row['warmup_s']):.1f} | "
            f"{min(loads):.2f}-{max(loads):.2f} | "
            f"{row['peak_rss_mib']:.0f} | {device} |"
        )
    print()
    print(f"Machine: {describe_machine(versions)}.")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(
                {"args": vars(args), "rows": rows, "versions": versions},
                f,
                indent=1,
            )


if __name__ == "__main__":
    main()
