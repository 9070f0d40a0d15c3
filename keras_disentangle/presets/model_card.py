"""The README.md model card written into every preset."""

import json

_METADATA_ROWS = (
    ("dataset", "Dataset"),
    ("training_steps", "Training steps"),
    ("backend", "Backend trained on"),
    ("keras_version", "Keras"),
    ("keras_disentangle_version", "keras_disentangle"),
    ("parameter_count", "Parameters"),
    ("date_saved", "Saved"),
)


def model_card(config, metadata, traversal_file=None):
    """Renders the model card of a preset as Markdown with YAML front matter.

    Args:
        config: the preset's `config.json` content.
        metadata: the preset's `metadata.json` content.
        traversal_file: file name of a traversal image in the preset, if
            any.
    """
    class_name = metadata.get("class_name") or config.get("class_name")
    name = metadata.get("name") or class_name
    handle = metadata.get("hf_handle")
    tags = ["keras", "keras-disentangle", "disentanglement"]
    tags.append(str(class_name).lower())
    lines = [
        "---",
        "library_name: keras",
        "license: apache-2.0",
        "tags:",
        *[f"- {tag}" for tag in tags],
        "---",
        "",
        f"# {name}",
        "",
    ]
    if metadata.get("description"):
        lines += [metadata["description"], ""]
    load = (
        f"model = keras_disentangle.{class_name}.from_preset("
        f"{json.dumps(handle or 'path/to/this/folder')})"
    )
    usage = metadata.get("usage")
    if usage:
        # Models other than generators (e.g. the feature classifiers) say
        # how they are used: lines of Python after `load`.
        usage_class = metadata.get(
            "usage_class", f"keras_disentangle.{class_name}"
        )
        lines += [
            f"A `{usage_class}` preset. It loads on TensorFlow, JAX and "
            "PyTorch (Keras 3).",
            "",
            "```python",
            *metadata.get("usage_imports", ["import keras_disentangle"]),
            "",
            load.replace(f"keras_disentangle.{class_name}", usage_class),
            *usage,
            "```",
            "",
        ]
    else:
        lines += [
            f"A `keras_disentangle.{class_name}` preset. It loads on "
            "TensorFlow, JAX and PyTorch (Keras 3) and gives the same images "
            "for the same codes on each.",
            "",
            "```python",
            "import keras_disentangle",
            "",
            load,
            "images = model.generate(16, seed=0)  # (16, H, W, C) in [0, 1]",
            "```",
            "",
        ]
    if traversal_file:
        lines += [
            "## Latent traversal",
            "",
            f"![Latent traversal]({traversal_file})",
            "",
        ]
        if metadata.get("traversal_caption"):
            lines += [metadata["traversal_caption"], ""]
    lines += ["## Training", "", "| | |", "|---|---|"]
    for key, label in _METADATA_ROWS:
        value = metadata.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            value = f"{value:,}"
        if value is not None:
            lines.append(f"| {label} | {value} |")
    metrics = metadata.get("metrics") or {}
    if metrics:
        lines += ["", "## Metrics", "", "| Metric | Value |", "|---|---|"]
        for key, value in _flatten(metrics):
            if isinstance(value, float):
                value = f"{value:.4g}"
            lines.append(f"| {key} | {value} |")
    if metadata.get("training_command"):
        lines += [
            "",
            "Reproduce with:",
            "",
            "```shell",
            metadata["training_command"],
            "```",
        ]
    weights = metadata.get("weights") or {}
    if weights.get("dtype") == "float16":
        lines += [
            "",
            "Kernels are stored as float16 to keep the file small; Keras casts "
            "them back to float32 when the preset loads.",
        ]
    lines += [
        "",
        "## Config",
        "",
        "```json",
        json.dumps(config.get("config", config), indent=2),
        "```",
        "",
    ]
    return "\n".join(lines)


def _flatten(values, prefix=""):
    for key, value in values.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _flatten(value, f"{name} / ")
        else:
            yield name, value
