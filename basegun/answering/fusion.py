"""Several photos of one weapon, one answer.

The typology probabilities of the photos where a firearm was found are combined by the mean of their
log-probabilities, renormalised (a geometric mean, or log-linear pool). Why the mean and not the sum: photos of
one weapon are not independent evidence (the same object, light and background), so a sum would turn three
look-alike photos into a certainty no single photo supports, and a second copy of a photo would change the
answer. With the mean, a duplicate changes nothing, and photos that agree on the weapon but each hesitate over
a different runner-up come out more confident together than apart. Photos with no firearm found are left out:
a close-up, a blurred or a badly framed view then cannot drag down the answer of the good views.

Of several measurements, the one with the smallest uncertainty is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from basegun.answering.measure import Measurement

# A float32 softmax cannot resolve probabilities much below its epsilon next to a confident class: a zero
# there is rounding, not evidence, and must not veto what the other photos say.
PROBABILITY_FLOOR = float(np.finfo(np.float32).eps)


@dataclass(frozen=True)
class FusedTypology:
    """The combined class probabilities, and how many of the photos used name the same top class."""

    probabilities: np.ndarray
    used: int
    agreeing: int

    @property
    def top(self) -> int:
        return int(np.argmax(self.probabilities))


def fuse(views: Sequence[np.ndarray]) -> FusedTypology | None:
    """Combine the class probabilities of the photos where a firearm was found; None when there are none."""
    if not views:
        return None
    stacked = np.asarray(views, dtype=np.float64)
    pooled = np.log(np.clip(stacked, PROBABILITY_FLOOR, 1.0)).mean(axis=0)
    probabilities = np.exp(pooled - pooled.max())
    probabilities /= probabilities.sum()
    top = int(np.argmax(probabilities))
    agreeing = int(np.sum(np.argmax(stacked, axis=1) == top))
    return FusedTypology(probabilities=probabilities, used=len(views), agreeing=agreeing)


def best_measurement(measurements: Sequence[Measurement]) -> Measurement | None:
    """The measurement with the smallest combined uncertainty (the one closest to settling the length rule)."""
    if not measurements:
        return None
    return min(measurements, key=lambda m: m.exact.overall_uncertainty_cm + m.exact.barrel_uncertainty_cm)
