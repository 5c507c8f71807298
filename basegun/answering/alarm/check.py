"""The alarm-gun check: a close-up of the markings in, one of five answers out, always with its evidence.

The OCR always reads the photo and the markings reader's field parser (`basegun/answering/markings/fields.py`)
finds the maker and model in its legible lines with the alarm rules: the alarm check reads the same fields. A listed
model (then a blank-firing mark) read is the answer, however poor the photo: text read and matched is its own
evidence. Otherwise a photo measurably too blurred, dark or washed
out (`basegun/answering/alarm/quality.py`) is answered `unreadable`, so that reading nothing in it is never taken for
"no alarm marking"; a sharp one is answered `no_alarm_marking` or, when the OCR finds no legible text, `no_text`.
A small photo is never refused for its size: a strip of markings 32 px tall is read (`MIN_SHORT_SIDE_PX`).
`no_text` and `unreadable` ask for a better photo and never say the weapon is not an alarm gun.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, get_args

from PIL import Image
from pydantic import AfterValidator, BaseModel, ConfigDict

from basegun.answering.alarm.markings import Findings, MarkingRules
from basegun.answering.alarm.quality import MIN_SHORT_SIDE_PX, Problem, Quality, assess
from basegun.catalog.texts import DATA_DIR, LANGUAGES, CheckedText, Text, exactly, fill, load_model, same
from basegun.inference.imaging import Limits, decode
from basegun.networks.ocr.reader import TextLine, TextReader

if TYPE_CHECKING:  # the markings reader's parser uses the alarm rules: imported by the service, not here
    from basegun.answering.markings.fields import FieldParser, Fields

Status = Literal["listed_alarm_model", "blank_firing_mark", "no_alarm_marking", "no_text", "unreadable"]
STATUSES: tuple[Status, ...] = ("listed_alarm_model", "blank_firing_mark", "no_alarm_marking", "no_text", "unreadable")
PROBLEMS: tuple[Problem, ...] = get_args(Problem)
# The shortest listed marking ("R2") has two characters: a line with fewer letters and digits cannot carry one.
MIN_CHARACTERS = 2


class AlarmTexts(BaseModel):
    """The user-facing texts of the check, from `basegun/data/alarm_check.json`, checked by pydantic: a summary and
    an advice for every status, a text for every photo problem, each in every language."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str = ""
    answers: Annotated[
        dict[str, Annotated[dict[str, CheckedText], AfterValidator(exactly(("summary", "advice")))]],
        AfterValidator(exactly(STATUSES)),
    ]
    problems: Annotated[dict[str, CheckedText], AfterValidator(exactly(PROBLEMS))]
    airsoft_hint: CheckedText

    @classmethod
    def load(cls, path: Path = DATA_DIR / "alarm_check.json") -> AlarmTexts:
        return load_model(cls, path)


@dataclass(frozen=True)
class Reading:
    """What the OCR read, which lines are legible enough to count, and the fields and markings found in those."""

    lines: tuple[TextLine, ...]
    legible: tuple[bool, ...]
    fields: Fields

    @property
    def findings(self) -> Findings:
        return self.fields.findings


@dataclass(frozen=True)
class AlarmCheck:
    """One check's answer; `to_dict` is the JSON the API returns."""

    status: Status
    summary: Text
    advice: Text
    airsoft_hint: Text | None
    quality: Quality
    lines: tuple[TextLine, ...]
    legible: tuple[bool, ...]
    findings: Findings
    notice: Text
    photo_size: tuple[int, int]
    timings_ms: dict[str, float]

    @property
    def listed_model(self) -> dict[str, str | None] | None:
        if self.status != "listed_alarm_model":
            return None
        label = self.findings.listed_models[0].rule.label
        return {"maker": label["maker"], "model": label["model"]}

    def to_dict(self) -> dict[str, Any]:
        findings = self.findings
        return {
            "status": self.status,
            "listed_model": self.listed_model,
            "summary": self.summary,
            "advice": self.advice,
            "airsoft_markings": airsoft_names(findings),
            "airsoft_hint": self.airsoft_hint,
            "evidence": {
                "quality": self.quality.to_dict(),
                "text": [{**line.to_dict(), "used": used} for line, used in zip(self.lines, self.legible, strict=True)],
                "listed_models": [m.to_dict() for m in findings.listed_models],
                "blank_firing_marks": [m.to_dict() for m in findings.blank_firing_marks],
                "airsoft_markings": [m.to_dict() for m in findings.airsoft_markings],
                "vetoed": [m.to_dict() for m in findings.vetoed],
            },
            "notice": self.notice,
            "photo": {"width": self.photo_size[0], "height": self.photo_size[1]},
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
        }


