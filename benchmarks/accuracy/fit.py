"""Every threshold of the answer, chosen from evidence, and judged by leave-one-source-photo-out cross-validation.

A row is one variant of one source photo. Folds hold out one source photo with all its variants, fit on the rest,
and answer the held-out rows with what was fitted: those answers are the cross-validated (held-out) figures; fitting
on every row and answering the same rows gives the in-sample ones.

What is fitted, in order: the calibration temperature (minimum negative log-likelihood on the labelled firearm rows),
the confidence levels ("high": above the most confident wrong answer by as much as that answer's source photo raised
the bar, a jackknife margin, since the next source photo may be as surprising; "medium": the lowest bar whose answers
reach `MEDIUM_PRECISION` by the 95 % Wilson lower bound), then the presence rule
(`basegun.answering.presence.PresenceRule`),
by a grid search for the least cost, each source photo weighing the same whatever its number of variants.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from training.metrics import wilson_lower
from training.temperature import best_inverse_temperature

MEDIUM_PRECISION = 0.9
HIGH_MARGIN = 0.005  # "high" starts at least this far above the most confident wrong answer
DETECTOR_SIZES = (320, 640)
# The cost of each wrong presence answer, per source photo: a firearm called absent is the worst mistake; one called
# uncertain costs the user a retake; a photo without a firearm called detected shows a typology for nothing.
# Close-ups of markings are reported, not fitted on: identification is asked of whole-weapon photos, and one blurred
# close-up (`quality/bad_quality.jpg`, its strip scarcely blurred at all) would alone pull every bar towards the 640 px
# detector, whose weak scores on handguns are the problem this rule exists for (see ACCURACY.md).
FIREARM_GROUPS = ("firearm",)
COSTS = {"firearm_absent": 25.0, "firearm_uncertain": 2.0, "no_firearm_detected": 1.0, "no_firearm_uncertain": 0.2}
GRID = {
    "detected_confidence": (0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.98),
    "absent_confidence": (0.3, 0.4, 0.5, 0.6, 0.7, 0.8),
    "detected_score": (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 2.0),
    "absent_score": (0.02, 0.05, 0.1, 0.15, 0.2, 0.3),
    "max_blur_px": (1.2, 1.4, 1.6, 1.8, math.inf),
}


@dataclass(frozen=True)
class Rows:
    """The evidence of every row, as arrays."""

    source: np.ndarray  # source photo index per row
    group: np.ndarray  # "firearm", "no_firearm", "close_up"
    label: np.ndarray  # expected class index, -1 when none
    views: np.ndarray  # (rows, views, classes): raw network probabilities per view
    scores: dict[int, np.ndarray]  # detector size → best weapon score per row
    blur: np.ndarray  # blur of the sharpest edges at the classifier's scale (px)

    def take(self, mask: np.ndarray) -> Rows:
        return Rows(
            self.source[mask],
            self.group[mask],
            self.label[mask],
            self.views[mask],
            {k: v[mask] for k, v in self.scores.items()},
            self.blur[mask],
        )


def temper(views: np.ndarray, temperature: float) -> np.ndarray:
    """Each view's probabilities tempered (softmax of log p / T), then averaged: as `TypologyClassifier.combine`."""
    logits = np.log(np.maximum(views.astype(np.float64), 1e-12)) / temperature
    logits -= logits.max(axis=-1, keepdims=True)
    tempered = np.exp(logits)
    tempered /= tempered.sum(axis=-1, keepdims=True)
    return tempered.mean(axis=1)


def fit_temperature(views: np.ndarray, labels: np.ndarray) -> float:
    """The temperature of least negative log-likelihood (golden-section search over 1/T)."""

    def nll(beta: float) -> float:
        probs = temper(views, 1.0 / beta)
        return float(-np.log(np.maximum(probs[np.arange(len(labels)), labels], 1e-12)).mean())

    return 1.0 / best_inverse_temperature(nll)


