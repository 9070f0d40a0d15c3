"""Train InfoGAN-CR on dSprites; score FactorVAE and MIG against steps.

Usage (any backend; JAX is the quickest on CPU):

    # The official run: 28 epochs of 11,520 batches of 64 (322,560 steps),
    # CR weight 2.0 from step 288,000, three seeds.
    KERAS_BACKEND=jax python examples/train_infogan_dsprites.py \
        --seed 0 1 2 --out runs/infogan_cr

    # InfoGAN (modified), the paper's baseline: the same without the CR.
    KERAS_BACKEND=jax python examples/train_infogan_dsprites.py \
        --no-contrastive --seed 0 1 2 --out runs/infogan_modified

    # Smoke test (seconds of training; "fast" metric settings).
    KERAS_BACKEND=jax python examples/train_infogan_dsprites.py \
        --steps 20 --eval-every 10 --setting fast --out /tmp/smoke

The model is `InfoGAN.dsprites()`, the configuration of the official code
(`fjxmlzn/InfoGAN-CR`, `InfoGAN-CR_dSprites`): its 64x64 networks, five
regularised U(-1, 1) codes and five noise columns, information weight 0.05,
Adam(beta_1=0.5) with learning rates G 1e-3, D/Q 2e-3, CR discriminator
2e-3, two generator updates per step, batch 64 and a contrastive weight of
0 until step 288,000 and 2.0 after it. At that step the CR discriminator
and its optimizer state are re-initialised, as the official loop does.
Each epoch is a fresh permutation of the 737,280 dSprites images (the
official loop shuffles every epoch too), rendered procedurally by
`DSprites()`, or read from the original npz with `--dsprites-npz`.

Evaluation protocol. Every `--eval-every` steps (and at step 0, at the CR
switch and at the end) the script computes, with
`keras_disentangle.metrics`:

- the FactorVAE score (`eval_accuracy`) and MIG (`discrete_mig`) under
  disentanglement_lib's defaults, `--setting study` (the Locatello et al.
  2019 study): FactorVAE with 64 images per vote, 10,000 training and 5,000
  evaluation votes, a global variance from 10,000 images and codes of
  standard deviation below 0.05 pruned; MIG on 10,000 images with 20-bin
  histograms; evaluation seed 0 (`--eval-seed`).
- the representation is Q's posterior means of the five regularised codes
  on real dSprites images, Q in inference mode (`InfoGAN.encode`).

The InfoGAN-CR paper's FactorVAE protocol differs (100 images per vote, 500
votes scored on the same votes without a train/eval split, the variance
from 10 % of dSprites, no pruning), so its Table 1 (InfoGAN-CR 0.88,
InfoGAN (modified) 0.82) is not directly comparable with these numbers;
its MIG follows disentanglement_lib's. `--setting fast` uses the small
continuous-integration sample counts: for smoke tests only. Scores on the
procedural renderer are not scores on the original dSprites images.

Outputs under `--out`, per seed `seed<k>/`: `curve.json` (configuration,
protocol, and per evaluation: step, factor_vae, mig, training seconds and
the last losses), `traversal_<code>.png` per regularised code (rows: 10
draws of the other codes; columns: the code from -1 to 1, its training
range), and `model.weights.h5`; and `summary.json` over the seeds.

Long runs resume. After each evaluation a checkpoint (weights, every
player's optimizer state, the seed states) is written beside `curve.json`;
running the same command again continues each unfinished seed from its
last evaluation, on the same batches, and skips finished seeds. A folder
holding a run with other settings is refused.

`--stop-after STEP` ends each seed's part of this call at that step (an
evaluation is added there) and leaves the run resumable: the official
schedule stays the one being followed, and later calls, with a larger
`--stop-after` or none, continue it. This is how a machine without an
accelerator reports the scores against steps of every seed:

    KERAS_BACKEND=jax python examples/train_infogan_dsprites.py \
        --seed 0 1 2 --eval-every 500 --stop-after 1000 --out runs/infogan_cr

`--preset DIR` writes the seed whose last evaluation has the highest
FactorVAE score as a preset folder (KerasHub layout, float32 weights
without the optimizer state), with every seed's scores, the step reached
and whether the schedule finished in its `metadata.json`; a stopped run
gives its checkpoint's weights. `InfoGAN.from_preset(DIR)` loads it,
`keras-disentangle traverse InfoGAN DIR --code c1` draws a code, and
`keras-disentangle upload DIR hf://owner/repo` publishes it. A run that
already finished (or stopped at that step) is not trained again, so the
same command with `--preset` only writes the preset:

    KERAS_BACKEND=jax python examples/train_infogan_dsprites.py \
        --seed 0 1 2 --eval-every 500 --stop-after 1000 --out runs/infogan_cr \
        --preset runs/infogan_cr/preset
"""

