"""`python -m benchmarks`: every figure of issue 8, Basegun side by side with the reference, as Markdown.

The table goes to stdout, the full figures to a JSON file (default `var/benchmarks/latest.json`), progress to
stderr. `--quick` is a smoke run (two rounds, five-second loads, a small batch); a full run takes about 7 minutes
on 2 cores, up to 15 when other work loads the machine. `--only threads` compares thread settings (not part of the
default run).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import os
import shlex
import sys
import time
from pathlib import Path
from typing import Any

from basegun.settings import REPO_ROOT, get_settings
from benchmarks import alarm, identification, machine, measurement, photos, reference, report, server, threads
from benchmarks.ours import Ours

log = logging.getLogger("benchmarks")

PARTS = ("typology", "measurement", "alarm", "server", "triage", "threads")
DEFAULT_PARTS = PARTS[:-1]
# Photos in the batch helper's triage batch: its default (100) took up to 8 minutes here on a busy machine; half
# keeps the full run under 15 minutes, and the smoke run only checks that it runs.
TRIAGE_PHOTOS = 50
TRIAGE_PHOTOS_QUICK = 6
DEFAULT_JSON = REPO_ROOT / "var" / "benchmarks" / "latest.json"


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smoke run: 2 rounds, 5 s loads, 1 cold start")
    parser.add_argument(
        "--duration",
        type=float,
        help="seconds of the 16-client load (default 60; 4 clients: "
        "half, 1 client: a third, the models alone: the same)",
    )
    parser.add_argument("--rounds", type=int, help="timed calls per photo and side (default 8, quick 2)")
    parser.add_argument("--only", nargs="+", choices=PARTS, default=list(DEFAULT_PARTS), help="parts to run")
    parser.add_argument("--no-reference", action="store_true", help="Basegun's figures only")
    parser.add_argument(
        "--reference-wheel",
        type=Path,
        help=f"basegun-ml 2.0.7 wheel (else ${reference.WHEEL_ENV}, the cache, or pip download)",
    )
    parser.add_argument("--no-download", action="store_true", help="never pip download the reference wheel")
    parser.add_argument(
        "--reference-ocr-python",
        type=Path,
        help=f"Python of a PaddleOCR venv (else ${reference.OCR_PYTHON_ENV} or {reference.OCR_VENV})",
    )
    parser.add_argument("--make-ocr-venv", action="store_true", help="build the PaddleOCR venv first")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write every figure")
    return parser.parse_args(argv)


class Reference:
    """The reference side's parts, each loaded on first use; `why` says what is missing and why."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.package: Path | None = None
        self.why: dict[str, str] = {}
        self.args = args
        if args.no_reference:
            self.why["wheel"] = "not run (--no-reference)"
            return
        located = reference.locate_wheel(args.reference_wheel, download=not args.no_download)
        self.why["wheel"] = located.how
        if located.path is not None:
            self.package = reference.unpack(located.path)

    def typology(self) -> reference.ReferenceTypology | None:
        return reference.ReferenceTypology(self.package) if self.package else None

    def upload(self, typology: reference.ReferenceTypology | None) -> reference.ReferenceUpload | None:
        """The upload route: its classifier (the one given), then its measurer."""
        if typology is None or self.package is None:
            return None
        return reference.ReferenceUpload(typology, reference.ReferenceMeasurer(self.package))

    def measurer(self) -> reference.ReferenceMeasurer | None:
        return reference.ReferenceMeasurer(self.package) if self.package else None

    def ocr(self) -> reference.ReferenceOcr | None:
        if self.package is None:
            self.why["ocr"] = "no reference wheel"
            return None
        python = reference.ocr_python(self.args.reference_ocr_python)
        self.why["ocr"] = python.how
        if python.path is None:
            return None
        ocr = reference.ReferenceOcr(python.path, self.package)
        self.why["ocr"] += f" ({', '.join(f'{k} {v}' for k, v in ocr.versions.items())})"
        return ocr


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    args = parse(argv)
    if args.make_ocr_venv:
        log.info("building the PaddleOCR venv in %s", reference.OCR_VENV)
        reference.make_ocr_venv()
    samples = photos.load()
    if not samples:
        log.error("the shared photos are absent (%s): nothing to measure", photos.PHOTOS)
        return 2
    rounds = args.rounds or (2 if args.quick else 8)
    longest = args.duration or (5.0 if args.quick else 60.0)
    durations = {1: longest if args.quick else longest / 3, 4: longest if args.quick else longest / 2, 16: longest}
    started = time.perf_counter()
    settings = get_settings()
    results: dict[str, Any] = {
        "command": shlex.join(["python", "-m", "benchmarks", *(argv if argv is not None else sys.argv[1:])]),
        "machine": machine.describe(),
        "settings": {"intra_op_threads": settings.intra_op_threads, "inference_workers": settings.inference_workers},
    }
    ours = Ours(settings)
    refs = Reference(args)
    try:
        if "typology" in args.only:
            log.info("typology: %d rounds", rounds)
            classifier = refs.typology()
            results["typology"] = identification.run(ours, classifier, refs.upload(classifier), samples, rounds)
        if "measurement" in args.only:
            log.info("measurement: %d rounds", rounds)
            results["measurement"] = measurement.run(ours.measure, refs.measurer(), samples, rounds)
        if "alarm" in args.only:
            results["alarm"] = _alarm(ours, refs, samples, rounds)
        if "server" in args.only:
            log.info("server: cold starts, models alone, then %s clients", list(durations))
            chosen = [(s.name, s.data) for s in photos.small(samples)]
            results["server"] = server.run(
                ours.service.identify, settings.inference_workers, chosen, durations, 1 if args.quick else 3
            )
        if "triage" in args.only:
            _triage(results, TRIAGE_PHOTOS_QUICK if args.quick else TRIAGE_PHOTOS)
        if "threads" in args.only:
            log.info("thread settings")
            cores = results["machine"]["cores"]
            results["threads"] = threads.run(settings, samples, cores, max(2, rounds // 2), longest / 2)
    finally:
        ours.close()
    results["reference"] = refs.why
    results["load_at_end"] = os.getloadavg()
    results["wall_s"] = time.perf_counter() - started
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
    log.info("figures written to %s", args.json)
    print(report.markdown(results))
    return 0


def _alarm(ours: Ours, refs: Reference, samples: list[photos.Sample], rounds: int) -> dict[str, Any]:
    log.info("alarm check: %d rounds", rounds)
    ocr = refs.ocr()
    try:
        if ocr is not None:
            for sample in photos.close_ups(samples):
                ocr.load(sample.name, photos.PHOTOS / sample.name)
        return alarm.run(ours.alarm_check, ocr, samples, rounds)
    finally:
        if ocr is not None:
            ocr.close()


def _triage(results: dict[str, Any], size: int) -> None:
    """The batch helper's figures (`benchmarks/triage.py`), when that module exists."""
    if importlib.util.find_spec("benchmarks.triage") is None:
        results["triage"] = {"missing": "not yet built (benchmarks/triage.py)"}
        return
    from benchmarks import triage

    log.info("batch triage: %d photos", size)
    results["triage"] = triage.run(size)


if __name__ == "__main__":
    raise SystemExit(main())
