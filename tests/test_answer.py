"""The answer-maker: one photo identified and one weapon assessed are answered by the same rules and words."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from basegun.answering.answers import AnswerMaker, Presence
from basegun.answering.weapon import PhotoFile, Weapon
from basegun.catalog.loading import load_catalog
from basegun.catalog.texts import load_texts
from basegun.networks.typology import TypologyPrediction
from basegun.service import Basegun
from basegun.settings import Settings
from tests.images import encode, no_firearm_photos, skimage_photo

SHARED = ("firearm_detected", "firearm_presence", "confidence_level", "legal", "next_steps", "advice")


@pytest.fixture(scope="module")
def answers() -> AnswerMaker:
    return AnswerMaker.load(load_catalog())


@pytest.fixture(scope="module")
def service() -> Iterator[Basegun]:
    service = Basegun(Settings(), store=False)
    yield service
    service.close()


def prediction(level: str) -> TypologyPrediction:
    return TypologyPrediction(ranked=[("revolver", 0.6), ("autre_pistolet", 0.3), ("epaule_a_pompe", 0.1)], level=level)  # type: ignore[arg-type]


def test_no_firearm_names_nothing_and_gives_the_data_file_advice(answers: AnswerMaker) -> None:
    answer = answers.answer(Presence("absent", score=0.12), prediction("high"))
    assert answer["firearm_detected"] is False
    assert answer["firearm_presence"] == "absent"
    assert answer["firearm_score"] == 0.12
    assert (answer["typology"], answer["confidence"], answer["legal"]) == (None, None, None)
    assert answer["alternatives"] == answer["next_steps"] == []
    assert answer["advice"] == load_texts("answers")["no_firearm_advice"]
    assert "photo" in answer["advice"]["fr"]


def test_low_confidence_names_its_class_but_asserts_and_plans_nothing(answers: AnswerMaker) -> None:
    low, high = (answers.answer(Presence("detected", score=0.9), prediction(level)) for level in ("low", "high"))
    assert low["typology"]["key"] == high["typology"]["key"] == "revolver"
    assert [a["key"] for a in low["alternatives"]] == ["autre_pistolet", "epaule_a_pompe"]
    assert low["legal"]["asserted"] is False
    assert low["next_steps"] == []
    assert high["legal"]["asserted"] is True
    assert high["next_steps"] == answers.catalog.get("revolver").next_steps()
    assert low["advice"] != high["advice"]


def test_an_uncertain_firearm_is_named_at_low_confidence_with_advice_to_retake(answers: AnswerMaker) -> None:
    """The classifier alone settled nothing (no detector score is then None); the typology is a hint only."""
    uncertain = answers.answer(Presence("uncertain"), prediction("high"))
    assert uncertain["firearm_detected"] is True
    assert uncertain["firearm_presence"] == "uncertain"
    assert uncertain["firearm_score"] is None
    assert uncertain["typology"]["key"] == "revolver"
    assert uncertain["confidence_level"] == "low"
    assert uncertain["legal"]["asserted"] is False
    assert uncertain["next_steps"] == []
    assert uncertain["advice"] == load_texts("answers")["uncertain_advice"]
    assert answers.confident_typology(Presence("uncertain").shown(prediction("high"))) is None


def test_the_gate_decides_what_is_acted_on(answers: AnswerMaker) -> None:
    assert answers.confident_typology(prediction("low")) is None
    assert answers.confident_typology(None) is None
    assert answers.confident_typology(prediction("medium")) == answers.catalog.get("revolver")


def shared(answer: dict[str, Any]) -> dict[str, Any]:
    """What an identification and a weapon's assessment must agree on (probabilities aside: fusing renormalises)."""
    return {
        **{key: answer[key] for key in SHARED},
        "typology": answer["typology"] and answer["typology"]["key"],
        "alternatives": [a["key"] for a in answer["alternatives"]],
    }


def test_one_photo_weapon_answers_as_identify(service: Basegun, photos: Path, tmp_path: Path) -> None:
    cases = {"revolver.jpg": (photos / "typology" / "revolver.jpg").read_bytes()}
    cases["cat.jpg"] = encode(no_firearm_photos()["cat"].convert("RGB"), "JPEG")
    cases["wall.jpg"] = encode(no_firearm_photos()["wall"].convert("RGB"), "JPEG")
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        weapon = Weapon(name, (PhotoFile(name, tmp_path / name),))
        identified, assessed = service.identify(data), service.assessor.assess(weapon).answer
        assert shared(assessed) == shared(identified), name
    assert shared(service.identify(cases["revolver.jpg"]))["typology"] == "revolver"
    assert shared(service.identify(cases["cat.jpg"]))["firearm_presence"] != "detected"
    assert shared(service.identify(cases["wall.jpg"]))["firearm_presence"] == "absent"


def test_a_weapon_whose_photos_may_hold_no_firearm_is_flagged_for_new_photos(service: Basegun, tmp_path: Path) -> None:
    coins = tmp_path / "coins.jpg"
    skimage_photo("coins.png").convert("RGB").save(coins, quality=90)
    assessed = service.assessor.assess(Weapon("pièces", (PhotoFile("coins.jpg", coins),))).answer
    assert assessed["firearm_presence"] == "uncertain"
    assert assessed["photos"][0]["firearm_presence"] == "uncertain"
    assert assessed["confidence_level"] == "low"
    assert "firearm_uncertain" in assessed["flags"]
    assert "no_firearm" not in assessed["flags"]