import argparse
import json
import os
import time

import keras
import numpy as np
from _mnist_common import shell_command

import keras_disentangle as kd
from keras_disentangle.datasets import DSprites
from keras_disentangle.latent.traversal import traversal_codes
from keras_disentangle.metrics import compute_factor_vae
from keras_disentangle.metrics import compute_mig
from keras_disentangle.metrics import metric_settings
from keras_disentangle.models.infogan.contrastive_regularizer import (
    DSPRITES_CONTRASTIVE_START,
)
from keras_disentangle.models.infogan.contrastive_regularizer import (
    DSPRITES_CONTRASTIVE_WEIGHT,
)
from keras_disentangle.utils import image_grid
from keras_disentangle.utils import save_image_grid

OFFICIAL_EPOCHS = 28
PROTOCOL = (
    "FactorVAE score (eval_accuracy) and MIG (discrete_mig) as in "
    "disentanglement_lib, setting {setting!r} (study = Locatello et al. 2019 "
    "defaults: FactorVAE 64 images per vote, 10,000 train / 5,000 eval "
    "votes, variance from 10,000 images, prune std < 0.05; MIG 10,000 "
    "images, 20 bins), evaluation seed {eval_seed}; representation = Q's "
    "posterior means of the regularised codes on real images (inference "
    "mode). The InfoGAN-CR paper's FactorVAE protocol differs (100 images "
    "per vote, 500 votes, no train/eval split, variance from 10% of "
    "dSprites, no pruning); its Table 1 is not directly comparable."
)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, nargs="+", default=[0])
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument(
        "--steps",
        type=int,
        default=None,
        help="training steps (default: 28 epochs, 322,560 at batch 64)",
    )
    parser.add_argument(
        "--eval-every",
        type=int,
        default=None,
        help="steps between evaluations (default: one epoch)",
    )
    parser.add_argument(
        "--contrastive",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="InfoGAN-CR (default) or InfoGAN (modified) without the CR",
    )
    parser.add_argument(
        "--contrastive-start", type=int, default=DSPRITES_CONTRASTIVE_START
    )
    parser.add_argument(
        "--contrastive-weight", type=float, default=DSPRITES_CONTRASTIVE_WEIGHT
    )
    parser.add_argument("--setting", choices=["study", "fast"], default="study")
    parser.add_argument("--eval-seed", type=int, default=0)
    parser.add_argument(
        "--dsprites-npz",
        default=None,
        help="the original dsprites_ndarray_co1sh3sc6or40x32y32_64x64.npz; "
        "default: procedural rendering",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="threads rendering training batches ahead of the model",
    )
    parser.add_argument(
        "--stop-after",
        type=int,
        default=None,
        help="end this call's training of each seed at this step, with an "
        "evaluation there, leaving the run to be continued by a later call "
        "(default: train to --steps)",
    )
    parser.add_argument(
        "--preset",
        default=None,
        help="write the seed with the best FactorVAE score at its last "
        "evaluation as a preset folder here (InfoGAN.from_preset(DIR))",
    )
    parser.add_argument("--out", default="runs/infogan_dsprites")
    return parser.parse_args(argv)


class StepBatches(keras.utils.PyDataset):
    """Batches `start` to `stop` of an endless run of shuffled epochs.

    Epoch `e` is `dataset.batches(..., seed=[seed, e])`, so the batch of a
    training step does not depend on how training is split into `fit`
    calls. Only the images are returned. With `workers > 1`, threads render
    the next batches while the model trains.
    """

    def __init__(self, dataset, batch_size, seed, start, stop, workers=1):
        super().__init__(workers=workers, use_multiprocessing=False)
        self.dataset = dataset
        self.batch_size = batch_size
        self.seed = seed
        self.start = start
        self.stop = stop
        self.per_epoch = len(dataset) // batch_size
        self._epochs = {}

    def __len__(self):
        return self.stop - self.start

    def __getitem__(self, index):
        epoch, position = divmod(self.start + index, self.per_epoch)
        batches = self._epochs.get(epoch)
        if batches is None:
            batches = self.dataset.batches(
                batch_size=self.batch_size,
                shuffle=True,
                seed=[self.seed, epoch],
                drop_remainder=True,
            )
            # Keeps the epoch being read and the next one.
            self._epochs = {
                e: b for e, b in self._epochs.items() if e >= epoch - 1
            }
            self._epochs[epoch] = batches
        return (batches[position][0],)


