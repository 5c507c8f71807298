"""A batch as the API answers it, as types: its progress, each weapon's answer as soon as it is done, the files not
analysed, and the addresses of its reports once written."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from basegun.answering.answer_models import Flag, Shape, WeaponAnswer, Words

BatchState = Literal["queued", "running", "finished", "interrupted", "failed"]


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
    progress: BatchProgress | None
    weapons: list[WeaponAnswer] = Field(description="The weapons done so far, in batch order")
    skipped: list[FileNotAnalysed]
    not_analysed: list[FileNotAnalysed]
    texts: BatchTexts
    error: BatchError | None
    reports: dict[str, str] | None = Field(description="Each report's address, once the batch has ended")
