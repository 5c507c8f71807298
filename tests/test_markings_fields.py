"""The markings' field parser, over OCR text written in the tests: makers, models, calibres, serial numbers, marks,
and near-misses that must give nothing."""

from __future__ import annotations

import json

import pytest

from basegun.answering.alarm.terms import compact
from basegun.answering.markings import FieldParser
from basegun.answering.markings.calibres import squeeze
from basegun.catalog.texts import DATA_DIR
from tests.markings_text import fields_of


@pytest.fixture(scope="module")
def parser() -> FieldParser:
    return FieldParser.load()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("BLOW F92|Z21IBLMAYS02-2203704|Cal.9mm P.AK", ("Blow", "F92", "9 mm P.A.K.", "Z21IBLMAYS02-2203704")),
        ("8LOW Mod.C75|Cal.9mmP.A.K", ("Blow", "C75", "9 mm P.A.K.", None)),
        ("ZORAKI MOD.925 CAL.9mm P.A.K.|PTB 951", ("Zoraki", "925", "9 mm P.A.K.", None)),
        (
            "PIETRO BERETTA GARDONE V.T.|MOD. 92FS CAL. 9 PARA|N° BER123456Z",
            ("Beretta", "92FS", "9 mm Luger", "BER123456Z"),
        ),
        ("GLOCK 17 AUSTRIA 9x19|ABC123", ("Glock", "17", "9 mm Luger", "ABC123")),
        ("GL0CK 19 AUSTRIA|9X19", ("Glock", "19", "9 mm Luger", None)),
        ("COLT'S PT. F.A. MFG. CO.|PYTHON .357 MAGNUM CTG|S/N 12345E", ("Colt", "Python", ".357 Magnum", "12345E")),
        ("SMITH & WESSON|MOD 10-5|.38 S&W SPL", ("Smith & Wesson", "Model 10-5", ".38 Special", None)),
        ("REMINGTON MODEL 870|12/76", ("Remington", "Model 870", "12/76", None)),
        ("MANUFRANCE ROBUST|CAL 12/70|N° 123456", ("Manufrance", "Robust", "12/70", "123456")),
        ("MAS MLE 1950 CAL 9mm", ("MAS", "Mle 1950", "9 mm", None)),
        ("WALTHER PPK/S CAL 7,65mm|NR 123456", ("Walther", "PPK/S", "7.65 mm Browning", "123456")),
        ("SIG SAUER P226|9mm PARA|U123456", ("SIG Sauer", "P226", "9 mm Luger", "U123456")),
        ("RUGER 10/22 CARBINE|.22 L.R.", ("Ruger", "10/22", ".22 LR", None)),
        ("CZ 75 B|CAL. 9 LUGER", ("CZ", "75 B", "9 mm Luger", None)),
        ("VERNEY-CARRON IMPACT|CAL .30-06", ("Verney-Carron", "Impact", ".30-06 Springfield", None)),
        ("Mod. 85 AUTO|Cal. 8mm K", (None, "85 AUTO", "8 mm P.A.K.", None)),  # a listed model without its maker
        ("KIMAR|AUTO 85", ("Kimar", "85 Auto", None, None)),
        ("EKOL FIRAT|9mm P.A.K.", ("Ekol", "Firat", "9 mm P.A.K.", None)),
        ("9mm LUGER", (None, None, "9 mm Luger", None)),  # not the maker Ruger
        ("STURM, RUGER & CO.|SP101 .357 MAG CAL.|570-12345", ("Ruger", "SP101", ".357 Magnum", "570-12345")),
        ("MAUSER|MOD.98 8x57JS", ("Mauser", "Mod. 98", "8x57 JS", None)),  # a number stops at a space
        ("SAKO|N°A12345", ("Sako", None, None, "A12345")),  # the serial's mark glued to it
        ("WINCHESTER|MODEL 94.30 WCF", ("Winchester", "Model 94", ".30-30 Winchester", None)),  # the space lost
        ("SMITH & WESSON|M&P 40", ("Smith & Wesson", "M&P 40", None, None)),  # the longer pattern
        ("FN HERSTAL|FNS-9", ("FN Herstal", "FNS-9", None, None)),
        # makers and models added from the makers' catalogues and the arsenals' stamps
        ("MRE D'ARMES DE ST ETIENNE|MLE 1886 M93", ("MAS", "Mle 1886 M93", None, None)),  # MRE: MANUFACTURE
        ("MRE D'ARMES DE CHATELLERAULT|MLE 1924 M29", ("MAC", "Mle 1924 M29", None, None)),
        ("PARDINI ARMI|GP  CAL. .32 S&W WC|A1234", ("Pardini", "GP", None, "A1234")),
        ("HAMMERLI LENZBURG|AP40  CAL. 4,5mm", ("Hämmerli", "AP40", "4.5 mm (.177)", None)),
        ("A. UBERTI GARDONE V.T.|CATTLEMAN  .45 COLT|U12345", ("Uberti", "Cattleman", ".45 Colt", "U12345")),
        ("ZBROJOVKA BRNO|ZKK 600  CAL .30-06", ("Brno", "ZKK 600", ".30-06 Springfield", None)),
        ("TANFOGLIO GARDONE V.T.|STOCK III  9x21|AB12345", ("Tanfoglio", "Stock III", "9x21", "AB12345")),
        ("BERETTA|3032 TOMCAT  .32 ACP", ("Beretta", "3032 Tomcat", "7.65 mm Browning", None)),
        ("RUGER|SUPER REDHAWK  .44 MAGNUM", ("Ruger", "Super Redhawk", ".44 Magnum", None)),  # the longer name
        ("FA MAS 5,56 F1|MAS", ("MAS", "FAMAS", None, None)),
        ("VOERE AUSTRIA|LBW  .308 WIN", ("Voere", "LBW", ".308 Winchester", None)),
        ("HAMMERLESS EJECTOR", (None, None, None, None)),  # not Hammerli: one letter off, a code
        ("HUBERTUS", (None, None, None, None)),  # not Uberti
        ("MARTINI HENRY", (None, None, None, None)),  # not Marlin (MARTIN), nor Henry (never alone)
        ("HISTORICAL REPLICA", (None, None, None, None)),  # not Norica (TORICA)
        ("EXTRAVAGANT", (None, None, None, None)),  # not Nagant
        ("INTERVAL METER", (None, None, None, None)),  # not Valmet
        ("MADE IN ITALY", (None, None, None, None)),
        ("MADE IN GERMANY", (None, None, None, None)),  # a short maker's name (Erma) inside a word
        ("BLOWBACK OPERATED", (None, None, None, None)),
        ("AUTOMATIC", (None, None, None, None)),
        ("", (None, None, None, None)),
    ],
)
def test_parse_fields_from_ocr_text(parser: FieldParser, text: str, expected: tuple[str | None, ...]) -> None:
    assert fields_of(parser, text) == expected


