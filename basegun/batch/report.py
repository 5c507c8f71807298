"""A batch's report: one JSON document, written also as a CSV table and a printable HTML page.

The JSON is the reference; the CSV (semicolons and a byte-order mark, so that a French spreadsheet opens it
with its accents) and the HTML are views of it.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

from basegun.answering.answer_models import Flag, ModelInfo, UnreadPhoto, WeaponAnswer, Words
from basegun.answering.markings.confirmed import WeaponMarkings
from basegun.answering.markings.result import FIELDS as MARKINGS_FIELDS
from basegun.answering.weapon import Skipped
from basegun.batch.answer_models import (
    BatchReport,
    BatchState,
    FileNotAnalysed,
    Notices,
    ReportBatch,
    ReportRetention,
    SummaryRow,
)
from basegun.batch.report_html import render_html
from basegun.batch.texts import (
    FLAGS,
    LEVELS,
    NO_FIREARM,
    RETENTION_LOCAL,
    RETENTION_SERVER,
    STOPPED,
    UNDETERMINED,
)
from basegun.catalog.texts import Text, fill, same
from basegun.catalog.typologies import Catalog
from basegun.runtime.files import private_folder, write_private

REPORT_FILES = ("report.json", "report.csv", "report.html")
CATEGORY_ORDER = ("A", "B", "C", "D", "not_classified")


@dataclass(frozen=True)
class Retention:
    """How long the server keeps a batch; None for a report made on the station's own computer."""

    days: float
    created: datetime

    @property
    def expires(self) -> datetime:
        return self.created + timedelta(days=self.days)


def build_report(
    *,
    batch_id: str,
    name: str,
    created: datetime,
    status: str,
    answers: list[WeaponAnswer],
    skipped: list[Skipped],
    catalog: Catalog,
    model: ModelInfo,
    retention: Retention | None,
) -> BatchReport:
    """The report: the batch, the notices, a summary by category, every weapon, every file not analysed."""
    weapons, not_analysed = split(answers, skipped)
    return BatchReport(
        batch=ReportBatch(
            id=batch_id,
            name=name,
            created=created.isoformat(timespec="seconds"),
            status=cast(BatchState, status),
            weapons=len(weapons),
            photos=sum(w.photos_total for w in weapons) + len(not_analysed),
        ),
        retention=(
            ReportRetention(days=retention.days, expires=retention.expires.isoformat(timespec="seconds"))
            if retention
            else None
        ),
        notices=Notices(
            information=Words(**catalog.notice),
            retention=Words(**_retention_text(retention)),
            stopped=Words(**STOPPED[status]) if status in STOPPED else None,
        ),
        model=model,
        summary=summary(weapons, catalog),
        weapons=weapons,
        not_analysed=not_analysed,
        flags={cast(Flag, flag): Words(**text) for flag, text in FLAGS.items()},
    )


def split(answers: list[WeaponAnswer], skipped: list[Skipped]) -> tuple[list[WeaponAnswer], list[FileNotAnalysed]]:
    """The weapons analysed, and every file not analysed (skipped on the way in, or unreadable), sorted by name.

    A weapon none of whose photos could be read is not a weapon of the report: its files are listed as not analysed.
    """
    weapons = [answer for answer in answers if answer.photos_readable > 0]
    photos = [photo for answer in answers for photo in answer.photos]
    unread = [
        FileNotAnalysed(name=photo.name, code=photo.error.code, detail=photo.error.detail)
        for photo in photos
        if isinstance(photo, UnreadPhoto)
    ]
    skipped_files = [FileNotAnalysed(name=s.name, code=s.code, detail=s.detail) for s in skipped]
    return weapons, sorted(skipped_files + unread, key=lambda item: item.name)


def summary(weapons: list[WeaponAnswer], catalog: Catalog) -> list[SummaryRow]:
    """How many weapons fall in each category or open set of categories, the undetermined and no-firearm last."""
    counts = Counter(_category_key(weapon) for weapon in weapons)

    def order(key: str) -> tuple[int, ...]:
        if key in ("undetermined", "no_firearm"):
            return (len(CATEGORY_ORDER) + (key == "no_firearm"),)
        return tuple(CATEGORY_ORDER.index(c) for c in key.split("+"))

    rows = []
    for key in sorted(counts, key=order):
        if key == "no_firearm":
            label = NO_FIREARM
        elif key == "undetermined":
            label = UNDETERMINED
        else:
            label = catalog.category_text(key.split("+"))
        rows.append(SummaryRow(category=key, label=Words(**label), count=counts[key]))
    return rows


def _category_key(weapon: WeaponAnswer) -> str:
    legal = weapon.legal
    if legal is None:
        return "no_firearm"
    return "+".join(legal.categories) if legal.asserted else "undetermined"


