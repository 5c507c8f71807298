"""Calibration on the validation split: one temperature for the logits, then confidence-level thresholds.

The temperature makes the top probability mean what it says (expected calibration error down); the thresholds turn
it into the service's levels. "high" is the lowest confidence at which the validation answers at or above it reach
the target precision (for example 99 %), judged on the 95 % lower bound of that precision so that a few lucky
answers do not count; "medium" is the same for a lower target, over every answer that is shown (medium or high).
The counts behind each threshold, its precision and that lower bound go into the manifest with it.
"""

from __future__ import annotations

import logging
import math
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from training.config import CalibrationConfig
from training.metrics import calibration_error, wilson_lower
from training.temperature import INVERSE_TEMPERATURE_RANGE, best_inverse_temperature

log = logging.getLogger(__name__)


def fit_temperature(logits: torch.Tensor, targets: torch.Tensor) -> float:
    """The temperature that minimises the validation negative log-likelihood (convex in 1/T: golden-section search)."""

    def nll(beta: float) -> float:
        return float(F.cross_entropy(logits.double() * beta, targets))

    beta = best_inverse_temperature(nll)
    if min(abs(beta - bound) for bound in INVERSE_TEMPERATURE_RANGE) < 1e-3:
        log.warning(
            "temperature at the edge of its search range (1/T = %.3f): the validation split cannot settle it", beta
        )
    return 1.0 / beta


def choose_threshold(confidence: np.ndarray, correct: np.ndarray, target: float) -> dict[str, Any]:
    """The lowest threshold t whose validation answers (confidence >= t) reach `target` precision, with evidence.

    A threshold counts as reaching the target only when the 95 % Wilson lower bound of its precision does: one
    right answer out of one is not evidence of 99 %. When none reaches it, t is just above 1.0 and that level is
    never given.
    """
    order = np.argsort(-confidence, kind="stable")
    conf, hits = confidence[order], correct[order].astype(int)
    right = np.cumsum(hits)
    cut_points = np.flatnonzero(np.append(conf[1:] < conf[:-1], True))  # the last answer of each run of ties
    reached = [i for i in cut_points if (wilson_lower(int(right[i]), int(i + 1)) or 0.0) >= target]
    record: dict[str, Any] = {"target": target, "criterion": "95 % Wilson lower bound of precision >= target"}
    if not reached:
        log.warning("no confidence threshold reaches a precision of %.3f on validation with 95 %% confidence", target)
        return {
            **record,
            "threshold": math.nextafter(1.0, 2.0),
            "reached": False,
            "answers": 0,
            "correct": 0,
            "precision": None,
            "coverage": 0.0,
            "precision_lower_95": None,
        }
    i = max(reached)
    answers, correct_answers = int(i + 1), int(right[i])
    return {
        **record,
        "threshold": float(conf[i]),
        "reached": True,
        "answers": answers,
        "correct": correct_answers,
        "precision": correct_answers / answers,
        "coverage": answers / len(conf),
        "precision_lower_95": wilson_lower(correct_answers, answers),
    }


def calibrate(logits: torch.Tensor, targets: torch.Tensor, targets_cfg: CalibrationConfig) -> dict[str, Any]:
    """Fit the temperature, then the thresholds on the calibrated probabilities; every figure that justifies them."""
    if targets_cfg.target_medium > targets_cfg.target_high:
        raise ValueError("calibration.target_medium must not exceed calibration.target_high")
    temperature = fit_temperature(logits, targets)
    before = logits.softmax(1).numpy()
    after = (logits / temperature).softmax(1).numpy()
    labels = targets.numpy()
    confidence = after.max(1)
    correct = after.argmax(1) == labels
    high = choose_threshold(confidence, correct, targets_cfg.target_high)
    medium = choose_threshold(confidence, correct, targets_cfg.target_medium)
    return {
        "split": "val",
        "photos": len(labels),
        "temperature": temperature,
        "nll_before": float(F.cross_entropy(logits, targets)),
        "nll_after": float(F.cross_entropy(logits / temperature, targets)),
        "ece_before": calibration_error(before.max(1), before.argmax(1) == labels)[0],
        "ece_after": calibration_error(confidence, correct)[0],
        "thresholds": {"confidence_medium": medium["threshold"], "confidence_high": high["threshold"]},
        "levels": {"high": high, "shown": medium},
    }
