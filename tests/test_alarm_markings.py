"""The alarm-gun and airsoft marking rules, over realistic OCR text and over near-misses that must not match."""

from __future__ import annotations

import json

import pytest

from basegun.answering.alarm.markings import MarkingRules
from basegun.answering.alarm.terms import Code, Line, Name
from basegun.catalog.texts import DATA_DIR


@pytest.fixture(scope="module")
def rules() -> MarkingRules:
    return MarkingRules.load()


def best_listed(rules: MarkingRules, text: str) -> str | None:
    found = rules.find(text.split("|")).listed_models
    return found[0].rule.name if found else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("BLOW F92", "BLOW F92"),
        ("BLOWF92", "BLOW F92"),  # space dropped
        ("GBLOW F92|Z21BLMAYS02-2203704|Cal.9mm P.A.K", "BLOW F92"),  # the logo read as a letter
        ("BL0W F92 AUTO", "BLOW F92 AUTO"),  # O read as 0
        ("8LOW Mod.C75|Cal.9mmP.A.K", "BLOW C75"),
        ("BLQW F92", "BLOW F92"),  # one wrong letter in the maker's name
        ("QZORAK192S", "ZORAKI 92S"),  # logo as Q, I read as 1, no space
        ("ZORAKI MOD.925 CAL.9mm P.A.K.", "ZORAKI 925"),
        ("ZORAKI R2", "ZORAKI R2"),
        ("ZORAKl 9O6", "ZORAKI 906"),
        ("ZORAKI 29O6|9mm P.A.K", "ZORAKI 2906"),
        ("ZORAKI|Mod.918", "ZORAKI 918"),  # maker and model on different lines
        ("ZORAXI 918", "ZORAKI 918"),
        ("Mod.92 AUTO KIMAR", "KIMAR 92 AUTO"),  # missed by the reference's rules
        ("MOD92AUTOKIMAR", "KIMAR 92 AUTO"),
        ("KIMAR|Mod.75 AUTO Cal.9mm P.A.K", "KIMAR 75 AUTO"),
        ("KIMAR 911 cal.9mm PAK", "KIMAR 911"),
        ("COMPETITIVE|9mm P.A.K. ALARM", "KIMAR Competitive"),  # the maker is only a logo
        ("POWER|ALARM 9mm PAK", "KIMAR Power"),
        ("Mod. 85 AUTO|Cal. 8mm K", "85 AUTO"),
        ("AUTO 92 9mm P.A.K", "AUTO 92"),
        ("LADY K|Cal.6mm Flobert", "LADY K"),
        ("PYTHON 9mm R.K.", "PYTHON"),
        ("PK4 8mm K", "PK4"),
    ],
)
def test_find_listed_model_in_ocr_text(rules: MarkingRules, text: str, expected: str) -> None:
    assert best_listed(rules, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "GLOCK 17 AUSTRIA 9x19",
        "MADE IN ITALY",
        "PIETRO BERETTA GARDONE V.T.|MOD. 92FS CAL. 9 PARA",
        "BERETTA 92 FS",
        "CAL .22 LR",
        "PROOF",
        "SMITH & WESSON",
        "BLOWER",  # a word holding a maker's name
        "BLOWBACK OPERATED 9x19",
        "AUTOMATIC",
        "92 AUTOMATIC",  # 'AUTO' inside a longer word
        "CZ 75 AUTOMATIC",
        "SEMI AUTO 1985",  # '85' inside a year
        "PYTHONS",
        "KIMBER 1911",  # '911' inside a number, a maker close to KIMAR
        "MADE IN PAKISTAN",
        "SLOW FIRE 25 M",  # a word one letter from BLOW, without a BLOW model code
        "BLOW",
        "F92",
        "ZORAKI",
        "SN 925184",
        "STOPPING POWER",
        "ALARM",
        "LADYKILLER",
        "SIG SAUER P226",
        "WALTHER P99 AS",
    ],
)
def test_find_nothing_listed_in_ordinary_text(rules: MarkingRules, text: str) -> None:
    assert best_listed(rules, text) is None


def test_find_vetoes_colt_python(rules: MarkingRules) -> None:
    found = rules.find(["COLT'S PT. F.A. MFG. CO.", "PYTHON .357 MAGNUM CTG"])
    assert found.listed_models == []
    assert [m.rule.name for m in found.vetoed] == ["PYTHON"]
    assert found.vetoed[0].vetoed_by is not None


@pytest.mark.parametrize("text", ["CaL9mmP.A.K", "Cal.9mm P.AK", "9mm P.A.Knall", "RETAY S20 Cal. 9mm PAK", "P.A.K."])
def test_find_blank_firing_mark_without_listed_model(rules: MarkingRules, text: str) -> None:
    found = rules.find([text])
    assert found.listed_models == []
    assert found.blank_firing_marks


@pytest.mark.parametrize("text", ["MADE IN PAKISTAN", "KOMPAKT", "SPAKE", "9mm LUGER"])
def test_find_no_blank_firing_mark_in_ordinary_words(rules: MarkingRules, text: str) -> None:
    assert rules.find([text]).blank_firing_marks == []


@pytest.mark.parametrize(
    ("text", "marking"),
    [
        ("6mm BB", "6 mm"),
        ("CAL.6MMBB", "BB"),
        ("0.5 J", "energy in joules"),
        ("< 2 J", "energy in joules"),
        ("E<0,5JOULE", "energy in joules"),
        ("4.5 mm", "4.5 mm"),
        ("CAL .177", ".177"),
        ("CO2 12g", "CO2"),
        ("AIRSOFT GUN", "airsoft"),
        ("Soft Air", "soft air"),
    ],
)
def test_find_airsoft_marking(rules: MarkingRules, text: str, marking: str) -> None:
    assert marking in [m.rule.label["marking"] for m in rules.find([text]).airsoft_markings]


@pytest.mark.parametrize(
    "text", ["6mm Flobert", "Cal. 9mm P.A.K", "CAL .22 LR", "ABBEY ROAD 1988", "GLOCK 17 AUSTRIA 9x19"]
)
def test_find_no_airsoft_marking_in_firearm_text(rules: MarkingRules, text: str) -> None:
    assert rules.find([text]).airsoft_markings == []


def test_find_reaches_every_listed_model(rules: MarkingRules) -> None:
    """Each rule of the data file matches its own marking, written as a gun carries it, and is the best match."""
    data = json.loads((DATA_DIR / "alarm_markings.json").read_text(encoding="utf-8"))
    for spec in data["listed_models"]:
        words = [t.get("name") or t.get("code") for t in spec.get("terms", [])] or [spec["maker"], spec["model"]]
        text = " ".join(word for word in words if word)
        assert best_listed(rules, f"Mod. {text} Cal.9mm P.A.K") == " ".join(
            filter(None, [spec["maker"], spec["model"]])
        )


def test_code_needs_its_own_edges() -> None:
    code = Code("925")
    assert code.find(Line.of("MOD 925"))
    assert code.find(Line.of("MOD925"), glued_prefixes=("MOD",))
    assert not code.find(Line.of("19255"))
    assert code.find(Line.of("X925"))  # a letter before a number is an edge


def test_name_allows_one_wrong_character_only() -> None:
    name = Name("ZORAKI")
    assert name.find(Line.of("ZORAXI"))
    assert not name.find(Line.of("ZOPAXI"))
    assert Name("BLOW").find(Line.of("8L0W"))[0].differences == 2  # confusables are differences, not errors
