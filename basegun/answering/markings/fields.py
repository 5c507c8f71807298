"""From the lines read to the fields: calibre, marks, maker and model, then the serial number in what is left.

Each finder takes the words it used out of the lines before the next looks, so that "9mm LUGER" is a calibre and not
the maker Ruger, and a model or calibre is never also taken for a serial number. A listed alarm-gun model is found by
the alarm rules (`basegun/data/alarm_markings.json`) in the same pass: the alarm check reads these very fields.
Nothing is taken from a line not legible: a photo without markings gives no field. A model no data file knows is
read last, from where markings put one (`placed.py`), and only once a maker was read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from basegun.answering.alarm.markings import Findings, MarkingRules
from basegun.answering.alarm.terms import Hit, Line, Term
from basegun.answering.markings.calibres import CalibreGrammar
from basegun.answering.markings.makers import Maker, MakerBook, ModelPattern, match_quality
from basegun.answering.markings.marks import MarkBook
from basegun.answering.markings.placed import ModelPlaces, key_of
from basegun.answering.markings.result import FieldRead, Mark
from basegun.answering.markings.serials import find_serial
from basegun.answering.markings.spans import span_of, words_at

MARK_NUMBER = re.compile(r"[^0-9]*([0-9]+)")  # a proof mark's number, after its letters
# A model number's variant, last of its words ("MLE 1935 S", "1911 A1  .45 ACP"; not the D of "1416 D HB")
VARIANT = re.compile(r"[ ]{1,2}([A-Za-z][0-9]?)(?=\s{2}|\s*$)")


@dataclass
class WorkLine:
    """A legible line, and what of it is still free for the next finder (used characters blanked)."""

    index: int
    text: str
    confidence: float
    free: str

    def take(self, start: int, end: int) -> None:
        """Blank [start, end) of the text (blanks keep every other character where it is)."""
        self.free = self.free[:start] + " " * (end - start) + self.free[end:]

    def taken(self, start: int, end: int) -> bool:
        return not self.free[start:end].strip()

    def field(self, value: str, start: int, end: int, quality: float = 1.0, take: bool = True) -> FieldRead:
        """A field read in [start, end) of the text (taken from it unless `take` is false)."""
        read = FieldRead(
            value=value,
            text=words_at(self.text, start, end),
            line=self.index,
            confidence=round(self.confidence * quality, 3),
        )
        if take:
            self.take(start, end)
        return read


@dataclass(frozen=True)
class Fields:
    """The fields read, and the alarm rules' findings in the same lines (for the alarm check)."""

    maker: FieldRead = field(default_factory=FieldRead)
    model: FieldRead = field(default_factory=FieldRead)
    calibre: FieldRead = field(default_factory=FieldRead)
    serial_number: FieldRead = field(default_factory=FieldRead)
    marks: tuple[Mark, ...] = ()
    listed_alarm_model: bool = False
    blank_firing_calibre: bool = False
    findings: Findings = field(default_factory=lambda: Findings([], [], [], []))


