"""Time one InfoGAN training step spends in its products, per framework.

One training step of `keras_disentangle.InfoGAN()` (the paper's 28x28 MNIST
networks, batch 64: a discriminator update, then a generator update) spends
most of its time in dense products, convolutions and transposed
convolutions. This script lists every one of them with how often a step runs
it (forward, gradient with respect to the input, gradient with respect to the
kernel), times each kernel alone on each framework, and adds them up: the
time a step spends in its products, before any normalisation, activation,
loss or optimizer update. Set beside the plain PyTorch loop's step time,
measured in the same run, it estimates the speed-up a Keras backend could
reach over that loop on this machine if the rest of its step were free.
It is an estimate, not a bound: XLA compiles a whole step at once and may
lay out and fuse a product better (or worse) than when it is compiled
alone.

- `plain_torch`: the kernels the plain PyTorch loop (`plain_torch_infogan.py`)
  runs: `torch.nn.functional` in NCHW, and for the gradients the same
  `aten.convolution_backward` and matrix products that autograd calls.
- `jax`, `tensorflow`: the Keras layers InfoGAN is built from (`Dense`,
  `Conv2D` and `keras_disentangle.layers.Conv2DTranspose`, NHWC, with bias),
  each kernel jitted with XLA alone (`jax.jit`, `tf.function(jit_compile=
  True)`); the gradients from the framework's autodiff, of which XLA keeps
  only the product asked for.

How often a step runs each product: the D step runs G forward (no
gradient), D on the real batch and D plus Q on the fake batch, then back
through D and Q to their kernels (no gradient into the images); the G step
runs G, D and Q forward, then back through Q and D to their input only, and
through G to its kernels. Each kernel is timed as the median of `--repeats`
blocks of `--calls` calls after two warm-up calls, less the time of a
trivial call of the same kind (a compiled step launches nothing per
product), each framework in its own process with the library's default
threads. The plain loop's step is timed last, in a process of its own, on
random images.

```shell
.venv/bin/python benchmarks/infogan_step_products.py
# a quick look:
.venv/bin/python benchmarks/infogan_step_products.py --calls 5 --repeats 1
```
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
BATCH = 64
FRAMEWORKS = ("plain_torch", "jax", "tensorflow")

# name, kind, input shape (no batch), output features / filters, and how many
# times one training step runs the forward product, the gradient with respect
# to the input and the gradient with respect to the kernel.
PRODUCTS = [
    ("G dense 74->1024", "dense", (74,), 1024, (2, 0, 1)),
    ("G dense 1024->6272", "dense", (1024,), 6272, (2, 1, 1)),
    ("G deconv 7x7x128->14x14x64", "deconv", (7, 7, 128), 64, (2, 1, 1)),
    ("G deconv 14x14x64->28x28x1", "deconv", (14, 14, 64), 1, (2, 1, 1)),
    ("D conv 28x28x1->14x14x64", "conv", (28, 28, 1), 64, (3, 1, 2)),
    ("D conv 14x14x64->7x7x128", "conv", (14, 14, 64), 128, (3, 3, 2)),
    ("D dense 6272->1024", "dense", (6272,), 1024, (3, 3, 2)),
    ("D head dense 1024->1", "dense", (1024,), 1, (3, 3, 2)),
    ("Q dense 1024->128", "dense", (1024,), 128, (2, 2, 1)),
    ("Q heads dense 128->12", "dense", (128,), 12, (2, 2, 1)),
]
PARTS = ("forward", "input_grad", "kernel_grad")


def flops(kind, shape, units):
    """Multiply-adds x 2 of one forward product at batch 64."""
    if kind == "dense":
        return 2 * BATCH * shape[0] * units
    height, width, channels = shape
    if kind == "conv":
        outputs = (height // 2) * (width // 2)
    else:  # a 4x4 stride-2 transposed convolution: 16 taps per input pixel
        outputs = height * width
    return 2 * BATCH * outputs * 16 * channels * units


def _time(fn, calls, repeats):
    fn()
    fn()
    blocks = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        blocks.append((time.perf_counter() - start) / calls)
    return statistics.median(blocks)


# Children ---------------------------------------------------------------------


def _torch_kernels(kind, shape, units):
    import torch
    import torch.nn.functional as F

    rng = np.random.default_rng(0)
    if kind == "dense":
        x = torch.tensor(rng.random((BATCH, *shape), dtype=np.float32))
        w = torch.tensor(
            rng.normal(0, 0.02, (units, shape[0])), dtype=torch.float32
        )
        b = torch.zeros(units)
        gy = torch.tensor(rng.random((BATCH, units), dtype=np.float32))
        return {
            "forward": lambda: F.linear(x, w, b),
            "input_grad": lambda: gy.mm(w),
            "kernel_grad": lambda: gy.t().mm(x),
        }
    height, width, channels = shape
    x = torch.tensor(
        rng.random((BATCH, channels, height, width), dtype=np.float32)
    )
    transposed = kind == "deconv"
    if transposed:
        w = torch.tensor(
            rng.normal(0, 0.02, (channels, units, 4, 4)), dtype=torch.float32
        )
        out = (2 * height, 2 * width)
        forward = lambda: F.conv_transpose2d(x, w, torch.zeros(units), 2, 1)  # noqa: E731
    else:
        w = torch.tensor(
            rng.normal(0, 0.02, (units, channels, 4, 4)), dtype=torch.float32
        )
        out = (height // 2, width // 2)
        forward = lambda: F.conv2d(x, w, torch.zeros(units), 2, 1)  # noqa: E731
    gy = torch.tensor(rng.random((BATCH, units, *out), dtype=np.float32))

    def backward(mask):
        return lambda: torch.ops.aten.convolution_backward(
            gy,
            x,
            w,
            [units],
            [2, 2],
            [1, 1],
            [1, 1],
            transposed,
            [0, 0],
            1,
            mask,
        )

    return {
        "forward": forward,
        "input_grad": backward([True, False, False]),
        "kernel_grad": backward([False, True, False]),
    }


def _keras_layer(kind, shape, units):
    import keras

    from keras_disentangle.layers import Conv2DTranspose

    if kind == "dense":
        layer = keras.layers.Dense(units)
    elif kind == "conv":
        layer = keras.layers.Conv2D(units, 4, strides=2, padding="same")
    else:
        layer = Conv2DTranspose(units, 4, strides=2, padding="same")
    layer.build((BATCH, *shape))
    rng = np.random.default_rng(0)
    x = rng.random((BATCH, *shape), dtype=np.float32)
    kernel = rng.normal(0, 0.02, layer.kernel.shape).astype("float32")
    bias = np.zeros(layer.bias.shape, "float32")
    y_shape = layer.compute_output_shape((BATCH, *shape))
    gy = rng.random(y_shape, dtype=np.float32)

    def apply(x, kernel, bias):
        y, _ = layer.stateless_call([kernel, bias], [], x)
        return y

    return apply, x, kernel, bias, gy


def _jax_kernels(kind, shape, units):
    import jax

    apply, *arrays = _keras_layer(kind, shape, units)
    x, kernel, bias, gy = (jax.numpy.asarray(a) for a in arrays)

    def gradient(index):
        # The vector-Jacobian product with respect to argument `index` only.
        def grad(x, k, b, g):
            args = [x, k, b]

            def of_one(value):
                return apply(*args[:index], value, *args[index + 1 :])

            return jax.vjp(of_one, args[index])[1](g)[0]

        return jax.jit(grad)

    forward, input_grad, kernel_grad = jax.jit(apply), gradient(0), gradient(1)
    return {
        "forward": lambda: forward(x, kernel, bias).block_until_ready(),
        "input_grad": lambda: input_grad(
            x, kernel, bias, gy
        ).block_until_ready(),
        "kernel_grad": lambda: kernel_grad(
            x, kernel, bias, gy
        ).block_until_ready(),
    }


def _tensorflow_kernels(kind, shape, units):
    import tensorflow as tf

    apply, *arrays = _keras_layer(kind, shape, units)
    x, kernel, bias, gy = (tf.constant(a) for a in arrays)

    def gradient(index):
        # The vector-Jacobian product with respect to argument `index` only.
        @tf.function(jit_compile=True)
        def grad(x, k, b, g):
            args = [x, k, b]
            with tf.GradientTape() as tape:
                tape.watch(args[index])
                y = apply(*args)
            return tape.gradient(y, args[index], output_gradients=g)

        return grad

    forward = tf.function(apply, jit_compile=True)
    input_grad, kernel_grad = gradient(0), gradient(1)
    return {
        "forward": lambda: forward(x, kernel, bias).numpy(),
        "input_grad": lambda: input_grad(x, kernel, bias, gy).numpy(),
        "kernel_grad": lambda: kernel_grad(x, kernel, bias, gy).numpy(),
    }


def _plain_step_seconds(steps):
    sys.path.insert(0, HERE)
    import plain_torch_infogan as plain

    images = np.random.default_rng(0).random(
        (6400, 28, 28, 1), dtype=np.float32
    )
    rate, _ = plain.run(images, steps, BATCH, warmup_steps=5)
    return 1.0 / rate


def child_main(framework, calls, repeats, plain_steps):
    if framework == "plain_step":
        print("RESULT " + json.dumps(_plain_step_seconds(plain_steps)))
        return
    build = {
        "plain_torch": _torch_kernels,
        "jax": _jax_kernels,
        "tensorflow": _tensorflow_kernels,
    }[framework]
    # A compiled step launches no function per product: take off the cost
    # of calling a trivial one (tens of microseconds on JAX, more on TF).
    overhead = _time(_trivial_call(framework), calls, repeats)
    seconds = {"call_overhead": overhead}
    for name, kind, shape, units, _ in PRODUCTS:
        kernels = build(kind, shape, units)
        seconds[name] = {
            p: max(_time(kernels[p], calls, repeats) - overhead, 0.0)
            for p in PARTS
        }
    print("RESULT " + json.dumps(seconds))


def _trivial_call(framework):
    if framework == "plain_torch":
        import torch

        one = torch.ones(1)
        return lambda: one + 1
    if framework == "jax":
        import jax

        one = jax.numpy.ones(1)
        add = jax.jit(lambda a: a + 1)
        return lambda: add(one).block_until_ready()
    import tensorflow as tf

    one = tf.ones(1)
    add = tf.function(jit_compile=True)(lambda a: a + 1)
    return lambda: add(one).numpy()


# Parent -----------------------------------------------------------------------


def run_child(what, args):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    if what in ("jax", "tensorflow"):
        env["KERAS_BACKEND"] = what
    cmd = [
        sys.executable,
        os.path.abspath(__file__),
        "--child",
        what,
        "--calls",
        str(args.calls),
        "--repeats",
        str(args.repeats),
        "--plain-steps",
        str(args.plain_steps),
    ]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT ") :])
    raise RuntimeError(
        f"{what} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    )


def products_per_step(seconds):
    """Seconds of one training step spent in its products, per product."""
    return {
        name: sum(n * seconds[name][part] for n, part in zip(counts, PARTS))
        for name, _, _, _, counts in PRODUCTS
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=20, help="calls per block")
    parser.add_argument("--repeats", type=int, default=5, help="timed blocks")
    parser.add_argument(
        "--plain-steps",
        type=int,
        default=30,
        help="timed steps of the plain PyTorch loop (0 to skip it)",
    )
    parser.add_argument("--frameworks", default=",".join(FRAMEWORKS))
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child_main(
            args.child, args.calls, args.repeats, args.plain_steps
        )
    frameworks = [f.strip() for f in args.frameworks.split(",") if f.strip()]
    unknown = [f for f in frameworks if f not in FRAMEWORKS]
    if unknown:
        parser.error(f"unknown frameworks {unknown}; choose from {FRAMEWORKS}")

    results = {}
    for framework in frameworks:
        print(f"timing {framework} ...", file=sys.stderr, flush=True)
        results[framework] = run_child(framework, args)
    plain_step = None
    if args.plain_steps:
        print("timing the plain PyTorch loop ...", file=sys.stderr, flush=True)
        plain_step = run_child("plain_step", args)
    per_product = {f: products_per_step(results[f]) for f in frameworks}

    total_flops = sum(
        flops(kind, shape, units) * sum(counts)
        for _, kind, shape, units, counts in PRODUCTS
    )
    print()
    print(
        f"InfoGAN (MNIST 28x28) training step, batch {BATCH}: "
        f"{total_flops / 1e9:.1f} GFLOP in its products. Milliseconds per "
        "step spent in each product (count x time of one call, forward + "
        "input gradient + kernel gradient, less the cost of a trivial call: "
        + ", ".join(
            f"{f} {1e6 * results[f]['call_overhead']:.0f} us"
            for f in frameworks
        )
        + "):"
    )
    print()
    print(
        "| product | runs per step (fwd, d input, d kernel) | "
        + " | ".join(frameworks)
        + " |"
    )
    print("|---|---|" + "---|" * len(frameworks))
    for name, _, _, _, counts in PRODUCTS:
        cells = " | ".join(
            f"{1e3 * per_product[f][name]:.1f}" for f in frameworks
        )
        print(f"| {name} | {', '.join(map(str, counts))} | {cells} |")
    totals = {f: sum(per_product[f].values()) for f in frameworks}
    cells = " | ".join(f"**{1e3 * totals[f]:.1f}**" for f in frameworks)
    print(f"| **all products** | | {cells} |")
    cells = " | ".join(
        f"{total_flops / totals[f] / 1e9:.0f}" for f in frameworks
    )
    print(f"| GFLOP/s in the products | | {cells} |")
    if plain_step:
        cells = " | ".join(f"{plain_step / totals[f]:.2f}x" for f in frameworks)
        print(
            "| plain loop's step / these products (the speed-up if the rest "
            f"of the step were free) | | {cells} |"
        )
        print()
        print(
            f"Plain PyTorch loop, measured: {1e3 * plain_step:.1f} ms per step "
            f"({1 / plain_step:.3f} steps/s, {args.plain_steps} steps); "
            f"{100 * totals['plain_torch'] / plain_step:.0f} % of it is its "
            "products."
            if "plain_torch" in totals
            else f"Plain PyTorch loop, measured: {1e3 * plain_step:.1f} ms."
        )
    if args.json:
        with open(args.json, "w") as f:
            json.dump(
                {
                    "seconds": results,
                    "per_product": per_product,
                    "plain_step": plain_step,
                },
                f,
                indent=1,
            )


if __name__ == "__main__":
    main()
