"""The layers, as a test: the library under everything, the web layer and the command above it, training apart.

`basegun/` never imports the web layer, the command, training, the web frameworks or torch (serving runs without
them); `api/` never imports training or the command; and the library prints nothing (the command does). Read from the
source's syntax tree, so that an import inside a function counts as much as one at the top.
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


@pytest.mark.parametrize("package", sorted(CONTRACT))
def test_layers_hold(package: str) -> None:
    assert (REPO_ROOT / package / "__init__.py").is_file()
    assert breaches(REPO_ROOT, package, CONTRACT[package]) == []


def test_library_prints_nothing() -> None:
    assert prints(REPO_ROOT, "basegun") == []


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
