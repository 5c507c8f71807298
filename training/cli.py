"""`basegun-train`: offline model work: import the reference models, fit, evaluate, export and compare classifiers."""

from __future__ import annotations

import argparse
import json
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

from basegun.errors import ModelUnavailable
from basegun.settings import DEFAULT_MODELS_DIR, REPO_ROOT
from training.config import IMAGENET_MEAN, IMAGENET_STD, REFERENCE_ARCH, FitConfig, default_preprocessing
from training.errors import ConfigError, TrainingError
from training.samples import read_class_list, read_samples


def _import_reference(args: argparse.Namespace) -> int:
    from training.import_reference import import_reference

    for imported in import_reference(args.wheel, args.photos, args.out):
        print(imported.describe())
    return 0


def fit_config(args: argparse.Namespace) -> FitConfig:
    """The run's config: `--config` (or the defaults), then every option given on the command line."""
    base = FitConfig.from_dict(json.loads(args.config.read_text(encoding="utf-8"))) if args.config else FitConfig()
    model = _given(base.model, arch=args.arch, weights=args.weights, init_reference=args.init_reference)
    if args.init_reference:
        if args.arch not in (None, REFERENCE_ARCH):
            raise ConfigError(f"--init-reference starts from {REFERENCE_ARCH}, not --arch {args.arch}")
        model = replace(model, arch=REFERENCE_ARCH)
    data = _given(
        base.data,
        source=args.data,
        splits=args.splits,
        val_fraction=args.val_fraction,
        test_fraction=args.test_fraction,
        workers=args.workers,
        classes=read_class_list(args.classes) if args.classes else None,
    )
    if args.size or args.normalise:
        prep = {**default_preprocessing(model.arch), **data.preprocessing}
        if args.size:
            prep["size"] = args.size
        if args.normalise:
            imagenet = args.normalise == "imagenet"
            prep["mean"] = list(IMAGENET_MEAN) if imagenet else [0.0, 0.0, 0.0]
            prep["std"] = list(IMAGENET_STD) if imagenet else [1.0, 1.0, 1.0]
        data = replace(data, preprocessing=prep)
    optim = _given(
        base.optim,
        epochs=args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        weight_decay=args.weight_decay,
        warmup_epochs=args.warmup_epochs,
        label_smoothing=args.label_smoothing,
        balance=args.balance,
        patience=args.patience,
        amp=False if args.no_amp else None,
    )
    calibration = _given(base.calibration, target_high=args.target_high, target_medium=args.target_medium)
    config = replace(base, model=model, data=data, optim=optim, calibration=calibration)
    config = _given(config, seed=args.seed, device=args.device, progress=False if args.no_progress else None)
    if not (config.data.source or config.data.splits):
        raise ConfigError("give --data (class folders or a CSV) or --splits (a folder of split files)")
    return config


def _given(section: Any, **values: Any) -> Any:
    return replace(section, **{k: v for k, v in values.items() if v is not None})


