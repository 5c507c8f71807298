"""A batch as the API answers it, as types: its progress, each weapon's answer as soon as it is done, the files not
analysed, and the addresses of its reports once written."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from basegun.answering.answer_models import Flag, ModelInfo, Shape, WeaponAnswer, Words

BatchState = Literal["queued", "running", "finished", "cancelled", "failed"]


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
