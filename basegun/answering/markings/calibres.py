"""The calibre grammar: the notations markings use, each normalised to one spelling (`basegun/data/calibres.json`).

Patterns match the line "squeezed" (see the data file): spaces and dots dropped but a decimal point kept, a decimal
comma read as a point, and the letters OCR reads for digits turned back into digits where they sit between digits.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from basegun.catalog.texts import DATA_DIR

DIGIT_LOOKALIKES = {"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "S": "5", "B": "8", "Z": "2"}
NUMBER_NEIGHBOURS = set("0123456789./X-") | {""}
GAUGES = ("12", "16", "20", "24", "28")  # after "CAL.", a shotgun's gauge, never an inch bore
MODEL_CHANGE = re.compile(r"[0-9]{2,}-[0-9]{1,2}$")  # "686-6": a model number and its engineering change


def squeeze(text: str) -> tuple[str, list[int]]:
    """The squeezed line, and for each of its characters the index in `text` it comes from (so that whether two
    characters were apart, `apart`, can still be told)."""
    kept: list[tuple[str, int]] = []
    for index, char in enumerate(text):
        for part in unicodedata.normalize("NFKD", char).upper():
            if unicodedata.combining(part):
                continue
            if part.isascii() and (part.isalnum() or part in "/-.,"):
                kept.append((part, index))
    out: list[tuple[str, int]] = []
    for position, (char, index) in enumerate(kept):
        before = kept[position - 1][0] if position else ""
        after = kept[position + 1][0] if position + 1 < len(kept) else ""
        if char in ".,":
            # A decimal point: between digits read together, before a number at the start of a word (".22"), or
            # before an inch calibre glued to a word by the OCR ("CAL.303", "HB.22": two or three digits).
            glued = before.isdigit() and not any(c.isspace() for c in text[kept[position - 1][1] + 1 : index])
            touching = index + 1 < len(text) and text[index + 1].isdigit()  # "CAL.303", not "CAL. 12" (a gauge)
            inch = before.isalpha() and touching and _inch_number(kept, position)
            starts = index == 0 or text[index - 1].isspace() or inch
            if after.isdigit() and (glued or starts):
                out.append((".", index))
            continue
        if char == "/" and _millimetres(kept, position):
            continue  # "9m/m": the old notation of millimetres, read as "9mm"
        out.append((char, index))
    chars = [c for c, _ in out]
    for position, char in enumerate(chars):
        if char in DIGIT_LOOKALIKES:
            before = chars[position - 1] if position else ""
            after = chars[position + 1] if position + 1 < len(chars) else ""
            digit_side = before.isdigit() or after.isdigit()
            if digit_side and before in NUMBER_NEIGHBOURS | set("0123456789") and after in NUMBER_NEIGHBOURS:
                chars[position] = DIGIT_LOOKALIKES[char]
    return "".join(chars), [i for _, i in out]


@dataclass(frozen=True)
class Calibre:
    value: str  # may cite the pattern's groups (\1)
    patterns: tuple[re.Pattern[str], ...]
    blank_firing: bool
    kind: str


@dataclass(frozen=True)
class CalibreHit:
    calibre: Calibre
    value: str
    start: int  # in the original text
    end: int


def apart(text: str, origin: list[int], position: int) -> bool:
    """Whether the squeezed characters at `position - 1` and `position` were apart (a space between them, or an
    end of the line)."""
    if position <= 0 or position >= len(origin):
        return True
    return any(c.isspace() for c in text[origin[position - 1] + 1 : origin[position]])


def bounded(squeezed: str, text: str, origin: list[int], start: int, end: int) -> bool:
    """A number at either end of a match is not part of a longer number read with it."""
    glued_left = start > 0 and squeezed[start - 1] in "0123456789." and not apart(text, origin, start)
    if squeezed[start] in "0123456789." and glued_left and not _after_a_number(squeezed, start):
        return False
    if squeezed[end - 1].isdigit() and end < len(squeezed) and squeezed[end].isdigit():
        return apart(text, origin, end)
    return True


@dataclass(frozen=True)
class CalibreGrammar:
    calibres: tuple[Calibre, ...]

    @classmethod
    def load(cls, path: Path = DATA_DIR / "calibres.json") -> CalibreGrammar:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            tuple(
                Calibre(
                    spec["calibre"],
                    tuple(re.compile(p) for p in spec["patterns"]),
                    bool(spec.get("blank_firing")),
                    spec.get("kind", "cartridge"),
                )
                for spec in data["calibres"]
            )
        )

    def find(self, text: str) -> CalibreHit | None:
        """The first calibre of the grammar read in the line (the specific come first), where it was read."""
        squeezed, origin = squeeze(text)
        for calibre in self.calibres:
            for pattern in calibre.patterns:
                match = next(
                    (m for m in _matches(pattern, squeezed) if bounded(squeezed, text, origin, m.start(), m.end())),
                    None,
                )
                if match:
                    value = match.expand(calibre.value) if "\\" in calibre.value else calibre.value
                    return CalibreHit(calibre, value, origin[match.start()], origin[match.end() - 1] + 1)
        return None

    def rank(self, hit: CalibreHit) -> int:
        return self.calibres.index(hit.calibre)


def _matches(pattern: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """Every match, from each starting position (a match refused for its edges may hide a good one just after)."""
    found = []
    for start in range(len(text)):
        match = pattern.match(text, start)
        if match and match.end() > start:
            found.append(match)
    return found


def _millimetres(kept: list[tuple[str, int]], position: int) -> bool:
    """Whether the slash at `position` is the one of "m/m" after a number ("9m/m", "7,65 m/m"), millimetres."""
    if not 2 <= position < len(kept) - 1:
        return False
    return kept[position - 1][0] == "M" and kept[position + 1][0] == "M" and kept[position - 2][0].isdigit()


def _inch_number(kept: list[tuple[str, int]], position: int) -> bool:
    """Whether two or three digits follow `position`, then no other digit, dot, slash, dash or x, and are no
    shotgun gauge ("CAL.303", not "CAL.9mm", "CAL.12/70", "CAL.12-70" nor "CAL.20": the OCR drops the space after
    "CAL.", and no inch bore is .12, .16, .20, .24 or .28)."""
    digits = ""
    for char, _ in kept[position + 1 :]:
        if not char.isdigit():
            return 2 <= len(digits) <= 3 and char not in "./,X-" and digits not in GAUGES
        digits += char
    return 2 <= len(digits) <= 3 and digits not in GAUGES


def _after_a_number(squeezed: str, start: int) -> bool:
    """An inch calibre read glued to the number before it ("MODEL 700.308": model 700, .308), told from a decimal
    (6.35, 7.62) by the two digits or more before the point, or by a model number with its engineering change
    before it ("686-6.357": a decimal never follows a dash and a digit)."""
    if squeezed[start] != ".":
        return False
    digits = len(squeezed[:start]) - len(squeezed[:start].rstrip("0123456789"))
    return digits >= 2 or MODEL_CHANGE.search(squeezed[:start]) is not None
