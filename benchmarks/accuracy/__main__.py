"""`python -m benchmarks.accuracy`: how often Basegun's answers are right, on every labelled photo and its variants.

1. Every source photo (the shared labelled photos, the photos without a firearm of `tests/no_firearm.py`, crops of
   the shared photos that hold no weapon) and its derived variants (`variants.py`) are read through the service's
   decode; both classifier views and the detector at both sizes are kept (`evidence.py`).
2. The preprocessing modes (centre crop, letterbox, mean of both) are compared, each with its own temperature and
   levels, in-sample and by leave-one-source-photo-out cross-validation; the presence rule is fitted the same way for
   the served mode (`fit.py`). `--write-manifest` writes what the whole set gives into `models/typology.json`.
3. Every row then goes through `Basegun.identify` (close-ups through `Basegun.alarm_check`): bytes in, answer out.
   Markdown goes to ACCURACY.md, every figure and per-row answer to ACCURACY.json.

Runs in about 5 minutes on 2 cores. Never in the test suite: it needs the shared photos.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import pickle
import shlex
import sys
from pathlib import Path
from typing import Any

import numpy as np

from basegun.errors import BasegunError
from basegun.inference.manifest import CROP_AND_LETTERBOX
from basegun.service import Basegun
from basegun.settings import REPO_ROOT, get_settings
from benchmarks import photos
from benchmarks.accuracy import fit, report
from benchmarks.accuracy.evidence import PAD_VALUE, Row, as_arrays, gather, rows_of
from benchmarks.accuracy.sources import every_source

log = logging.getLogger("benchmarks.accuracy")
MODES = {"shorter_side_center_crop": slice(0, 1), "letterbox": slice(1, 2), CROP_AND_LETTERBOX: slice(0, 2)}
SERVED_MODE = CROP_AND_LETTERBOX
VIEWS = (
    "two views of the upright photo, each 320x320 RGB, scaled by 1/255: (1) the shorter side scaled to 320 px "
    "(Pillow bilinear), then the centre 320x320 crop; (2) the longer side scaled to 320 px (Pillow bilinear, the "
    "other side rounded), pasted on a 320x320 square of pad_value at offset floor((320 - side) / 2); each view's "
    "probabilities p become softmax(log(p) / decoding.temperature), then the two are averaged"
)


# ACCURACY.md from this mark on belongs to other protocols (the markings reader): rewriting the rest keeps it.
KEPT_MARK = "<!-- other protocols -->"


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.accuracy", description=__doc__)
    parser.add_argument("--write-manifest", action="store_true", help="write the fitted values into the manifest")
    parser.add_argument("--markdown", type=Path, default=REPO_ROOT / "ACCURACY.md")
    parser.add_argument("--json", type=Path, default=REPO_ROOT / "ACCURACY.json")
    parser.add_argument(
        "--evidence", type=Path, help="keep the networks' evidence in this file and reuse it (a faster refit)"
    )
    return parser.parse_args(argv)


def compare_modes(rows: list[Row], classes: tuple[str, ...]) -> dict[str, Any]:
    figures = {}
    for mode, views in MODES.items():
        arrays = as_arrays(rows, classes, views)
        fitted = fit.fit(arrays, with_presence=False)
        figures[mode] = {
            "temperature": round(fitted.temperature, 4),
            "levels": fitted.levels,
            "in_sample": fit.summary(arrays, fit.answer(arrays, fitted)),
            "cross_validated": fit.summary(arrays, fit.cross_validated(arrays, with_presence=False)),
        }
    return figures


def served_fit(rows: list[Row], classes: tuple[str, ...]) -> tuple[fit.Fitted, dict[str, Any]]:
    arrays = as_arrays(rows, classes, MODES[SERVED_MODE])
    fitted = fit.fit(arrays, with_presence=True)
    held_out = fit.cross_validated(arrays, with_presence=True, progress=_progress)
    by_variant = {}
    variants = np.array([r.variant for r in rows if r.views is not None])
    for variant in dict.fromkeys(variants):
        mask = variants == variant
        by_variant[variant] = {
            "in_sample": fit.summary(arrays, fit.answer(arrays, fitted), mask),
            "cross_validated": fit.summary(arrays, held_out, mask),
        }
    figures = {
        "mode": SERVED_MODE,
        "temperature": round(fitted.temperature, 4),
        "levels": fitted.levels,
        "presence": fitted.presence,
        "in_sample": fit.summary(arrays, fit.answer(arrays, fitted)),
        "cross_validated": fit.summary(arrays, held_out),
        "by_variant": by_variant,
        "alternatives": fit.alternatives(arrays, fitted),
    }
    return fitted, figures


def _progress(done: int, total: int) -> None:
    if done % 20 == 0 or done == total:
        log.info("cross-validation: %d/%d folds", done, total)


def kept_sections(path: Path) -> str:
    """The sections other protocols keep at the end of the file (from KEPT_MARK on), carried over unchanged."""
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    return "\n" + text[text.index(KEPT_MARK) :] if KEPT_MARK in text else ""


def write_manifest(path: Path, fitted: fit.Fitted, figures: dict[str, Any]) -> None:
    """The served mode, temperature, levels and presence rule, with where they come from; the ONNX file is unchanged."""
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["preprocessing"].update({"resize": SERVED_MODE, "pad_value": list(PAD_VALUE), "description": VIEWS})
    manifest.pop("calibration", None)
    # Applied when served, to each view's probabilities p: softmax(log(p) / temperature), then the views averaged
    # (a model trained by basegun-train has its own temperature inside the network: `temperature_in_network`).
    manifest["decoding"]["temperature"] = round(fitted.temperature, 4)
    manifest["thresholds"] = fitted.levels
    manifest["thresholds_source"] = (
        "python -m benchmarks.accuracy: temperature and levels fitted on every labelled firearm photo and its "
        f"derived variants ({figures['in_sample']['labelled']} rows); 'high' above every wrong answer by a jackknife "
        "margin, 'medium' where shown answers reach 90 % precision (95 % Wilson lower bound); cross-validated "
        "figures in ACCURACY.md"
    )
    assert fitted.presence is not None
    manifest["presence"] = {
        **fitted.presence,
        "detector_size": int(fitted.presence["detector_size"]),
        "max_blur_px": fitted.presence["max_blur_px"] if math.isfinite(fitted.presence["max_blur_px"]) else None,
        "chosen_by": "leave-one-source-photo-out cross-validation in python -m benchmarks.accuracy (see ACCURACY.md)",
    }
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def answer(service: Basegun, rows: list[Row]) -> None:
    """Each row through the service: identify for whole photos, alarm check for close-ups."""
    for n, row in enumerate(rows):
        try:
            if row.source.group == "close_up":
                row.answer = {"alarm": service.alarm_check(row.data)["status"]}
            else:
                got = service.identify(row.data)
                typology = got["typology"]
                row.answer = {
                    "presence": got["firearm_presence"],
                    "typology": typology["key"] if typology else None,
                    "confidence": got["confidence"],
                    "level": got["confidence_level"],
                    "detector_run": got["firearm_score"] is not None,
                }
        except BasegunError as exc:
            row.answer = {"refused": exc.code}
        if n % 50 == 0:
            log.info("answers: %d/%d rows", n, len(rows))


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    args = parse(argv)
    samples = photos.load()
    if not samples:
        log.error("the shared photos are absent (%s): nothing to measure", photos.PHOTOS)
        return 2
    settings = get_settings()
    service = Basegun(settings, store=False)
    classes = service.models.typology.classes
    if args.evidence is not None and args.evidence.is_file():
        rows = pickle.loads(args.evidence.read_bytes())  # a file this command wrote
    else:
        rows = rows_of(service, every_source(service.models, samples))
        log.info("%d rows", len(rows))
        gather(service, rows)
        if args.evidence is not None:
            args.evidence.write_bytes(pickle.dumps(rows))
    given = argv if argv is not None else sys.argv[1:]
    if args.evidence is not None:  # a cache of the same figures: not part of how they are made
        given = [a for a in given if a not in ("--evidence", str(args.evidence))]
    results: dict[str, Any] = {
        "command": shlex.join(["python", "-m", "benchmarks.accuracy", *given]),
        "model": settings.typology_manifest,
        "sources": report.sources(rows),
        "modes": compare_modes(rows, classes),
    }
    fitted, results["served"] = served_fit(rows, classes)
    if args.write_manifest:
        manifest = settings.manifest_path(settings.typology_manifest)
        write_manifest(manifest, fitted, results["served"])
        service.close()
        service = Basegun(settings, store=False)
        log.info("manifest written: %s", manifest)
    answer(service, rows)
    service.close()
    results["service"] = report.service_figures(rows)
    args.json.write_text(report.as_json(results, report.row_answers(rows)), encoding="utf-8")
    args.markdown.write_text(report.markdown(results, rows) + kept_sections(args.markdown), encoding="utf-8")
    log.info("written: %s, %s", args.markdown, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
