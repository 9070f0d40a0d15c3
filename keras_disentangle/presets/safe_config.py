"""Refuses preset configs that would run code when deserialized.

A preset config is data from the internet. Before anything is deserialized,
`check_config_is_safe` walks it and accepts only:

- classes registered under the `keras_disentangle>` namespace (by
  `keras.saving.register_keras_serializable(package="keras_disentangle")`,
  in code the user already imported), with their true `module`;
- plain built-in Keras classes (layers, models, initializers, optimizers,
  schedules, regularizers, constraints, losses, metrics, dtype policies),
  except those that wrap arbitrary code (`Lambda`, `TorchModuleWrapper`,
  `TFSMLayer`, `JaxLayer`, `FlaxLayer`);
- Keras' plain-data wrappers (`__tensor__`, `__numpy__`, `__tuple__`, ...).

Lambdas, function configs and any `module` outside `keras` and
`keras_disentangle` are refused. The walk reads JSON only: it imports
nothing named by the config.
"""

import keras

from keras_disentangle.presets.errors import UnsafePresetError

PACKAGE = "keras_disentangle"

# Built-in Keras classes that carry Python bytecode, pickles or foreign
# graphs and would run them on load.
_CODE_CARRYING_CLASSES = frozenset(
    ["Lambda", "TorchModuleWrapper", "TFSMLayer", "JaxLayer", "FlaxLayer"]
)
# Keras' serialized plain values; deserializing them runs no user code.
_DATA_CLASSES = frozenset(
    [
        "__tensor__",
        "__numpy__",
        "__bytes__",
        "__tuple__",
        "__ellipsis__",
        "__slice__",
        "__keras_tensor__",
    ]
)
# Public Keras namespaces searched for built-in class names.
_KERAS_NAMESPACES = (
    "",
    "layers",
    "models",
    "initializers",
    "optimizers",
    "optimizers.schedules",
    "regularizers",
    "constraints",
    "dtype_policies",
    "losses",
    "metrics",
    "random",
)
# Built-in model classes serialized with their private module path.
_KERAS_MODEL_CLASSES = frozenset(["Functional", "Sequential", "Model"])


def check_config_is_safe(config, source="the preset"):
    """Raises `UnsafePresetError` unless `config` is safe to deserialize.

    Args:
        config: a config as read from `config.json`.
        source: how to name the preset in error messages.

    Example:

    >>> check_config_is_safe(
    ...     {"module": "keras.layers", "class_name": "Dense",
    ...      "config": {"units": 2}, "registered_name": None})
    >>> check_config_is_safe(
    ...     {"module": "os", "class_name": "system", "config": {}})
    Traceback (most recent call last):
    ...
    keras_disentangle.presets.errors.UnsafePresetError: ...
    """
    _walk(config, source, path="config")


def _walk(node, source, path):
    if isinstance(node, dict):
        for key in node:
            if key == "__lambda__":
                _refuse(source, path, "a serialized lambda (`__lambda__`)")
        if "class_name" in node:
            _check_object(node, source, path)
        elif "module" in node:
            _check_module(node.get("module"), source, path)
        for key, value in node.items():
            _walk(value, source, f"{path}.{key}")
    elif isinstance(node, (list, tuple)):
        for index, value in enumerate(node):
            _walk(value, source, f"{path}[{index}]")


def _check_object(node, source, path):
    class_name = node.get("class_name")
    module = node.get("module")
    registered = node.get("registered_name")
    if not isinstance(class_name, str):
        _refuse(source, path, f"a non-string class_name {class_name!r}")
    if class_name == "__lambda__":
        _refuse(source, path, "a serialized lambda (`__lambda__`)")
    if class_name == "function":
        _refuse(
            source,
            path,
            f"a function config ({node.get('config')!r} from module "
            f"{module!r}); presets may name classes only",
        )
    if class_name in _DATA_CLASSES:
        return
    if class_name.startswith("__"):
        _refuse(source, path, f"the special object {class_name!r}")
    if isinstance(registered, str) and ">" in registered:
        _check_registered(registered, module, source, path)
        return
    if registered not in (None, class_name):
        _refuse(
            source,
            path,
            f"registered_name {registered!r}, which is not in the "
            f"'{PACKAGE}>' namespace",
        )
    _check_builtin(class_name, module, source, path)


def _check_registered(registered, module, source, path):
    package = registered.split(">", 1)[0]
    if package != PACKAGE:
        _refuse(
            source,
            path,
            f"the class {registered!r} from the package {package!r}; only "
            f"classes registered under '{PACKAGE}>' and built-in Keras "
            "classes load from presets",
        )
    cls = keras.saving.get_registered_object(registered)
    if cls is None:
        raise UnsafePresetError(
            f"The config of {source} names the class {registered!r} (at "
            f"{path}), which is not registered in this installation of "
            f"{PACKAGE}. It may come from a newer version: upgrade with "
            f"`pip install -U keras-disentangle`, or import the module that "
            "registers it before loading."
        )
    actual = getattr(cls, "__module__", None)
    if module is not None and module != actual:
        _refuse(
            source,
            path,
            f"the module {module!r} for {registered!r}, which is registered "
            f"from {actual!r}",
        )


def _check_builtin(class_name, module, source, path):
    if module is not None:
        _check_module(module, source, path, allow_package=False)
    if class_name in _CODE_CARRYING_CLASSES:
        _refuse(
            source,
            path,
            f"the Keras layer {class_name!r}, which wraps arbitrary code",
        )
    if _resolve_builtin(class_name, module) is None:
        _refuse(
            source,
            path,
            f"the class {class_name!r} (module {module!r}), which is neither "
            f"registered under '{PACKAGE}>' nor a built-in Keras class",
        )


def _resolve_builtin(class_name, module):
    if (
        class_name in _KERAS_MODEL_CLASSES
        and isinstance(module, str)
        and module.startswith("keras.src.models")
    ):
        return class_name
    namespaces = list(_KERAS_NAMESPACES)
    if isinstance(module, str) and module.startswith("keras."):
        public = module[len("keras.") :]
        if public in namespaces:
            namespaces.remove(public)
            namespaces.insert(0, public)
    for namespace in namespaces:
        obj = keras
        for part in filter(None, namespace.split(".")):
            obj = getattr(obj, part, None)
        candidate = getattr(obj, class_name, None)
        if isinstance(candidate, type) and candidate.__module__.startswith(
            "keras."
        ):
            return candidate
    return None


def _check_module(module, source, path, allow_keras=True, allow_package=True):
    if module is None:
        return
    if not isinstance(module, str):
        _refuse(source, path, f"a non-string module {module!r}")
    root = module.split(".", 1)[0]
    allowed = []
    if allow_keras:
        allowed.append("keras")
    if allow_package:
        allowed.append(PACKAGE)
    if root not in allowed:
        _refuse(
            source,
            path,
            f"the module {module!r}; presets may only reference "
            f"{' and '.join(allowed)} modules",
        )


def _refuse(source, path, what):
    raise UnsafePresetError(
        f"Refusing to load {source}: its config.json contains {what} at "
        f"{path}. Loading a preset never runs code from it. If you wrote this "
        "preset yourself, rebuild the model from registered keras_disentangle "
        "classes and save it again with `model.save_to_preset(...)`."
    )
