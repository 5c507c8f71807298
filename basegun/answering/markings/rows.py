"""Boxes of one text row joined before the fields are read: the OCR's detector may cut a line in two where a gap is
wide or the line bows (a curved slide: "1903" and ".22 l.r." in boxes of their own), and a bare model number alone
in its box is never a model. Two boxes of one photo are one row when the second starts where the first ends, along
the first's own direction (so a tilted or bowed line is followed too): at most `MAX_GAP` heights after it, at most
`MAX_OFFSET` of a height above or below its middle, of like heights and like directions. Lines of a close-up lie at
least 1.3 heights apart, so boxes of two lines are never joined; nor are boxes far apart on one row (a maker's name
and a serial number stamped at the other end of the frame).
A box of one character, read with the confidence a legible line needs but too short to be legible alone (the "K" of
"CAL 8mm K" cut off on a curved slide), joins the row it carries on, after a legible box; never alone, never first.
Its direction is not its row's (one character has none worth the name), so only its place is checked.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TypeVar

from basegun.answering.markings.result import FieldRead, LineRead

MAX_GAP = 2.0  # heights between the end of one box and the start of the next (a wide gap between words is one)
MAX_OVERLAP = 0.6  # heights the next box may start before the first ends (detected boxes overlap on a bow)
MAX_OFFSET = 0.4  # heights the next box's start may lie off the first's middle line
MAX_HEIGHT_RATIO = 1.6
MAX_TURN = math.radians(25)
MIN_WIDTH = 0.8  # heights: a box narrower than this is a mark or vertical text, not a piece of a row
Read = TypeVar("Read", bound=FieldRead)
JOINT = "  "  # the gap the OCR did not read, written as markings separate their fields
SHORT_WIDTH = 0.25  # heights: the narrowest a box of one character may be (an "I")


@dataclass(frozen=True)
class Row:
    """The boxes of one row, left to right, and where each one's text starts in the row's text."""

    members: tuple[int, ...]
    starts: tuple[int, ...]
    text: str
    confidence: float

    def member_at(self, offset: int) -> int:
        """The box whose text holds the row's character at `offset`."""
        return next(m for m, s in zip(reversed(self.members), reversed(self.starts), strict=True) if s <= offset)


def _vector(a: list[int], b: list[int]) -> tuple[float, float]:
    return float(b[0] - a[0]), float(b[1] - a[1])


def _middle(a: list[int], b: list[int]) -> tuple[float, float]:
    return (a[0] + b[0]) / 2, (a[1] + b[1]) / 2


def short(line: LineRead, min_confidence: float | None) -> bool:
    """A box of one character read with a legible line's confidence (too short to be legible alone)."""
    characters = len(re.findall(r"[A-Za-z0-9]", line.text))
    return min_confidence is not None and not line.legible and characters == 1 and line.confidence >= min_confidence


def continues(first: LineRead, second: LineRead, one_character: bool = False) -> bool:
    """Whether `second` carries on `first`'s row to its right (`second` a box of one character: its width and
    direction are not checked beyond a character's)."""
    if first.image != second.image or len(first.box) != 4 or len(second.box) != 4:
        return False
    height = (first.height_px + second.height_px) / 2
    if height <= 0 or max(first.height_px, second.height_px) > MAX_HEIGHT_RATIO * min(
        first.height_px, second.height_px
    ):
        return False
    (tl, tr, br, _), (tl2, tr2, br2, bl2) = first.box, second.box
    ux, uy = _vector(tl, tr)
    vx, vy = _vector(tl2, tr2)
    width, width2 = math.hypot(ux, uy), math.hypot(vx, vy)
    least = SHORT_WIDTH if one_character else MIN_WIDTH
    if width < MIN_WIDTH * first.height_px or width2 < least * second.height_px:
        return False
    ux, uy = ux / width, uy / width
    if not one_character and abs(math.atan2(ux * vy - uy * vx, ux * vx + uy * vy)) > MAX_TURN:
        return False
    end, start = _middle(tr, br), _middle(tl2, bl2)
    dx, dy = start[0] - end[0], start[1] - end[1]
    along, across = dx * ux + dy * uy, abs(dx * uy - dy * ux)
    ahead = (_middle(tl2, br2)[0] - _middle(tl, br)[0]) * ux + (_middle(tl2, br2)[1] - _middle(tl, br)[1]) * uy
    return -MAX_OVERLAP * height <= along <= MAX_GAP * height and across <= MAX_OFFSET * height and ahead > 0


def rows(lines: list[LineRead], min_confidence: float | None = None) -> list[Row]:
    """The legible lines gathered in rows (most rows are one box), in the order of their first box; with
    `min_confidence` (the OCR's, for a legible line), a box of one character joins the row it carries on."""
    legible = [i for i, line in enumerate(lines) if line.legible]
    shorts = [i for i, line in enumerate(lines) if short(line, min_confidence)]
    after: dict[int, int] = {}
    before: set[int] = set()
    for i in legible:
        candidates = [j for j in legible if j != i and j not in before and continues(lines[i], lines[j])]
        candidates += [j for j in shorts if j not in before and continues(lines[i], lines[j], one_character=True)]
        if candidates:
            nearest = min(candidates, key=lambda j: _left(lines[j]))
            after[i] = nearest
            before.add(nearest)
    found = []
    for i in legible:
        if i in before:
            continue
        members = [i]
        while members[-1] in after and after[members[-1]] not in members:
            members.append(after[members[-1]])
        starts, text = [], ""
        for member in members:
            text += JOINT if text else ""
            starts.append(len(text))
            text += lines[member].text
        confidence = min(lines[m].confidence for m in members)
        found.append(Row(tuple(members), tuple(starts), text, confidence))
    return found


def _left(line: LineRead) -> float:
    return float(line.box[0][0]) if line.box else 0.0


def parser_input(
    lines: list[LineRead], min_confidence: float | None = None
) -> tuple[list[str], list[float], list[Row]]:
    """The texts and confidences the field parser reads, one per line: a row's text at its first box, "" at the
    others (their indices still count), so that a field's line is a box of `lines`."""
    texts = ["" for _ in lines]
    confidences = [line.confidence for line in lines]
    found = rows(lines, min_confidence)
    for row in found:
        texts[row.members[0]] = row.text
        confidences[row.members[0]] = row.confidence
    return texts, confidences, found


def placed(read: Read, found: list[Row]) -> Read:
    """A field read in a row's text, pointed at the box its words start in."""
    if read.line is None or read.text is None:
        return read
    row = next((r for r in found if r.members[0] == read.line and len(r.members) > 1), None)
    if row is None:
        return read
    offset = row.text.find(read.text)
    return read if offset < 0 else read.model_copy(update={"line": row.member_at(offset)})
