"""The markings reader: one to four close-ups, each read by the OCR, the fields found in all their lines together.

A field is only ever taken from a legible line (read with the OCR's confidence, two characters at least: the rule
of the alarm check), so a photo without markings gives `no_text` and no field. Photos too blurred, dark or washed
out to read (`basegun/answering/alarm/quality.py`) in which nothing legible was read are `unreadable`.
Boxes the OCR cut from one row are read as one line (`rows.py`): a curved slide cuts "1903" from ".22 l.r.".
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace

from PIL import Image

from basegun.answering.alarm.quality import MIN_SHORT_SIDE_PX, Quality, assess
from basegun.answering.markings.fields import FieldParser, Fields
from basegun.answering.markings.result import LineRead, MarkingsResult, PhotoRead, Reason, Status
from basegun.answering.markings.rows import parser_input, placed
from basegun.catalog.texts import Text, fill, load_texts, same
from basegun.errors import InvalidRequest
from basegun.inference.imaging import Limits, decode
from basegun.networks.ocr.reader import TextLine, TextReader

MAX_PHOTOS = 4
MIN_CHARACTERS = 2  # as the alarm check: a line with fewer letters and digits carries no marking
HANDGUNS = ("pistolet_semi_auto_moderne", "revolver", "autre_pistolet")
HANDGUN_REASONS = ("blank_firing_calibre", "blank_firing_mark")  # they bear on a handgun's category only


@dataclass(frozen=True)
class PhotoReading:
    """One photo's lines and quality, before the fields are found in all the photos' lines."""

    lines: tuple[TextLine, ...]
    quality: Quality
    size: tuple[int, int]
    timings: dict[str, float]


def legible(line: TextLine, min_confidence: float) -> bool:
    characters = len(re.findall(r"[A-Za-z0-9]", line.text))
    return line.confidence >= min_confidence and characters >= MIN_CHARACTERS


def check_photo_count(count: int) -> None:
    if count == 0:
        raise InvalidRequest("Send at least one close-up of the markings.", code="missing_photos")
    if count > MAX_PHOTOS:
        raise InvalidRequest(f"At most {MAX_PHOTOS} close-ups of the markings.", code="too_many_photos")


class MarkingsReader:
    """OCR, quality measures and the field parser, loaded once; `read` is thread-safe."""

    def __init__(self, reader: TextReader, parser: FieldParser, limits: Limits, notice: Text) -> None:
        self.reader = reader
        self.parser = parser
        self.limits = replace(limits, min_side=min(limits.min_side, MIN_SHORT_SIDE_PX))
        self.notice = notice
        self.texts = load_texts("markings")

    def read(self, photos: list[bytes], typology: str | None = None) -> MarkingsResult:
        """Read one to four photos (refusing what is not one); `typology` (when known) says which reasons apply:
        a blank-firing calibre bears on a handgun's category."""
        check_photo_count(len(photos))
        return self.result([self.read_bytes(data) for data in photos], typology)

    def read_bytes(self, data: bytes) -> PhotoReading:
        """Decode one uploaded photo and read it (the API runs this once per photo in its inference pool)."""
        started = time.perf_counter()
        photo = decode(data, self.limits, self.reader.detail)
        decoded = time.perf_counter()
        reading = self.read_photo(photo.image, photo.original_size)
        return replace(reading, timings={**reading.timings, "decode": (decoded - started) * 1000})

    def read_photo(self, image: Image.Image, size: tuple[int, int] | None = None) -> PhotoReading:
        started = time.perf_counter()
        quality = assess(image, self.reader.detector.prep.size)
        measured = time.perf_counter()
        lines = tuple(self.reader.read(image))
        timings = {"quality": (measured - started) * 1000, "ocr": (time.perf_counter() - measured) * 1000}
        return PhotoReading(lines, quality, size or image.size, timings)

    def result(self, readings: list[PhotoReading], typology: str | None = None) -> MarkingsResult:
        """The fields found in every photo's legible lines, with the status and the reasons."""
        check_photo_count(len(readings))
        started = time.perf_counter()
        lines = [
            LineRead(**line.to_dict(), image=index, legible=legible(line, self.reader.min_confidence))
            for index, reading in enumerate(readings)
            for line in reading.lines
        ]
        texts, confidences, found = parser_input(lines, self.reader.min_confidence)  # a row cut in boxes, read whole
        fields = self.parser.parse(texts, confidences)
        status: Status = "read"
        if not any(line.legible for line in lines):
            status = "no_text" if any(r.quality.readable for r in readings) else "unreadable"
        return MarkingsResult(
            status=status,
            maker=placed(fields.maker, found),
            model=placed(fields.model, found),
            calibre=placed(fields.calibre, found),
            serial_number=placed(fields.serial_number, found),
            marks=[placed(mark, found) for mark in fields.marks],
            listed_alarm_model=fields.listed_alarm_model,
            reasons=self.reasons(fields, typology),
            lines=lines,
            photos=[photo_read(r) for r in readings],
            notice=self.notice,
            timings_ms=timings_of(readings, (time.perf_counter() - started) * 1000),
        )

    def reasons(self, fields: Fields, typology: str | None) -> list[Reason]:
        """What the fields say that bears on the category, for the expert; a handgun's only where it may be one."""
        texts = self.texts["reasons"]
        found: list[Reason] = []
        if fields.listed_alarm_model:
            name = " ".join(v for v in (fields.maker.value, fields.model.value) if v)
            found.append(
                Reason(
                    code="listed_alarm_model", field="model", text=fill(texts["listed_alarm_model"], name=same(name))
                )
            )
        if fields.blank_firing_calibre and fields.calibre.value:
            text = fill(texts["blank_firing_calibre"], calibre=same(fields.calibre.value))
            found.append(Reason(code="blank_firing_calibre", field="calibre", text=text))
        elif not fields.listed_alarm_model:
            blank = next((m for m in fields.marks if m.kind == "blank_firing"), None)
            if blank is not None and blank.value:
                text = fill(texts["blank_firing_mark"], mark=same(blank.value))
                found.append(Reason(code="blank_firing_mark", field="marks", text=text))
        if any(m.kind == "black_powder" for m in fields.marks):
            found.append(Reason(code="black_powder", field="marks", text=texts["black_powder"]))
        return reasons_for(found, typology)


def reasons_for(reasons: list[Reason], typology: str | None) -> list[Reason]:
    """The reasons that bear on a weapon of `typology`: a blank-firing calibre or mark only on a handgun, or where
    the typology is not known (it may be one). A reading made without the typology (a close-up a station chose)
    holds them all, and is narrowed by this once the weapon's typology is at hand."""
    if typology is None or typology in HANDGUNS:
        return list(reasons)
    return [reason for reason in reasons if reason.code not in HANDGUN_REASONS]


def timings_of(readings: list[PhotoReading], fields_ms: float) -> dict[str, float]:
    """Each stage's time over all the photos, the fields' own, and the total."""
    timings: dict[str, float] = {}
    for reading in readings:
        for stage, ms in reading.timings.items():
            timings[stage] = timings.get(stage, 0.0) + ms
    timings["fields"] = fields_ms
    timings["total"] = sum(timings.values())
    return {stage: round(ms, 1) for stage, ms in timings.items()}


def photo_read(reading: PhotoReading) -> PhotoRead:
    q = reading.quality
    return PhotoRead(
        width=reading.size[0],
        height=reading.size[1],
        problems=list(q.problems),
        blur_px=round(q.blur_px, 2),
        edge_contrast=round(q.edge_contrast, 4),
        median_brightness=round(q.median_brightness, 3),
    )
