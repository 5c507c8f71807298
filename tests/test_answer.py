"""The answer-maker: one photo identified and one weapon assessed are answered by the same rules and words."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from basegun.answering import decodes
from basegun.answering.answer_models import MeasurementAnswer, PhotoAnswer, RefusedMeasurement
from basegun.answering.answers import AnswerMaker, Presence
from basegun.answering.assess import PhotoAnalysis, weapon_presence
from basegun.answering.decodes import covers
from basegun.answering.identify import measurement_of
from basegun.answering.measure.refusals import refuse
from basegun.answering.presence import Outcome
from basegun.answering.weapon import PhotoFile, Skipped, Weapon
from basegun.catalog.loading import load_catalog
from basegun.catalog.texts import load_texts
from basegun.inference.imaging import Detail, Limits, Photo
from basegun.networks.typology import TypologyPrediction
from basegun.service import Basegun
from basegun.settings import Settings
from tests.images import encode, no_firearm_photos, skimage_photo


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
    assert answer.firearm_detected is False
    assert answer.firearm_presence == "absent"
    assert answer.firearm_score == 0.12
    assert (answer.typology, answer.confidence, answer.legal) == (None, None, None)
    assert answer.alternatives == answer.next_steps == []
    assert answer.advice.model_dump() == load_texts("answers")["no_firearm_advice"]
    assert "photo" in answer.advice.fr


def test_low_confidence_names_its_class_but_asserts_and_plans_nothing(answers: AnswerMaker) -> None:
    low, high = (answers.answer(Presence("detected", score=0.9), prediction(level)) for level in ("low", "high"))
    assert low.typology.key == high.typology.key == "revolver"
    assert [a.key for a in low.alternatives] == ["autre_pistolet", "epaule_a_pompe"]
    assert low.legal.asserted is False
    assert low.next_steps == []
    assert high.legal.asserted is True
    assert high.next_steps == answers.catalog.get("revolver").next_steps()
    assert low.advice != high.advice


def test_an_uncertain_firearm_is_named_at_low_confidence_with_advice_to_retake(answers: AnswerMaker) -> None:
    """The classifier alone settled nothing (no detector score is then None); the typology is a hint only."""
    uncertain = answers.answer(Presence("uncertain"), prediction("high"))
    assert uncertain.firearm_detected is True
    assert uncertain.firearm_presence == "uncertain"
    assert uncertain.firearm_score is None
    assert uncertain.typology.key == "revolver"
    assert uncertain.confidence_level == "low"
    assert uncertain.legal.asserted is False
    assert uncertain.next_steps == []
    assert uncertain.advice.model_dump() == load_texts("answers")["uncertain_advice"]
    assert answers.confident_typology(Presence("uncertain").shown(prediction("high"))) is None


def test_the_gate_decides_what_is_acted_on(answers: AnswerMaker) -> None:
    assert answers.confident_typology(prediction("low")) is None
    assert answers.confident_typology(None) is None
    assert answers.confident_typology(prediction("medium")) == answers.catalog.get("revolver")


def analysis(outcome: Outcome, score: float | None = None, *, unread: bool = False) -> PhotoAnalysis:
    error = Skipped("x.jpg", "corrupt_image", "damaged") if unread else None
    return PhotoAnalysis("x.jpg", error=error, presence=Presence(outcome, score))


def test_a_weapon_shows_its_photos_strongest_presence_and_fuses_only_those() -> None:
    detected, uncertain = analysis("detected", 0.9), analysis("uncertain", 0.4)
    presence, used = weapon_presence([analysis("absent", 0.1), uncertain, detected, analysis("detected", unread=True)])
    assert presence == Presence("detected", 0.9)
    assert used == [detected]
    presence, used = weapon_presence([analysis("absent", 0.2), analysis("absent", 0.3)])
    assert presence == Presence("absent", 0.3)
    assert used == []
    assert weapon_presence([]) == (Presence("absent"), [])


def test_identification_tells_a_measuring_refusal_but_not_a_missing_card() -> None:
    assert measurement_of(None, []) is None
    assert measurement_of(None, [refuse("no_card")]) is None  # nobody laid a card: nothing to say
    told = measurement_of(None, [refuse("no_card"), refuse("card_oblique")])
    assert isinstance(told, RefusedMeasurement)
    assert told.refused.code == "card_oblique"
    assert told.refused.messages.fr


def test_one_photo_batch_weapon_and_identify_give_the_same_answer(
    service: Basegun, photos: Path, tmp_path: Path
) -> None:
    """One function answers both: the identification is the one-photo weapon's answer, measurement included."""
    cases = {
        "revolver.jpg": (photos / "typology" / "revolver.jpg").read_bytes(),
        "uncoup.jpg": (photos / "measure" / "uncoup.jpg").read_bytes(),
        "cat.jpg": encode(no_firearm_photos()["cat"].convert("RGB"), "JPEG"),
        "wall.jpg": encode(no_firearm_photos()["wall"].convert("RGB"), "JPEG"),
    }
    answers = {}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        identified = service.identify(data)
        assessed = service.assessor.assess(Weapon(name, (PhotoFile(name, tmp_path / name),))).answer
        assert identified.common() == assessed.common(), name
        drawn = identified.measurement
        if isinstance(drawn, MeasurementAnswer):
            assert (drawn.annotated_image or "").startswith("data:image/jpeg;base64,")
            assert drawn.model_copy(update={"annotated_image": None}) == assessed.measurement, name
        else:
            assert assessed.measurement is None, name
        answers[name] = identified
    assert answers["revolver.jpg"].common().model_dump()["typology"]["key"] == "revolver"
    assert isinstance(answers["uncoup.jpg"].measurement, MeasurementAnswer)
    assert answers["cat.jpg"].firearm_presence != "detected"
    assert answers["wall.jpg"].firearm_presence == "absent"


