"""The INT8 typology classifier the service runs: made from the FP32 one, checked against it, timed beside it.

`python -m benchmarks.int8 [--write]` quantizes `models/typology.onnx` with `training/quantize.py` (static, QDQ,
7-bit weights, the head in float), then compares it with the FP32 model on every shared photo, both served views
combined as the service combines them: top-1, probability shift, confidence level, and speed (interleaved, same
inputs). With `--write`, and only when the top-1 is the FP32 one on every photo the FP32 model answers above "low",
it writes `models/typology-int8.onnx` and its manifest `typology-int8.json` (the service's default,
`BASEGUN_TYPOLOGY_MANIFEST`). Then run `python -m benchmarks.accuracy --write-manifest`: the temperature, levels and
presence bars are fitted for the model served, never copied from the FP32 one.

Calibration reads both served views of the web-size typology photos. The photos it did not read (measurement, alarm
and quality photos) are the fairer part of the check.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort

from basegun.inference.imaging import decode
from basegun.inference.preprocess import prepare_views
from basegun.inference.session import OnnxSession, sha256_of
from basegun.networks.typology import TypologyClassifier
from basegun.settings import get_settings
from benchmarks import photos
from benchmarks.stats import compare, summary
from training.quantize import DESCRIPTION, quantize_int8

NAME = "typology-int8"
FP32_MANIFEST = "typology.json"


def session(path: Path, threads: int) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def parity(classifier: TypologyClassifier, fp32: list[np.ndarray], int8: list[np.ndarray]) -> dict[str, Any]:
    pairs = list(zip(fp32, int8, strict=True))
    same = [int(a.argmax() == b.argmax()) for a, b in pairs]
    levels = [classifier.level(float(a.max())) != classifier.level(float(b.max())) for a, b in pairs]
    shown = [same for (a, _), same in zip(pairs, same, strict=True) if classifier.level(float(a.max())) != "low"]
    return {
        "photos": len(same),
        "same_top1": sum(same),
        "answered_above_low": len(shown),
        "same_top1_above_low": sum(shown),
        "max_abs_prob_delta": round(max(float(np.abs(a - b).max()) for a, b in pairs), 4),
        "max_top1_prob_delta": round(max(abs(float(a.max() - b.max())) for a, b in pairs), 4),
        "confidence_level_changes": sum(levels),
    }


def manifest(fp32: dict[str, Any], onnx: Path, report: dict[str, Any], calibration: list[str]) -> dict[str, Any]:
    derived = {key: value for key, value in fp32.items() if key not in ("sha256", "parity")}
    return {
        **derived,
        "name": f"{fp32['name']}-int8",
        "file": onnx.name,
        "quantization": {
            "tool": f"onnxruntime {ort.__version__} quantize_static (training/quantize.py)",
            **DESCRIPTION,
            "calibration_photos": calibration,
            "from_sha256": fp32["sha256"],
        },
        "parity": {**report, "against": "the fp32 model, every shared photo"},
        "sha256": sha256_of(onnx),
    }


def run(rounds: int, write: bool) -> dict[str, Any]:
    """Quantize, compare with FP32 on every shared photo, time both; write the model only if asked and top-1 holds."""
    settings = get_settings()
    source = settings.manifest_path(FP32_MANIFEST)  # whatever the service serves: the INT8 copy is made from this
    classifier = TypologyClassifier(OnnxSession.from_manifest_path(source, settings.intra_op_threads))
    fp32 = classifier.session.manifest
    samples = photos.load()
    prep = fp32.preprocessing
    tensors = {s.name: prepare_views(decode(s.data, detail=classifier.detail).image, prep) for s in samples}
    calibration = [s.name for s in photos.small(samples)]
    target = settings.models_dir / f"{NAME}.onnx"
    with tempfile.TemporaryDirectory() as scratch:
        quantized = Path(scratch) / target.name
        views = [tensors[n][i : i + 1] for n in calibration for i in range(len(tensors[n]))]
        quantize_int8(fp32.onnx_path, quantized, fp32.input_name, views)
        sessions = {
            "fp32": session(fp32.onnx_path, settings.intra_op_threads),
            "int8": session(quantized, settings.intra_op_threads),
        }
        sides = {
            k: (lambda t, s=s: classifier.combine(s.run(None, {fp32.input_name: t})[0])) for k, s in sessions.items()
        }
        outputs = {k: [call(t) for t in tensors.values()] for k, call in sides.items()}
        found = parity(classifier, outputs["fp32"], outputs["int8"])
        speed = summary(compare(list(tensors.items()), sides, rounds=rounds))
        kept = found["same_top1_above_low"] == found["answered_above_low"]
        if write and kept:
            target.write_bytes(quantized.read_bytes())
            written = manifest(fp32.raw, target, found, calibration)
            target.with_suffix(".json").write_text(json.dumps(written, indent=2, ensure_ascii=False) + "\n")
    return {"parity": found, "speed": speed, "written": str(target) if write and kept else None}


def markdown(figures: dict[str, Any]) -> str:
    found, speed = figures["parity"], figures["speed"]
    fp32, int8 = speed["fp32"], speed["int8"]
    return "\n".join(
        [
            "| typology network | FP32 | INT8 |",
            "|---|---|---|",
            f"| run on one photo, median / p95 ms | {fp32['median_ms']} / {fp32['p95_ms']} | "
            f"{int8['median_ms']} / {int8['p95_ms']} |",
            f"| speed-up | | {fp32['median_ms'] / int8['median_ms']:.2f}× |",
            f"| same top-1 as FP32 | | {found['same_top1']}/{found['photos']} |",
            f"| largest probability shift (top-1) | | {found['max_abs_prob_delta']} ({found['max_top1_prob_delta']}) |",
            f"| confidence level changed | | {found['confidence_level_changes']} photo(s) |",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.int8", description=__doc__)
    parser.add_argument("--write", action="store_true", help="write the model and manifest when top-1 is kept")
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args(argv)
    if not photos.load():
        print(f"the shared photos are absent ({photos.PHOTOS})", file=sys.stderr)
        return 2
    figures = run(args.rounds, args.write)
    print(markdown(figures))
    if args.write:
        print(f"\nwritten: {figures['written']}" if figures["written"] else "\nnot written: top-1 differs from FP32")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