class AlarmChecker:
    """Quality gate, OCR and marking rules, loaded once; `check` is thread-safe."""

    def __init__(
        self, reader: TextReader, parser: FieldParser, texts: AlarmTexts, limits: Limits, notice: Text
    ) -> None:
        self.reader = reader
        self.parser = parser
        self.texts = texts
        # The service's upload limits, except the shorter side: a strip of markings may be thinner than a photo.
        self.limits = replace(limits, min_side=min(limits.min_side, MIN_SHORT_SIDE_PX))
        self.notice = notice

    def check(self, data: bytes) -> AlarmCheck:
        """Decode an uploaded photo (refusing what is not one) and check it."""
        started = time.perf_counter()
        photo = decode(data, self.limits, self.reader.detail)
        decoded = time.perf_counter()
        return self.check_image(photo.image, photo.original_size, {"decode": (decoded - started) * 1000})

    def check_image(
        self, image: Image.Image, photo_size: tuple[int, int] | None = None, timings: dict[str, float] | None = None
    ) -> AlarmCheck:
        timings = dict(timings or {})
        started = time.perf_counter()
        quality = assess(image, self.reader.detector.prep.size)
        timings["quality"] = (time.perf_counter() - started) * 1000
        read_started = time.perf_counter()
        reading = self.read(image)
        timings["ocr"] = (time.perf_counter() - read_started) * 1000
        return self.answer(reading, quality, photo_size or image.size, timings)

    def answer(
        self, reading: Reading, quality: Quality, photo_size: tuple[int, int], timings: dict[str, float]
    ) -> AlarmCheck:
        """The answer that a reading and the photo's quality give (also for a stored markings reading)."""
        lines, legible, findings = reading.lines, reading.legible, reading.findings
        status: Status = "unreadable"
        if quality.readable:
            status = status_of(findings) if any(legible) else "no_text"
        elif findings.listed_models or findings.blank_firing_marks:
            status = status_of(findings)
        timings["total"] = sum(timings.values())
        return AlarmCheck(
            status=status,
            summary=self._summary(status, quality, findings),
            advice=self.texts.answers[status]["advice"],
            airsoft_hint=self._airsoft_hint(findings),
            quality=quality,
            lines=lines,
            legible=legible,
            findings=findings,
            notice=self.notice,
            photo_size=photo_size,
            timings_ms=timings,
        )

    @property
    def rules(self) -> MarkingRules:
        return self.parser.alarm

    def read(self, image: Image.Image) -> Reading:
        """OCR and the markings' fields, whatever the photo's quality."""
        return self.reading(tuple(self.reader.read(image)))

    def reading(self, lines: tuple[TextLine, ...]) -> Reading:
        """The fields of the legible lines (the markings reader's parser: the same fields, the same rules)."""
        legible = tuple(self._legible(line) for line in lines)
        # Illegible lines are blanked rather than dropped, so that the evidence's line numbers are those of `lines`.
        texts = [line.text if ok else "" for line, ok in zip(lines, legible, strict=True)]
        return Reading(lines, legible, self.parser.parse(texts, [line.confidence for line in lines]))

    def _legible(self, line: TextLine) -> bool:
        """Read with enough confidence, and long enough to carry a marking."""
        characters = len(re.findall(r"[A-Za-z0-9]", line.text))
        return line.confidence >= self.reader.min_confidence and characters >= MIN_CHARACTERS

    def _summary(self, status: Status, quality: Quality, findings: Findings) -> Text:
        template = self.texts.answers[status]["summary"]
        if status == "unreadable":
            problems = [self.texts.problems[p] for p in quality.problems]
            return fill(template, problems={lang: ", ".join(p[lang] for p in problems) for lang in LANGUAGES})
        if status == "listed_alarm_model":
            return fill(template, name=same(findings.listed_models[0].rule.name))
        return template

    def _airsoft_hint(self, findings: Findings) -> Text | None:
        names = airsoft_names(findings)
        return fill(self.texts.airsoft_hint, markings=same(", ".join(names))) if names else None


def status_of(findings: Findings) -> Status:
    """The answer that legible text gives: a listed model first, then a blank-firing mark."""
    if findings.listed_models:
        return "listed_alarm_model"
    return "blank_firing_mark" if findings.blank_firing_marks else "no_alarm_marking"


def airsoft_names(findings: Findings) -> list[str]:
    """The airsoft or air-gun markings found, each named once."""
    return list(dict.fromkeys(str(m.rule.label["marking"]) for m in findings.airsoft_markings))