def representation(model, batch_size=512):
    """Q's posterior means of the regularised codes, `(n, num_codes)`."""
    names = [code.name for code in model.latent_space.regularized_codes]

    def encode(images):
        posteriors = model.encode(images, batch_size=batch_size)
        return np.concatenate([posteriors[name] for name in names], axis=1)

    return encode


def evaluate(model, dataset, setting, eval_seed):
    encode = representation(model)
    factor_vae = compute_factor_vae(
        encode, dataset, seed=eval_seed, setting=setting
    )
    mig = compute_mig(encode, dataset, seed=eval_seed, setting=setting)
    return {
        "factor_vae": float(factor_vae["eval_accuracy"]),
        "factor_vae_train": float(factor_vae["train_accuracy"]),
        "num_active_dims": int(factor_vae["num_active_dims"]),
        "mig": float(mig["discrete_mig"]),
    }


def save_traversals(model, folder, rows=10, columns=10):
    """One PNG per regularised code: rows of base draws, columns of values."""
    values = np.linspace(-1.0, 1.0, columns)
    paths = []
    for code in model.latent_space.regularized_codes:
        parts = [
            traversal_codes(model.latent_space, code.name, values, seed=row)
            for row in range(rows)
        ]
        codes = {
            name: np.concatenate([part[name] for part in parts])
            for name in parts[0]
        }
        path = os.path.join(folder, f"traversal_{code.name}.png")
        save_image_grid(path, model.generate(codes), rows=rows, columns=columns)
        paths.append(path)
    return paths


def traversal_figure(model, columns=10, seed=0):
    """One row per regularised code swept over [-1, 1], the rest held."""
    values = np.linspace(-1.0, 1.0, columns)
    rows = [
        model.generate(
            traversal_codes(model.latent_space, code.name, values, seed=seed)
        )
        for code in model.latent_space.regularized_codes
    ]
    return image_grid(np.concatenate(rows), rows=len(rows), columns=columns)


def best_record(records):
    """The seed's record whose last evaluation scores the highest FactorVAE.

    Ties go to the higher MIG, then to the seed listed first.
    """
    return max(
        records,
        key=lambda record: (
            record["curve"][-1]["factor_vae"],
            record["curve"][-1]["mig"],
        ),
    )


def write_best_preset(args, records, summary):
    """Saves the best seed (see `best_record`) as a preset in `args.preset`.

    The weights are those of the seed's last evaluation: its final weights
    when it finished, its checkpoint when it was stopped. `metadata.json`
    holds its scores, the step it reached and every seed's scores.
    """
    record = best_record(records)
    seed = record["seed"]
    folder = os.path.join(args.out, f"seed{seed}")
    model = build_model(args, seed)
    model.load_weights(
        os.path.join(folder, record.get("checkpoint") or "model.weights.h5")
    )
    final = record["curve"][-1]
    finished = bool(record.get("finished"))
    model.save_to_preset(
        args.preset,
        metadata={
            "name": f"{record['model']} on dSprites",
            "description": (
                f"InfoGAN.dsprites() ({record['model']}), seed {seed}, after "
                f"{final['step']:,} of the schedule's {args.steps:,} steps"
                + ("" if finished else " (stopped early; resumable)")
                + f": FactorVAE {final['factor_vae']:.3f}, MIG "
                f"{final['mig']:.3f}."
            ),
            "dataset": (
                f"dSprites, {record['data']} (737,280 64x64x1 images in [0, 1])"
            ),
            "training_steps": final["step"],
            "schedule_steps": args.steps,
            "finished": finished,
            "batch_size": args.batch_size,
            "seed": seed,
            "train_seconds": final["seconds"],
            "training_command": shell_command(),
            "metrics": {
                "factor_vae": final["factor_vae"],
                "mig": final["mig"],
                "factor_vae_train": final["factor_vae_train"],
                "num_active_dims": final["num_active_dims"],
            },
            "protocol": record["protocol"],
            "selection": (
                "the seed with the highest FactorVAE score at its last "
                "evaluation (ties: higher MIG)"
            ),
            "seeds": {key: summary[key] for key in ("per_seed", "mean", "std")},
            "traversal_caption": (
                "Rows: the regularised codes "
                + ", ".join(
                    code.name for code in model.latent_space.regularized_codes
                )
                + "; columns: the code from -1 to 1, the other codes held at "
                "one draw (seed 0)."
            ),
        },
        traversal_image=traversal_figure(model),
    )
    print(f"wrote seed {seed} as the preset {args.preset}", flush=True)
    return record


