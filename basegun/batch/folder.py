"""The library side of `basegun triage FOLDER`: a station's folder of photos in, the three reports written on the
same computer (the command itself, and its progress bar, are `cli/commands.py`)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from concurrent.futures import Executor
from pathlib import Path

from basegun.answering.answer_models import WeaponAnswer
from basegun.answering.markings.confirmed import corrected
from basegun.batch.answer_models import BatchReport
from basegun.batch.intake import from_folder
from basegun.batch.marked import with_markings
from basegun.batch.report import build_report, now, write_reports
from basegun.batch.runner import Progress, run
from basegun.batch.typed_fields import Typed
from basegun.errors import InvalidRequest
from basegun.service import Basegun


def triage_folder(
    service: Basegun,
    folder: Path,
    out: Path,
    executor: Executor,
    on_progress: Callable[[Progress], None] = lambda _: None,
    lang: str = "fr",
    typed: Typed | None = None,
) -> BatchReport:
    """Analyse every weapon in `folder`, write report.json, report.csv and report.html into `out`; the report.
    `typed`: the fields the station typed, by weapon name (`typed_fields.py`), checked before anything runs."""
    intake = from_folder(folder)
    typed = typed or {}
    unknown = sorted(set(typed) - {weapon.name for weapon in intake.weapons})
    if unknown:
        names = ", ".join(unknown[:5])
        raise InvalidRequest(f"Fields typed for weapons the folder does not hold: {names}.", code="unknown_weapon")
    by_position = run(service.assessor, intake.weapons, executor, on_progress, pixels=service.pixels)
    results = [by_position[position] for position in sorted(by_position)]
    answers = [_typed(result.answer, typed.get(result.answer.name)) for result in results]
    report = build_report(
        batch_id=str(uuid.uuid4()),
        name=folder.resolve().name,
        created=now(),
        status="finished",
        answers=answers,
        skipped=intake.skipped,
        catalog=service.catalog,
        model=service.identifier.model,
        retention=None,
    )
    thumbnails = {r.answer.name: r.thumbnail for r in results if r.thumbnail is not None}
    write_reports(report, thumbnails, out, lang)
    return report


def _typed(answer: WeaponAnswer, typed: dict[str, str | None] | None) -> WeaponAnswer:
    """A weapon's answer with the fields the station typed for it, each marked typed where it differs from the read."""
    return answer if typed is None else with_markings(answer, corrected(answer.markings, typed))
