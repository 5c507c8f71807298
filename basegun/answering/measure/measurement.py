"""A measurement: the answer's own fields at full precision, and what stays inside to draw it and decide on it."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from basegun.answering.answer_models import LengthVerdictAnswer, MeasurementAnswer, Point, Words
from basegun.catalog.lengths import LengthVerdict

CONFIDENCE_DIGITS = 4  # the networks' confidences; every other number of the answer is in cm or pixels, to 0.1


@dataclass(frozen=True)
class Measurement:
    """`exact` is the answer before rounding (lengths in cm, ± about 95 %, and where they were read, in photo pixels:
    its fields are declared once, by `MeasurementAnswer`); the rest is not sent: where the overall length ends on the
    barrel axis, the length verdict as the catalog gives it, and the annotated photo."""

    exact: MeasurementAnswer  # without the annotated image
    rear_on_axis: np.ndarray  # (2,)
    verdict: LengthVerdict | None = None
    annotated_jpeg: bytes | None = field(default=None, repr=False)

    @property
    def card_corners(self) -> np.ndarray:
        """(4, 2), in photo pixels."""
        return np.array(self.exact.card_corners)

    @property
    def keypoints(self) -> np.ndarray:
        """(4, 2), in photo pixels, in the detector's order: rear_end_a, rear_end_b, barrel_rear, muzzle."""
        return np.array(list(self.exact.keypoints.values()))

    def answer(self, *, image: bool = True) -> MeasurementAnswer:
        """The typed answer, rounded as it is sent; `image=False` leaves out the annotated photo, which is not to be
        stored."""
        rounded = {
            name: _rounded(value, CONFIDENCE_DIGITS if name.endswith("_confidence") else 1)
            for name, value in self.exact
        }
        return MeasurementAnswer(**{**rounded, "annotated_image": self.annotated_image_url if image else None})

    @property
    def annotated_image_url(self) -> str | None:
        """The annotated JPEG as a `data:` URL, or None when it was not drawn."""
        if self.annotated_jpeg is None:
            return None
        return "data:image/jpeg;base64," + base64.b64encode(self.annotated_jpeg).decode("ascii")


def points(array: np.ndarray) -> list[Point]:
    """(N, 2) pixels as the answer holds them."""
    return [(float(x), float(y)) for x, y in array]


def legal_answer(verdict: LengthVerdict | None) -> LengthVerdictAnswer | None:
    """What the length rule says, as the answer gives it."""
    if verdict is None:
        return None
    return LengthVerdictAnswer(
        categories=list(verdict.categories), decided=verdict.decided, reason=Words(**verdict.reason)
    )


def _rounded(value: Any, digits: int) -> Any:
    """Every float in `value` (a number, a point, a list or dict of points) rounded to `digits`; the rest as it is."""
    if isinstance(value, float):
        return round(value, digits)
    if isinstance(value, tuple | list):
        return type(value)(_rounded(item, digits) for item in value)
    if isinstance(value, dict):
        return {key: _rounded(item, digits) for key, item in value.items()}
    return value
