"""The serial number: the token that looks most like one in what no other field took (`fields.py` looks last).

Written after "N°", "SN" or "SERIAL" first; then one not shaped as a year of making ("1918" on a receiver); then
the one with more digits. One or two letters standing apart before its number, first on the line, are its series
("H 72341" on a MAS 1873, "GB 2317" on a Carcano), unless they name a maker. Serial numbers are data of a case:
never logged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Protocol

from basegun.answering.markings.placed import YEAR
from basegun.answering.markings.result import FieldRead

SERIAL_PREFIX = re.compile(r"^(N[O0°º]?|NR|SN|S/N|SER(IAL)?|SERIE|NUM(ERO)?)[.:°º#]*$", re.IGNORECASE)
GLUED_SERIAL_PREFIX = re.compile(r"^(N[°º]|NO\.|NR\.|S/N:?|SN:)(?=[A-Z0-9])", re.IGNORECASE)  # "N°B41277"
SERIAL_TOKEN = re.compile(r"^[A-Z0-9][A-Z0-9/-]*[A-Z0-9]$")
MIN_SERIAL_DIGITS = 3
MIN_SERIAL_LENGTH = 4
MAX_SERIAL_LENGTH = 20
SERIES = re.compile(r"[A-Za-z]{1,2}")
SERIAL_CONFIDENCE = 0.7  # a line that looks like a serial number may still be another marking
SERIAL_CONFIDENCE_PREFIXED = 0.95  # written after "N°", "SN", "SERIAL"


class FreeLine(Protocol):
    """What the finder needs of a line (fields.WorkLine): what no other field took of it."""

    index: int
    confidence: float
    free: str


def find_serial(lines: Sequence[FreeLine], names_a_maker: Callable[[str], bool]) -> FieldRead:
    """The serial number read in `lines`, or an empty field."""
    best: tuple[tuple[int, int, int, int], FieldRead] | None = None
    for line in lines:
        tokens = line.free.split()
        for position, raw in enumerate(tokens):
            token = raw.strip(".,:;()[]'\"").upper()
            glued = GLUED_SERIAL_PREFIX.match(token)
            token = token[glued.end() :] if glued else token
            digits = sum(c.isdigit() for c in token)
            if not (MIN_SERIAL_LENGTH <= len(token) <= MAX_SERIAL_LENGTH and SERIAL_TOKEN.match(token)):
                continue
            if digits < MIN_SERIAL_DIGITS:
                continue
            prefixed = bool(glued) or (position > 0 and bool(SERIAL_PREFIX.match(tokens[position - 1])))
            quality = SERIAL_CONFIDENCE_PREFIXED if prefixed else SERIAL_CONFIDENCE
            year = YEAR.fullmatch(token) is not None
            key = (-int(prefixed), int(year), -digits, line.index)
            text = raw.strip()
            if position == 1 and token.isdigit() and _series(tokens[0], names_a_maker):
                token, text = f"{tokens[0].upper()} {token}", f"{tokens[0]} {text}"
            read = FieldRead(value=token, text=text, line=line.index, confidence=round(line.confidence * quality, 3))
            if best is None or key < best[0]:
                best = (key, read)
    return best[1] if best else FieldRead()


def _series(word: str, names_a_maker: Callable[[str], bool]) -> bool:
    return SERIES.fullmatch(word) is not None and not SERIAL_PREFIX.match(word) and not names_a_maker(word)