def _retention_text(retention: Retention | None) -> Text:
    if retention is None:
        return RETENTION_LOCAL
    expires = retention.expires
    return fill(
        RETENTION_SERVER,
        days=same(f"{retention.days:g}"),
        date={"fr": expires.strftime("%d/%m/%Y"), "en": expires.strftime("%Y-%m-%d")},
    )


def render_reports(report: BatchReport, thumbnails: dict[str, bytes], lang: str = "fr") -> dict[str, bytes]:
    """report.json, report.csv and report.html, by name."""
    return {name: render_report(report, name, thumbnails, lang) for name in REPORT_FILES}


def render_report(report: BatchReport, name: str, thumbnails: dict[str, bytes], lang: str = "fr") -> bytes:
    """One report by its name (`REPORT_FILES`); `thumbnails` are only shown by report.html."""
    if name == "report.json":
        return json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=1).encode("utf-8")
    if name == "report.csv":
        return ("\ufeff" + to_csv(report, lang)).encode("utf-8")
    return render_html(report, thumbnails, lang).encode("utf-8")


def write_reports(report: BatchReport, thumbnails: dict[str, bytes], folder: Path, lang: str = "fr") -> None:
    """Write the three reports into `folder`, each atomically (a reader never sees half)."""
    private_folder(folder)
    for name, data in render_reports(report, thumbnails, lang).items():
        write_private(folder / name, data)


def to_csv(report: BatchReport, lang: str = "fr") -> str:
    """One row per weapon, then one per file not analysed (`row` says which); decimals in the language's way."""
    buffer = io.StringIO()
    writer = _NeutralisingWriter(buffer)
    writer.writerow(
        [
            "row",
            "weapon",
            "photos",
            "photos_agreeing",
            "firearm_detected",
            "firearm_presence",
            "typology",
            "typology_label",
            "confidence",
            "confidence_level",
            "categories",
            "category_text",
            "overall_length_cm",
            "barrel_length_cm",
            "flags",
            "flags_text",
            *(column for name in MARKINGS_FIELDS for column in (name, f"{name}_source")),
            "file",
            "error_code",
            "error_detail",
        ]
    )
    for weapon in report.weapons:
        typology, legal, measured = weapon.typology, weapon.legal, weapon.measurement
        level = weapon.confidence_level
        writer.writerow(
            [
                "weapon",
                weapon.name,
                weapon.photos_total,
                weapon.agreement.agreeing,
                "yes" if weapon.firearm_detected else "no",
                weapon.firearm_presence,
                typology.key if typology else "",
                typology.labels.text(lang) if typology else "",
                _number(weapon.confidence, lang),
                LEVELS[level][lang] if level else "",
                " ".join(legal.categories) if legal else "",
                legal.category_text.text(lang) if legal else NO_FIREARM[lang],
                _number(measured.overall_length_cm if measured else None, lang),
                _number(measured.barrel_length_cm if measured else None, lang),
                " ".join(weapon.flags),
                " | ".join(report.flags[flag].text(lang) for flag in weapon.flags),
                *markings_cells(weapon.markings),
                "",
                "",
                "",
            ]
        )
    for item in report.not_analysed:
        blank = [""] * (15 + 2 * len(MARKINGS_FIELDS))
        writer.writerow(["file_not_analysed", *blank, item.name, item.code, item.detail])
    return buffer.getvalue()


def markings_cells(markings: WeaponMarkings | None) -> list[str]:
    """Each field's value and its source (read, typed), empty where not read."""
    cells = []
    for name in MARKINGS_FIELDS:
        field = getattr(markings, name) if markings is not None else None
        value = field.value if field is not None and field.value else ""
        cells += [value, (field.source or "") if field is not None and value else ""]
    return cells


class _NeutralisingWriter:
    """A CSV writer whose text cells can never run as a spreadsheet formula.

    A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to Excel or LibreOffice (a
    folder named `=HYPERLINK(...)` would run on opening): such a cell is written with a leading apostrophe, which
    the spreadsheet shows as text (OWASP's advice on CSV injection).
    """

    TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

    def __init__(self, buffer: io.StringIO) -> None:
        self._writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")

    def writerow(self, row: list[object]) -> None:
        self._writer.writerow([neutralised(cell) if isinstance(cell, str) else cell for cell in row])


def neutralised(cell: str) -> str:
    return "'" + cell if cell.startswith(_NeutralisingWriter.TRIGGERS) else cell


def _number(value: float | None, lang: str) -> str:
    """A decimal as the report's language writes it: a French spreadsheet reads 0,9871, not 0.9871."""
    if value is None:
        return ""
    return str(value).replace(".", ",") if lang == "fr" else str(value)


def now() -> datetime:
    return datetime.now(UTC)
