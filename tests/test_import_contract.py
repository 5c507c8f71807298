"""The layers, as a test: the library under everything, the web layer and the command above it, training apart.

`basegun/` never imports the web layer, the command, training, the web frameworks or torch (serving runs without
them); `api/` never imports training or the command; and the library prints nothing (the command does). Inside
`basegun/`, each room imports only the rooms below it (`ROOMS`, drawn in ARCHITECTURE.md), and the house stays small
enough to read: a few modules at the top, none long. Read from the source's syntax tree, so that an import inside a
function counts as much as one at the top.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from basegun.settings import REPO_ROOT

CONTRACT = {
    "basegun": {"api", "cli", "training", "fastapi", "starlette", "uvicorn", "torch", "torchvision"},
    "api": {"cli", "training", "torch", "torchvision"},
}


def imported(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """Every absolute module name imported anywhere in `tree`, with its line."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.lineno, node.args[0].value


def breaches(root: Path, package: str, forbidden: set[str]) -> list[str]:
    """`file:line imports module` for each import of a forbidden top-level package by a module of `package`."""
    found = []
    for path in sorted((root / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, module in imported(tree):
            if module.split(".")[0] in forbidden:
                found.append(f"{path.relative_to(root)}:{line} imports {module}")
    return found


def prints(root: Path, package: str) -> list[str]:
    """`file:line` of each call of `print` in `package`."""
    found = []
    for path in sorted((root / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
                found.append(f"{path.relative_to(root)}:{node.lineno}")
    return found


_BASE = {"errors", "settings"}
_LOW = _BASE | {"runtime"}
# Each room of `basegun/` and the rooms it may import, from the ground up (ARCHITECTURE.md says what each holds).
ROOMS: dict[str, set[str]] = {
    "errors": set(),
    "settings": set(),
    "runtime": _BASE,
    "catalog": _LOW,
    "inference": _LOW,
    "storage": _LOW,
    "accounts": _LOW,
    "networks": _LOW | {"inference"},
    "answering": _LOW | {"inference", "networks", "catalog"},
    "records": _LOW | {"inference", "networks", "catalog", "storage", "accounts", "answering"},
    "service": _LOW | {"inference", "networks", "catalog", "answering", "records", "storage", "accounts"},
    "batch": _LOW | {"inference", "catalog", "answering", "records", "storage", "service"},
    "jobs": _LOW | {"inference", "catalog", "answering", "records", "storage", "service", "batch"},
}
MAX_TOP_LEVEL_MODULES = 8
MAX_MODULE_LINES = 350


def room_of(root: Path, path: Path) -> str:
    """The room a file of `basegun/` stands in: its top-level folder, or its own name at the top."""
    first = path.relative_to(root / "basegun").parts[0]
    return first.removesuffix(".py")


def rooms_breached(root: Path) -> list[str]:
    """`file:line imports module` for each import of a room not below the importing one, or of an unknown room."""
    found = []
    for path in sorted((root / "basegun").rglob("*.py")):
        own = room_of(root, path)
        if own == "__init__":
            continue
        allowed = ROOMS.get(own)
        for line, module in imported(ast.parse(path.read_text(encoding="utf-8"))):
            parts = module.split(".")
            if parts[0] != "basegun" or len(parts) < 2 or parts[1] == own:
                continue
            if allowed is None or parts[1] not in allowed:
                found.append(f"{path.relative_to(root)}:{line} imports {module}")
    return found


@pytest.mark.parametrize("package", sorted(CONTRACT))
def test_layers_hold(package: str) -> None:
    assert (REPO_ROOT / package / "__init__.py").is_file()
    assert breaches(REPO_ROOT, package, CONTRACT[package]) == []


def test_library_prints_nothing() -> None:
    assert prints(REPO_ROOT, "basegun") == []


def test_rooms_import_only_rooms_below() -> None:
    assert rooms_breached(REPO_ROOT) == []


def test_every_room_is_known() -> None:
    """A new folder or top-level module of `basegun/` takes its place in `ROOMS` (and in ARCHITECTURE.md)."""
    library = REPO_ROOT / "basegun"
    found = {room_of(REPO_ROOT, path) for path in library.rglob("*.py")} - {"__init__"}
    assert found - set(ROOMS) == set()


def test_house_is_small_enough_to_read() -> None:
    library = REPO_ROOT / "basegun"
    top = sorted(path.name for path in library.glob("*.py") if path.name != "__init__.py")
    assert len(top) <= MAX_TOP_LEVEL_MODULES, top
    long = [
        f"{path.relative_to(REPO_ROOT)}: {n}"
        for path in sorted(library.rglob("*.py"))
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    assert long == []


def test_room_checker_finds_an_import_upwards(tmp_path: Path) -> None:
    """The room checker itself: a catalog module importing the answering room, and a room nobody declared."""
    library = tmp_path / "basegun"
    for folder in ("catalog", "attic"):
        (library / folder).mkdir(parents=True)
    (library / "catalog" / "rules.py").write_text("from basegun.errors import NotFound\nimport basegun.answering.x\n")
    (library / "attic" / "old.py").write_text("from basegun.catalog import rules\n")
    assert rooms_breached(tmp_path) == [
        "basegun/attic/old.py:1 imports basegun.catalog",
        "basegun/catalog/rules.py:2 imports basegun.answering.x",
    ]


def test_checker_finds_every_kind_of_breach(tmp_path: Path) -> None:
    """The checker itself, on a small tree that breaks the contract in each way it can be broken."""
    library = tmp_path / "basegun"
    (library / "deep").mkdir(parents=True)
    (library / "__init__.py").write_text("")
    (library / "clean.py").write_text("import json\nfrom basegun import clean\nfrom . import deep\n")
    (library / "deep" / "web.py").write_text(
        "import fastapi.responses\n"
        "from api.app import create_app\n"
        "def later():\n"
        "    import torch\n"
        "    from starlette import status\n"
        "    importlib.import_module('training.cli')\n"
        "    print('hello')\n"
    )
    assert breaches(tmp_path, "basegun", CONTRACT["basegun"]) == [
        "basegun/deep/web.py:1 imports fastapi.responses",
        "basegun/deep/web.py:2 imports api.app",
        "basegun/deep/web.py:4 imports torch",
        "basegun/deep/web.py:5 imports starlette",
        "basegun/deep/web.py:6 imports training.cli",
    ]
    assert prints(tmp_path, "basegun") == ["basegun/deep/web.py:7"]
