"""A model the makers file does not know, read from where markings put a model (`basegun/data/model_places.json`).

No data file lists every model, so once the maker is read and none of the data files' patterns gave a model, the
short designation in a model's usual place is taken as the model, with a lower confidence than a known one:
1. first on the calibre's line, right before the calibre ("AZUR SAFARI  9,3x74R", "ELOS  CAL 20/76");
2. on the maker's line, right after the maker's name and right before the calibre ("FABARM ELOS 12/76");
3. on the maker's line, right after the maker's name, a number or letters and a number ("SAKO 75", "RIZZINI BR110",
   "MAS 1935 S"), with nothing after it on the line but words of the data file (a country, a place: "SAKO 75
   FINLAND"): a short number right after a maker's name on its own line is that maker's model designation far more
   often than anything else ("COLT 1911", "MAS 36");
4. first on the line under the maker's line ("DARNE" above "V19"), past lines holding only the maker's town and
   country ("UNIQUE" above "HENDAYE" above "MOD. L"); there, several words without a digit are not taken (an
   address the data file does not know: "HENRY REPEATING ARMS CO." above "BAYONNE NJ").
A designation is one to three short words of letters and digits, two characters at least, or one after a model prefix
("MOD. L", "MOD. D"); the prefix ("MOD.", "TYPE") is skipped. Never a designation: a word of the data file (a place, a
country, a company form, a warning, a calibre's word, the words before a year of foundation: "SINCE", "EST."), a maker's
name, a number longer than a bare model number, a token shaped as a serial number: three digits or more in four
characters or more, except, before the calibre or right after the maker's name (where a model stands, a serial number
does not), a model's shape: at most three letters and three digits, or two letters and four digits ("BR110", "SP2022";
not "DBW1234", "B41277").
Numbers alone are a model only right after the maker's name (places 2 and 3), or first on the line right under the
maker's line and followed there by the calibre ("VOERE AUSTRIA" above "2165  .30-06", as Sauer's "202  .300 WIN
MAG"): one number of at most `bare_models.max_digits` digits. First on another line, a bare number is a model only by
the maker's own patterns in makers.json, as it is as often a serial number or a year there. After a number, one
letter (or a letter and a digit) is its variant ("1935 S", "75 B", "1911 A1").
Before the calibre, only a calibre's word ("CAL") may stand between the designation and the calibre. Right after the
maker's name, another word of its own after the designation (a street, a town the data file does not know) leaves
the place empty: an address is not a model. Nothing is taken without a maker read, so text without markings never
gives a model.
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
LETTER_ZERO = re.compile(r"(?<=[A-Za-z])0(?=[A-Za-z])|(?<=[A-Za-z]{2})0\b")  # OCR reads O as 0: "EL0S", "NE0"
VARIANT = re.compile(r"[A-Z][0-9]?")  # the variant after a model's number: "1935 S", "1911 A1"
MIN_SERIAL_DIGITS = 3  # as the serial-number finder (fields.py): three digits in four characters or more
MIN_SERIAL_LENGTH = 4
SUFFIX = re.compile(r"[A-Z]{1,2}[0-9]{1,2}")  # after a model's number: "MLE 1886 M93", "1911 A1"
HAS_DIGIT = re.compile(r"[0-9]")
YEAR = re.compile(r"(18[5-9][0-9]|19[0-9]{2}|20[0-4][0-9])")  # a year of making, as stamped beside a maker's name
ENDS_IN_DIGIT = re.compile(r"[0-9]$")
# A designation (with a digit, or a version in Roman numerals) and the calibre's word glued to it: "S56ECAL."
GLUED_CALIBRE_WORD = re.compile(r"([A-Za-z0-9/-]*[0-9][A-Za-z0-9/-]*|I{1,3}|IV|VI{0,3}|IX|X)(?:CAL|KAL)\.?")
ROMAN = re.compile(r"(I{1,3}|IV|VI{0,3}|IX|X)\*?")  # a model's version in Roman numerals: "COMANCHE III", "III*"
CONTINUED_WORDS = 2  # words a designation continues over after what was read of it
MODEL_SHAPES = ((3, 3), (2, 4))  # (letters, digits) at most: a model's designation may be shaped as a serial number


def model_shaped(key: str) -> bool:
    """Letters and digits as a model's designation has them ("BR110", "P226", "SP2022"), not as a serial number
    ("DBW1234", "B41277", "ABCD123")."""
    letters, digits = sum(c.isalpha() for c in key), sum(c.isdigit() for c in key)
    return letters > 0 and any(letters <= most_letters and digits <= most for most_letters, most in MODEL_SHAPES)


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
    """A word as the data file writes it: capitals without accents, no dots, no punctuation or quote around it
    ("BLR '81": 81)."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)).upper()
    return plain.replace(".", "").strip(",:;()[]\"'")


