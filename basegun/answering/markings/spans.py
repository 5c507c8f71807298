"""Where a match in a line's letters and digits lies in the text the OCR read, so that the words are shown as read."""

from __future__ import annotations

import unicodedata


def compact_positions(text: str) -> list[int]:
    """For each letter or digit of `terms.Line.of(text).compact`, its index in `text`."""
    positions = []
    for index, char in enumerate(text):
        for part in unicodedata.normalize("NFKD", char).upper():
            if "A" <= part <= "Z" or "0" <= part <= "9":
                positions.append(index)
    return positions


def span_of(text: str, start: int, end: int) -> tuple[int, int]:
    """The compact span [start, end) of `text` as a span of `text` itself."""
    positions = compact_positions(text)
    if not positions or start >= end or end > len(positions):
        return 0, 0
    return positions[start], positions[end - 1] + 1


def words_at(text: str, start: int, end: int) -> str:
    """The text in [start, end), widened to whole words."""
    if start >= end:
        return ""
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return text[start:end].strip()
