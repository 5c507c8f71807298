"""The guided replica check: every verdict, from the typology, the ammunition answer and the markings."""

from __future__ import annotations

import pytest

from basegun.answering.alarm.markings import MarkingRules
from basegun.answering.replica import Markings, ReplicaChecker, ReplicaTexts
from basegun.catalog.loading import load_catalog
from basegun.errors import InvalidRequest, NotFound

PISTOL = "pistolet_semi_auto_moderne"
MILITARY = "semi_auto_style_militaire_autre"
BOLT_ACTION = "epaule_a_verrou"


@pytest.fixture(scope="module")
def checker() -> ReplicaChecker:
    return ReplicaChecker(load_catalog(), MarkingRules.load(), ReplicaTexts.load())


def alarm(status: str, listed: dict[str, str] | None = None, airsoft: tuple[str, ...] = ()) -> Markings:
    answer = {"status": status, "listed_model": listed, "airsoft_markings": list(airsoft)}
    return Markings.from_alarm_check(answer, "an-id")


BLOW_F92 = {"maker": "BLOW", "model": "F92"}


def reasons(verdict: dict) -> list[str]:
    return [reason["key"] for reason in verdict["reasons"]]


def test_check_pellets_gives_replica(checker: ReplicaChecker) -> None:
    verdict = checker.check(PISTOL, "pellets")
    assert verdict["verdict"] == "replica"
    assert verdict["categories"] == ["not_classified"]
    assert verdict["mentions"][0]["mention"]["fr"].startswith("Non classée")
    assert reasons(verdict) == ["ammunition_pellets"]


def test_check_cartridges_with_listed_alarm_model_gives_listed_alarm_gun(checker: ReplicaChecker) -> None:
    verdict = checker.check(PISTOL, "cartridges", alarm("listed_alarm_model", BLOW_F92))
    assert verdict["verdict"] == "listed_alarm_gun"
    assert verdict["categories"] == ["C"]
    assert reasons(verdict) == ["ammunition_cartridges", "listed_alarm_model"]
    assert "BLOW F92" in verdict["reasons"][1]["en"]
    assert verdict["markings"]["alarm_check_id"] == "an-id"


def test_check_unknown_ammunition_with_listed_alarm_model_gives_listed_alarm_gun(checker: ReplicaChecker) -> None:
    assert checker.check("revolver", "unknown", alarm("listed_alarm_model", BLOW_F92))["verdict"] == "listed_alarm_gun"


def test_check_pistol_with_cartridges_needs_its_markings(checker: ReplicaChecker) -> None:
    verdict = checker.check(PISTOL, "cartridges")
    assert verdict["verdict"] == "undetermined"
    assert verdict["categories"] == ["B", "C"]
    assert "alarm_not_checked" in reasons(verdict)


@pytest.mark.parametrize("status", ["no_text", "unreadable"])
def test_check_unread_markings_settle_nothing(checker: ReplicaChecker, status: str) -> None:
    verdict = checker.check("revolver", "cartridges", alarm(status))
    assert verdict["verdict"] == "undetermined"
    assert verdict["categories"] == ["B", "C", "D"]
    assert "alarm_not_read" in reasons(verdict)


def test_check_pistol_without_alarm_marking_gives_real_firearm(checker: ReplicaChecker) -> None:
    verdict = checker.check(PISTOL, "cartridges", alarm("no_alarm_marking"))
    assert verdict["verdict"] == "real_firearm"
    assert verdict["categories"] == ["B"]  # C is only for listed alarm models
    assert "no_alarm_marking" in reasons(verdict)


def test_check_revolver_without_alarm_marking_keeps_its_other_categories(checker: ReplicaChecker) -> None:
    assert checker.check("revolver", "cartridges", alarm("no_alarm_marking"))["categories"] == ["B", "D"]


def test_check_long_gun_with_cartridges_gives_real_firearm(checker: ReplicaChecker) -> None:
    verdict = checker.check(BOLT_ACTION, "cartridges")
    assert verdict["verdict"] == "real_firearm"
    assert verdict["categories"] == ["B", "C"]  # the length rule still applies
    assert verdict["warnings"] == []


