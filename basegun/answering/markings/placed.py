"""A model the makers file does not know, read from where markings put a model (`basegun/data/model_places.json`).

No data file lists every model, so once the maker is read and none of the data files' patterns gave a model, the
short designation in a model's usual place is taken as the model, with a lower confidence than a known one:
1. first on the calibre's line, right before the calibre ("AZUR SAFARI  9,3x74R", "ELOS  CAL 20/76");
2. on the maker's line, right after the maker's name and right before the calibre ("FABARM ELOS 12/76");
3. first on the line under the maker's line ("DARNE" above "V19").
A designation is one to three short words of letters and digits; a model prefix before it ("MOD.", "TYPE") is
skipped. Never a designation: a word of the data file (a place, a country, a company form, a warning, a calibre's
word), a maker's name, a token shaped as a serial number, a number longer than a bare model number, nor numbers
alone (a bare number is a model only by the maker's own patterns in makers.json: else it is as often a serial
number or a year).
Before the calibre, only a calibre's word ("CAL") may stand between the designation and the calibre. Nothing is
taken without a maker read, so text without markings never gives a model.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from basegun.answering.markings.result import FieldRead
from basegun.catalog.texts import DATA_DIR

PLACED_QUALITY = 0.6  # a designation read from its place, not from a pattern of the data files
DESIGNATION = re.compile(r"[A-Z0-9][A-Z0-9/'-]*")
NUMBER = re.compile(r"[0-9][0-9/-]*")
LETTER_ZERO = re.compile(r"(?<=[A-Za-z])0(?=[A-Za-z])")  # OCR reads O as 0: "EL0S" is ELOS
MIN_SERIAL_DIGITS = 3  # as the serial-number finder (fields.py): three digits in four characters or more
MIN_SERIAL_LENGTH = 4


class PlaceLine(Protocol):
    """What the finder needs of a line (fields.WorkLine)."""

    index: int
    text: str
    free: str

    def field(self, value: str, start: int, end: int, quality: float = 1.0, take: bool = True) -> FieldRead: ...


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    raw: str
    key: str


def key_of(word: str) -> str:
    """A word as the data file writes it: capitals without accents, no dots, no punctuation around it."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)).upper()
    return plain.replace(".", "").strip(',:;()[]"')


def tokens_of(text: str, start: int, end: int) -> list[Token]:
    return [
        Token(start + m.start(), start + m.end(), m.group(), key_of(m.group()))
        for m in re.finditer(r"\S+", text[start:end])
    ]


@dataclass(frozen=True)
class ModelPlaces:
    prefixes: frozenset[str]
    calibre_words: frozenset[str]
    not_models: frozenset[str]
    max_words: int
    max_word_length: int

    @classmethod
    def load(cls, path: Path = DATA_DIR / "model_places.json") -> ModelPlaces:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not data.get("source"):
            raise ValueError(f"{path}: needs a source")
        words = {key_of(w) for group in data["not_models"].values() for w in group}
        return cls(
            frozenset(key_of(w) for w in data["prefixes"]),
            frozenset(key_of(w) for w in data["calibre_words"]),
            frozenset(words),
            int(data["designation"]["max_words"]),
            int(data["designation"]["max_word_length"]),
        )

    def designation(self, token: Token, max_digits: int) -> bool:
        """A word a model's designation may hold: short, letters and digits, no word of the data file, not shaped
        as a serial number."""
        key = token.key
        if not key or key in self.not_models or key in self.calibre_words or len(key) > self.max_word_length:
            return False
        if not DESIGNATION.fullmatch(key):
            return False
        digits = sum(c.isdigit() for c in key)
        if NUMBER.fullmatch(key):
            return digits <= max_digits
        return not (digits >= MIN_SERIAL_DIGITS and len(key) >= MIN_SERIAL_LENGTH)

    def model(
        self,
        lines: Sequence[PlaceLine],
        maker: tuple[PlaceLine, int],
        calibre: tuple[PlaceLine, int] | None,
        max_digits: int,
        names_a_maker: Callable[[str], bool] = lambda word: False,
    ) -> FieldRead:
        """The designation in the first of the model's places that holds one (see the module); `maker` is the
        maker's line and where its name ends, `calibre` the calibre's line and where it starts; a word that
        `names_a_maker` ("BROWNING'S PATENT" under "FABRIQUE NATIONALE") is not a model either."""
        maker_line, maker_end = maker
        checks = (max_digits, names_a_maker)
        if calibre is not None:
            line, start = calibre
            if line is not maker_line:
                found = self._run(line, 0, start, checks, before_calibre=True)
            else:
                found = self._run(line, maker_end, start, checks, before_calibre=True)
            if found is not None:
                return found
        position = next((k for k, line in enumerate(lines) if line is maker_line), None)
        if position is None or position + 1 >= len(lines):
            return FieldRead()
        under = lines[position + 1]
        if calibre is not None and under is calibre[0]:
            return FieldRead()
        return self._run(under, 0, len(under.free), checks, before_calibre=False) or FieldRead()

    def _run(
        self,
        line: PlaceLine,
        start: int,
        end: int,
        checks: tuple[int, Callable[[str], bool]],
        before_calibre: bool,
    ) -> FieldRead | None:
        """The designation standing first in line[start:end] (nothing read before it there)."""
        tokens = tokens_of(line.free, start, end)
        if not tokens or line.text[start : tokens[0].start].strip(" ,-"):
            return None
        if tokens[0].key in self.prefixes and len(tokens) > 1:
            tokens = tokens[1:]
        run: list[Token] = []
        max_digits, names_a_maker = checks
        for token in tokens:
            if not self.designation(token, max_digits) or names_a_maker(token.raw):
                break
            run.append(token)
        rest = tokens[len(run) :]
        if not run or len(run) > self.max_words or sum(c.isalnum() for t in run for c in t.key) < 2:
            return None
        if before_calibre and any(t.key not in self.calibre_words for t in rest):
            return None
        if all(NUMBER.fullmatch(t.key) for t in run):
            return None  # a bare number is a model only by the maker's own patterns (makers.json, after_maker)
        value = " ".join(LETTER_ZERO.sub("O", t.raw.strip(",:;")) for t in run)
        return line.field(value, run[0].start, run[-1].end, PLACED_QUALITY)
