"""Identifying a photo, bytes in, answer out: Basegun's `identify` against the reference's upload route as it runs.

Like with like: the reference's upload route runs its classifier, then its length measurement for the five measured
typologies when the level is not low (`reference.ReferenceUpload`); `identify` runs the classifier, the firearm
detector when presence is in doubt, and the measurement of a long gun whose category turns on its lengths. Both are
timed on the same photos in the same minute: web-size photos, 12 MP phone photos, and the web-size photos of the
typologies neither side measures. Beside them, like with like again, the served classifier alone on the same
decode against the reference's classifier alone (`get_typology`), and the other committed classifier (FP32
`typology.json` or INT8 `typology-int8.json`, whichever is not served).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from benchmarks.ours import Ours
from benchmarks.photos import Sample, phone, small
from benchmarks.reference import MEASURED_TYPOLOGIES, ReferenceUpload
from benchmarks.stats import REFERENCE, compare, summary

Classifier = Callable[[bytes], tuple[str, float]]
REFERENCE_CLASSIFIER = "reference-classifier"
GROUPS = ("small", "phone", "unmeasured")


def unmeasured(samples: Sequence[Sample]) -> list[Sample]:
    """Web-size photos of the typologies whose category does not turn on lengths: neither side measures them."""
    return [s for s in small(samples) if s.expected not in MEASURED_TYPOLOGIES]


def agreement(
    samples: Sequence[Sample], sides: dict[str, Classifier], identify: Callable[[bytes], str | None]
) -> dict[str, Any]:
    """Top-1 of each classifier on every shared photo, where one differs from the reference, and what `identify`
    answers (None: no firearm found)."""
    rows = []
    for sample in samples:
        answers = {side: call(sample.data) for side, call in sides.items()}
        row: dict[str, Any] = {"photo": sample.name, "expected": sample.expected, "identify": identify(sample.data)}
        row.update({side: [key, round(p, 4)] for side, (key, p) in answers.items()})
        if REFERENCE in answers:
            reference_key, reference_p = answers[REFERENCE]
            for side, (key, p) in answers.items():
                if side != REFERENCE:
                    row[f"{side}_same"] = key == reference_key
                    row[f"{side}_shift"] = round(abs(p - reference_p), 4) if key == reference_key else None
        rows.append(row)
    compared = [side for side in sides if side != REFERENCE] if REFERENCE in sides else []
    same = {side: sum(bool(r.get(f"{side}_same")) for r in rows) for side in compared}
    return {"photos": len(rows), "same_top1": same, "rows": rows}


def run(
    ours: Ours, reference: Classifier | None, upload: ReferenceUpload | None, samples: Sequence[Sample], rounds: int
) -> dict[str, Any]:
    """`reference` is the reference's classifier alone, `upload` its upload route (classifier, then measurement)."""
    classifiers: dict[str, Classifier] = {"classifier": ours.typology}
    for name, other in ours.other_classifiers.items():
        classifiers[name] = lambda data, other=other: ours.typology(data, other)
    if reference is not None:
        classifiers[REFERENCE] = reference
    sides: dict[str, Callable[[Sample], Any]] = {"identify": lambda s: ours.identify(s.data)}
    if upload is not None:
        sides[REFERENCE] = lambda s: upload(s.data)
    for name, classify in classifiers.items():
        side = REFERENCE_CLASSIFIER if name == REFERENCE else name
        sides[side] = lambda s, classify=classify: classify(s.data)[0]
    # Each classifier against the reference's classifier; `identify` against the upload route (the reference).
    baselines = {name: REFERENCE_CLASSIFIER for name in classifiers if name != REFERENCE and reference is not None}
    figures: dict[str, Any] = {"agreement": agreement(samples, classifiers, ours.identify), "baselines": baselines}
    for name, chosen in (("small", small(samples)), ("phone", phone(samples)), ("unmeasured", unmeasured(samples))):
        rows = compare([(s.name, s) for s in chosen], sides, rounds=rounds)
        figures[name] = {
            "summary": summary(rows, baselines),
            "rows": [row.to_dict(baselines) for row in rows],
            "identify_stages_ms": stages([ours.identify_timings(s.data) for s in chosen]),
        }
    return figures


def stages(timings: Sequence[dict[str, float]]) -> dict[str, float]:
    """Median time of each stage of `identify` over the photos (a stage a photo skips counts as 0)."""
    names = dict.fromkeys(name for t in timings for name in t)
    return {name: round(float(np.median([t.get(name, 0.0) for t in timings])), 1) for name in names}