def test_check_blank_firing_mark_without_listed_model_is_undetermined(checker: ReplicaChecker) -> None:
    verdict = checker.check(PISTOL, "cartridges", alarm("blank_firing_mark"))
    assert verdict["verdict"] == "undetermined"
    assert "blank_firing_mark" in reasons(verdict)


@pytest.mark.parametrize("status", ["listed_alarm_model", "blank_firing_mark"])
def test_check_pellets_contradicted_by_alarm_markings(checker: ReplicaChecker, status: str) -> None:
    verdict = checker.check(PISTOL, "pellets", alarm(status, BLOW_F92 if status == "listed_alarm_model" else None))
    assert verdict["verdict"] == "undetermined"
    assert "not_classified" in verdict["categories"]
    assert "pellets_contradicted" in reasons(verdict)


def test_check_cartridges_contradicted_by_airsoft_markings(checker: ReplicaChecker) -> None:
    verdict = checker.check(PISTOL, "cartridges", alarm("no_alarm_marking", airsoft=("6 mm", "BB")))
    assert verdict["verdict"] == "undetermined"
    assert verdict["categories"] == ["B", "C", "not_classified"]
    assert reasons(verdict) == ["ammunition_cartridges", "airsoft_markings", "cartridges_contradicted"]
    assert "6 mm, BB" in verdict["reasons"][1]["fr"]


def test_check_pellets_with_airsoft_markings_cites_them(checker: ReplicaChecker) -> None:
    verdict = checker.check(MILITARY, "pellets", checker.markings_from_text("CAL. 6mm BB\n< 0.5 J"))
    assert verdict["verdict"] == "replica"
    assert reasons(verdict) == ["ammunition_pellets", "airsoft_markings"]


def test_check_unknown_ammunition_is_undetermined(checker: ReplicaChecker) -> None:
    verdict = checker.check(MILITARY, "unknown")
    assert verdict["verdict"] == "undetermined"
    assert verdict["categories"] == ["A", "B", "not_classified"]


def test_check_reads_markings_text(checker: ReplicaChecker) -> None:
    verdict = checker.check("revolver", "cartridges", checker.markings_from_text("ZORAKI R2\nCal.9mm P.A.K"))
    assert verdict["verdict"] == "listed_alarm_gun"
    assert verdict["markings"] == {
        "source": "markings_text",
        "alarm_check_id": None,
        "status": "listed_alarm_model",
        "listed_model": "ZORAKI R2",
        "airsoft_markings": [],
    }


def test_check_warns_of_transparent_magazines_on_military_styles(checker: ReplicaChecker) -> None:
    for key in ("epaule_semi_auto_style_militaire_milieu_20e", MILITARY):
        assert len(checker.question(key)["warnings"]) == 1
        assert len(checker.check(key, "cartridges")["warnings"]) == 1
    assert checker.question(PISTOL)["warnings"] == []


def test_question_offers_three_answers(checker: ReplicaChecker) -> None:
    question = checker.question(PISTOL)
    assert [answer["key"] for answer in question["answers"]] == ["cartridges", "pellets", "unknown"]
    assert set(question["question"]) == {"fr", "en"}


def test_check_refuses_typology_without_replica_check(checker: ReplicaChecker) -> None:
    with pytest.raises(InvalidRequest) as refused:
        checker.check("epaule_mecanisme_ancien", "pellets")
    assert refused.value.code == "no_replica_check"


def test_check_refuses_unknown_typology_and_answer(checker: ReplicaChecker) -> None:
    with pytest.raises(NotFound):
        checker.check("bazooka", "pellets")
    with pytest.raises(InvalidRequest):
        checker.check(PISTOL, "bullets")


def test_check_carries_notice_and_bilingual_texts(checker: ReplicaChecker) -> None:
    for ammunition in ("cartridges", "pellets", "unknown"):
        verdict = checker.check(PISTOL, ammunition, alarm("no_alarm_marking"))
        for text in (verdict["notice"], verdict["summary"], verdict["advice"], *verdict["reasons"]):
            assert text["fr"]
            assert text["en"]
            assert "{" not in text["fr"] + text["en"]
