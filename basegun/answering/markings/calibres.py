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


def squeeze(text: str) -> tuple[str, list[int]]:
    """The squeezed line, and for each of its characters the index in `text` it comes from."""
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
            # A decimal point: between digits, or before a number at the start of a word (".22").
            if after.isdigit() and (before.isdigit() or before == "" or text[index - 1 : index].isspace()):
                out.append((".", index))
            continue
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


def _guarded(pattern: str) -> re.Pattern[str]:
    """A number at either end of a pattern must not be part of a longer one."""
    left = "(?<![0-9.])" if pattern[:1].isdigit() or pattern.startswith(("\\.", "(")) else ""
    right = "(?![0-9])" if pattern[-1:].isdigit() else ""
    return re.compile(left + "(?:" + pattern + ")" + right)


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
                    tuple(_guarded(p) for p in spec["patterns"]),
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
                match = pattern.search(squeezed)
                if match:
                    value = match.expand(calibre.value) if "\\" in calibre.value else calibre.value
                    return CalibreHit(calibre, value, origin[match.start()], origin[match.end() - 1] + 1)
        return None

    def rank(self, hit: CalibreHit) -> int:
        return self.calibres.index(hit.calibre)
