"""Several photos of one weapon on probabilities written in the test: a geometric mean, not a vote or a sum."""

from __future__ import annotations

import numpy as np
import pytest

from basegun.answering.fusion import fuse


def test_no_photo_with_a_firearm_gives_nothing() -> None:
    assert fuse([]) is None


def test_a_duplicate_photo_changes_nothing() -> None:
    view = np.array([0.7, 0.2, 0.1])
    once, twice = fuse([view]), fuse([view, view])
    assert once is not None
    assert twice is not None
    assert twice.probabilities == pytest.approx(once.probabilities)
    assert (twice.used, twice.agreeing) == (2, 2)


def test_the_mean_of_log_probabilities_worked_by_hand() -> None:
    """(0.8, 0.2) and (0.2, 0.8): geometric means 0.4 and 0.4, so (0.5, 0.5); (0.9, 0.1) and (0.5, 0.5): sqrt(0.45)
    = 0.6708 and sqrt(0.05) = 0.2236, so (0.75, 0.25). An arithmetic mean would give (0.7, 0.3) there."""
    even = fuse([np.array([0.8, 0.2]), np.array([0.2, 0.8])])
    leaning = fuse([np.array([0.9, 0.1]), np.array([0.5, 0.5])])
    assert even is not None
    assert leaning is not None
    assert even.probabilities == pytest.approx([0.5, 0.5])
    assert leaning.probabilities == pytest.approx([0.75, 0.25])
    assert leaning.top == 0


def test_agreeing_counts_the_photos_whose_own_top_is_the_fused_top() -> None:
    fused = fuse([np.array([0.6, 0.3, 0.1]), np.array([0.6, 0.3, 0.1]), np.array([0.2, 0.7, 0.1])])
    assert fused is not None
    assert fused.top == 0
    assert (fused.used, fused.agreeing) == (3, 2)


def test_a_rounded_zero_does_not_veto_the_other_photos() -> None:
    fused = fuse([np.array([1.0, 0.0]), np.array([0.01, 0.99]), np.array([0.01, 0.99])])
    assert fused is not None
    assert fused.probabilities[1] > 0.09  # the zero is floored at float32's epsilon (log -15.9), not taken as proof