# What must match for a run to continue from its folder.
RESUME_KEYS = (
    "model",
    "seed",
    "backend",
    "batch_size",
    "steps",
    "contrastive_start",
    "data",
    "protocol",
    "metric_parameters",
    "config",
)


def read_record(path):
    """The `curve.json` at `path`, or None."""
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def write_json(path, value):
    """Writes `value` to `path` through a temporary file (atomic)."""
    with open(path + ".tmp", "w") as f:
        json.dump(value, f, indent=1)
    os.replace(path + ".tmp", path)


def boundaries(steps, eval_every, switch, stop_after=None):
    """The steps at which training pauses to evaluate, in order.

    Every `eval_every` steps, the CR switch and the last step; with
    `stop_after`, only those up to it, and `stop_after` itself.
    """
    points = set(range(eval_every, steps, eval_every)) | {steps}
    if switch is not None and 0 < switch < steps:
        points.add(switch)
    if stop_after is not None and stop_after < steps:
        points = {p for p in points if p < stop_after} | {stop_after}
    return sorted(points)


def seconds_per_step(record):
    """Training seconds per step, without each process's first chunk.

    A process's first chunk includes compilation; the others give the
    rate (all chunks when there are no others).
    """
    steady = [r for r in record["chunk_rates"] if not r[2]]
    steady = steady or record["chunk_rates"]
    return sum(r[1] for r in steady) / sum(r[0] for r in steady)


def build_model(args, seed):
    """The compiled `InfoGAN.dsprites()` of one seed, before any training."""
    keras.utils.set_random_seed(seed)
    model = kd.InfoGAN.dsprites(
        contrastive=args.contrastive,
        seed=seed,
        contrastive_weight=args.contrastive_weight if args.contrastive else 0,
        contrastive_start=args.contrastive_start,
    )
    model.compile()
    return model


