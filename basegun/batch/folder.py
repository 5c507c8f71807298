"""The library side of `basegun triage FOLDER`: a station's folder of photos in, the three reports written on the
same computer (the command itself, and its progress bar, are `cli/commands.py`)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from concurrent.futures import Executor
from pathlib import Path

from basegun.batch.answer_models import BatchReport
from basegun.batch.intake import from_folder
from basegun.batch.report import build_report, now, write_reports
from basegun.batch.runner import Progress, run
from basegun.service import Basegun


def triage_folder(
    service: Basegun,
    folder: Path,
    out: Path,
    executor: Executor,
    on_progress: Callable[[Progress], None] = lambda _: None,
    lang: str = "fr",
) -> BatchReport:
    """Analyse every weapon in `folder`, write report.json, report.csv and report.html into `out`; the report."""
    intake = from_folder(folder)
    by_position = run(service.assessor, intake.weapons, executor, on_progress, pixels=service.pixels)
    results = [by_position[position] for position in sorted(by_position)]
    report = build_report(
        batch_id=str(uuid.uuid4()),
        name=folder.resolve().name,
        created=now(),
        status="finished",
        answers=[result.answer for result in results],
        skipped=intake.skipped,
        catalog=service.catalog,
        model=service.identifier.model,
        retention=None,
    )
    thumbnails = {r.answer.name: r.thumbnail for r in results if r.thumbnail is not None}
    write_reports(report, thumbnails, out, lang)
    return report
