"""A batch as the API answers it, as types: its progress, each weapon's answer as soon as it is done, the files not
analysed, and the addresses of its reports once written."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from basegun.answering.answer_models import Flag, ModelInfo, Shape, WeaponAnswer, Words
from basegun.answering.markings.confirmed import MAX_TYPED

BatchState = Literal["queued", "running", "finished", "cancelled", "failed"]


ONE_LINE = r"^[^\x00-\x1f\x7f]*$"  # no line break nor control character


class WeaponFieldsForm(Shape):
    """PUT /api/v1/batches/{id}/weapons/{weapon}/fields: a weapon's maker, model, calibre and serial number as the
    station confirms them. A field left out (or null) is the value read; "" clears it; any other value is typed.
    What was read is kept beside what is typed."""

    markings_id: str | None = Field(
        None, max_length=64, description="A reading of a close-up the station chose (POST /api/v1/markings)"
    )
    closeup: str | None = Field(None, max_length=300, pattern=ONE_LINE, description="That close-up's file name")
    maker: str | None = Field(None, max_length=MAX_TYPED, pattern=ONE_LINE)
    model: str | None = Field(None, max_length=MAX_TYPED, pattern=ONE_LINE)
    calibre: str | None = Field(None, max_length=MAX_TYPED, pattern=ONE_LINE)
    serial_number: str | None = Field(None, max_length=MAX_TYPED, pattern=ONE_LINE)


class BatchProgress(Shape):
    photos_total: int
    photos_done: int
    weapons_total: int
    weapons_done: int
    photos_per_second: float | None
    seconds_left: int | None


class FileNotAnalysed(Shape):
    """A file set aside on the way in, or a photo that could not be read, with a stable code and a plain reason."""

    name: str
    code: str
    detail: str


class BatchTexts(Shape):
    """The words the station page shows for each flag and each reason a file was not analysed."""

    flags: dict[Flag, Words]
    reasons: dict[str, Words]


class BatchError(Shape):
    code: str
    detail: str


class BatchStatus(Shape):
    """POST /api/v1/batches and GET /api/v1/batches/{id}."""

    id: str
    name: str
    status: BatchState
    created: str
    expires: str
    progress: BatchProgress
    weapons: list[WeaponAnswer] = Field(description="The weapons done so far, in batch order")
    skipped: list[FileNotAnalysed]
    not_analysed: list[FileNotAnalysed]
    texts: BatchTexts
    error: BatchError | None
    cancel_requested: bool = Field(description="A cancel was asked: the weapons under way finish, no other starts")
    reports: dict[str, str] | None = Field(description="Each report's address, once the batch has ended")


class ReportBatch(Shape):
    id: str
    name: str
    created: str
    status: BatchState
    weapons: int = Field(description="Weapons analysed (at least one photo read)")
    photos: int


class ReportRetention(Shape):
    days: float
    expires: str


class Notices(Shape):
    information: Words
    retention: Words
    stopped: Words | None = Field(None, description="Why the report covers only part of the batch")


class SummaryRow(Shape):
    """How many weapons fall in a category, an open set of categories (`B+C`), `undetermined` or `no_firearm`."""

    category: str
    label: Words
    count: int


class BatchReport(Shape):
    """report.json, of which report.csv and report.html are views."""

    batch: ReportBatch
    retention: ReportRetention | None = Field(description="None for a report made on the station's own computer")
    notices: Notices
    model: ModelInfo
    summary: list[SummaryRow]
    weapons: list[WeaponAnswer]
    not_analysed: list[FileNotAnalysed]
    flags: dict[Flag, Words]