def train_seed(args, seed, dataset):
    model = build_model(args, seed)
    switch = args.contrastive_start if args.contrastive else None
    folder = os.path.join(args.out, f"seed{seed}")
    os.makedirs(folder, exist_ok=True)
    record = {
        "model": "InfoGAN-CR" if args.contrastive else "InfoGAN (modified)",
        "seed": seed,
        "backend": keras.backend.backend(),
        "batch_size": args.batch_size,
        "steps": args.steps,
        "contrastive_start": switch,
        "data": args.dsprites_npz or "procedural DSprites()",
        "protocol": PROTOCOL.format(
            setting=args.setting, eval_seed=args.eval_seed
        ),
        "metric_parameters": {
            "factor_vae": metric_settings("factor_vae", args.setting),
            "mig": metric_settings("mig", args.setting),
        },
        "config": json.loads(
            json.dumps(
                {k: v for k, v in model.get_config().items() if k != "name"},
                default=list,
            )
        ),
        "curve": [],
    }
    train_seconds = 0.0
    record["chunk_rates"] = []  # [steps, seconds, first chunk of a process]
    step = 0
    curve_path = os.path.join(folder, "curve.json")
    previous = read_record(curve_path)
    if previous is not None:
        different = [
            key
            for key in RESUME_KEYS
            if json.dumps(previous.get(key), sort_keys=True)
            != json.dumps(record[key], sort_keys=True)
        ]
        if different:
            raise SystemExit(
                f"{folder} holds a run with other settings "
                f"({', '.join(different)}). Use another --out, or delete the "
                "folder to start over."
            )
        if previous.get("finished"):
            print(f"seed {seed}: finished earlier ({curve_path})", flush=True)
            return previous
        if previous.get("checkpoint"):
            model.load_weights(os.path.join(folder, previous["checkpoint"]))
            record = previous
            step = record["curve"][-1]["step"]
            train_seconds = record["curve"][-1]["seconds"]
            print(f"seed {seed}: resuming at step {step}", flush=True)

    def log_point(logs):
        start = time.perf_counter()
        scores = evaluate(model, dataset, args.setting, args.eval_seed)
        point = {
            "step": step,
            **scores,
            "seconds": round(train_seconds, 2),
            "eval_seconds": round(time.perf_counter() - start, 2),
            "logs": logs,
        }
        if switch is not None:
            point["cr_weight"] = model.contrastive_weight_at(max(step - 1, 0))
        record["curve"].append(point)
        record["checkpoint"] = checkpoint
        print(
            f"seed {seed} step {step}: FactorVAE {scores['factor_vae']:.3f} "
            f"MIG {scores['mig']:.3f} (train {train_seconds:.0f}s, eval "
            f"{point['eval_seconds']:.0f}s)",
            flush=True,
        )
        write_json(curve_path, record)

    checkpoint = None
    if not record["curve"]:
        log_point({})
    first_chunk = True
    for stop in boundaries(
        args.steps, args.eval_every, switch, args.stop_after
    ):
        if stop <= step:
            continue
        if step == switch:
            # The official loop re-initialises the CR discriminator and its
            # Adam state when the CR weight switches on.
            model.restart_contrastive_discriminator(seed=[seed, step])
        batches = StepBatches(
            dataset, args.batch_size, seed, step, stop, workers=args.workers
        )
        start = time.perf_counter()
        history = model.fit(batches, epochs=1, verbose=0, shuffle=False)
        seconds = time.perf_counter() - start
        train_seconds += seconds
        record["chunk_rates"].append([stop - step, seconds, first_chunk])
        first_chunk = False
        step = stop
        logs = {k: round(float(v[-1]), 5) for k, v in history.history.items()}
        # The checkpoint is named by its step; curve.json names the one that
        # matches its last point, so an interruption at any moment resumes
        # from a consistent pair.
        stale = record.get("checkpoint")
        checkpoint = f"checkpoint_step{step}.weights.h5"
        model.save_weights(os.path.join(folder, checkpoint))
        log_point(logs)
        if stale and stale != checkpoint:
            os.remove(os.path.join(folder, stale))

    record["seconds_per_step"] = seconds_per_step(record)
    if step < args.steps:
        print(
            f"seed {seed}: stopped at step {step} of {args.steps}; the same "
            "command without --stop-after (or with a later one) continues it",
            flush=True,
        )
        return record
    record["traversals"] = save_traversals(model, folder)
    model.save_weights(os.path.join(folder, "model.weights.h5"))
    if record.get("checkpoint"):
        os.remove(os.path.join(folder, record["checkpoint"]))
    record["checkpoint"] = None
    record["finished"] = True
    write_json(curve_path, record)
    print(
        f"seed {seed}: {record['seconds_per_step']:.3f} s/step "
        f"(batch {args.batch_size}, {keras.backend.backend()})",
        flush=True,
    )
    return record


def main(argv=None):
    args = parse_args(argv)
    dataset = DSprites(args.dsprites_npz)
    per_epoch = len(dataset) // args.batch_size
    if args.steps is None:
        args.steps = OFFICIAL_EPOCHS * per_epoch
    if args.eval_every is None:
        args.eval_every = per_epoch
    if args.steps < 1 or args.eval_every < 1:
        raise SystemExit("--steps and --eval-every must be positive.")
    if args.stop_after is not None and args.stop_after < 1:
        raise SystemExit("--stop-after must be a positive step.")
    records = [train_seed(args, seed, dataset) for seed in args.seed]
    finals = [record["curve"][-1] for record in records]
    summary = {
        "model": records[0]["model"],
        "protocol": records[0]["protocol"],
        "steps": args.steps,
        "finished": all(record.get("finished") for record in records),
        "per_seed": {
            str(record["seed"]): {
                "step": final["step"],
                "factor_vae": final["factor_vae"],
                "mig": final["mig"],
            }
            for record, final in zip(records, finals)
        },
        "mean": {
            key: float(np.mean([final[key] for final in finals]))
            for key in ("factor_vae", "mig")
        },
        "std": {
            key: float(np.std([final[key] for final in finals]))
            for key in ("factor_vae", "mig")
        },
        "target": {"factor_vae": 0.88, "mig": 0.30, "seeds": 3},
        "seconds_per_step": [record["seconds_per_step"] for record in records],
    }
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print(json.dumps({k: summary[k] for k in ("per_seed", "mean", "std")}))
    if args.preset:
        write_best_preset(args, records, summary)
    return summary


if __name__ == "__main__":
    main()
