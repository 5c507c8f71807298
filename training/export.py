"""`export`: a run's best checkpoint → one ONNX file and its manifest, in the schema the service reads.

The exported network includes the calibration temperature and the softmax (`images` → `probs`, dynamic batch,
opset 17). Before anything is written, `onnx.checker` passes and ONNX Runtime matches PyTorch on held-out photos
(max |Δp| ≤ 1e-4). The manifest then gets the test-split figures measured through `basegun` itself (the way the
service will run the file), the data summary, the resolved config and the commit. An INT8 copy is optional, and
refused when its test top-1 is more than one point below the fp32 model's.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
import torch
import torchvision

from basegun.inference.imaging import Detail
from basegun.inference.manifest import Preprocessing
from basegun.inference.session import sha256_of
from training.config import REFERENCE_ARCH, FitConfig, git_commit
from training.dataset import load_photo
from training.errors import DataError, ExportError
from training.evaluate import Evaluation, evaluate
from training.networks import Probabilities
from training.onnx_export import OPSET, export_onnx, onnx_session
from training.predictors import OnnxPredictor
from training.quantize import DESCRIPTION, quantize_int8
from training.runs import Run, load_checkpoint, read_json, write_json
from training.samples import Sample, counts
from training.transforms import eval_transform

log = logging.getLogger(__name__)

PARITY_TOLERANCE = 1e-4
PARITY_PHOTOS = 32
INT8_MAX_TOP1_DROP = 0.01
INT8_CALIBRATION_PHOTOS = 64


def export_run(
    run_dir: Path,
    out_dir: Path,
    stem: str = "typology",
    name: str = "basegun-typology",
    version: str | None = None,
    license_name: str = "AGPL-3.0",
    int8: bool = False,
    force: bool = False,
    progress: bool = True,
) -> dict[str, Any]:
    """Write `<stem>.onnx` and `<stem>.json` (and `<stem>-int8.*` when asked and accepted); returns a summary."""
    run = Run(run_dir)
    config = run.config()
    calibration = run.calibration()
    if calibration is None:
        raise ExportError(f"{run_dir}: no calibration.json (the run did not finish; resume it with fit --resume)")
    targets = [out_dir / f"{s}{suffix}" for s in (stem, f"{stem}-int8") for suffix in (".onnx", ".json")]
    if not force and any(p.exists() for p in targets):
        raise ExportError(f"{out_dir}: {stem}.onnx or {stem}.json exists; pass --force to replace it")
    splits = run.splits()
    held_out_name, held_out = held_out_split(splits)
    prep = Preprocessing.from_dict(config.data.preprocessing)
    model = Probabilities(run.network(), calibration["temperature"]).eval()
    onnx_bytes = export_onnx(
        model,
        torch.zeros(1, 3, prep.size, prep.size),
        "images",
        "probs",
        {"images": {0: "batch"}, "probs": {0: "batch"}},
    )
    parity = check_parity(model, onnx_bytes, held_out[:PARITY_PHOTOS], prep)
    manifest = _manifest(run, config, calibration, parity, name, stem, version, license_name)
    summary: dict[str, Any] = {"parity": parity, "held_out_split": held_out_name}
    with tempfile.TemporaryDirectory() as staging_dir:
        staging = Path(staging_dir)
        fp32 = _stage(staging, stem, onnx_bytes, manifest)
        fp32_eval = evaluate(OnnxPredictor(fp32), held_out, progress=progress)
        _add_metrics(fp32, fp32_eval, held_out_name, held_out)
        summary["fp32"] = _figures(fp32_eval)
        staged = [fp32]
        if int8:
            accepted, int8_summary = _int8(
                staging,
                stem,
                fp32,
                manifest,
                splits["val"],
                prep,
                held_out,
                held_out_name,
                fp32_eval,
                progress,
            )
            summary["int8"] = int8_summary
            if accepted:
                staged.append(accepted)
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for staged_manifest in staged:
            for path in (staged_manifest.with_suffix(".onnx"), staged_manifest):
                shutil.move(path, out_dir / path.name)
                written.append(str(out_dir / path.name))
    summary["written"] = written
    return summary


def check_parity(model: torch.nn.Module, onnx_bytes: bytes, samples: list[Sample], prep: Preprocessing) -> dict:
    """ONNX Runtime against PyTorch, in fp32, on real held-out photos, run as one batch and one by one."""
    if not samples:
        raise ExportError("no held-out photo to check the export on")
    transform = eval_transform(prep)
    detail = Detail(min_short_side=prep.size)
    batch = torch.stack([transform(load_photo(s.path, detail)) for s in samples])
    with torch.no_grad():
        expected = model(batch).numpy()
    session = onnx_session(onnx_bytes)
    batched = session.run(None, {"images": batch.numpy()})[0]
    single = np.concatenate([session.run(None, {"images": batch[i : i + 1].numpy()})[0] for i in range(len(batch))])
    delta = float(max(np.abs(expected - batched).max(), np.abs(expected - single).max()))
    if delta > PARITY_TOLERANCE or (expected.argmax(1) != batched.argmax(1)).any():
        raise ExportError(f"ONNX Runtime differs from PyTorch: max |Δp| {delta:.2e} > {PARITY_TOLERANCE:.0e}")
    log.info("parity: %d photos, max |Δp| %.2e", len(samples), delta)
    return {
        "photos": len(samples),
        "max_abs_prob_delta": delta,
        "tolerance": PARITY_TOLERANCE,
        "batch_sizes": [1, len(samples)],
        "onnxruntime": ort.__version__,
    }


def _manifest(
    run: Run,
    config: FitConfig,
    calibration: dict[str, Any],
    parity: dict[str, Any],
    name: str,
    stem: str,
    version: str | None,
    license_name: str,
) -> dict[str, Any]:
    info = run.info()
    best = load_checkpoint(run.best)
    classes = list(config.data.classes)
    size = config.data.preprocessing["size"]
    return {
        "schema_version": 1,
        "name": name,
        "version": version or time.strftime("%Y.%m.%d"),
        "task": "classification",
        "architecture": "YOLOv8s-cls" if config.model.arch == REFERENCE_ARCH else f"torchvision {config.model.arch}",
        "file": f"{stem}.onnx",
        "input": {"name": "images", "shape": ["batch", 3, size, size], "dtype": "float32", "layout": "NCHW"},
        "outputs": [{"name": "probs", "shape": ["batch", len(classes)], "dtype": "float32"}],
        "preprocessing": config.data.preprocessing,
        "decoding": {
            "kind": "softmax_probabilities",
            "softmax_in_network": True,
            "temperature_in_network": calibration["temperature"],
        },
        "classes": classes,
        "thresholds": calibration["thresholds"],
        "thresholds_source": thresholds_source(calibration),
        "calibration": calibration,
        "parity": parity,
        "metrics": {"best_epoch": {k: best[k] for k in ("epoch", "val_top1", "val_loss")}},
        "data": {
            "source": config.data.source or config.data.splits,
            "photos": info["photos"],
            "split_files": str(run.splits_dir.resolve()),
        },
        "config": config.to_dict(),
        "provenance": {
            "trained_by": "basegun-train fit",
            "exported_by": "basegun-train export",
            "run": str(run.root.resolve()),
            "git": info["git"],
            "export_git": git_commit(),
            "init": _init(config),
            "versions": {**info["versions"], "torchvision": torchvision.__version__, "opset": OPSET},
        },
        "license": license_name,
    }


def thresholds_source(calibration: dict[str, Any]) -> str:
    """One line that says where the thresholds come from; the figures are in `calibration.levels`."""

    def level(name: str, what: str) -> str:
        figures = calibration["levels"][name]
        if not figures["reached"]:
            return f"{what}: no threshold reaches {figures['target']} (so never given)"
        return (
            f"{what}: {figures['correct']}/{figures['answers']} right at or above it (precision "
            f"{figures['precision']:.4f}, 95 % lower bound {figures['precision_lower_95']:.4f}, "
            f"target {figures['target']})"
        )

    return (
        f"chosen on the validation split ({calibration['photos']} photos) after temperature scaling; "
        f"{level('high', 'high')}; {level('shown', 'medium or high')}"
    )


def _init(config: FitConfig) -> str:
    if config.model.init_reference:
        return f"reference typology network (basegun-ml wheel {Path(config.model.init_reference).name})"
    if config.model.weights:
        return f"local weights {config.model.weights} (sha256 {sha256_of(Path(config.model.weights))})"
    return "random initialisation (from scratch)"


def _stage(folder: Path, stem: str, onnx_bytes: bytes, manifest: dict[str, Any]) -> Path:
    onnx_path = folder / f"{stem}.onnx"
    onnx_path.write_bytes(onnx_bytes)
    manifest_path = folder / f"{stem}.json"
    write_json(manifest_path, {**manifest, "file": onnx_path.name, "sha256": sha256_of(onnx_path)})
    return manifest_path


def _figures(evaluation: Evaluation) -> dict[str, Any]:
    report = evaluation.report
    keep = ("photos", "correct", "top1", "top3", "macro_recall", "nll", "ece", "levels", "per_class")
    return {k: report[k] for k in keep if k in report}


def _add_metrics(manifest_path: Path, evaluation: Evaluation, split: str, samples: list[Sample]) -> None:
    manifest = read_json(manifest_path)
    manifest["metrics"][split] = {
        **_figures(evaluation),
        "measured_with": "basegun.networks.typology.TypologyClassifier on this ONNX file",
        "photos_per_class": counts(samples, tuple(manifest["classes"])),
    }
    write_json(manifest_path, manifest)


def _calibration_inputs(samples: list[Sample], prep: Preprocessing) -> Iterator[np.ndarray]:
    """Validation inputs for INT8 activation ranges, made by the serving preprocessing."""
    transform, detail = eval_transform(prep), Detail(min_short_side=prep.size)
    return (transform(load_photo(s.path, detail))[None].numpy() for s in samples[:INT8_CALIBRATION_PHOTOS])


def _int8(
    staging: Path,
    stem: str,
    fp32_manifest: Path,
    manifest: dict[str, Any],
    val: list[Sample],
    prep: Preprocessing,
    held_out: list[Sample],
    held_out_name: str,
    fp32_eval: Evaluation,
    progress: bool,
) -> tuple[Path | None, dict[str, Any]]:
    """Static INT8 (`training/quantize.py`), activation ranges from validation photos; kept only if accurate."""
    int8_stem = f"{stem}-int8"
    quantised = staging / "quantised.onnx"
    quantize_int8(fp32_manifest.with_suffix(".onnx"), quantised, "images", _calibration_inputs(val, prep))
    int8_manifest = {
        **manifest,
        "name": f"{manifest['name']}-int8",
        "quantization": {
            "tool": f"onnxruntime.quantization.quantize_static {ort.__version__} (training/quantize.py)",
            **DESCRIPTION,
            "calibration_photos": min(len(val), INT8_CALIBRATION_PHOTOS),
            "fp32_file": f"{stem}.onnx",
        },
    }
    int8_manifest.pop("parity")
    path = _stage(staging, int8_stem, quantised.read_bytes(), int8_manifest)
    quantised.unlink()
    int8_eval = evaluate(OnnxPredictor(path), held_out, progress=progress)
    drop = fp32_eval.report["top1"] - int8_eval.report["top1"]
    summary = {
        "top1_fp32": fp32_eval.report["top1"],
        "top1_int8": int8_eval.report["top1"],
        "top1_drop": drop,
        "max_drop": INT8_MAX_TOP1_DROP,
        "split": held_out_name,
        "max_abs_prob_delta": float(np.abs(fp32_eval.probs - int8_eval.probs).max()),
    }
    if drop > INT8_MAX_TOP1_DROP:
        log.warning("INT8 refused: %s top-1 %.4f → %.4f", held_out_name, summary["top1_fp32"], summary["top1_int8"])
        return None, {**summary, "written": False}
    _add_metrics(path, int8_eval, held_out_name, held_out)
    manifest_data = read_json(path)
    manifest_data["quantization"]["accuracy_change"] = summary
    write_json(path, manifest_data)
    return path, {**summary, "written": True}


def held_out_split(splits: dict[str, list[Sample]]) -> tuple[str, list[Sample]]:
    """The test split; the validation split when a run was made without one."""
    if splits["test"]:
        return "test", splits["test"]
    if splits["val"]:
        return "val", splits["val"]
    raise DataError("no held-out photos: the run has neither a test nor a validation split")