def unglued(token: Token) -> Token:
    """A designation with the calibre's word the OCR glued to it taken off ("S56ECAL.", "IICAL." for "S56E  CAL.")."""
    glued = GLUED_CALIBRE_WORD.fullmatch(token.raw)
    if glued is None:
        return token
    raw = glued.group(1)
    return Token(token.start, token.start + len(raw), raw, key_of(raw))


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
    variant_words: tuple[str, ...] = ()  # spelt as a model's name spells them ("Match"), see `continued`

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
            tuple(data["continuations"]["variant_words"]),
        )

    def designation(self, token: Token, max_digits: int, model_place: bool = False) -> bool:
        """A word a model's designation may hold: short, letters and digits, no word of the data file, not shaped
        as a serial number (unless, in a model's own place, `model_place`, shaped as a model)."""
        key = token.key
        if not key or key in self.not_models or key in self.calibre_words or len(key) > self.max_word_length:
            return False
        if any(key.startswith(word) and key[len(word) : len(word) + 1].isdigit() for word in self.calibre_words):
            return False  # a calibre's word glued to its number by the OCR ("CAL.6mm"): a calibre, never a model
        if not DESIGNATION.fullmatch(key):
            return False
        digits = sum(c.isdigit() for c in key)
        if NUMBER.fullmatch(key):
            return digits <= max_digits
        serial_shaped = digits >= MIN_SERIAL_DIGITS and len(key) >= MIN_SERIAL_LENGTH
        return not serial_shaped or (model_place and model_shaped(key))

    def model(
        self,
        lines: Sequence[PlaceLine],
        maker: tuple[PlaceLine, int],
        calibre: tuple[PlaceLine, int] | None,
        max_digits: int,
        names_a_maker: Callable[[str], bool] = lambda word: False,
        own: frozenset[str] = frozenset(),
    ) -> FieldRead:
        """The designation in the first of the model's places that holds one (see the module); `maker` is the
        maker's line and where its name ends, `calibre` the calibre's line and where it starts; a word that
        `names_a_maker` ("BROWNING'S PATENT" under "FABRIQUE NATIONALE") is not a model either. The words of the
        maker's name as stamped (`own`) repeated before a designation are skipped ("J.P. SAUER & SOHN" above
        "SAUER 100"). A year right after the maker's name yields to a designation under it ("SAKO 1942" above
        "M/39"): the year of making, not a model."""
        maker_line, maker_end = maker
        checks = (max_digits, names_a_maker)
        under = self._under(lines, maker_line)
        below = None if under is None or (calibre is not None and under is calibre[0]) else under
        if calibre is not None:
            line, start = calibre
            if line is not maker_line:
                found = self._run(line, 0, start, checks, own, before_calibre=True, under_maker=line is under)
            else:
                found = self._run(line, maker_end, start, checks, own, before_calibre=True, after_maker=True)
            if found is not None:
                return found
        if calibre is None or calibre[0] is not maker_line:
            found = self._run(maker_line, maker_end, len(maker_line.free), checks, own, after_maker=True)
            if found is not None and YEAR.fullmatch(found.value or "") and below is not None:
                found = self._run(below, 0, len(below.free), checks, own, under_maker=True) or found
            if found is not None:
                return found
        if below is None:
            return FieldRead()
        return self._run(below, 0, len(below.free), checks, own, under_maker=True) or FieldRead()

    def _under(self, lines: Sequence[PlaceLine], maker_line: PlaceLine) -> PlaceLine | None:
        """The line under the maker's, past lines made only of the data file's words: the maker's town and country
        ("STURM, RUGER & CO., INC." over "SOUTHPORT, CONN. U.S.A." over "GP100"; "UNIQUE" over "HENDAYE")."""
        position = next((k for k, line in enumerate(lines) if line is maker_line), None)
        if position is None:
            return None
        for line in lines[position + 1 :]:
            if any(token.key not in self.not_models for token in tokens_of(line.free, 0, len(line.free))):
                return line
        return None

    def continued(
        self,
        line: PlaceLine,
        value: str,
        end: int,
        stop: tuple[int, bool],
        checks: tuple[int, Callable[[str], bool]],
    ) -> tuple[str, int]:
        """A model read up to `end` with the rest of its designation on its line, before `stop` (the calibre, or the end
        of the line; `stop` says where, and whether it is the calibre): "TRG" and its number ("TRG 42"), a number and
        its suffix ("MLE 1886 M93"), a variant word of the data file ("MR 32 MATCH", "FIRAT MAGNUM"), a lone variant
        letter after a designation ending in a digit, ending the line or before the calibre ("MIAMI 92 F", "P-10 C"). At
        most `CONTINUED_WORDS` words, each right after the last; a number only after a designation without one, of at
        most three digits (more is a serial number or a year), or of a bare model number's digits right before the
        calibre, where neither stands ("SHADOW 1000 CAL. 4,5mm"); a suffix (one or two letters and one or two digits)
        after a number, or last after a name without one ("PPQ M2"); a version in Roman numerals last after a name
        without a number ("COMANCHE III"). Anything else ends it: a word of the data file, a maker's name, a serial
        number, the calibre."""
        stop_at, at_calibre = stop
        tokens = tokens_of(line.free, end, stop_at)
        max_digits, names_a_maker = checks
        variants = {key_of(word): word for word in self.variant_words}
        for position, token in enumerate(tokens[:CONTINUED_WORDS]):
            last = value.split()[-1] if value.split() else ""
            if line.text[end : token.start].strip() or names_a_maker(token.raw):
                break
            ends = all(t.key in self.calibre_words for t in tokens[position + 1 :])
            digits = max_digits if at_calibre and ends else min(3, max_digits)
            number = NUMBER.fullmatch(token.key) and len(token.key) <= digits and not HAS_DIGIT.search(value)
            suffix = SUFFIX.fullmatch(token.key) and (NUMBER.fullmatch(last) or (ends and not HAS_DIGIT.search(value)))
            apart = token.start > end  # glued ("500A"), the letter was read with the number already
            letter = ENDS_IN_DIGIT.search(last) and ends and apart and VARIANT.fullmatch(token.key) is not None
            roman = ends and ROMAN.fullmatch(token.key) is not None and not HAS_DIGIT.search(value)
            if token.key not in variants and not (number or suffix or letter or roman):
                break
            value, end = f"{value} {variants.get(token.key, token.key)}", token.end
        return value, end

    def _run(
        self,
        line: PlaceLine,
        start: int,
        end: int,
        checks: tuple[int, Callable[[str], bool]],
        own: frozenset[str],
        before_calibre: bool = False,
        after_maker: bool = False,
        under_maker: bool = False,
    ) -> FieldRead | None:
        """The designation standing first in line[start:end] (nothing read before it there): before the calibre
        (`before_calibre`, on the line right under the maker's: `under_maker`), right after the maker's name
        (`after_maker`), or first on the line under the maker's."""
        tokens = [unglued(token) for token in tokens_of(line.free, start, end)]
        if not tokens or line.text[start : tokens[0].start].strip(" ,-"):
            return None
        while len(tokens) > 1 and tokens[0].key in own:
            tokens = tokens[1:]
        # A model's prefix further on starts the designation: "MANNLICHER MOD. SL" is the model SL
        later = next((k for k, t in enumerate(tokens[1:3], 1) if t.key in self.prefixes and k + 1 < len(tokens)), None)
        if later is not None and all(self.designation(t, checks[0]) for t in tokens[:later]):
            tokens = tokens[later:]
        prefixed = tokens[0].key in self.prefixes and len(tokens) > 1
        if prefixed:
            tokens = tokens[1:]
        max_digits, names_a_maker = checks
        model_place = before_calibre or after_maker
        run: list[Token] = []
        for token in tokens:
            if not self.designation(token, max_digits, model_place) or names_a_maker(token.raw):
                break
            run.append(token)
        if after_maker and not before_calibre:
            run = self._numbered(run)  # a number (or letters and a number) and its variant, nothing else
        rest = tokens[len(run) :]
        least = 1 if prefixed else 2  # one letter is a model only written as one: "MOD. L" (Unique), "MOD. D" (MAB)
        if not run or len(run) > self.max_words or sum(c.isalnum() for t in run for c in t.key) < least:
            return None
        if before_calibre and any(t.key not in self.calibre_words for t in rest):
            return None
        if after_maker and not before_calibre and any(t.key not in self.not_models for t in rest):
            return None  # another word of its own after it: an address, a sentence
        if under_maker and not model_place and len(run) > 1 and not any(HAS_DIGIT.search(t.key) for t in run):
            return None  # words alone under the maker's name, with no calibre to place them: a town and its state
        lone = len(run) == 1 and (after_maker or (before_calibre and under_maker))
        if all(NUMBER.fullmatch(t.key) for t in run) and not lone:
            return None  # a bare number is a model in those two places, or by the maker's own patterns
        value = " ".join(LETTER_ZERO.sub("O", t.raw.strip(",:;")) for t in run)
        return line.field(value, run[0].start, run[-1].end, PLACED_QUALITY)

    @staticmethod
    def _numbered(run: list[Token]) -> list[Token]:
        """The start of `run` that is a designation with a number ("75", "BR110") and its variant ("1935 S")."""
        if not run or not any(c.isdigit() for c in run[0].key):
            return []
        if len(run) > 1 and NUMBER.fullmatch(run[0].key) and VARIANT.fullmatch(run[1].key):
            return run[:2]
        return run[:1]
