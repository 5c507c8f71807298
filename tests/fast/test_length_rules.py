"""The length rules of DOMAIN.md on lengths written in the test: strict thresholds, and the ±4 cm error kept honest."""

from __future__ import annotations

import pytest

from basegun.catalog.lengths import apply_length_rule
from basegun.catalog.loading import load_catalog

CATALOG = load_catalog()


@pytest.mark.parametrize(
    ("rule", "overall", "barrel", "categories"),
    [
        ("L", 70, 50, ("B",)),  # L < 75
        ("L", 100, 35, ("B",)),  # Lb < 40
        ("L", 100, 60, ("C",)),  # L > 75 and Lb > 55
        ("L", 100, 48, ("B", "C")),  # between the barrel thresholds
        ("P", 100, 60, ("C",)),
        ("P", 100, 48, ("B",)),  # pump: C only above 55 cm of barrel
        ("S", 100, 48, ("C",)),  # break-action: C above 40 cm of barrel
        ("S", 70, 48, ("B",)),
    ],
)
def test_exact_lengths_give_the_rule_s_categories(rule: str, overall: float, barrel: float, categories: tuple) -> None:
    verdict = apply_length_rule(CATALOG.length_rule(rule), overall, barrel, 0, 0)
    assert verdict.categories == categories
    assert verdict.decided


def test_a_length_on_the_threshold_is_neither_above_nor_below() -> None:
    verdict = apply_length_rule(CATALOG.length_rule("P"), 75, 60, 0, 0)
    assert verdict.categories == ("B",)  # "C if L > 75": 75 cm is not above


def test_an_interval_across_a_threshold_keeps_every_category_and_says_which_length() -> None:
    verdict = apply_length_rule(CATALOG.length_rule("P"), 100, 56, 0, 4)  # barrel 52 to 60, across 55
    assert verdict.categories == ("B", "C")
    assert not verdict.decided
    assert "55" in verdict.reason["fr"]
    assert "55" in verdict.reason["en"]


def test_the_same_interval_clear_of_the_threshold_decides() -> None:
    assert apply_length_rule(CATALOG.length_rule("P"), 100, 62, 4, 4).decided


@pytest.mark.parametrize(("overall", "uncertainty"), [(float("nan"), 0), (-1, 0), (80, -1), (80, float("inf"))])
def test_impossible_lengths_are_refused(overall: float, uncertainty: float) -> None:
    with pytest.raises(ValueError, match="finite and non-negative"):
        apply_length_rule(CATALOG.length_rule("L"), overall, 50, uncertainty, 0)
