"""The temperature search shared by training's calibration and the accuracy protocol (no torch here)."""

from __future__ import annotations

import math
from collections.abc import Callable

# 1/T is searched in this range: a validation split with no error would otherwise drive T to 0 (all answers at 1.0).
INVERSE_TEMPERATURE_RANGE = (0.1, 4.0)
STEPS = 80


def best_inverse_temperature(nll: Callable[[float], float]) -> float:
    """The 1/T in `INVERSE_TEMPERATURE_RANGE` of least negative log-likelihood `nll(1/T)`.

    The NLL of tempered logits is convex in 1/T, so a golden-section search finds its minimum.
    """
    low, high = INVERSE_TEMPERATURE_RANGE
    ratio = (math.sqrt(5) - 1) / 2
    for _ in range(STEPS):
        a, b = high - ratio * (high - low), low + ratio * (high - low)
        if nll(a) <= nll(b):
            high = b
        else:
            low = a
    return (low + high) / 2
