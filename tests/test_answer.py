"""The answer-maker: one photo identified and one weapon assessed are answered by the same rules and words."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from basegun.answer import AnswerMaker, Presence
from basegun.bilingual import load_texts
from basegun.catalog_file import load_catalog
from basegun.service import Basegun
from basegun.settings import Settings
from basegun.typology import TypologyPrediction
from basegun.weapon import PhotoFile, Weapon
from tests.images import encode, no_firearm_photos

SHARED = ("firearm_detected", "confidence_level", "legal", "next_steps", "advice")


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
    answer = answers.answer(Presence(detected=False, score=0.12), prediction("high"))
    assert answer["firearm_detected"] is False
    assert answer["firearm_score"] == 0.12
    assert (answer["typology"], answer["confidence"], answer["legal"]) == (None, None, None)
    assert answer["alternatives"] == answer["next_steps"] == []
    assert answer["advice"] == load_texts("answers")["no_firearm_advice"]
    assert "photo" in answer["advice"]["fr"]


def test_low_confidence_names_its_class_but_asserts_and_plans_nothing(answers: AnswerMaker) -> None:
    low, high = (answers.answer(Presence(detected=True, score=0.9), prediction(level)) for level in ("low", "high"))
    assert low["typology"]["key"] == high["typology"]["key"] == "revolver"
    assert [a["key"] for a in low["alternatives"]] == ["autre_pistolet", "epaule_a_pompe"]
    assert low["legal"]["asserted"] is False
    assert low["next_steps"] == []
    assert high["legal"]["asserted"] is True
    assert high["next_steps"] == answers.catalog.get("revolver").next_steps()
    assert low["advice"] != high["advice"]


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
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        weapon = Weapon(name, (PhotoFile(name, tmp_path / name),))
        identified, assessed = service.identify(data), service.assessor.assess(weapon).answer
        assert shared(assessed) == shared(identified), name
    assert shared(service.identify(cases["revolver.jpg"]))["typology"] == "revolver"
    assert shared(service.identify(cases["cat.jpg"]))["firearm_detected"] is False
