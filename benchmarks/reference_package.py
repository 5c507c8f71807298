"""Run the public `basegun-ml` modules without importing their package.

Importing `basegun_ml` loads every model it has (torch, Ultralytics, PaddleOCR and a quality network) and the
package pins versions that do not install beside Basegun. Each of its modules only needs a few of those models:
`use` registers a stand-in `basegun_ml` package holding just those, then loads the modules asked for from the
unpacked wheel, so that the reference's own functions run unchanged. Standard library only: the reference OCR
worker imports this from its own virtual environment.
"""

from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path
from typing import Any

PACKAGE = "basegun_ml"


def use(package_dir: Path, modules: tuple[str, ...], **models: Any) -> dict[str, types.ModuleType]:
    """Load `basegun_ml.<name>` for each name from `package_dir`, in order, with `models` as package attributes."""
    stand_in = sys.modules.get(PACKAGE)
    if stand_in is None:
        stand_in = types.ModuleType(PACKAGE, "Stand-in for basegun-ml: only the models its loaded modules need.")
        stand_in.__path__ = []  # a package, whose submodules are registered by hand below
        sys.modules[PACKAGE] = stand_in
    for name, value in models.items():
        setattr(stand_in, name, value)
    loaded = {}
    for name in modules:
        qualified = f"{PACKAGE}.{name}"
        if qualified not in sys.modules:
            spec = importlib.util.spec_from_file_location(qualified, package_dir / f"{name}.py")
            if spec is None or spec.loader is None:
                raise ImportError(f"cannot load {package_dir / name}.py")
            module = importlib.util.module_from_spec(spec)
            sys.modules[qualified] = module
            spec.loader.exec_module(module)
            setattr(stand_in, name, module)
        loaded[name] = sys.modules[qualified]
    return loaded
