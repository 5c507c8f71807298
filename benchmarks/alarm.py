"""Alarm-gun check per close-up of markings, bytes in, verdict out: Basegun against the reference's OCR check.

The reference answers with its own words; `VERDICTS` maps them onto Basegun's statuses so that both can be
compared with what `labels.csv` says the right answer is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from benchmarks.photos import Sample, close_ups
from benchmarks.stats import REFERENCE, compare, summary

# The reference's answers (and exceptions) as Basegun statuses.
VERDICTS = {
    "Alarm_model": "listed_alarm_model",
    "PAK": "blank_firing_mark",
    "Not_alarm": "no_alarm_marking",
    "MissingText": "no_text",
    "LowQuality": "unreadable",
}
# What labels.csv calls the right answer, as Basegun statuses.
EXPECTED = {"alarm_gun": "listed_alarm_model", "no_text": "no_text", "too_poor_to_read": "unreadable"}


def run(
    ours: Callable[[bytes], str], reference: Callable[[str], str] | None, samples: Sequence[Sample], rounds: int
) -> dict[str, Any]:
    sides: dict[str, Callable[[Sample], Any]] = {"ours": lambda s: ours(s.data)}
    if reference is not None:
        sides[REFERENCE] = lambda s: _status(reference(s.name))
    chosen = close_ups(samples)
    rows = compare([(s.name, s) for s in chosen], sides, rounds=rounds)
    verdicts = [
        {"photo": s.name, "expected": EXPECTED.get(s.expected, s.expected), **row.answers}
        for s, row in zip(chosen, rows, strict=True)
    ]
    right = {side: sum(v[side] == v["expected"] for v in verdicts) for side in sides}
    return {
        "summary": summary(rows),
        "rows": [row.to_dict() for row in rows],
        "verdicts": verdicts,
        "right": right,
    }


def _status(verdict: str) -> str:
    return VERDICTS.get(verdict, verdict)