def fit_levels(confidence: np.ndarray, correct: np.ndarray, source: np.ndarray) -> dict[str, float]:
    """ "high" above every wrong answer with a jackknife margin (capped under 1); "medium" the lowest bar reaching
    MEDIUM_PRECISION."""
    worst = {int(s): float(confidence[~correct & (source == s)].max()) for s in np.unique(source[~correct])}
    ranked = [*sorted(worst.values(), reverse=True), 0.0, 0.0]
    high = min(0.999, ranked[0] + max(HIGH_MARGIN, ranked[0] - ranked[1])) if worst else 0.5
    order = np.argsort(-confidence, kind="stable")
    conf, hits = confidence[order], np.cumsum(correct[order])
    medium = high
    for i in range(len(conf)):
        if (i + 1 == len(conf) or conf[i + 1] < conf[i]) and (
            wilson_lower(int(hits[i]), i + 1) or 0
        ) >= MEDIUM_PRECISION:
            medium = float(conf[i])
    return {"confidence_medium": round(min(medium, high), 4), "confidence_high": round(high, 4)}


def levels_of(confidence: np.ndarray, levels: dict[str, float]) -> np.ndarray:
    return np.where(
        confidence >= levels["confidence_high"],
        "high",
        np.where(confidence >= levels["confidence_medium"], "medium", "low"),
    )


def presence_of(
    confidence: np.ndarray, agree: np.ndarray, score: np.ndarray, blur: np.ndarray, rule: dict[str, float]
) -> np.ndarray:
    """`PresenceRule.decide` over arrays."""
    settled = agree & (confidence >= rule["detected_confidence"])
    found = settled | (score >= rule["detected_score"])
    weak = (confidence < rule["absent_confidence"]) & (score < rule["absent_score"])
    absent = ~found & weak & (blur <= rule["max_blur_px"])
    return np.where(found, "detected", np.where(absent, "absent", "uncertain"))


def presence_cost(outcome: np.ndarray, group: np.ndarray, source: np.ndarray) -> float:
    """The weighted count of wrong presence answers, each source photo weighing one (its variants share it)."""
    weight = 1.0 / np.bincount(source)[source]
    firearm, other = np.isin(group, FIREARM_GROUPS), group == "no_firearm"
    return float(
        COSTS["firearm_absent"] * weight[firearm & (outcome == "absent")].sum()
        + COSTS["firearm_uncertain"] * weight[firearm & (outcome == "uncertain")].sum()
        + COSTS["no_firearm_detected"] * weight[other & (outcome == "detected")].sum()
        + COSTS["no_firearm_uncertain"] * weight[other & (outcome == "uncertain")].sum()
    )


def candidate_rules() -> list[dict[str, float]]:
    rules = []
    for size, values in itertools.product(DETECTOR_SIZES, itertools.product(*GRID.values())):
        rule = dict(zip(GRID, values, strict=True))
        if rule["absent_confidence"] <= rule["detected_confidence"] and rule["absent_score"] < rule["detected_score"]:
            rules.append({**rule, "detector_size": size})
    return rules


RULES = candidate_rules()


def fit_presence(rows: Rows, confidence: np.ndarray, agree: np.ndarray) -> dict[str, float]:
    """The rule of least cost; ties go to the stricter "absent" (lower bars), then to fewer detector runs."""
    source = np.unique(rows.source, return_inverse=True)[1]
    best: tuple[float, ...] | None = None
    chosen = RULES[0]
    for rule in RULES:
        outcome = presence_of(confidence, agree, rows.scores[int(rule["detector_size"])], rows.blur, rule)
        key = (
            round(presence_cost(outcome, rows.group, source), 9),
            rule["absent_score"] + rule["absent_confidence"],
            rule["max_blur_px"],
            rule["detected_confidence"],
            rule["detector_size"],
        )
        if best is None or key < best:
            best, chosen = key, rule
    return chosen


