"""The markings reader's answer, as the API returns it: every field with its evidence, every line with its box."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Status = Literal["read", "no_text", "unreadable"]
MarkKind = Literal["blank_firing", "proof_house", "black_powder"]
FIELDS = ("maker", "model", "calibre", "serial_number")


class FieldRead(BaseModel):
    """One field: its value (null when not read), the words it came from and the line they are on."""

    value: str | None = Field(None, description="Normalised value; null when the field was not read")
    text: str | None = Field(None, description="The words read that gave the value, as the OCR read them")
    line: int | None = Field(None, description="Index in `lines` of the line those words are on")
    confidence: float = Field(0.0, ge=0, le=1, description="The OCR's confidence in the line times the match's")


class Mark(FieldRead):
    """A proof or approval mark: blank-firing (P.A.K., P.T.B. number), proof house, black powder."""

    kind: MarkKind


class LineRead(BaseModel):
    """A line of text read, where it is, and whether it was legible enough to take fields from."""

    text: str
    confidence: float
    box: list[list[int]] = Field(description="Corners tl, tr, br, bl in the photo's pixels")
    height_px: float
    image: int = Field(description="Index of the photo, in the order sent")
    legible: bool


class PhotoRead(BaseModel):
    """A photo's size and the measures of its quality (see basegun/answering/alarm/quality.py)."""

    width: int
    height: int
    problems: list[str]
    blur_px: float
    edge_contrast: float
    median_brightness: float


class Reason(BaseModel):
    """A field that bears on the legal category, stated for the expert, who decides."""

    code: Literal["blank_firing_calibre", "blank_firing_mark", "listed_alarm_model", "black_powder"]
    field: str
    text: dict[str, str]


class MarkingsResult(BaseModel):
    """What the markings say: the four fields, the marks, every line read, and the reasons for the expert."""

    id: str | None = Field(None, description="The stored result's id, for an alarm check or an expert request")
    status: Status = Field(description="read: legible text found; no_text: none; unreadable: the photos too poor")
    maker: FieldRead
    model: FieldRead
    calibre: FieldRead
    serial_number: FieldRead
    marks: list[Mark]
    listed_alarm_model: bool = Field(description="Maker and model are those of a listed alarm-gun model")
    reasons: list[Reason]
    lines: list[LineRead]
    photos: list[PhotoRead]
    notice: dict[str, str]
    timings_ms: dict[str, float]
