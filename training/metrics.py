"""Classification figures from probabilities and true classes: accuracy, per-class precision and recall, confusion,
calibration (expected calibration error and the reliability table), and answers by confidence level."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

ECE_BINS = 15


def summarise(
    probs: np.ndarray, targets: np.ndarray, classes: Sequence[str], thresholds: dict[str, float] | None = None
) -> dict[str, Any]:
    """Every figure `evaluate` reports, as plain JSON-ready data."""
    n, num_classes = probs.shape
    predicted = probs.argmax(1)
    confidence = probs.max(1)
    correct = predicted == targets
    k = min(3, num_classes)
    top_k = np.argsort(-probs, axis=1)[:, :k]
    confusion = np.zeros((num_classes, num_classes), dtype=int)
    np.add.at(confusion, (targets, predicted), 1)
    per_class = []
    for i, name in enumerate(classes):
        support, answered, hits = int(confusion[i].sum()), int(confusion[:, i].sum()), int(confusion[i, i])
        per_class.append(
            {
                "class": name,
                "support": support,
                "predicted": answered,
                "correct": hits,
                "precision": hits / answered if answered else None,
                "recall": hits / support if support else None,
            }
        )
    recalls = [c["recall"] for c in per_class if c["recall"] is not None]
    ece, bins = calibration_error(confidence, correct)
    report: dict[str, Any] = {
        "photos": int(n),
        "correct": int(correct.sum()),
        "top1": float(correct.mean()),
        f"top{k}": float((top_k == targets[:, None]).any(1).mean()),
        "macro_recall": float(np.mean(recalls)),
        "nll": float(-np.log(np.clip(probs[np.arange(n), targets], 1e-12, None)).mean()),
        "ece": ece,
        "reliability": bins,
        "per_class": per_class,
        "confusion": confusion.tolist(),
    }
    if thresholds:
        report["levels"] = levels(confidence, correct, thresholds)
    return report


def calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = ECE_BINS) -> tuple[float, list[dict]]:
    """Expected calibration error over equal-width confidence bins, and each bin's confidence and accuracy."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, bins - 1)
    table, ece = [], 0.0
    for b in range(bins):
        members = index == b
        count = int(members.sum())
        row = {"low": float(edges[b]), "high": float(edges[b + 1]), "count": count}
        if count:
            row["confidence"] = float(confidence[members].mean())
            row["accuracy"] = float(correct[members].mean())
            ece += count / len(confidence) * abs(row["accuracy"] - row["confidence"])
        table.append(row)
    return float(ece), table


def levels(confidence: np.ndarray, correct: np.ndarray, thresholds: dict[str, float]) -> dict[str, dict]:
    """How many answers each confidence level gets, and how many of them are right (as the service grades them)."""
    high = confidence >= thresholds["confidence_high"]
    medium = (confidence >= thresholds["confidence_medium"]) & ~high
    out = {}
    for name, members in (("high", high), ("medium", medium), ("low", ~(high | medium))):
        count = int(members.sum())
        hits = int(correct[members].sum())
        out[name] = {"count": count, "correct": hits, "precision": hits / count if count else None}
    return out


def wilson_lower(successes: int, trials: int, z: float = 1.96) -> float | None:
    """Lower end of the Wilson score interval (95 %): how low the true precision could plausibly be."""
    if trials == 0:
        return None
    p = successes / trials
    centre = p + z * z / (2 * trials)
    margin = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
    return (centre - margin) / (1 + z * z / trials)


def mcnemar(correct_a: np.ndarray, correct_b: np.ndarray) -> dict[str, Any]:
    """Exact McNemar test on paired answers: is the difference in accuracy more than chance on these photos?"""
    only_a = int((correct_a & ~correct_b).sum())
    only_b = int((~correct_a & correct_b).sum())
    discordant = only_a + only_b
    tail = sum(math.comb(discordant, i) for i in range(min(only_a, only_b) + 1)) / 2**discordant
    return {"only_a_correct": only_a, "only_b_correct": only_b, "p_value": min(1.0, 2 * tail)}
