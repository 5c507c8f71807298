"""The length rules L, P and S of DOMAIN.md, applied to measured lengths with their uncertainty."""

from __future__ import annotations

import json
import math

import pytest

from basegun.catalog.lengths import LengthRule, apply_length_rule
from basegun.catalog.loading import load_catalog
from basegun.catalog.typologies import Catalog


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def rule(catalog: Catalog, key: str) -> LengthRule:
    return catalog.length_rule(key)


# (rule, overall cm, barrel cm, expected categories): exact lengths, clear of, and exactly on, each threshold.
EXACT_CASES = [
    ("L", 90, 60, ("C",)),
    ("L", 60, 60, ("B",)),  # L < 75
    ("L", 90, 30, ("B",)),  # Lb < 40
    ("L", 80, 50, ("B", "C")),  # between the thresholds
    ("L", 75, 60, ("B", "C")),  # L == 75: neither "L > 75" nor "L < 75"
    ("L", 80, 55, ("B", "C")),  # Lb == 55 is not over 55
    ("L", 80, 40, ("B", "C")),  # Lb == 40 is not under 40
    ("L", 74.9, 60, ("B",)),
    ("L", 75.1, 55.1, ("C",)),
    ("P", 90, 60, ("C",)),
    ("P", 75, 60, ("B",)),  # L == 75: not C, so B
    ("P", 90, 55, ("B",)),
    ("P", 70, 30, ("B",)),
    ("S", 90, 45, ("C",)),
    ("S", 90, 40, ("B",)),  # Lb == 40 is not over 40
    ("S", 75, 60, ("B",)),
    ("S", 76, 41, ("C",)),
]


@pytest.mark.parametrize(("key", "overall", "barrel", "expected"), EXACT_CASES)
def test_apply_length_rule_exact_lengths(
    catalog: Catalog, key: str, overall: float, barrel: float, expected: tuple[str, ...]
) -> None:
    verdict = apply_length_rule(rule(catalog, key), overall, barrel, 0, 0)
    assert verdict.categories == expected
    assert verdict.decided is True


@pytest.mark.parametrize("key", ["L", "P", "S"])
def test_apply_length_rule_straddling_uncertainty_is_undecided(catalog: Catalog, key: str) -> None:
    barrel_threshold = 40 if key == "S" else 55
    verdict = apply_length_rule(rule(catalog, key), 90, barrel_threshold - 1, 0, 4)
    assert verdict.decided is False
    assert verdict.categories == ("B", "C")
    assert f"{barrel_threshold - 1},0 ± 4,0 cm" in verdict.reason["fr"]
    assert f"seuil de {barrel_threshold} cm" in verdict.reason["fr"]
    assert f"{barrel_threshold - 1}.0 ± 4.0 cm" in verdict.reason["en"]
    assert f"{barrel_threshold} cm threshold" in verdict.reason["en"]


def test_apply_length_rule_reason_names_the_close_length(catalog: Catalog) -> None:
    verdict = apply_length_rule(rule(catalog, "L"), 90, 54, 0, 4)
    assert verdict.reason["fr"].startswith("Le canon mesure 54,0 ± 4,0 cm, trop près du seuil de 55 cm pour trancher.")
    assert "longueur totale" not in verdict.reason["fr"]


def test_apply_length_rule_overall_straddling_is_undecided(catalog: Catalog) -> None:
    verdict = apply_length_rule(rule(catalog, "P"), 76.3, 60, 2.5, 1)
    assert verdict.decided is False
    assert verdict.categories == ("B", "C")
    assert "76.3 ± 2.5 cm, too close to the 75 cm threshold" in verdict.reason["en"]


def test_apply_length_rule_interval_touching_threshold_is_undecided(catalog: Catalog) -> None:
    # 79 ± 4 reaches down to 75, which is not over 75: the interval is not wholly on one side.
    verdict = apply_length_rule(rule(catalog, "P"), 79, 60, 4, 0)
    assert verdict.decided is False


def test_apply_length_rule_clear_uncertainty_decides(catalog: Catalog) -> None:
    verdict = apply_length_rule(rule(catalog, "L"), 90, 62, 4, 4)
    assert verdict.categories == ("C",)
    assert verdict.decided is True
    assert "90,0 ± 4,0 cm" in verdict.reason["fr"]
    assert "catégorie C" in verdict.reason["fr"]


def test_apply_length_rule_ignores_a_threshold_that_cannot_change_the_answer(catalog: Catalog) -> None:
    # Overall 60 cm is clearly under 75: B whatever the barrel, even with a barrel close to 40 cm.
    verdict = apply_length_rule(rule(catalog, "L"), 60, 40, 2, 4)
    assert verdict.categories == ("B",)
    assert verdict.decided is True
    assert "canon" not in verdict.reason["fr"]


def test_apply_length_rule_open_between_thresholds_says_so(catalog: Catalog) -> None:
    verdict = apply_length_rule(rule(catalog, "L"), 85, 48, 3, 3)
    assert verdict.decided is True
    assert verdict.categories == ("B", "C")
    assert verdict.reason["fr"].endswith("ouverte : B ou C.")
    assert verdict.reason["en"].endswith("open: B or C.")


@pytest.mark.parametrize(
    ("overall", "barrel", "overall_uncertainty", "barrel_uncertainty"),
    [(-1, 50, 0, 0), (80, 50, -1, 0), (math.nan, 50, 0, 0), (80, math.inf, 0, 0), (80, 50, 0, math.nan)],
)
def test_apply_length_rule_refuses_impossible_measurements(
    catalog: Catalog, overall: float, barrel: float, overall_uncertainty: float, barrel_uncertainty: float
) -> None:
    with pytest.raises(ValueError, match="finite and non-negative"):
        apply_length_rule(rule(catalog, "L"), overall, barrel, overall_uncertainty, barrel_uncertainty)


def test_length_verdict_to_dict_is_plain_json(catalog: Catalog) -> None:
    body = apply_length_rule(rule(catalog, "S"), 100, 70, 1, 1).to_dict()
    assert json.loads(json.dumps(body)) == body  # lists and strings only: a tuple would come back a list
    assert (body["categories"], body["decided"]) == (["C"], True)
    assert set(body["reason"]) == {"fr", "en"}
    assert "70,0 ± 1,0 cm" in body["reason"]["fr"]
    assert "70.0 ± 1.0 cm" in body["reason"]["en"]
