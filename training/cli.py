"""`basegun-train`: offline model work (import, and later fit, evaluate, export)."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from basegun.settings import DEFAULT_MODELS_DIR, REPO_ROOT


def _import_reference(args: argparse.Namespace) -> int:
    from training.import_reference import import_reference

    for path in import_reference(args.wheel, args.photos, args.out):
        print(f"wrote {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="basegun-train", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    imp = commands.add_parser(
        "import-reference", help="export the basegun-ml reference models to ONNX with manifests, after parity checks"
    )
    imp.add_argument("--wheel", type=Path, required=True, help="basegun_ml-2.0.7-py3-none-any.whl (pip download)")
    imp.add_argument("--photos", type=Path, default=REPO_ROOT.parent / "shared" / "photos", help="parity photos")
    imp.add_argument("--out", type=Path, default=DEFAULT_MODELS_DIR)
    imp.set_defaults(run=_import_reference)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    raise SystemExit(main())
