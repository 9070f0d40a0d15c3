"""Runs a script's `main(argv)` in the test process."""

import contextlib
import importlib.util
import pathlib
import sys


@contextlib.contextmanager
def _on_path(folder):
    sys.path.insert(0, str(folder))
    try:
        yield
    finally:
        sys.path.remove(str(folder))


def load_script(path):
    """Imports the script at `path` under a fresh module name.

    The script's folder is on `sys.path` while it is imported, so it can
    import its sibling modules.
    """
    path = pathlib.Path(path)
    with _on_path(path.parent):
        spec = importlib.util.spec_from_file_location(
            f"script_{path.parent.name}_{path.stem}", path
        )
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return module


def run_script(path, argv):
    """Imports the script at `path` (see `load_script`), runs `main(argv)`.

    The script's folder stays on `sys.path` while `main` runs.
    """
    path = pathlib.Path(path)
    module = load_script(path)
    with _on_path(path.parent):
        return module.main(argv)
