"""The catalog's answer for a typology at a level, with and without lengths, on lengths written in the test."""

from __future__ import annotations

import pytest

from basegun.catalog.lengths import apply_length_rule
from basegun.catalog.loading import load_catalog
from basegun.errors import InvalidRequest, NotFound

CATALOG = load_catalog()


def test_without_lengths_a_pump_gun_is_b_or_c_and_says_what_would_settle_it() -> None:
    resolved = CATALOG.resolve("epaule_a_pompe", "high")
    assert resolved.categories == ("B", "C")
    assert resolved.category_text == {"fr": "B ou C", "en": "B or C"}
    assert resolved.settle  # a length, the capacity, the stock: what would settle it
    assert resolved.notice == CATALOG.notice


def test_lengths_narrow_the_categories_and_explain_why() -> None:
    verdict = apply_length_rule(CATALOG.length_rule("P"), 100, 60, 0, 0)
    resolved = CATALOG.resolve("epaule_a_pompe", "medium", verdict)
    assert resolved.categories == ("C",)
    assert resolved.explanation == verdict.reason
    assert resolved.settle == []  # one category: nothing left to settle
    assert [mention["category"] for mention in resolved.mentions] == ["C"]


def test_advice_follows_the_level() -> None:
    high, low = CATALOG.resolve("revolver", "high"), CATALOG.resolve("revolver", "low")
    assert high.advice != low.advice


def test_lengths_for_a_typology_not_classified_by_length_are_refused() -> None:
    verdict = apply_length_rule(CATALOG.length_rule("L"), 100, 60, 0, 0)
    with pytest.raises(InvalidRequest) as error:
        CATALOG.resolve("revolver", "high", verdict)
    assert error.value.code == "not_measured"


def test_an_unknown_typology_or_level_is_refused() -> None:
    with pytest.raises(NotFound):
        CATALOG.resolve("bazooka", "high")
    with pytest.raises(ValueError, match="confidence level"):
        CATALOG.resolve("revolver", "certain")