def test_parse_listed_alarm_model_is_the_alarm_rules(parser: FieldParser) -> None:
    found = parser.parse(["BLOW F92", "Cal.9mm P.AK"])
    assert found.listed_alarm_model
    assert [m.rule.name for m in found.findings.listed_models] == ["BLOW F92"]
    colt = parser.parse(["COLT'S PT. F.A. MFG. CO.", "PYTHON .357 MAGNUM CTG"])
    assert not colt.listed_alarm_model  # the Colt Python is a real revolver


def test_parse_keeps_the_words_and_line(parser: FieldParser) -> None:
    found = parser.parse(["", "PIETRO BERETTA GARDONE V.T.", "MOD. 92FS CAL. 9 PARA"], [0.1, 0.9, 0.8])
    assert (found.maker.text, found.maker.line) == ("PIETRO BERETTA", 1)
    assert (found.model.value, found.model.text, found.model.line) == ("92FS", "MOD. 92FS", 2)
    assert (found.calibre.text, found.calibre.line) == ("9 PARA", 2)
    assert found.maker.confidence == pytest.approx(0.9)
    assert found.calibre.confidence == pytest.approx(0.8)


def test_parse_marks(parser: FieldParser) -> None:
    found = parser.parse(["ZORAKI 918", "9mm P.A.K.", "PTB 1031"])
    assert [(m.kind, m.value) for m in found.marks] == [("blank_firing", "P.A.K."), ("blank_firing", "P.T.B. 1031")]
    powder = parser.parse(["BLACK POWDER ONLY", "CAL .44"])
    assert [m.kind for m in powder.marks] == ["black_powder"]
    assert [m.value for m in parser.parse(["MADE IN PAKISTAN", "KOMPAKT"]).marks] == []


