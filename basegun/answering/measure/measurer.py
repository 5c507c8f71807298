"""Measure a long gun's overall and barrel lengths from an ID-1 card lying beside it in the photo."""

from __future__ import annotations

import math
from concurrent.futures import Future
from dataclasses import replace

from basegun.answering.answer_models import MeasurementAnswer
from basegun.answering.measure.annotate import annotate, reduced_copy
from basegun.answering.measure.geometry import View, points_left, weapon_lengths
from basegun.answering.measure.measurement import Measurement, legal_answer, points
from basegun.answering.measure.refusals import refuse
from basegun.answering.measure.uncertainty import ErrorModel
from basegun.catalog.lengths import LengthRule, apply_length_rule
from basegun.catalog.typologies import Catalog
from basegun.errors import InvalidRequest, MeasurementRefused
from basegun.inference.imaging import Detail, Photo
from basegun.inference.parallel import beside
from basegun.networks.card_detector import CardDetection, CardDetector
from basegun.networks.weapon_detector import WeaponDetection, WeaponDetector


class Measurer:
    """Finds the weapon's four keypoints and the card in one landscape view, the muzzle to the right.

    The keypoint network was trained on horizontal weapons pointing right: a portrait photo is turned to
    landscape and, when the muzzle is found left of the stock, the view is turned over and the weapon found
    again. The card is looked for in that same view, so that both are in the same pixels.
    """

    def __init__(self, weapons: WeaponDetector, cards: CardDetector, errors: ErrorModel | None = None) -> None:
        self.weapons = weapons
        self.cards = cards
        self.errors = errors or ErrorModel()
        self._weapon_input = weapons.session.manifest.preprocessing.size
        self.view_size = max(self._weapon_input, cards.input_size)

    @property
    def detail(self) -> Detail:
        """Twice the view: a large JPEG is decoded at 1/2 (or less) of its size, which keeps that much.

        The decode and every copy made from it then handle a quarter of the pixels. The networks' view is rebuilt
        from the reduced decode (`View.of`); at 1/4 it would drift further from a full decode's (32–47 dB PSNR).
        On the 7 labelled photos and 18 smaller or recompressed copies, lengths move by 0.34 cm on average
        (1.1 cm at most) against a full decode, the mean error against the truth goes from 1.51 to 1.57 cm, and
        one copy whose card sits at the detection threshold loses it (`python -m benchmarks.measure_draft`).
        """
        return Detail(min_long_side=2 * self.view_size)

    def measure(
        self,
        photo: Photo,
        typology: str | None = None,
        rule: LengthRule | None = None,
        *,
        annotated: bool = True,
        card_first: bool = False,
    ) -> Measurement:
        """Measure and apply the length `rule` when given, or raise `MeasurementRefused` saying why not.

        The card is looked for beside the weapon, on another core. `card_first` waits for it before looking for
        the weapon, for callers that know a weapon is there and mostly see photos without a card: those are then
        answered by one network run.
        """
        view = View.of(photo.image, self.view_size, photo.original_size)
        if view.is_portrait:
            view = view.turned(1)
        looking = beside(self.cards.detect, view.image)
        if card_first and not looking.result():
            raise refuse("no_card")
        drawing = beside(reduced_copy, photo.image) if annotated else None
        view, weapon, looking = self._find_weapon(view, looking)
        cards = looking.result()
        card_seen_per_px = self._seen_per_px(view, self.cards.input_size)
        card = self._pick_card(cards, card_seen_per_px)

        lengths = weapon_lengths(weapon.keypoints)
        if lengths.barrel <= 0 or lengths.overall <= lengths.barrel:
            raise refuse("low_keypoint_confidence")
        cm_per_px = self.cards.card_diagonal_mm / 10 / card.diagonal
        scale_error = self.errors.scale_error(card, card_seen_per_px, self.cards.card_aspect)
        point_sigma = self.errors.point_sigma(self._seen_per_px(view, self._weapon_input), weapon.score)
        overall, barrel = lengths.overall * cm_per_px, lengths.barrel * cm_per_px
        overall_uncertainty = self.errors.length_uncertainty(overall, scale_error, point_sigma, cm_per_px)
        barrel_uncertainty = self.errors.length_uncertainty(barrel, scale_error, point_sigma, cm_per_px)

        verdict = (
            apply_length_rule(rule, overall, barrel, overall_uncertainty, barrel_uncertainty)
            if rule is not None
            else None
        )
        exact = MeasurementAnswer(
            overall_length_cm=overall,
            barrel_length_cm=barrel,
            overall_uncertainty_cm=overall_uncertainty,
            barrel_uncertainty_cm=barrel_uncertainty,
            card_confidence=card.confidence,
            weapon_confidence=weapon.score,
            card_size_px=(card.long_side / view.scale, card.short_side / view.scale),
            card_corners=points(view.to_photo(card.corners)),
            keypoints=dict(zip(self.weapons.keypoint_names, points(view.to_photo(weapon.keypoints)), strict=True)),
            typology=typology,
            length_rule=rule.key if rule is not None else None,
            legal=legal_answer(verdict),
        )
        measurement = Measurement(exact, rear_on_axis=view.to_photo(lengths.rear_on_axis[None])[0], verdict=verdict)
        if drawing is None:
            return measurement
        return replace(measurement, annotated_jpeg=annotate(drawing.result(), photo.original_size, measurement))

    def measure_if_card(
        self, photo: Photo, typology: str | None = None, rule: LengthRule | None = None
    ) -> Measurement | None:
        """For identification, which measures only when the user laid a card: None when there is none.

        Any other refusal still raises: a card too small or tilted is worth telling the user.
        """
        try:
            return self.measure(photo, typology, rule, card_first=True)
        except MeasurementRefused as refusal:
            if refusal.code == "no_card":
                return None
            raise

    def _find_weapon(
        self, view: View, looking: Future[list[CardDetection]]
    ) -> tuple[View, WeaponDetection, Future[list[CardDetection]]]:
        """The weapon, in the view where it points right, and the card search in that same view.

        The card is read in the weapon's view: when the weapon is found upside down, the card is looked for again
        in the turned view, beside the weapon's second search.
        """
        found = self.weapons.detect(view.image, threshold=self.weapons.presence_threshold)
        if not found:
            raise refuse("no_weapon")
        if points_left(found[0].keypoints):
            turned = view.turned(2)
            looking_turned = beside(self.cards.detect, turned.image)
            found_again = self.weapons.detect(turned.image, threshold=self.weapons.presence_threshold)
            if found_again:
                view, found, looking = turned, found_again, looking_turned
        weapon = found[0]
        if weapon.score < self.weapons.threshold:
            raise refuse("low_keypoint_confidence")
        return view, weapon, looking

    def _pick_card(self, cards: list[CardDetection], seen_per_px: float) -> CardDetection:
        """The most confident card, unless another confident card's scale is out of their joint uncertainty.

        Two ID-1 cards lying flat beside the weapon give the same scale; two that do not mean one of them is
        not flat, not beside the weapon, or not a card, and nothing tells which.
        """
        if not cards:
            raise refuse("no_card")
        best = cards[0]
        if self.errors.too_small(best, seen_per_px):
            raise refuse("card_too_small")
        if self.errors.oblique(best, seen_per_px, self.cards.card_aspect):
            raise refuse("card_oblique")
        best_error = self.errors.scale_error(best, seen_per_px, self.cards.card_aspect)
        for other in cards[1:]:
            other_error = self.errors.scale_error(other, seen_per_px, self.cards.card_aspect)
            tolerance = self.errors.coverage * math.hypot(best_error, other_error)
            if abs(math.log(other.diagonal / best.diagonal)) > tolerance:
                raise refuse("several_cards")
        return best

    @staticmethod
    def _seen_per_px(view: View, network_size: int) -> float:
        """Seen pixels per view pixel: the coarser of the network's input and the photo itself."""
        network_per_px = network_size / max(view.pixels.shape[:2])
        return min(network_per_px, view.detail_per_px)


def length_rule_of(catalog: Catalog, typology: str) -> LengthRule:
    """The length rule that classifies `typology`; refuses a typology that lengths do not classify."""
    rule = catalog.get(typology).length_rule
    if rule is None:
        raise InvalidRequest(
            f"The typology {typology} is not classified by its lengths; only long guns are measured.",
            code="not_measured",
        )
    return catalog.length_rule(rule)
