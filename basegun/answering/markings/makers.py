"""Makers met in France and their model patterns, from `basegun/data/makers.json`; found in OCR text with the terms
of the alarm check (`basegun/answering/alarm/terms.py`): names tolerate one wrong letter, codes stand on their own."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from basegun.answering.alarm.terms import CONFUSABLE_GROUPS, Code, Hit, Line, Name, Term, compact, parse_term
from basegun.answering.markings.spans import compact_positions
from basegun.catalog.texts import DATA_DIR

# A name is read with one wrong letter only when it is long enough not to be another word ("LUGER" is not "RUGER").
MIN_FUZZY_NAME = 6
GLUED_PREFIXES = ("MOD", "MODEL", "MLE")
WRONG_LETTER_COST = 0.2  # confidence lost per letter read wrong
CONFUSABLE_COST = 0.05  # per character read as one OCR confuses with it (0 for O)
GLUED_SUFFIX = re.compile(r"[A-Za-z]{1,2}(?![A-Za-z0-9])")  # "1895G", "92FS": a model's letters after its number


def confused(expected: str, read: str) -> bool:
    """The same character, or one OCR reads for it."""
    return expected == read or any(expected in group and read in group for group in CONFUSABLE_GROUPS)


def wrong_letters(term: Term, hit: Hit) -> int:
    """Letters read neither as themselves nor as a confusable (only a name may have one)."""
    if not isinstance(term, Name):
        return 0
    return sum(not confused(e, r) for e, r in zip(term.text, hit.read, strict=True))


def match_quality(term: Term, hit: Hit) -> float:
    """1 for an exact read, less for each confusable and each wrong letter."""
    wrong = wrong_letters(term, hit)
    return max(0.0, 1 - WRONG_LETTER_COST * wrong - CONFUSABLE_COST * (hit.differences - wrong))


def accept(term: Term, hit: Hit) -> bool:
    return isinstance(term, Code) or wrong_letters(term, hit) == 0 or len(term.text) >= MIN_FUZZY_NAME


def whole(term: Term, line: Line, hit: Hit) -> bool:
    """A short name is a word of its own: "ERMA" is not read in "GERMANY", nor "BLOW" in "BLOWBACK"."""
    return not isinstance(term, Name) or len(term.text) >= MIN_FUZZY_NAME or all(line.stands_alone(hit.start, hit.end))


@dataclass(frozen=True)
class ModelPattern:
    """A model as its markings write it; '#' in the term is any number, carried into `model`."""

    term: Term
    model: str
    after_maker: bool
    prefix: int  # letters and digits before the '#', to cut the number out of what was read
    suffix: int

    @classmethod
    def of(cls, spec: dict[str, Any]) -> ModelPattern:
        text = spec.get("code") or spec.get("name") or ""
        if text.count("#") > 1:
            raise ValueError(f"makers.json: a model pattern has one number at most: {text!r}")
        before, _, after = text.partition("#")
        term = parse_term({k: v for k, v in spec.items() if k in ("code", "name")})
        return cls(term, spec["model"], bool(spec.get("after_maker")), len(compact(before)), len(compact(after)))

    @property
    def numbered(self) -> bool:
        return "#" in self.model

    def value(self, read: str) -> str:
        """The model's spelling, with the number as read (its dashes and slashes kept: "10-5")."""
        if not self.numbered:
            return self.model
        return self.model.replace("#", read)

    def number_span(self, start: int, end: int) -> tuple[int, int]:
        """Where the number is, in a hit [start, end) of the compact line."""
        return start + self.prefix, end - self.suffix

    def find(self, text: str) -> list[Hit]:
        line = Line.of(text)
        hits = [hit for hit in self.term.find(line, GLUED_PREFIXES) if accept(self.term, hit)]
        hits = [hit for hit in hits if whole(self.term, line, hit)]
        if "#" not in self.term.text:
            return hits
        return [cut for hit in hits if (cut := self._number_within_a_word(text, hit)) is not None]

    def _number_within_a_word(self, text: str, hit: Hit) -> Hit | None:
        """A number runs on only across a dash or a slash ("10-5", "10/22"): it stops at a space or a point
        ("MOD.98 8x57" and "MODEL 70.270" are models 98 and 70); cut it there, or drop the hit when text must follow
        the number. One or two letters glued to the number and ending the word are the model's own ("MODEL 1895G",
        "IZH-43K", "MOD.92FS": models 1895G, IZH-43K and 92FS, not 1895, 43 and 92); more are another word."""
        start, end = self.number_span(hit.start, hit.end)
        positions = compact_positions(text)
        between = [text[positions[i - 1] + 1 : positions[i]] for i in range(start + 1, end)]
        stop = next((start + 1 + k for k, gap in enumerate(between) if gap and gap.strip("-/")), None)
        if stop is None:
            after = positions[end] if end < len(positions) else None
            if after is None or after != positions[end - 1] + 1 or not text[after].isalpha() or self.suffix:
                return hit
            letters = GLUED_SUFFIX.match(text, after)
            if letters is None:
                return None
            return Hit(hit.start, hit.end + len(letters.group()), hit.read + letters.group().upper(), hit.differences)
        if self.suffix:
            return None
        return Hit(hit.start, stop, hit.read[: stop - hit.start], hit.differences)


@dataclass(frozen=True)
class Maker:
    name: str
    kinds: tuple[str, ...]
    spellings: tuple[Term, ...]
    models: tuple[ModelPattern, ...]

    def find(self, line: Line) -> list[tuple[Term, Hit]]:
        return [
            (term, hit)
            for term in self.spellings
            for hit in term.find(line)
            if accept(term, hit) and whole(term, line, hit)
        ]


@dataclass(frozen=True)
class MakerBook:
    """Every maker, in the data file's order, the model patterns of any maker, and the most digits a bare model
    number has (a longer number is a serial number)."""

    makers: tuple[Maker, ...]
    generic_models: tuple[ModelPattern, ...]
    bare_model_digits: int

    @classmethod
    def load(cls, path: Path = DATA_DIR / "makers.json") -> MakerBook:
        data = json.loads(path.read_text(encoding="utf-8"))
        makers = []
        for spec in data["makers"]:
            if not spec.get("source"):
                raise ValueError(f"{path}: maker {spec.get('name')!r} needs a source")
            makers.append(
                Maker(
                    spec["name"],
                    tuple(spec["kinds"]),
                    tuple(parse_term(t) for t in spec["spellings"]),
                    tuple(ModelPattern.of(m) for m in spec["models"]),
                )
            )
        generic = tuple(ModelPattern.of(m) for m in data["generic_models"])
        return cls(tuple(makers), generic, int(data["bare_models"]["max_digits"]))

    def named(self, name: str) -> Maker | None:
        wanted = compact(name)
        return next((m for m in self.makers if compact(m.name) == wanted), None)
