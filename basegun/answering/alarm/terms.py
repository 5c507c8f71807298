"""Finding a marking in OCR text: tolerant to the usual OCR mistakes, strict about where a word starts and ends.

OCR of engraved markings drops spaces and dots ("BLOWF92", "CaL9mmP.A.K"), reads O for 0 or I for 1 ("ZORAK192S"),
and gets a letter wrong now and then. Ordinary words must still not match by accident: "AUTOMATIC" is not "AUTO",
"PYTHONS" is not "PYTHON", the "925" inside a serial number is not a model. Two kinds of term do this:

- a `Name` (a maker's name, a word) is found anywhere in a line with at most one wrong character, so that a logo
  read as a stray letter in front of it does not hide it;
- a `Code` (a model number, a proof mark) must have every character right, modulo confusable characters and the
  spaces and dots that OCR drops, and must stand on its own: not glued to letters (if it starts or ends with a
  letter) or digits (if it starts or ends with a digit), unless glued to a name of the same rule ("BLOWF92") or
  after one of the rule set's glued prefixes ("MOD925", "9MMPAK").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Characters OCR reads for one another on engraved steel: not counted as wrong.
CONFUSABLE_GROUPS = ("0OQD", "1IL", "5S", "2Z", "8B", "6G")
_GROUP = {char: group for group in CONFUSABLE_GROUPS for char in group}
# One wrong character in a 3-letter word would match too many ordinary words.
MIN_FUZZY_LENGTH = 4


def compact(text: str) -> str:
    """Upper-case letters and digits only, accents removed: what terms are written and matched in."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Z0-9]", "", plain.upper())


def _readable_as(expected: str, read: str) -> bool:
    """Whether OCR reading `read` where `expected` is engraved is an ordinary confusion (or no confusion)."""
    return expected == read or read in _GROUP.get(expected, "")


@dataclass(frozen=True)
class Line:
    """A line of OCR text as letters and digits, remembering where a space or punctuation separated them."""

    compact: str
    gap_before: tuple[bool, ...]  # gap_before[i]: a separator before compact[i]; one more entry for the end

    @classmethod
    def of(cls, text: str) -> Line:
        chars: list[str] = []
        gaps: list[bool] = []
        gap = True
        for char in unicodedata.normalize("NFKD", text).upper():
            if "A" <= char <= "Z" or "0" <= char <= "9":
                chars.append(char)
                gaps.append(gap)
                gap = False
            elif not unicodedata.combining(char):
                gap = True
        return cls("".join(chars), (*gaps, True))

    def stands_alone(self, start: int, end: int) -> tuple[bool, bool]:
        """Whether [start, end) is separated from a same-kind character (letter from letter, digit from digit)."""
        text = self.compact
        left = self.gap_before[start] or text[start - 1].isdigit() != text[start].isdigit()
        right = self.gap_before[end] or text[end - 1].isdigit() != text[end].isdigit()
        return left, right


@dataclass(frozen=True)
class Hit:
    """Where a term was found in a line, what was read there, and how many characters differ."""

    start: int
    end: int
    read: str
    differences: int


class Name:
    """A name or word, found anywhere in a line with at most one wrong character."""

    def __init__(self, text: str) -> None:
        self.text = compact(text)
        if not self.text:
            raise ValueError(f"empty name term: {text!r}")
        self.allowed_errors = 1 if len(self.text) >= MIN_FUZZY_LENGTH else 0

    def __repr__(self) -> str:
        return f"Name({self.text!r})"

    def find(self, line: Line, glued_prefixes: tuple[str, ...] = (), anchors: tuple[Hit, ...] = ()) -> list[Hit]:
        """Every place the name is read with at most one wrong character (a name needs no edges nor anchors)."""
        size, text = len(self.text), line.compact
        hits = []
        for start in range(len(text) - size + 1):
            window = text[start : start + size]
            wrong = sum(not _readable_as(e, r) for e, r in zip(self.text, window, strict=True))
            if wrong <= self.allowed_errors:
                differences = sum(e != r for e, r in zip(self.text, window, strict=True))
                hits.append(Hit(start, start + size, window, differences))
        return hits


class Code:
    """A model number or mark: exact modulo confusables and dropped separators, standing on its own."""

    def __init__(self, text: str) -> None:
        self.text = text
        parts = []
        for char in text.upper():
            if char == "#":
                parts.append("[0-9]+")
            elif char.isalnum():
                parts.append("[" + re.escape(_GROUP.get(char, char)) + "]")
        if not parts:
            raise ValueError(f"empty code term: {text!r}")
        self._expected = compact(text)
        self._counted = "#" not in text  # a number's digits vary: nothing to compare them with
        self._pattern = re.compile("(?=(" + "".join(parts) + "))")

    def __repr__(self) -> str:
        return f"Code({self.text!r})"

    def _differences(self, read: str) -> int:
        """Characters read as a confusable of the expected one."""
        return sum(e != r for e, r in zip(self._expected, read, strict=True)) if self._counted else 0

    def find(self, line: Line, glued_prefixes: tuple[str, ...] = (), anchors: tuple[Hit, ...] = ()) -> list[Hit]:
        """Hits that stand alone, or are glued to an anchor (a name of the same rule) or after a glued prefix."""
        hits = []
        for match in self._pattern.finditer(line.compact):
            start, end = match.start(1), match.end(1)
            left, right = line.stands_alone(start, end)
            left = left or any(a.end == start for a in anchors) or line.compact[:start].endswith(glued_prefixes)
            right = right or any(a.start == end for a in anchors)
            if left and right:
                read = match.group(1)
                hits.append(Hit(start, end, read, self._differences(read)))
        return hits


Term = Name | Code


def parse_term(spec: dict[str, str]) -> Term:
    """A term from a data file: {"name": "..."} or {"code": "..."}."""
    if set(spec) == {"name"}:
        return Name(spec["name"])
    if set(spec) == {"code"}:
        return Code(spec["code"])
    raise ValueError(f"a term is {{'name': ...}} or {{'code': ...}}, not {spec!r}")
