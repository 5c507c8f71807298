"""The legal catalog: the expert-owned data file, its checks, and the legal answers derived from it."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from basegun.answering.answers import AnswerMaker, Presence
from basegun.catalog.lengths import LengthVerdict, apply_length_rule
from basegun.catalog.loading import DEFAULT_PATH, load_catalog
from basegun.catalog.typologies import Catalog, Typology
from basegun.errors import InvalidRequest, NotFound
from basegun.inference.manifest import Manifest
from basegun.networks.typology import ConfidenceLevel, TypologyPrediction
from basegun.settings import Settings

MENTIONS = {
    "A": "Interdite",
    "B": "Soumise à autorisation",
    "C": "Soumise à déclaration",
    "D": "Libre d'acquisition et de détention",
    "not_classified": "Non classée : libre d'acquisition et de détention",
}
ANTIQUES = ("epaule_mecanisme_ancien", "pistolet_mecanisme_ancien")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="module")
def answers(catalog: Catalog) -> AnswerMaker:
    return AnswerMaker.load(catalog)


def legal_answer(
    answers: AnswerMaker, key: str, level: ConfidenceLevel, lengths: LengthVerdict | None = None
) -> dict[str, Any]:
    """The `legal` object of an answer naming `key` at `level` (a photo where a firearm was found), as JSON."""
    prediction = TypologyPrediction(ranked=[(key, 0.5)], level=level)
    legal = answers.answer(Presence("detected", score=0.9), prediction, lengths).legal
    assert legal is not None
    return legal.model_dump(mode="json")


def texts_of(value: Any) -> Iterator[dict[str, str]]:
    """Every {fr, en} text anywhere in a JSON value."""
    if isinstance(value, dict):
        if set(value) == {"fr", "en"}:
            yield value
        else:
            for item in value.values():
                yield from texts_of(item)
    elif isinstance(value, list):
        for item in value:
            yield from texts_of(item)


def test_load_keys_follow_the_model_classes(catalog: Catalog) -> None:
    settings = Settings()
    classes = Manifest.load(settings.manifest_path(settings.typology_manifest)).classes
    assert catalog.keys == classes
    assert [t.key for t in catalog.typologies()] == list(classes)
    catalog.require_classes(classes)


def test_require_classes_refuses_another_order(catalog: Catalog) -> None:
    with pytest.raises(ValueError, match="not the catalog's"):
        catalog.require_classes(reversed(catalog.keys))


def test_load_every_typology_has_french_and_english(catalog: Catalog) -> None:
    for typology in catalog.typologies():
        serialised = catalog.typology_dict(typology)
        texts = list(texts_of(serialised))
        assert len(texts) > 10, typology.key
        for text in texts:
            assert text["fr"].strip(), (typology.key, text)
            assert text["en"].strip(), (typology.key, text)
            assert text["fr"] != text["en"] or len(text["fr"]) <= 12, (typology.key, text)  # translated


def test_category_mentions_are_the_legal_ones(catalog: Catalog) -> None:
    for key, mention in MENTIONS.items():
        category = catalog.category(key)
        assert category["mention"]["fr"] == mention
        assert all(text["fr"] and text["en"] for text in category.values())


def test_category_unknown_raises_not_found(catalog: Catalog) -> None:
    with pytest.raises(NotFound) as caught:
        catalog.category("E")
    assert caught.value.code == "unknown_category"


def test_get_unknown_typology_raises_not_found(catalog: Catalog) -> None:
    with pytest.raises(NotFound) as caught:
        catalog.get("bazooka")
    assert caught.value.code == "unknown_typology"
    assert "bazooka" in caught.value.detail


@pytest.mark.parametrize(
    ("key", "categories", "rule"),
    [
        ("autre_pistolet", ("A", "B", "D"), None),
        ("epaule_a_levier_sous_garde", ("B", "C"), "L"),
        ("epaule_a_pompe", ("B", "C"), "P"),
        ("epaule_a_un_coup_par_canon", ("B", "C"), "S"),
        ("epaule_a_verrou", ("B", "C"), "L"),
        ("epaule_mecanisme_ancien", ("D",), None),
        ("epaule_semi_auto_style_chasse", ("B", "C"), "L"),
        ("epaule_semi_auto_style_militaire_milieu_20e", ("A", "B"), None),
        ("pistolet_mecanisme_ancien", ("D",), None),
        ("pistolet_semi_auto_moderne", ("B", "C"), None),
        ("revolver", ("B", "C", "D"), None),
        ("semi_auto_style_militaire_autre", ("A", "B"), None),
    ],
)
def test_get_typology_has_domain_categories(
    catalog: Catalog, key: str, categories: tuple[str, ...], rule: str | None
) -> None:
    typology = catalog.get(key)
    assert typology.categories == categories
    assert typology.length_rule == rule
    assert typology.measured is (rule is not None)
    assert bool(typology.settle or rule) is (len(categories) > 1)


@pytest.mark.parametrize(
    ("key", "steps"),
    [
        ("revolver", ["securing_guide", "replica_check", "alarm_check"]),
        ("pistolet_semi_auto_moderne", ["securing_guide", "replica_check", "alarm_check"]),
        ("epaule_a_verrou", ["securing_guide", "replica_check", "measurement"]),
        ("epaule_a_un_coup_par_canon", ["securing_guide", "measurement"]),
        ("epaule_semi_auto_style_chasse", ["expert_securing", "replica_check", "measurement"]),
        ("epaule_mecanisme_ancien", ["expert_securing"]),
        ("autre_pistolet", ["securing_guide"]),
    ],
)
def test_next_steps_follow_the_typology(catalog: Catalog, key: str, steps: list[str]) -> None:
    assert catalog.get(key).next_steps() == steps


def test_alarm_check_only_for_pistols_and_revolvers(catalog: Catalog) -> None:
    alarm = {t.key for t in catalog.typologies() if t.alarm_check}
    assert alarm == {"pistolet_semi_auto_moderne", "revolver"}


def test_replica_check_follows_domain(catalog: Catalog) -> None:
    without = {t.key for t in catalog.typologies() if not t.replica_check}
    assert without == {"autre_pistolet", "epaule_a_un_coup_par_canon", *ANTIQUES}


def test_securing_every_variant_has_steps_in_both_languages(catalog: Catalog) -> None:
    assert len(catalog.securing_common_steps) == 3
    for typology in catalog.typologies():
        securing = typology.securing
        assert securing.available is bool(securing.variants), typology.key
        for variant in securing.variants:
            assert variant.steps, (typology.key, variant.key)
            for text in (variant.label, variant.hint, *variant.steps):
                assert all(text[lang].strip() for lang in ("fr", "en")), (typology.key, variant.key)


def test_securing_antique_mechanisms_send_to_an_expert(catalog: Catalog) -> None:
    for key in ANTIQUES:
        securing = catalog.get(key).securing
        assert securing.available is False
        assert securing.expert_reason is not None
        assert "expert" in securing.expert_reason["fr"]
        assert not securing.variants


def test_securing_black_powder_revolver_has_no_guide(catalog: Catalog) -> None:
    no_guide = catalog.get("revolver").securing.no_guide
    assert [variant.key for variant in no_guide] == ["black_powder"]
    assert "expert" in no_guide[0].expert_reason["fr"]


def test_securing_variants_cover_the_mechanisms(catalog: Catalog) -> None:
    def keys(typology: Typology) -> set[str]:
        return {variant.key for variant in typology.securing.variants}

    assert keys(catalog.get("revolver")) == {"swing_out", "break_top", "loading_gate"}
    assert keys(catalog.get("pistolet_semi_auto_moderne")) == {
        "button_behind_guard",
        "heel_catch",
        "guard_lever",
    }
    assert {"top_lever", "side_lever", "under_lever"} <= keys(catalog.get("epaule_a_un_coup_par_canon"))


TRIGGER = re.compile(r"détente|gâchette|\btriggers?\b(?!\s+guard)", re.IGNORECASE)


def test_securing_never_mentions_the_trigger_outside_the_common_step(catalog: Catalog) -> None:
    common = catalog.securing_common_steps
    mentioning = [step for step in common if TRIGGER.search(step["fr"]) and TRIGGER.search(step["en"])]
    assert len(mentioning) == 1
    assert "doigt" in mentioning[0]["fr"]
    assert "finger" in mentioning[0]["en"]
    others = [text for step in common if step is not mentioning[0] for text in step.values()]
    others += [text for value in texts_of(catalog.securing_stop) for text in value.values()]
    for typology in catalog.typologies():
        securing = catalog.typology_dict(typology)["securing"]
        for part in ("variants", "no_guide", "expert_reason"):
            others += [text for value in texts_of(securing[part]) for text in value.values()]
    assert len(others) > 100
    assert [text for text in others if TRIGGER.search(text)] == []


def test_legal_answer_low_asserts_nothing(catalog: Catalog, answers: AnswerMaker) -> None:
    answer = legal_answer(answers, "revolver", "low")
    assert answer["asserted"] is False
    assert answer["categories"] == []
    assert answer["mentions"] == []
    assert answer["settle"] == []
    assert answer["notice"] == catalog.notice
    assert "autre photo" in answer["advice"]["fr"]
    assert "expert" in answer["advice"]["fr"]
    assert "another photo" in answer["advice"]["en"]


def test_legal_answer_low_ignores_lengths(catalog: Catalog, answers: AnswerMaker) -> None:
    verdict = apply_length_rule(catalog.length_rule("L"), 100, 70, 1, 1)
    assert legal_answer(answers, "epaule_a_verrou", "low", verdict)["categories"] == []


def test_legal_answer_medium_advises_an_expert(catalog: Catalog, answers: AnswerMaker) -> None:
    answer = legal_answer(answers, "revolver", "medium")
    assert answer["asserted"] is True
    assert answer["categories"] == ["B", "C", "D"]
    assert answer["category_text"] == {"fr": "B, C ou D", "en": "B, C or D"}
    assert [m["mention"]["fr"] for m in answer["mentions"]] == [MENTIONS[c] for c in "BCD"]
    assert answer["explanation"] == catalog.get("revolver").category_note
    assert len(answer["settle"]) == 3
    assert "expert" in answer["advice"]["fr"]
    assert answer["notice"] == catalog.notice


def test_legal_answer_high_gives_categories_and_notice(catalog: Catalog, answers: AnswerMaker) -> None:
    answer = legal_answer(answers, "epaule_mecanisme_ancien", "high")
    assert answer["asserted"] is True
    assert answer["categories"] == ["D"]
    assert answer["category_text"] == {"fr": "D", "en": "D"}
    assert answer["settle"] == []
    assert answer["notice"]["fr"].startswith("Basegun donne une information")
    assert answer["advice"] != legal_answer(answers, "epaule_mecanisme_ancien", "medium")["advice"]
    json.dumps(answer)


def test_legal_answer_unmeasured_long_gun_asks_for_lengths(catalog: Catalog, answers: AnswerMaker) -> None:
    answer = legal_answer(answers, "epaule_a_pompe", "high")
    assert answer["categories"] == ["B", "C"]
    assert answer["length_rule"] == "P"
    assert answer["settle"][0] == catalog.length_rule("P").settle
    assert len(answer["other_factors"]) == 2


def test_legal_answer_lengths_narrow_the_categories(catalog: Catalog, answers: AnswerMaker) -> None:
    verdict = apply_length_rule(catalog.length_rule("P"), 95, 60, 3, 3)
    answer = legal_answer(answers, "epaule_a_pompe", "high", verdict)
    assert answer["categories"] == ["C"]
    assert answer["mentions"][0]["mention"]["fr"] == "Soumise à déclaration"
    assert answer["explanation"] == verdict.reason
    assert answer["settle"] == []
    assert answer["other_factors"]  # a smooth barrel or a large capacity still makes it B


def test_legal_answer_undecided_lengths_keep_the_open_set(catalog: Catalog, answers: AnswerMaker) -> None:
    verdict = apply_length_rule(catalog.length_rule("S"), 90, 41, 0, 4)
    answer = legal_answer(answers, "epaule_a_un_coup_par_canon", "medium", verdict)
    assert answer["categories"] == ["B", "C"]
    assert answer["explanation"] == verdict.reason
    assert "trop près du seuil de 40 cm" in answer["explanation"]["fr"]
    assert answer["settle"] == [catalog.length_rule("S").settle]


def test_legal_answer_decided_open_lengths_drop_the_length_from_settle(catalog: Catalog, answers: AnswerMaker) -> None:
    verdict = apply_length_rule(catalog.length_rule("L"), 85, 48, 2, 2)
    answer = legal_answer(answers, "epaule_a_verrou", "high", verdict)
    assert answer["categories"] == ["B", "C"]
    assert catalog.length_rule("L").settle not in answer["settle"]
    assert answer["settle"] == list(catalog.get("epaule_a_verrou").settle)


def test_legal_answer_lengths_for_an_unmeasured_typology_refused(catalog: Catalog, answers: AnswerMaker) -> None:
    verdict = apply_length_rule(catalog.length_rule("L"), 85, 48, 2, 2)
    with pytest.raises(InvalidRequest) as caught:
        legal_answer(answers, "revolver", "high", verdict)
    assert caught.value.code == "not_measured"


def test_legal_answer_refuses_unknown_level_and_typology(catalog: Catalog, answers: AnswerMaker) -> None:
    with pytest.raises(ValueError, match="confidence level"):
        legal_answer(answers, "revolver", "certain")
    with pytest.raises(NotFound):
        legal_answer(answers, "bazooka", "high")


def test_to_dict_lists_the_whole_catalog(catalog: Catalog) -> None:
    body = json.loads(json.dumps(catalog.to_dict()))
    assert [t["key"] for t in body["typologies"]] == list(catalog.keys)
    assert set(body["categories"]) == set(MENTIONS)
    revolver = body["typologies"][catalog.keys.index("revolver")]
    assert len(revolver["securing"]["common_steps"]) == 3
    assert revolver["securing"]["stop"]["fr"]
    assert revolver["next_steps"] == catalog.get("revolver").next_steps()


# A broken catalog file is refused, naming the file and the problem.


def broken(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    data = copy.deepcopy(json.loads(DEFAULT_PATH.read_text(encoding="utf-8")))
    change(data)
    path = tmp_path / "typologies.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def typology(data: dict[str, Any], key: str) -> dict[str, Any]:
    return next(t for t in data["typologies"] if t["key"] == key)


def drop_english_step(data: dict[str, Any]) -> None:
    del typology(data, "revolver")["securing"]["variants"][1]["steps"][0]["en"]


def unknown_category(data: dict[str, Any]) -> None:
    typology(data, "epaule_a_pompe")["categories"] = ["B", "E"]


def unknown_rule(data: dict[str, Any]) -> None:
    typology(data, "epaule_a_verrou")["length_rule"] = "Q"


def drop_typology(data: dict[str, Any]) -> None:
    data["typologies"].pop()


def mismatched_placeholder(data: dict[str, Any]) -> None:
    data["wording"]["lengths"]["too_close"]["en"] = "too close to the {limit} threshold"


def empty_steps(data: dict[str, Any]) -> None:
    typology(data, "epaule_a_pompe")["securing"]["variants"][0]["steps"] = []


def guide_without_variants(data: dict[str, Any]) -> None:
    typology(data, "epaule_mecanisme_ancien")["securing"]["available"] = True


def rule_category_unknown(data: dict[str, Any]) -> None:
    data["length_rules"]["S"]["otherwise"] = ["X"]


def limit_without_side(data: dict[str, Any]) -> None:
    del data["length_rules"]["L"]["outcomes"][0]["limits"][1]["above"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            drop_english_step,
            r"typologies\[10\] \(revolver\)\.securing\.variants\[1\]\.steps\[0\]: missing 'en' text",
        ),
        (unknown_category, r"typologies\[2\] \(epaule_a_pompe\)\.categories: unknown category 'E'"),
        (unknown_rule, r"\(epaule_a_verrou\)\.length_rule: unknown length rule 'Q'"),
        (drop_typology, r"typologies: expected 12 distinct typologies"),
        (mismatched_placeholder, r"wording\.lengths\.too_close: the languages use different placeholders"),
        (empty_steps, r"\(epaule_a_pompe\)\.securing\.variants\[0\]\.steps: must not be empty"),
        (guide_without_variants, r"\(epaule_mecanisme_ancien\)\.securing: an available guide needs variants"),
        (rule_category_unknown, r"length_rules\.S\.otherwise: unknown category 'X'"),
        (
            limit_without_side,
            r"length_rules\.L\.outcomes\[0\]\.limits\[1\]: needs exactly one of 'above' or 'below'",
        ),
    ],
)
def test_load_refuses_a_broken_file(tmp_path: Path, change: Callable[[dict[str, Any]], None], message: str) -> None:
    path = broken(tmp_path, change)
    with pytest.raises(ValueError, match=message) as caught:
        load_catalog(path)
    assert str(path) in str(caught.value)


def test_load_refuses_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "typologies.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="unreadable catalog"):
        load_catalog(path)
    with pytest.raises(ValueError, match="unreadable catalog"):
        load_catalog(tmp_path / "absent.json")