class CountedDecodes:
    """Every decode the pipeline makes, by photo (its byte length) and detail asked."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: Counter[tuple[int, Detail]] = Counter()
        real = decodes.decode

        def counted(data: bytes, limits: Limits, detail: Detail) -> Photo:
            self.calls[len(data), detail] += 1
            return real(data, limits, detail)

        monkeypatch.setattr(decodes, "decode", counted)


def test_each_photo_is_decoded_once_per_size(service: Basegun, photos: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A long gun beside a card is decoded for the classifier, then at the measuring detail; a small photo, decoded
    whole the first time, is never decoded again; a batch pistol is decoded once more, for its markings."""
    counted = CountedDecodes(monkeypatch)
    large = (photos / "measure" / "uncoup.jpg").read_bytes()
    identified = service.identify(large)
    assert isinstance(identified.measurement, MeasurementAnswer)
    assert counted.calls == Counter(
        {(len(large), service.assessor.detail): 1, (len(large), service.measurer.detail): 1}
    )

    counted.calls.clear()
    pistol = photos / "typology" / "revolver.jpg"
    assessed = service.assessor.assess(Weapon("revolver", (PhotoFile("revolver.jpg", pistol),)))
    assert assessed.answer.alarm_check is not None  # its markings were read
    size = pistol.stat().st_size
    reading = service.alarm.reader.detail
    assert counted.calls == Counter({(size, service.assessor.detail): 1, (size, reading): 1})

    counted.calls.clear()
    small = encode(Image.open(io.BytesIO(large)).convert("RGB").resize((640, 480)), "PNG")
    service.identify(small)
    assert counted.calls == Counter({(len(small), service.assessor.detail): 1})


def test_a_whole_decode_serves_a_later_step_when_decoding_again_would_give_it() -> None:
    made = Detail(min_short_side=384, min_long_side=640)
    jpeg = Photo(Image.new("RGB", (800, 600)), (800, 600), "JPEG")
    assert covers(jpeg, made, made)
    assert covers(jpeg, made, Detail(min_long_side=1280))  # keeps more of the photo: whole again
    assert not covers(jpeg, made, Detail(min_long_side=200))  # keeps less: libjpeg may reduce it
    png = Photo(Image.new("RGB", (800, 600)), (800, 600), "PNG")
    assert covers(png, made, Detail(min_long_side=200))  # never reduced


def test_a_weapon_whose_photos_may_hold_no_firearm_is_flagged_for_new_photos(service: Basegun, tmp_path: Path) -> None:
    coins = tmp_path / "coins.jpg"
    skimage_photo("coins.png").convert("RGB").save(coins, quality=90)
    assessed = service.assessor.assess(Weapon("pièces", (PhotoFile("coins.jpg", coins),))).answer
    assert assessed.firearm_presence == "uncertain"
    photo = assessed.photos[0]
    assert isinstance(photo, PhotoAnswer)
    assert photo.firearm_presence == "uncertain"
    assert assessed.confidence_level == "low"
    assert "firearm_uncertain" in assessed.flags
    assert "no_firearm" not in assessed.flags
