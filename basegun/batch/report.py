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
from typing import Any

from basegun.answering.markings.result import FIELDS as MARKINGS_FIELDS
from basegun.answering.weapon import Skipped
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
    answers: list[dict[str, Any]],
    skipped: list[Skipped],
    catalog: Catalog,
    model: dict[str, str],
    retention: Retention | None,
) -> dict[str, Any]:
    """The report's JSON: the batch, the notices, a summary by category, every weapon, every file not analysed."""
    weapons, not_analysed = split(answers, skipped)
    notices = {"information": catalog.notice, "retention": _retention_text(retention)}
    if status in STOPPED:
        notices["stopped"] = STOPPED[status]
    return {
        "batch": {
            "id": batch_id,
            "name": name,
            "created": created.isoformat(timespec="seconds"),
            "status": status,
            "weapons": len(weapons),
            "photos": sum(w["photos_total"] for w in weapons) + len(not_analysed),
        },
        "retention": (
            {"days": retention.days, "expires": retention.expires.isoformat(timespec="seconds")} if retention else None
        ),
        "notices": notices,
        "model": model,
        "summary": summary(weapons, catalog),
        "weapons": weapons,
        "not_analysed": not_analysed,
        "flags": FLAGS,
    }


def split(answers: list[dict[str, Any]], skipped: list[Skipped]) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """The weapons analysed, and every file not analysed (skipped on the way in, or unreadable), sorted by name.

    A weapon none of whose photos could be read is not a weapon of the report: its files are listed as not analysed.
    """
    weapons = [answer for answer in answers if answer["photos_readable"] > 0]
    photos = [photo for answer in answers for photo in answer["photos"]]
    unreadable = [{"name": photo["name"], **photo["error"]} for photo in photos if "error" in photo]
    return weapons, sorted([s.to_dict() for s in skipped] + unreadable, key=lambda item: item["name"])


def summary(weapons: list[dict[str, Any]], catalog: Catalog) -> list[dict[str, Any]]:
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
        rows.append({"category": key, "label": label, "count": counts[key]})
    return rows


def _category_key(weapon: dict[str, Any]) -> str:
    legal = weapon["legal"]
    if legal is None:
        return "no_firearm"
    return "+".join(legal["categories"]) if legal["asserted"] else "undetermined"


def _retention_text(retention: Retention | None) -> Text:
    if retention is None:
        return RETENTION_LOCAL
    expires = retention.expires
    return fill(
        RETENTION_SERVER,
        days=same(f"{retention.days:g}"),
        date={"fr": expires.strftime("%d/%m/%Y"), "en": expires.strftime("%Y-%m-%d")},
    )


def write_reports(report: dict[str, Any], thumbnails: dict[str, bytes], folder: Path, lang: str = "fr") -> None:
    """Write report.json, report.csv and report.html into `folder`, each atomically (a reader never sees half)."""
    private_folder(folder)
    _write(folder / "report.json", json.dumps(report, ensure_ascii=False, indent=1))
    _write(folder / "report.csv", "\ufeff" + to_csv(report, lang))
    _write(folder / "report.html", render_html(report, thumbnails, lang))


def to_csv(report: dict[str, Any], lang: str = "fr") -> str:
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
    for weapon in report["weapons"]:
        typology, legal, measured = weapon["typology"], weapon["legal"], weapon["measurement"]
        level = weapon["confidence_level"]
        writer.writerow(
            [
                "weapon",
                weapon["name"],
                weapon["photos_total"],
                weapon["agreement"]["agreeing"],
                "yes" if weapon["firearm_detected"] else "no",
                weapon["firearm_presence"],
                typology["key"] if typology else "",
                typology["labels"][lang] if typology else "",
                _number(weapon["confidence"], lang),
                LEVELS[level][lang] if level else "",
                " ".join(legal["categories"]) if legal else "",
                legal["category_text"][lang] if legal else NO_FIREARM[lang],
                _number(measured["overall_length_cm"] if measured else None, lang),
                _number(measured["barrel_length_cm"] if measured else None, lang),
                " ".join(weapon["flags"]),
                " | ".join(FLAGS[flag][lang] for flag in weapon["flags"]),
                *markings_cells(weapon.get("markings")),
                "",
                "",
                "",
            ]
        )
    for item in report["not_analysed"]:
        blank = [""] * (15 + 2 * len(MARKINGS_FIELDS))
        writer.writerow(["file_not_analysed", *blank, item["name"], item["code"], item["detail"]])
    return buffer.getvalue()


def markings_cells(markings: dict[str, Any] | None) -> list[str]:
    """Each field's value and its source (read, typed), empty where not read."""
    cells = []
    for name in MARKINGS_FIELDS:
        field = (markings or {}).get(name) or {}
        value = field.get("value") or ""
        cells += [value, (field.get("source") or "") if value else ""]
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


def _write(path: Path, text: str) -> None:
    write_private(path, text.encode("utf-8"))


def now() -> datetime:
    return datetime.now(UTC)
