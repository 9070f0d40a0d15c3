"""The `keras-disentangle` command line.

```shell
keras-disentangle presets
keras-disentangle sample InfoGAN mnist --n 64 --seed 0 --out grid.png
keras-disentangle traverse InfoGAN mnist --code c1 --out traversal.png
keras-disentangle traverse auto ./my-bigan --code z --dims 0 1 2 --out z.png
keras-disentangle upload ./my-preset hf://my-user/my-infogan
```

`MODEL` is a model class name (`InfoGAN`, any case) or `auto` for
whichever class the preset holds; `PRESET` is a built-in name, a preset
directory, or `hf://owner/repo[@revision]`.
"""

import argparse
import sys

import numpy as np


def _model_classes():
    import keras

    from keras_disentangle.models.generative_model import GenerativeModel

    classes = {}
    for name, obj in keras.saving.get_custom_objects().items():
        if (
            name.startswith("keras_disentangle>")
            and isinstance(obj, type)
            and issubclass(obj, GenerativeModel)
        ):
            classes[obj.__name__] = obj
    return classes


def _model_class(name):
    from keras_disentangle.models.generative_model import GenerativeModel

    if name.lower() in ("auto", "generativemodel"):
        return GenerativeModel
    classes = _model_classes()
    for class_name, cls in classes.items():
        if class_name.lower() == name.lower():
            return cls
    raise ValueError(
        f"Unknown model {name!r}. Models: {', '.join(sorted(classes))}, or "
        "'auto' for whichever class the preset holds."
    )


def _load(args):
    cls = _model_class(args.model)
    return cls.from_preset(args.preset, offline=args.offline or None)


def _presets(args):
    from keras_disentangle.presets.builtin_presets import BUILTIN_PRESETS

    for name, preset in BUILTIN_PRESETS.items():
        class_name = preset["class_name"].split(">")[-1]
        print(f"{name}\t{class_name}\t{preset['hf_handle']}")
        print(f"\t{preset['description']}")
    return 0


def _sample(args):
    from keras_disentangle.utils.image_grid import save_image_grid

    model = _load(args)
    images = model.generate(args.n, seed=args.seed)
    save_image_grid(args.out, images, columns=args.columns, scale=args.scale)
    print(f"Wrote {args.n} samples from {args.preset} to {args.out}")
    return 0


def _traverse(args):
    from keras_disentangle.utils.image_grid import save_image_grid

    model = _load(args)
    values = np.linspace(args.low, args.high, args.steps)
    if args.dims:
        if args.row_code is not None:
            raise ValueError(
                "--dims gives one row per column of the code; drop "
                "--row-code or --dims."
            )
        # One row per column of the code, from the same base codes.
        images = np.concatenate(
            [
                model.traverse(args.code, values, seed=args.seed, column=dim)
                for dim in args.dims
            ]
        )
        rows, columns = len(args.dims), len(values)
    elif hasattr(model, "traversal_grid") and (
        args.row_code is not None or model.latent_space.categorical_codes
    ):
        images, rows, columns = model.traversal_grid(
            args.code, row_code=args.row_code, values=values, seed=args.seed
        )
    else:
        if args.row_code is not None:
            raise ValueError(
                f"{type(model).__name__} has no traversal_grid(); drop "
                "--row-code to sweep one code in a single row, or give "
                "--dims."
            )
        # No categorical code for the rows (e.g. InfoGAN on dSprites): one
        # row sweeps the code, the other codes held.
        images = model.traverse(args.code, values, seed=args.seed)
        rows, columns = 1, len(values)
    save_image_grid(
        args.out, images, rows=rows, columns=columns, scale=args.scale
    )
    print(
        f"Wrote a {rows}x{columns} traversal of {args.code!r} "
        f"({args.low:g} to {args.high:g}) from {args.preset} to {args.out}"
    )
    return 0


def _upload(args):
    from keras_disentangle.presets.hub import upload_preset

    handle = upload_preset(
        args.uri,
        args.directory,
        private=args.private or None,
        message=args.message,
    )
    print(f"Uploaded {args.directory} to {handle}")
    return 0


def _parser():
    parser = argparse.ArgumentParser(
        prog="keras-disentangle",
        description="Disentangled generative models for Keras 3.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser("presets", help="list the built-in presets")

    def model_command(name, help):
        command = commands.add_parser(name, help=help)
        command.add_argument("model", help="model class (InfoGAN) or 'auto'")
        command.add_argument(
            "preset", help="built-in name, directory or hf://owner/repo[@rev]"
        )
        command.add_argument("--out", required=True, help="output PNG file")
        command.add_argument("--seed", type=int, default=0)
        command.add_argument(
            "--scale", type=int, default=2, help="pixel upscaling factor"
        )
        command.add_argument(
            "--offline",
            action="store_true",
            help="use the local Hugging Face cache only",
        )
        return command

    sample = model_command("sample", "write a grid of samples")
    sample.add_argument("--n", type=int, default=64, help="number of images")
    sample.add_argument("--columns", type=int, default=None)

    traverse = model_command(
        "traverse",
        "write a latent traversal: rows are categorical values (one row "
        "where the model has no categorical code), columns sweep a "
        "continuous code",
    )
    traverse.add_argument("--code", required=True, help="code to sweep")
    traverse.add_argument(
        "--row-code", default=None, help="code for rows (first categorical)"
    )
    traverse.add_argument(
        "--dims",
        type=int,
        nargs="+",
        default=None,
        metavar="K",
        help="sweep these columns of a multi-dimensional code (such as a "
        "BiGAN's z), one row each, the other codes held",
    )
    traverse.add_argument("--steps", type=int, default=10)
    traverse.add_argument("--low", type=float, default=-2.0)
    traverse.add_argument("--high", type=float, default=2.0)

    upload = commands.add_parser("upload", help="upload a preset to the Hub")
    upload.add_argument("directory", help="a directory from save_to_preset")
    upload.add_argument("uri", help="hf://owner/repo")
    upload.add_argument("--private", action="store_true")
    upload.add_argument("--message", default=None, help="commit message")
    return parser


_COMMANDS = {
    "presets": _presets,
    "sample": _sample,
    "traverse": _traverse,
    "upload": _upload,
}


def main(argv=None):
    """Runs the command line; returns the exit status.

    Example:

    ```python
    from keras_disentangle.cli import main
    main(["sample", "InfoGAN", "mnist", "--n", "16", "--out", "grid.png"])
    ```
    """
    args = _parser().parse_args(argv)
    from keras_disentangle.presets.errors import PresetError

    try:
        return _COMMANDS[args.command](args)
    except (PresetError, ValueError, KeyError, FileNotFoundError) as error:
        message = error.args[0] if isinstance(error, KeyError) else error
        print(
            f"keras-disentangle {args.command}: error: {message}",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
