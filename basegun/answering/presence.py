"""Is there a firearm in the photo? Three answers from all the evidence: detected, uncertain or absent.

The typology classifier always names a class, and the keypoint network was trained to find the ends of long guns
beside a card: it scores many handguns low and some magazines high. Neither alone can say "no firearm" safely, and
telling someone a real firearm is not one is the costliest mistake. So:

- `detected` when the classifier is confident and its two views of the photo (centre crop and whole photo) name the
  same typology, or when the detector finds a weapon;
- `absent` only when both are weak, the classifier's confidence and the detector's score both under their bars, and
  the photo is sharp enough for their weakness to mean something (a blurred photo leaves both unsure);
- `uncertain` otherwise: the typology is still shown, at low confidence, with advice to take the photo again.

The detector is run only when the classifier alone does not settle it (`needs_detector`). The bars come from the
typology model's manifest (`presence` block), chosen by cross-validation (`python -m benchmarks.accuracy`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

Outcome = Literal["detected", "uncertain", "absent"]


@dataclass(frozen=True)
class PresenceEvidence:
    """What the networks said about one photo.

    `confidence`: the classifier's top probability (calibrated, views averaged); `views_agree`: its views name the
    same typology; `detector_score`: the keypoint network's best weapon score, None when it was not run;
    `blur_px`: the width of the photo's sharpest edges at the classifier's scale, None when not measured.
    """

    confidence: float
    views_agree: bool
    detector_score: float | None = None
    blur_px: float | None = None


@dataclass(frozen=True)
class PresenceRule:
    """The bars of the decision; see the module's docstring for how they combine."""

    detected_confidence: float
    detected_score: float
    absent_confidence: float
    absent_score: float
    max_blur_px: float
    detector_size: int

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PresenceRule:
        return cls(
            detected_confidence=float(data["detected_confidence"]),
            detected_score=float(data["detected_score"]),
            absent_confidence=float(data["absent_confidence"]),
            absent_score=float(data["absent_score"]),
            max_blur_px=math.inf if data.get("max_blur_px") is None else float(data["max_blur_px"]),
            detector_size=int(data["detector_size"]),
        )

    @classmethod
    def detector_only(cls, threshold: float, size: int) -> PresenceRule:
        """The detector alone decides, detected or absent at `threshold`: for a typology model whose manifest has no
        `presence` block (one never cross-validated with the detector)."""
        never = 2.0  # above any probability: the classifier never settles it, and is always "weak"
        return cls(never, threshold, never, threshold, math.inf, size)

    def settled_by_classifier(self, confidence: float, views_agree: bool) -> bool:
        return views_agree and confidence >= self.detected_confidence

    def needs_detector(self, confidence: float, views_agree: bool) -> bool:
        """Whether the detector's score could change the answer."""
        return not self.settled_by_classifier(confidence, views_agree)

    def needs_blur(self, confidence: float, detector_score: float) -> bool:
        """Whether both networks are weak enough for the photo's sharpness to decide between absent and uncertain."""
        return (
            detector_score < min(self.absent_score, self.detected_score)
            and confidence < self.absent_confidence
            and math.isfinite(self.max_blur_px)
        )

    def decide(self, evidence: PresenceEvidence) -> Outcome:
        if self.settled_by_classifier(evidence.confidence, evidence.views_agree):
            return "detected"
        if evidence.detector_score is None:
            raise ValueError("the detector's score is needed to decide this photo")
        if evidence.detector_score >= self.detected_score:
            return "detected"
        if evidence.confidence >= self.absent_confidence or evidence.detector_score >= self.absent_score:
            return "uncertain"
        if not self.needs_blur(evidence.confidence, evidence.detector_score):
            return "absent"
        if evidence.blur_px is None:
            raise ValueError("the photo's blur is needed to decide this photo")
        return "absent" if evidence.blur_px <= self.max_blur_px else "uncertain"
