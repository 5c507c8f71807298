"""The three-way "is there a firearm?" decision: evidence in, outcome out, and the bars the manifest serves."""

from __future__ import annotations

import json

import pytest

from basegun.answering.presence import PresenceEvidence, PresenceRule
from basegun.settings import DEFAULT_MODELS_DIR, Settings

RULE = PresenceRule(
    detected_confidence=0.9,
    detected_score=0.3,
    absent_confidence=0.5,
    absent_score=0.2,
    max_blur_px=1.6,
    detector_size=320,
)


def test_a_confident_classifier_whose_views_agree_settles_it_without_the_detector() -> None:
    assert not RULE.needs_detector(0.95, views_agree=True)
    assert RULE.decide(PresenceEvidence(0.95, views_agree=True)) == "detected"


def test_views_that_disagree_call_the_detector_however_confident() -> None:
    assert RULE.needs_detector(0.99, views_agree=False)
    with pytest.raises(ValueError, match="detector"):
        RULE.decide(PresenceEvidence(0.99, views_agree=False))
    assert RULE.decide(PresenceEvidence(0.99, views_agree=False, detector_score=0.25)) == "uncertain"


def test_the_detector_alone_can_find_a_weapon_the_classifier_doubts() -> None:
    assert RULE.decide(PresenceEvidence(0.2, views_agree=False, detector_score=0.3)) == "detected"


@pytest.mark.parametrize(
    ("confidence", "score", "outcome"),
    [
        (0.49, 0.19, "absent"),  # both weak
        (0.5, 0.19, "uncertain"),  # the classifier not weak enough
        (0.49, 0.2, "uncertain"),  # the detector not weak enough
        (0.89, 0.29, "uncertain"),
    ],
)
def test_absent_needs_both_to_be_weak(confidence: float, score: float, outcome: str) -> None:
    assert RULE.decide(PresenceEvidence(confidence, views_agree=True, detector_score=score, blur_px=1.0)) == outcome


def test_a_blurred_photo_is_never_absent_only_uncertain() -> None:
    assert not RULE.needs_blur(0.6, 0.1)  # the classifier is not weak: blur cannot change the answer
    assert RULE.needs_blur(0.3, 0.1)
    with pytest.raises(ValueError, match="blur"):
        RULE.decide(PresenceEvidence(0.3, views_agree=False, detector_score=0.1))
    assert RULE.decide(PresenceEvidence(0.3, False, detector_score=0.1, blur_px=1.6)) == "absent"
    assert RULE.decide(PresenceEvidence(0.3, False, detector_score=0.1, blur_px=1.61)) == "uncertain"


def test_detector_only_is_the_former_gate() -> None:
    rule = PresenceRule.detector_only(0.1, 640)
    assert rule.needs_detector(1.0, views_agree=True)
    assert not rule.needs_blur(0.0, 0.0)
    assert rule.decide(PresenceEvidence(1.0, True, detector_score=0.09)) == "absent"
    assert rule.decide(PresenceEvidence(0.0, False, detector_score=0.1)) == "detected"


def test_the_served_manifest_states_a_consistent_rule() -> None:
    served = DEFAULT_MODELS_DIR / Settings().typology_manifest
    assert served.name == "typology-int8.json"
    data = json.loads(served.read_text(encoding="utf-8"))
    rule = PresenceRule.from_dict(data["presence"])
    assert rule.absent_confidence <= rule.detected_confidence <= 1
    assert 0 < rule.absent_score < rule.detected_score
    assert rule.detector_size % 32 == 0
    assert "cross-validation" in data["presence"]["chosen_by"]
