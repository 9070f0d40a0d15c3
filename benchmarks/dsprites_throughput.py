"""Throughput and memory of streaming procedurally rendered dSprites.

Renders N images spread evenly over the 737,280-image grid (all of them
for N = 737,280), one batch at a time, for several N; each N runs in a
fresh process so that its peak memory is its own. Time should grow
linearly with N and memory should not grow at all.

    python benchmarks/dsprites_throughput.py
    python benchmarks/dsprites_throughput.py --counts 73728 737280 \
        --batch-size 2048
"""

import argparse
import json
import os
import subprocess
import sys
import time

FULL = 737_280


def measure(count, batch_size):
    import resource
    import tracemalloc

    import numpy as np

    from keras_disentangle.datasets import DSprites

    data = DSprites()
    baseline_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    # Evenly spaced flat indices, so every count mixes all three shapes
    # (each renders with different temporaries); the full count is the
    # whole grid in index order.
    indices = (np.arange(count, dtype=np.int64) * FULL) // count
    start = time.perf_counter()
    on_pixels = 0
    for first in range(0, count, batch_size):
        images = data.images(indices[first : first + batch_size])
        on_pixels += int(np.count_nonzero(images))
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "count": count,
        "seconds": seconds,
        "traced_peak_mib": peak / 2**20,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        / 1024,
        "rss_growth_mib": (
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - baseline_rss
        )
        / 1024,
        "mean_on_pixels": on_pixels / count,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--counts", type=int, nargs="+", default=[FULL // 10, FULL // 2, FULL]
    )
    parser.add_argument("--batch-size", type=int, default=4096)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.batch_size)))
        return
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(
        os.environ,
        PYTHONPATH=repo + os.pathsep + os.environ.get("PYTHONPATH", ""),
    )
    rows = []
    for count in args.counts:
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                str(count),
                "--batch-size",
                str(args.batch_size),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(
        f"dSprites procedural rendering, batch size {args.batch_size}, "
        f"{os.cpu_count()} CPU(s)"
    )
    header = (
        f"{'images':>8} {'seconds':>8} {'images/s':>9} {'us/image':>9} "
        f"{'traced peak MiB':>16} {'peak RSS MiB':>13} {'RSS growth MiB':>15}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row['count']:>8} {row['seconds']:>8.1f} "
            f"{row['count'] / row['seconds']:>9.0f} "
            f"{1e6 * row['seconds'] / row['count']:>9.1f} "
            f"{row['traced_peak_mib']:>16.1f} {row['peak_rss_mib']:>13.0f} "
            f"{row['rss_growth_mib']:>15.0f}"
        )


if __name__ == "__main__":
    main()
