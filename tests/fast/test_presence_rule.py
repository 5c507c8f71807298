"""Presence on evidence written in the test: `absent` only when every network is weak and the photo sharp."""

from __future__ import annotations

import math

import pytest

from basegun.answering.presence import PresenceEvidence, PresenceRule

RULE = PresenceRule(
    detected_confidence=0.9, detected_score=0.5, absent_confidence=0.4, absent_score=0.2, max_blur_px=2.0,
    detector_size=640,
)  # fmt: skip


@pytest.mark.parametrize(
    ("evidence", "outcome"),
    [
        (PresenceEvidence(0.95, True), "detected"),  # a confident classifier whose views agree
        (PresenceEvidence(0.95, False, detector_score=0.1, blur_px=1.0), "uncertain"),  # confident, views disagree
        (PresenceEvidence(0.3, False, detector_score=0.6), "detected"),  # the detector finds a weapon
        (PresenceEvidence(0.5, True, detector_score=0.1), "uncertain"),  # classifier not weak enough for absent
        (PresenceEvidence(0.3, True, detector_score=0.3), "uncertain"),  # detector not weak enough for absent
        (PresenceEvidence(0.3, True, detector_score=0.1, blur_px=2.0), "absent"),  # all weak, sharp photo
        (PresenceEvidence(0.3, True, detector_score=0.1, blur_px=2.1), "uncertain"),  # all weak, blurred photo
    ],
)
def test_decide(evidence: PresenceEvidence, outcome: str) -> None:
    assert RULE.decide(evidence) == outcome


def test_the_detector_runs_only_when_the_classifier_does_not_settle_it() -> None:
    assert not RULE.needs_detector(0.95, views_agree=True)
    assert RULE.needs_detector(0.95, views_agree=False)
    assert RULE.needs_detector(0.5, views_agree=True)


def test_a_missing_score_or_blur_that_would_decide_is_an_error_not_a_guess() -> None:
    with pytest.raises(ValueError, match="detector"):
        RULE.decide(PresenceEvidence(0.3, True))
    with pytest.raises(ValueError, match="blur"):
        RULE.decide(PresenceEvidence(0.3, True, detector_score=0.1))


def test_without_a_blur_bar_weak_evidence_is_absent() -> None:
    rule = PresenceRule(0.9, 0.5, 0.4, 0.2, math.inf, 640)
    assert not rule.needs_blur(0.3, 0.1)
    assert rule.decide(PresenceEvidence(0.3, True, detector_score=0.1)) == "absent"
