"""Training speed on JAX with each form of the 4x4 stride-2 transposed conv.

`keras_disentangle.layers.Conv2DTranspose` computes its 4x4, stride-2,
"same" case on JAX as matrix products
(`keras_disentangle/backend/transposed_convolution.py`), in one of two
forms: the output-phase form (one product of every 2x2 input neighbourhood
giving the four output phases) for layers with at least
`PHASE_FORM_MIN_FILTERS` filters, and the tap form (one product of every
input pixel with the whole kernel, then an overlap-add of 16 taps)
otherwise. This script measures what the choice is worth in a whole
training step: it builds the same model twice in one process, one traced
with the threshold as shipped and one with every layer in the tap form,
and alternates timed `fit` calls between them (A B, B A, ...), so that the
machine's drift falls on both alike. Each model trains on random images.

- `infogan`: `InfoGAN()`, the paper's 28x28 MNIST networks (transposed
  convolutions 128 -> 64 and 64 -> 1), batch 64.
- `dsprites`: `InfoGAN.dsprites()`, InfoGAN-CR's 64x64 networks (64 -> 64,
  64 -> 32, 32 -> 32 and 32 -> 1) with the contrastive regulariser built
  (its weight is 0 before step 288,000), batch 64.

```shell
KERAS_BACKEND=jax .venv/bin/python benchmarks/transposed_convolution_forms.py
KERAS_BACKEND=jax .venv/bin/python benchmarks/transposed_convolution_forms.py \
    --models dsprites --pairs 2 --steps 3   # a quick look
```
"""

import argparse
import os
import statistics
import sys
import time

import numpy as np

MODELS = ("infogan", "dsprites")


def _images(model_name, count):
    rng = np.random.default_rng(0)
    if model_name == "infogan":
        return rng.random((count, 28, 28, 1), dtype=np.float32)
    return (rng.random((count, 64, 64, 1)) > 0.9).astype("float32")


def _build(model_name):
    import keras_disentangle

    if model_name == "infogan":
        return keras_disentangle.InfoGAN(seed=0)
    return keras_disentangle.InfoGAN.dsprites(seed=0)


def compare(model_name, steps, pairs, batch_size=64):
    """Returns {form: [steps/s of each timed fit]} for the two forms."""
    from keras_disentangle.backend import transposed_convolution

    shipped = transposed_convolution.PHASE_FORM_MIN_FILTERS
    warm = _images(model_name, 2 * batch_size)
    timed = _images(model_name, steps * batch_size)
    thresholds = {"as shipped": shipped, "taps": np.inf}
    models = {}
    rates = {form: [] for form in thresholds}
    try:
        for form, threshold in thresholds.items():
            # The step is traced on the first fit, with the form set then;
            # it stays set during the model's later fits too.
            transposed_convolution.PHASE_FORM_MIN_FILTERS = threshold
            models[form] = _build(model_name)
            models[form].compile()
            models[form].fit(warm, batch_size=batch_size, verbose=0)
        order = list(thresholds)
        for pair in range(pairs):
            for form in order if pair % 2 == 0 else order[::-1]:
                transposed_convolution.PHASE_FORM_MIN_FILTERS = thresholds[form]
                start = time.perf_counter()
                models[form].fit(timed, batch_size=batch_size, verbose=0)
                rates[form].append(steps / (time.perf_counter() - start))
    finally:
        transposed_convolution.PHASE_FORM_MIN_FILTERS = shipped
    return rates


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--steps", type=int, default=0, help="steps per fit")
    parser.add_argument("--pairs", type=int, default=8, help="timed pairs")
    args = parser.parse_args(argv)
    import keras

    if keras.backend.backend() != "jax":
        sys.exit(
            "The matrix-product forms run on JAX only; set KERAS_BACKEND=jax."
        )
    names = [m.strip() for m in args.models.split(",") if m.strip()]
    unknown = [m for m in names if m not in MODELS]
    if unknown:
        parser.error(f"unknown models {unknown}; choose from {MODELS}")
    rows = []
    for name in names:
        steps = args.steps or (20 if name == "infogan" else 6)
        print(f"timing {name} ...", file=sys.stderr, flush=True)
        rates = compare(name, steps, args.pairs)
        ratios = [a / b for a, b in zip(rates["as shipped"], rates["taps"])]
        rows.append((name, steps, rates, ratios))
    print()
    print(
        f"Training steps/s on JAX, batch 64, {args.pairs} pairs of timed fits "
        f"alternating between the two forms ({os.cpu_count()} CPUs):"
    )
    print()
    print(
        "| model | steps per fit | shipped forms: median steps/s | all taps: "
        "median steps/s | per-pair ratio: median (min-max) |"
    )
    print("|---|---|---|---|---|")
    for name, steps, rates, ratios in rows:
        print(
            f"| {name} | {steps} | "
            f"{statistics.median(rates['as shipped']):.3f} | "
            f"{statistics.median(rates['taps']):.3f} | "
            f"{statistics.median(ratios):.2f}x "
            f"({min(ratios):.2f}-{max(ratios):.2f}) |"
        )


if __name__ == "__main__":
    main()