def alternatives(rows: Rows, fitted: Fitted) -> dict[str, dict[str, dict[str, int]]]:
    """The trade-off: presence outcomes, in-sample, of the chosen rule beside simpler ones."""
    assert fitted.presence is not None
    confidence = temper(rows.views, fitted.temperature).max(1)
    agree = agreement(rows.views)
    chosen = fitted.presence
    never = 2.0
    rules = {
        "former gate: detector at 640 px >= 0.1 (detected), else absent": (
            {
                "detected_confidence": never,
                "detected_score": 0.1,
                "absent_confidence": never,
                "absent_score": 0.1,
                "max_blur_px": math.inf,
            },
            640,
        ),
        "chosen rule, and never absent on a photo blurred over 1.4 px": (
            {**chosen, "max_blur_px": 1.4},
            int(chosen["detector_size"]),
        ),
        "classifier alone (chosen bars, never absent)": (
            {**chosen, "detected_score": never, "absent_confidence": 0.0},
            int(chosen["detector_size"]),
        ),
        "detector alone at the chosen bars": (
            {**chosen, "detected_confidence": never, "absent_confidence": never},
            int(chosen["detector_size"]),
        ),
        "chosen rule": (chosen, int(chosen["detector_size"])),
        "chosen rule, detector at 640 px": (chosen, 640),
    }
    figures = {}
    for name, (rule, size) in rules.items():
        outcome = presence_of(confidence, agree, rows.scores[size], rows.blur, rule)
        figures[name] = {
            group: {o: int(((rows.group == group) & (outcome == o)).sum()) for o in ("detected", "uncertain", "absent")}
            for group in ("firearm", "no_firearm")
        }
    return figures


@dataclass(frozen=True)
class Fitted:
    temperature: float
    levels: dict[str, float]
    presence: dict[str, float] | None


def fit(rows: Rows, with_presence: bool) -> Fitted:
    labelled = rows.label >= 0
    temperature = fit_temperature(rows.views[labelled], rows.label[labelled])
    probs = temper(rows.views, temperature)
    confidence = probs.max(1)
    correct = probs.argmax(1) == rows.label
    levels = fit_levels(confidence[labelled], correct[labelled], rows.source[labelled])
    presence = fit_presence(rows, confidence, agreement(rows.views)) if with_presence else None
    return Fitted(temperature, levels, presence)


def agreement(views: np.ndarray) -> np.ndarray:
    top = views.argmax(axis=2)
    return (top == top[:, :1]).all(axis=1)


def answer(rows: Rows, fitted: Fitted) -> dict[str, np.ndarray]:
    """What the fitted answer says on each row: top-1 index, confidence, level, presence."""
    probs = temper(rows.views, fitted.temperature)
    out = {"top": probs.argmax(1), "confidence": probs.max(1), "level": levels_of(probs.max(1), fitted.levels)}
    if fitted.presence is not None:
        score = rows.scores[int(fitted.presence["detector_size"])]
        out["presence"] = presence_of(out["confidence"], agreement(rows.views), score, rows.blur, fitted.presence)
        out["level"] = np.where(out["presence"] == "detected", out["level"], "low")
    return out


def cross_validated(
    rows: Rows, with_presence: bool, progress: Callable[[int, int], None] | None = None
) -> dict[str, np.ndarray]:
    """Leave one source photo out: every row answered by what was fitted without its source photo."""
    sources = np.unique(rows.source)
    merged: dict[str, np.ndarray] = {}
    for n, held_out in enumerate(sources):
        mask = rows.source == held_out
        fitted = fit(rows.take(~mask), with_presence)
        for key, values in answer(rows.take(mask), fitted).items():
            if key not in merged:
                merged[key] = np.empty(len(rows.source), dtype=values.dtype if values.dtype.kind != "U" else object)
            merged[key][mask] = values
        if progress is not None:
            progress(n + 1, len(sources))
    return merged


def summary(rows: Rows, answers: dict[str, Any], mask: np.ndarray | None = None) -> dict[str, Any]:
    """Top-1, each level's count and precision (labelled firearm rows), presence outcomes by group."""
    mask = np.ones(len(rows.source), bool) if mask is None else mask
    labelled = mask & (rows.label >= 0)
    correct = answers["top"] == rows.label
    shown = labelled & (answers.get("presence", np.full(len(rows.source), "detected")) != "absent")
    figures: dict[str, Any] = {
        "labelled": int(labelled.sum()),
        "top1": int((correct & shown).sum()),
        "levels": {},
    }
    for level in ("high", "medium", "low"):
        at = shown & (answers["level"] == level)
        figures["levels"][level] = {
            "answers": int(at.sum()),
            "correct": int((at & correct).sum()),
            "precision": round(float((at & correct).sum() / at.sum()), 3) if at.any() else None,
        }
    if "presence" in answers:
        figures["presence"] = {
            group: {
                outcome: int((mask & (rows.group == group) & (answers["presence"] == outcome)).sum())
                for outcome in ("detected", "uncertain", "absent")
            }
            for group in ("firearm", "no_firearm", "close_up")
        }
    return figures