def _fit(args: argparse.Namespace) -> int:
    from training.fit import fit

    run = fit(FitConfig() if args.resume else fit_config(args), args.out, resume=args.resume)
    calibration = run.calibration() or {}
    print(
        f"run {run.root}: best checkpoint {run.best}, temperature {calibration.get('temperature', 1.0):.3f}, "
        f"thresholds {calibration.get('thresholds')}"
    )
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from training.evaluate import evaluate
    from training.predictors import load_predictor

    report = evaluate(load_predictor(args.model), read_samples(args.data), args.out, args.workers).report
    print(
        f"{report['correct']}/{report['photos']} right: top-1 {report['top1']:.2%}, top-3 {report['top3']:.2%}, "
        f"ECE {report['ece']:.4f}; report in {args.out}"
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    from training.export import export_run

    summary = export_run(args.run, args.out, args.stem, args.name, args.version, args.license, args.int8, args.force)
    fp32 = summary["fp32"]
    print(
        f"parity max |Δp| {summary['parity']['max_abs_prob_delta']:.2e}; {summary['held_out_split']} top-1 "
        f"{fp32['top1']:.2%} ({fp32['correct']}/{fp32['photos']})"
    )
    if "int8" in summary:
        q = summary["int8"]
        print(
            f"INT8 top-1 {q['top1_int8']:.2%} (fp32 {q['top1_fp32']:.2%}): "
            f"{'written' if q['written'] else 'refused, drop over 1 point'}"
        )
    for path in summary["written"]:
        print(f"wrote {path}")
    return 0


def _compare(args: argparse.Namespace) -> int:
    from training.compare import compare, table

    result = compare(args.a, args.b, read_samples(args.data), args.out, args.workers)
    print(table(result))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="basegun-train", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    imp = commands.add_parser(
        "import-reference",
        help="export the basegun-ml reference models to ONNX with manifests, after parity checks",
    )
    imp.add_argument("--wheel", type=Path, required=True, help="basegun_ml-2.0.7-py3-none-any.whl (pip download)")
    imp.add_argument("--photos", type=Path, default=REPO_ROOT.parent / "shared" / "photos", help="parity photos")
    imp.add_argument("--out", type=Path, default=DEFAULT_MODELS_DIR)
    imp.set_defaults(handler=_import_reference)

    fit = commands.add_parser("fit", help="train a classifier into a run folder, then calibrate it")
    fit.add_argument("--out", type=Path, required=True, help="the run folder (new, or the one to --resume)")
    fit.add_argument(
        "--resume",
        action="store_true",
        help="continue the run in --out from its last.pt, with its own config.json (other options are ignored)",
    )
    fit.add_argument("--config", type=Path, help="a config.json to start from (a run's own, to repeat it)")
    fit.add_argument("--data", help="a folder with one sub-folder per class, or a CSV of path,label")
    fit.add_argument("--splits", help="a folder with train.csv, val.csv, test.csv instead of a seeded split")
    fit.add_argument("--classes", help="output classes, in order: a .json list, a .txt file or a comma list")
    fit.add_argument("--val-fraction", type=float)
    fit.add_argument("--test-fraction", type=float)
    fit.add_argument(
        "--arch", help=f"a torchvision classification model (default mobilenet_v3_large) or {REFERENCE_ARCH}"
    )
    fit.add_argument("--weights", help="a local state-dict file to start from (nothing is downloaded)")
    fit.add_argument(
        "--init-reference", metavar="WHEEL", help="start from the reference network in this basegun-ml wheel"
    )
    fit.add_argument("--size", type=int, help="input size (default 224, or 320 for the reference network)")
    fit.add_argument("--normalise", choices=["imagenet", "none"], help="mean/std of the input")
    fit.add_argument("--epochs", type=int)
    fit.add_argument("--batch-size", type=int)
    fit.add_argument("--lr", type=float)
    fit.add_argument("--weight-decay", type=float)
    fit.add_argument("--warmup-epochs", type=float)
    fit.add_argument("--label-smoothing", type=float)
    fit.add_argument("--balance", choices=["loss", "sampler", "none"], help="class balancing")
    fit.add_argument("--patience", type=int, help="epochs without a better validation top-1 before stopping")
    fit.add_argument("--no-amp", action="store_true", help="no mixed precision even on CUDA")
    fit.add_argument("--target-high", type=float, help="validation precision of 'high' answers (default 0.99)")
    fit.add_argument("--target-medium", type=float, help="validation precision of shown answers (default 0.90)")
    fit.add_argument("--seed", type=int)
    fit.add_argument("--device", help="auto (default), cpu, cuda, cuda:1…")
    fit.add_argument("--workers", type=int, help="photo-decoding processes")
    fit.add_argument("--no-progress", action="store_true")
    fit.set_defaults(handler=_fit)

    ev = commands.add_parser("evaluate", help="evaluate a checkpoint or a model manifest on labelled photos")
    ev.add_argument("--model", type=Path, required=True, help="a manifest (.json), a run folder or a checkpoint (.pt)")
    ev.add_argument("--data", type=Path, required=True, help="class folders, or a CSV of path,label")
    ev.add_argument("--out", type=Path, required=True, help="where the report goes")
    ev.add_argument("--workers", type=int, default=0)
    ev.set_defaults(handler=_evaluate)

    ex = commands.add_parser("export", help="export a run to ONNX and a manifest, after parity checks")
    ex.add_argument("--run", type=Path, required=True)
    ex.add_argument("--out", type=Path, required=True, help="the folder for the ONNX file and its manifest")
    ex.add_argument("--stem", default="typology", help="file names: STEM.onnx, STEM.json")
    ex.add_argument("--name", default="basegun-typology", help="the manifest's model name")
    ex.add_argument("--version", help="the manifest's version (default: today's date)")
    ex.add_argument("--license", default="AGPL-3.0")
    ex.add_argument("--int8", action="store_true", help="also write an INT8 copy if its top-1 drops by 1 point or less")
    ex.add_argument("--force", action="store_true", help="replace existing files")
    ex.set_defaults(handler=_export)

    cmp = commands.add_parser("compare", help="evaluate two models on the same photos and say which is better")
    cmp.add_argument("--a", type=Path, required=True, help="a manifest, a run folder or a checkpoint")
    cmp.add_argument("--b", type=Path, required=True, help="a manifest, a run folder or a checkpoint")
    cmp.add_argument("--data", type=Path, required=True)
    cmp.add_argument("--out", type=Path, required=True)
    cmp.add_argument("--workers", type=int, default=0)
    cmp.set_defaults(handler=_compare)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except (TrainingError, ModelUnavailable) as exc:
        parser.exit(2, f"basegun-train {args.command}: {exc}\n")


if __name__ == "__main__":
    raise SystemExit(main())
