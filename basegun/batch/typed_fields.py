"""The fields a station types for `basegun triage --fields FILE`: a CSV with a `weapon` column (the weapon's folder
name) and any of `maker`, `model`, `calibre`, `serial_number`.

The file may be the triage's own report.csv, its four columns corrected in a spreadsheet: each cell is the value
as the station confirms it; a cell equal to what was read stays "read", a changed one is "typed", an emptied one
clears the field. Separated by ";" (as the report) or ","; a spreadsheet's byte-order mark is allowed. Only the
report's weapon rows are read (its `row` column, when there is one).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from basegun.answering.markings.confirmed import MAX_TYPED
from basegun.answering.markings.result import FIELDS
from basegun.errors import InvalidRequest

NEUTRALISED = ("=", "+", "-", "@")  # the report's triggers that survive squeezing the spaces
Typed = dict[str, dict[str, str | None]]  # by weapon name, each field's value as typed


def read_typed_fields(path: Path) -> Typed:
    """The fields typed for each weapon; `InvalidRequest` (`bad_fields_file`) for a file that is not such a CSV."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidRequest(f"Cannot read {path.name}: {exc}", code="bad_fields_file") from exc
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") >= header.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    columns = [name for name in FIELDS if name in (reader.fieldnames or [])]
    if "weapon" not in (reader.fieldnames or []) or not columns:
        wanted = ", ".join(FIELDS)
        raise InvalidRequest(f"{path.name} needs a 'weapon' column and one of: {wanted}.", code="bad_fields_file")
    typed: Typed = {}
    for number, row in enumerate(reader, start=2):
        if row.get("row", "weapon") != "weapon":
            continue
        name = (row.get("weapon") or "").strip()
        if not name or name in typed:
            raise InvalidRequest(f"{path.name}, line {number}: a weapon named once, not empty.", code="bad_fields_file")
        values = {column: _cell(row.get(column) or "") for column in columns}
        if any(len(value) > MAX_TYPED for value in values.values()):
            raise InvalidRequest(
                f"{path.name}, line {number}: at most {MAX_TYPED} characters a field.", code="bad_fields_file"
            )
        typed[name] = dict(values)
    return typed


def _cell(text: str) -> str:
    """A cell as typed: spaces squeezed, and the apostrophe the report puts before a cell a spreadsheet would run
    as a formula ("'-123": `report._NeutralisingWriter`) taken off again."""
    text = " ".join(text.split())
    return text[1:] if text.startswith("'") and text[1:2] in NEUTRALISED else text
