"""A measurement: the lengths read, where they were read, and the typed answer made of them."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

import numpy as np

from basegun.answering.answer_models import LengthVerdictAnswer, MeasurementAnswer, Words
from basegun.catalog.lengths import LengthVerdict


@dataclass(frozen=True)
class Measurement:
    """Lengths in cm with their uncertainty (± about 95 %), and where they were read, in photo pixels."""

    overall_length_cm: float
    barrel_length_cm: float
    overall_uncertainty_cm: float
    barrel_uncertainty_cm: float
    card_confidence: float
    weapon_confidence: float
    card_size_px: tuple[float, float]  # long side, short side
    card_corners: np.ndarray  # (4, 2)
    keypoints: np.ndarray  # (4, 2): rear_end_a, rear_end_b, barrel_rear, muzzle
    rear_on_axis: np.ndarray  # (2,): where the overall length ends, on the barrel axis
    keypoint_names: tuple[str, ...]
    typology: str | None = None
    length_rule: str | None = None
    verdict: LengthVerdict | None = None
    annotated_jpeg: bytes | None = field(default=None, repr=False)

    def answer(self, *, image: bool = True) -> MeasurementAnswer:
        """The typed answer; `image=False` leaves out the annotated photo, which is not to be stored."""
        verdict = self.verdict
        return MeasurementAnswer(
            overall_length_cm=round(self.overall_length_cm, 1),
            barrel_length_cm=round(self.barrel_length_cm, 1),
            overall_uncertainty_cm=round(self.overall_uncertainty_cm, 1),
            barrel_uncertainty_cm=round(self.barrel_uncertainty_cm, 1),
            card_confidence=round(self.card_confidence, 4),
            weapon_confidence=round(self.weapon_confidence, 4),
            card_size_px=(round(self.card_size_px[0], 1), round(self.card_size_px[1], 1)),
            card_corners=_rounded(self.card_corners),
            keypoints=dict(zip(self.keypoint_names, _rounded(self.keypoints), strict=True)),
            typology=self.typology,
            length_rule=self.length_rule,
            legal=(
                LengthVerdictAnswer(
                    categories=list(verdict.categories), decided=verdict.decided, reason=Words(**verdict.reason)
                )
                if verdict is not None
                else None
            ),
            annotated_image=self.annotated_image_url if image else None,
        )

    @property
    def annotated_image_url(self) -> str | None:
        """The annotated JPEG as a `data:` URL, or None when it was not drawn."""
        if self.annotated_jpeg is None:
            return None
        return "data:image/jpeg;base64," + base64.b64encode(self.annotated_jpeg).decode("ascii")


def _rounded(points: np.ndarray) -> list[tuple[float, float]]:
    return [(round(float(x), 1), round(float(y), 1)) for x, y in points]