@dataclass(frozen=True)
class FieldParser:
    """The data files, loaded once; `parse` is pure and thread-safe."""

    makers: MakerBook
    calibres: CalibreGrammar
    marks: MarkBook
    alarm: MarkingRules
    places: ModelPlaces = field(default_factory=ModelPlaces.load)

    @classmethod
    def load(cls, alarm: MarkingRules | None = None) -> FieldParser:
        return cls(MakerBook.load(), CalibreGrammar.load(), MarkBook.load(), alarm or MarkingRules.load())

    def parse(self, texts: list[str], confidences: list[float] | None = None) -> Fields:
        """Fields from the legible lines' texts (an illegible line is given as ""; its index still counts)."""
        confidences = confidences or [1.0] * len(texts)
        lines = [WorkLine(i, t, c, t) for i, (t, c) in enumerate(zip(texts, confidences, strict=True)) if t.strip()]
        findings = self.alarm.find(texts)
        calibre, blank_calibre, calibre_at = self._calibre(lines)
        unmarked = {line.index: line.free for line in lines}
        marks = self._marks(lines)
        maker, model, listed = self._listed(lines, findings)
        if maker.value is None:
            maker, found = self._maker(lines)
            if found is None:
                maker, found = self._maker_around_marks(lines, unmarked)
            model = self._spelt(model, maker.value) if listed else self._model(lines, found, calibre_at)
            if model.value is None and found is not None:
                model = self._placed(lines, found, calibre_at)
        serial = find_serial(lines, self._names_a_maker)
        return Fields(maker, model, calibre, serial, marks, listed, blank_calibre, findings)

    def _calibre(self, lines: list[WorkLine]) -> tuple[FieldRead, bool, tuple[WorkLine, int] | None]:
        """The calibre, whether it is a blank-firing one, and its line and where it starts there."""
        hits = [(line, hit) for line in lines if (hit := self.calibres.find(line.free)) is not None]
        if not hits:
            return FieldRead(), False, None
        line, hit = min(hits, key=lambda h: (self.calibres.rank(h[1]), h[0].index))
        read = line.field(hit.value, hit.start, hit.end, take=False)
        for other, other_hit in hits:  # the calibre repeated elsewhere is not a serial number either
            other.take(other_hit.start, other_hit.end)
        return read, hit.calibre.blank_firing, (line, hit.start)

    def _marks(self, lines: list[WorkLine]) -> tuple[Mark, ...]:
        marks: dict[str, Mark] = {}
        for line in lines:
            taken: list[tuple[int, int]] = []
            for rule, term, hit in self.marks.find(Line.of(line.text)):
                start, end = span_of(line.text, hit.start, hit.end)
                value = rule.value
                if "#" in rule.value:  # its number stops at a space: "PTB 712  13-012345" is P.T.B. 712 and a serial
                    number = MARK_NUMBER.match(line.text, start, end)
                    if number is None:
                        continue
                    value, end = rule.value.replace("#", number.group(1)), number.end()
                if value in marks or any(start < e and s < end for s, e in taken):
                    continue
                read = line.field(value, start, end, match_quality(term, hit))
                marks[value] = Mark(kind=rule.kind, **read.model_dump())
                taken.append((start, end))
        return tuple(marks.values())

    def _listed(self, lines: list[WorkLine], findings: Findings) -> tuple[FieldRead, FieldRead, bool]:
        """A listed alarm model found by the alarm rules gives the maker and model, as the alarm check answers."""
        if not findings.listed_models:
            return FieldRead(), FieldRead(), False
        match = findings.listed_models[0]
        by_index = {line.index: line for line in lines}
        maker_name, model_name = match.rule.label["maker"], match.rule.label["model"]
        maker = FieldRead()
        model = FieldRead(value=model_name)
        for term, index, hit in match.found:
            line = by_index[index]
            read = line.field("", *span_of(line.text, hit.start, hit.end), match_quality(term, hit), take=False)
            if maker_name and term.text == _compact(maker_name) and maker.value is None:
                maker = read.model_copy(update={"value": self._maker_spelling(maker_name)})
            elif model.text is None:
                model = self._spelt(read.model_copy(update={"value": model_name}), maker_name)
        for _, index, hit in match.found:
            by_index[index].take(*span_of(by_index[index].text, hit.start, hit.end))
        return maker, model, True

    def _maker_spelling(self, name: str) -> str:
        maker = self.makers.named(name)
        return maker.name if maker else name

    def _spelt(self, model: FieldRead, maker_name: str | None) -> FieldRead:
        """A listed model as the makers file spells it for its maker (BLOW 'F92 AUTO' is 'F92 Auto')."""
        maker = self.makers.named(maker_name) if maker_name else None
        if maker is None or model.value is None:
            return model
        wanted = _compact(model.value)
        spelt = next((p.model for p in maker.models if not p.numbered and _compact(p.term.text) == wanted), None)
        return model.model_copy(update={"value": spelt}) if spelt else model

    def _maker(self, lines: list[WorkLine]) -> tuple[FieldRead, tuple[Maker, WorkLine, Hit] | None]:
        best: tuple[tuple[int, float, int, int], Maker, Term, WorkLine, Hit] | None = None
        for order, maker in enumerate(self.makers.makers):
            for line in lines:
                for term, hit in maker.find(Line.of(line.free)):
                    quality = match_quality(term, hit)
                    key = (-(hit.end - hit.start), -quality, line.index, order)
                    if best is None or key < best[0]:
                        best = (key, maker, term, line, hit)
        if best is None:
            return FieldRead(), None
        _, maker, term, line, hit = best
        read = line.field(maker.name, *span_of(line.free, hit.start, hit.end), match_quality(term, hit), take=False)
        return read, (maker, line, hit)

    def _maker_around_marks(
        self, lines: list[WorkLine], unmarked: dict[int, str]
    ) -> tuple[FieldRead, tuple[Maker, WorkLine, Hit] | None]:
        """A maker whose name holds a proof mark's words ("MANUFACTURE D'ARMES DE ST ETIENNE": the proof house of
        Saint-Etienne is the arsenal's town): read in the lines as they were before the marks were taken; on the
        maker's line, the marks are given back (still reported as marks), so that every place keeps its meaning."""
        view = [WorkLine(line.index, line.text, line.confidence, unmarked[line.index]) for line in lines]
        read, found = self._maker(view)
        if found is None:
            return read, None
        maker, seen, hit = found
        line = next(line for line in lines if line.index == seen.index)
        line.free = unmarked[line.index]
        return read, (maker, line, hit)

    def _model(
        self, lines: list[WorkLine], found: tuple[Maker, WorkLine, Hit] | None, calibre: tuple[WorkLine, int] | None
    ) -> FieldRead:
        """The maker's own patterns first (the longest read: "M&P 9" before "M&P"), then a model written as such
        ("MOD. 12"), then the maker's bare model number first on a line of its own (`_first_on_a_line`)."""
        patterns: tuple[ModelPattern, ...] = found[0].models if found else ()
        for group in (patterns, self.makers.generic_models):
            best: tuple[tuple[int, int, int], ModelPattern, WorkLine, Hit] | None = None
            for order, pattern in enumerate(group):
                for line in lines:
                    for hit in pattern.find(line.free):
                        if pattern.after_maker and not _right_after(found, line, hit):
                            continue
                        if found is not None and found[1] is line and _within(hit, found[2]):
                            continue  # within the maker's own name ("MANUFACTURE FRANCAISE": no model Le Français)
                        key = (-(hit.end - hit.start), line.index, order)
                        if best is None or key < best[0]:
                            best = (key, pattern, line, hit)
            if best is not None:
                _, pattern, line, hit = best
                span = span_of(line.free, hit.start, hit.end)
                number = span_of(line.free, *pattern.number_span(hit.start, hit.end))
                value = pattern.value(_number(line.free[number[0] : number[1]]))
                value, end = self._continued(line, *_with_variant(pattern, line, value, span[1]), calibre)
                return line.field(value, span[0], end, match_quality(pattern.term, hit))
        return self._first_on_a_line(lines, found, calibre)

    def _continued(self, line: WorkLine, value: str, end: int, calibre: tuple[WorkLine, int] | None) -> tuple[str, int]:
        """The rest of a model's designation on its line, up to the calibre there (`ModelPlaces.continued`)."""
        at_calibre = calibre is not None and calibre[0] is line and calibre[1] >= end
        stop = (calibre[1], True) if calibre is not None and at_calibre else (len(line.free), False)
        return self.places.continued(line, value, end, stop, (self.makers.bare_model_digits, self._names_a_maker))

    def _first_on_a_line(
        self, lines: list[WorkLine], found: tuple[Maker, WorkLine, Hit] | None, calibre: tuple[WorkLine, int] | None
    ) -> FieldRead:
        """A bare model number under the maker's name ("SAUER & SOHN" above "202  .300 WIN MAG"): one of the maker's
        bare-number patterns (`after_maker`) standing first on another line, followed there by a word or the
        calibre, with no more digits than a model number has. A number alone on its line (a serial number, a year)
        or after other words, or without a maker read, is never a model."""
        if found is None:
            return FieldRead()
        maker, maker_line, _ = found
        for line in lines:
            if line is maker_line:
                continue
            for pattern in maker.models:
                if not pattern.after_maker:
                    continue
                for hit in pattern.find(line.free):
                    start, end = span_of(line.free, hit.start, hit.end)
                    number = span_of(line.free, *pattern.number_span(hit.start, hit.end))
                    digits = re.sub(r"[^0-9]", "", line.free[number[0] : number[1]])
                    followed = re.search("[A-Za-z]", line.text[end:]) or (calibre is not None and calibre[0] is line)
                    first = not line.text[:start].strip()
                    if first and followed and len(digits) <= self.makers.bare_model_digits:
                        value = pattern.value(_number(line.free[number[0] : number[1]]))
                        value, end = self._continued(line, *_with_variant(pattern, line, value, end), calibre)
                        return line.field(value, start, end, match_quality(pattern.term, hit))
        return FieldRead()

    def _placed(
        self, lines: list[WorkLine], found: tuple[Maker, WorkLine, Hit], calibre: tuple[WorkLine, int] | None
    ) -> FieldRead:
        """A model no data file knows, from where markings put one (`placed.py`), at a lower confidence."""
        _, maker_line, hit = found
        maker_start, maker_end = span_of(maker_line.free, hit.start, hit.end)
        own = frozenset(key_of(word) for word in maker_line.text[maker_start:maker_end].split())
        return self.places.model(
            lines, (maker_line, maker_end), calibre, self.makers.bare_model_digits, self._names_a_maker, own
        )

    def _names_a_maker(self, word: str) -> bool:
        line = Line.of(word)
        return any(maker.find(line) for maker in self.makers.makers)


