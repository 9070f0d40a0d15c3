"""Runs a script's `main(argv)` in the test process."""

import importlib.util
import pathlib
import sys


def run_script(path, argv):
    """Imports the script at `path` under a fresh module name, runs `main`.

    The script's folder is on `sys.path` while it runs, so it can import
    its sibling modules.
    """
    path = pathlib.Path(path)
    sys.path.insert(0, str(path.parent))
    try:
        spec = importlib.util.spec_from_file_location(
            f"script_{path.parent.name}_{path.stem}", path
        )
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.main(argv)
    finally:
        sys.path.remove(str(path.parent))
