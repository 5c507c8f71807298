"""How far a measured length can be from the truth, and when a card cannot be trusted at all.

Boxes, keypoints and lengths are in the pixels of the image they were found in. A "seen" pixel is a pixel
of the coarser of the photo and the network input, where the detail was actually resolved; `seen_per_px`
is seen pixels per image pixel. For a length of L cm:

    rel_size  = σ_card / (card diagonal × seen_per_px)
        a box side off by σ_card seen pixels (quantisation, box regression) moves the scale by this much
    rel_tilt  = max(0, |(long / short) / (85.60 / 53.98) − 1| − σ_card / seen_per_px × √(1/long² + 1/short²))
        a card tilted or seen in perspective is shortened along one side: the gap between its proportions
        and ISO's, beyond what a σ_card error on its sides explains, bounds the scale error in any direction
    rel_scale = √(rel_size² + rel_tilt²) / card_confidence
    σ_point   = σ_keypoint / seen_per_px / weapon_confidence       (each keypoint, in image pixels)
    σ(L)      = √((L × rel_scale)² + (√2 × σ_point × cm_per_px)²)
        the scale error grows with the length; the two end points add a fixed error
    uncertainty = coverage × σ(L)                                  (coverage 2: about 95 % of errors)

Dividing by a confidence trusts a detection the network is less sure of proportionally less. σ_card and
σ_keypoint are in seen pixels and describe the models, not any photo: about one pixel on a box side (what a
box regressor resolves on a small object) and three per keypoint (a stock's end or a muzzle is not a sharp
point). Retrain a model, measure them again.

The card is refused as too small when its size alone bounds the scale to worse than `max_size_error`
(coverage × rel_size), and as oblique when rel_tilt is over `max_tilt_error`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from basegun.networks.card_detector import CardDetection


@dataclass(frozen=True)
class ErrorModel:
    """The measurement's error model and refusal limits; the formula is in the module docstring."""

    card_sigma_px: float = 1.0
    keypoint_sigma_px: float = 3.0
    coverage: float = 2.0
    # ±6 % of scale is ±6 cm on a one-metre weapon: wider than the length rules' margins can use.
    max_size_error: float = 0.06
    # A card 12 % shorter along one side than ISO's proportions is tilted by about 30°, or badly outlined.
    max_tilt_error: float = 0.12

    def size_error(self, card: CardDetection, seen_per_px: float) -> float:
        """rel_size: the scale's relative error due to the card's size in seen pixels."""
        return self.card_sigma_px / (card.diagonal * seen_per_px)

    def tilt_error(self, card: CardDetection, seen_per_px: float, true_aspect: float) -> float:
        """rel_tilt: how far the card's proportions are from the true card's, beyond pixel error."""
        gap = abs(card.long_side / card.short_side / true_aspect - 1)
        noise = self.card_sigma_px / seen_per_px * math.hypot(1 / card.long_side, 1 / card.short_side)
        return max(0.0, gap - noise)

    def scale_error(self, card: CardDetection, seen_per_px: float, true_aspect: float) -> float:
        """rel_scale: the relative error of centimetres per pixel, one standard deviation."""
        spread = math.hypot(self.size_error(card, seen_per_px), self.tilt_error(card, seen_per_px, true_aspect))
        return spread / card.confidence

    def too_small(self, card: CardDetection, seen_per_px: float) -> bool:
        return self.coverage * self.size_error(card, seen_per_px) > self.max_size_error

    def oblique(self, card: CardDetection, seen_per_px: float, true_aspect: float) -> bool:
        return self.tilt_error(card, seen_per_px, true_aspect) > self.max_tilt_error

    def point_sigma(self, seen_per_px: float, weapon_confidence: float) -> float:
        """σ_point, in image pixels."""
        return self.keypoint_sigma_px / seen_per_px / weapon_confidence

    def length_uncertainty(
        self, length_cm: float, scale_error: float, point_sigma_px: float, cm_per_px: float
    ) -> float:
        """coverage × σ(L), in centimetres."""
        ends = math.sqrt(2) * point_sigma_px * cm_per_px
        return self.coverage * math.hypot(length_cm * scale_error, ends)