@pytest.mark.parametrize(
    ("text", "calibre"),
    [
        ("9x19", "9 mm Luger"),
        ("9XI9", "9 mm Luger"),  # I read for 1
        ("9 mm Parabellum", "9 mm Luger"),
        ("9mm Luger", "9 mm Luger"),
        ("Cal.9mm P.A.K", "9 mm P.A.K."),
        ("9mm R.K.", "9 mm R Knall"),  # the revolvers' blank, not the pistols'
        ("8mm PAK", "8 mm P.A.K."),
        ("9mm Kurz", "9 mm Short"),
        (".380 ACP", "9 mm Short"),
        ("CAL 9 SHORT", "9 mm Short"),  # Beretta 84, export stamp
        ("CAL .22 LR", ".22 LR"),
        ("22 L.R.", ".22 LR"),
        (".357 Mag", ".357 Magnum"),
        (".38 Spl", ".38 Special"),
        ("7,62x39", "7.62x39"),
        ("7.62 x 51", ".308 Winchester"),
        (".308 WIN", ".308 Winchester"),
        ("12/70", "12/70"),
        ("I2/76", "12/76"),  # I read for 1
        ("6,35 mm", "6.35 mm Browning"),
        ("7.65", "7.65 mm Browning"),
        (".32 ACP", "7.65 mm Browning"),
        ("7.65 Para", "7.65 mm Parabellum"),
        ("6mm Flobert", "6 mm Flobert"),
        ("8x57 JS", "8x57 JS"),
        ("12 GA", "12 gauge"),
        ("CAL.9mm x19", "9 mm Luger"),
        ("5.7x28", "5.7x28"),
        ("7,62x25 TOKAREV", "7.62x25"),  # a metric calibre the grammar does not name, as read
        ("GP100 .357 MAG", ".357 Magnum"),  # a decimal point after a space starts a number
        ("CAL.303", ".303 British"),  # the space before the point dropped by the OCR
        ("1416 D HB.22 I.r.", ".22 LR"),
        ("CAL.12/70", "12/70"),
        ("6.5 Creedmoor", "6.5 Creedmoor"),
    ],
)
def test_calibre_grammar(parser: FieldParser, text: str, calibre: str) -> None:
    found = parser.calibres.find(text)
    assert found is not None
    assert found.value == calibre


@pytest.mark.parametrize(
    "text", ["1922", "SN 2270 51", "MADE IN USA", "9251", "PAT. 1.357.220", "ZORAKI 918", "A19X17B", "189x193"]
)
def test_calibre_grammar_finds_nothing_in_other_numbers(parser: FieldParser, text: str) -> None:
    assert parser.calibres.find(text) is None


def test_squeeze_keeps_decimal_points_only() -> None:
    assert squeeze("Cal. 9 mm P.A.K.")[0] == "CAL9MMPAK"
    assert squeeze("CAL .22 L.R.")[0] == "CAL.22LR"
    assert squeeze("7,65 mm")[0] == "7.65MM"


def test_every_maker_is_found_by_its_first_spelling(parser: FieldParser) -> None:
    data = json.loads((DATA_DIR / "makers.json").read_text(encoding="utf-8"))
    for spec in data["makers"]:
        spelling = spec["spellings"][0]
        text = spelling.get("name") or spelling.get("code")
        assert parser.parse([f"{text} MADE IN EU"]).maker.value == spec["name"], spec["name"]
        assert spec["source"]


def test_every_fixed_model_pattern_is_found_after_its_maker(parser: FieldParser) -> None:
    data = json.loads((DATA_DIR / "makers.json").read_text(encoding="utf-8"))
    for spec in data["makers"]:
        for model in spec["models"]:
            text = model.get("code") or model.get("name")
            if "#" in text:
                continue
            found = parser.parse([spec["spellings"][0].get("name") or spec["spellings"][0].get("code"), text])
            assert compact(found.model.value or "") == compact(model["model"]), (spec["name"], text)