def _with_variant(pattern: ModelPattern, line: WorkLine, value: str, end: int) -> tuple[str, int]:
    """A model's number and the variant letter standing after it, a word of its own and the last of the model's
    words ("MLE 1935 S": the MAS 1935 S beside the 1935 A; "CZ 75 B", "1911 A1"); the model and where it now ends."""
    variant = VARIANT.match(line.free, end) if pattern.numbered and pattern.model.endswith("#") else None
    if variant is None:
        return value, end
    return f"{value} {variant.group(1).upper()}", variant.end()


def _number(read: str) -> str:
    """A model's number as read: its digits, dashes and slashes ("10-5", "10/22"), and the letters glued after it
    ("1895G", "43K": `makers.GLUED_SUFFIX`)."""
    letters = re.search(r"(?<=[0-9])[A-Za-z]{1,2}$", read.strip())
    return re.sub(r"[^0-9/-]", "", read) + (letters.group().upper() if letters else "")


def _within(one: Hit, other: Hit) -> bool:
    return other.start <= one.start and one.end <= other.end


def _right_after(found: tuple[Maker, WorkLine, Hit] | None, line: WorkLine, hit: Hit) -> bool:
    """A bare number is a model only right after the maker's name ("GLOCK 17"), wherever the name stands again
    ("GLOCK GES.M.B.H." above "GLOCK 19  9x19")."""
    if found is None:
        return False
    if found[1] is line and hit.start == found[2].end:
        return True
    return any(named.end == hit.start for _, named in found[0].find(Line.of(line.free)))


def _compact(text: str) -> str:
    return Line.of(text).compact
