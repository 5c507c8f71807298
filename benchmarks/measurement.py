"""Measurement per photo, bytes in, lengths out: `Basegun.measure` against the reference's `get_lengths`.

Both sides draw the result for the user (the reference writes its annotated photo to a file, Basegun returns an
annotated JPEG). The lengths of both sides must agree within `AGREEMENT_CM`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from benchmarks.photos import Sample, measurable
from benchmarks.stats import REFERENCE, compare, summary

AGREEMENT_CM = 0.5
Measure = Callable[[bytes], Any]  # (overall cm, barrel cm), or the reason for a refusal


def run(ours: Measure, reference: Measure | None, samples: Sequence[Sample], rounds: int) -> dict[str, Any]:
    sides: dict[str, Callable[[Sample], Any]] = {"ours": lambda s: ours(s.data)}
    if reference is not None:
        sides[REFERENCE] = lambda s: reference(s.data)
    chosen = measurable(samples)
    rows = compare([(s.name, s) for s in chosen], sides, rounds=rounds)
    lengths = [_lengths(sample, row.answers) for sample, row in zip(chosen, rows, strict=True)]
    refusals = [
        {"photo": s.name, "note": s.expected or "refusal expected", **{side: call(s) for side, call in sides.items()}}
        for s in samples
        if s.kind == "measure" and s.overall_cm is None
    ]
    agreed = [row["agree"] for row in lengths if row["agree"] is not None]
    return {
        "summary": summary(rows),
        "rows": [row.to_dict() for row in rows],
        "lengths": lengths,
        "agree": {"within_cm": AGREEMENT_CM, "photos": len(agreed), "agreeing": sum(agreed)},
        "refusals": refusals,
    }


def _lengths(sample: Sample, answers: dict[str, Any]) -> dict[str, Any]:
    """Both sides' lengths, their largest difference, and each side's error against the labelled truth."""
    row: dict[str, Any] = {"photo": sample.name, "truth": [sample.overall_cm, sample.barrel_cm], "agree": None}
    for side, answer in answers.items():
        row[side] = [round(v, 1) for v in answer] if isinstance(answer, tuple) else answer
    ours, reference = answers.get("ours"), answers.get(REFERENCE)
    if isinstance(ours, tuple) and isinstance(reference, tuple):
        difference = max(abs(a - b) for a, b in zip(ours, reference, strict=True))
        row["difference_cm"] = round(difference, 2)
        row["agree"] = difference <= AGREEMENT_CM
    return row
