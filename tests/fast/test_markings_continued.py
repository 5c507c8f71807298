"""A model's full designation after its first word, on makers and words written in the test: the designation
continues over its number ("TRG 42"), a suffix after its number ("MLE 1886 M93") and a variant word ("MR 32 MATCH",
"FIRAT MAGNUM") until the calibre, a serial number or a word of the data file; a maker's name holding a proof mark's
words ("MANUFACTURE D'ARMES DE ST ETIENNE"); "9m/m" read as 9 mm; and the makers and the Garand's calibre added
with them in the data files."""

from __future__ import annotations

import pytest

from basegun.answering.alarm.terms import Name
from basegun.answering.markings import FieldParser
from basegun.answering.markings.calibres import CalibreGrammar
from basegun.answering.markings.makers import Maker, ModelPattern
from basegun.answering.markings.placed import ModelPlaces
from tests.markings_text import fields_of, parser_over

MAKERS = (
    Maker(
        "Alpha",
        ("hunting",),
        (Name("ALPHAWERK"),),
        (
            ModelPattern.of({"code": "TRG", "model": "TRG"}),
            ModelPattern.of({"code": "MR #", "model": "MR #"}),
            ModelPattern.of({"name": "FIRAT", "model": "Firat"}),
        ),
    ),
    Maker("Arsenal", ("military surplus",), (Name("MANUFACTURE D'ARMES DE ST ETIENNE"),), ()),
    Maker("Milit", ("military surplus",), (Name("MILITARY"),), (ModelPattern.of({"code": "MLE #", "model": "Mle #"}),)),
)
PLACES = ModelPlaces(
    prefixes=frozenset({"MOD", "MLE"}),
    calibre_words=frozenset({"CAL"}),
    not_models=frozenset({"FRANCE", "N°", "NO", "MAGNUM"}),
    max_words=3,
    max_word_length=12,
    variant_words=("Match", "Magnum"),
)


@pytest.fixture(scope="module")
def parser() -> FieldParser:
    return parser_over(MAKERS, PLACES)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ALPHAWERK|TRG 42  .338 LAPUA MAG|123456", ("Alpha", "TRG 42", ".338 Lapua Magnum", "123456")),
        ("ALPHAWERK|MR 32 MATCH  .32 S&W LONG|M12345", ("Alpha", "MR 32 Match", ".32 S&W Long", "M12345")),
        ("ALPHAWERK FIRAT MAGNUM|CAL 9mm P.A.K.|21-04567", ("Alpha", "Firat Magnum", "9 mm P.A.K.", "21-04567")),
        ("MILITARY|MLE 1886 M93|N° 12345", ("Milit", "Mle 1886 M93", None, "12345")),
        ("MILITARY MLE 1934 M35  CAL 9mm", ("Milit", "Mle 1934 M35", "9 mm", None)),
        # a lone variant letter after the number, last on the line or before the calibre
        ("ALPHAWERK FIRAT 92 F|CAL. 8mm K|123456", ("Alpha", "Firat 92 F", "8 mm P.A.K.", "123456")),
        ("ALPHAWERK|MR 32 S  CAL. 9mm|M12345", ("Alpha", "MR 32 S", "9 mm", "M12345")),
    ],
)
def test_a_designation_continues_over_its_number_suffix_and_variant_word(
    parser: FieldParser, text: str, expected: tuple[str | None, ...]
) -> None:
    assert fields_of(parser, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ALPHAWERK TRG 123456", ("Alpha", "TRG", None, "123456")),  # a serial number is no number of the model
        ("ALPHAWERK|MR 32 A12345", ("Alpha", "MR 32", None, "A12345")),  # nor a suffix shaped as one
        ("ALPHAWERK|MR 32  .357 MAGNUM|M12345", ("Alpha", "MR 32", ".357 Magnum", "M12345")),  # the calibre ends it
        ("ALPHAWERK MR 32 FRANCE", ("Alpha", "MR 32", None, None)),  # a word of the data file ends it
        ("ALPHAWERK MR 32 45 MATCH", ("Alpha", "MR 32", None, None)),  # a number after a number is something else
        ("ALPHAWERK TRG MILITARY 42", ("Alpha", "TRG", None, None)),  # a maker's name ends it
        ("ALPHAWERK FIRAT 92 F MADE|123456", ("Alpha", "Firat 92", None, "123456")),  # a letter not last on its line
    ],
)
def test_a_designation_stops_before_what_is_not_its_own(
    parser: FieldParser, text: str, expected: tuple[str | None, ...]
) -> None:
    assert fields_of(parser, text) == expected


def test_a_makers_name_holding_a_proof_houses_words_is_read_and_the_mark_kept(parser: FieldParser) -> None:
    found = parser.parse(["MANUFACTURE D'ARMES DE ST ETIENNE", "N° 12345"])
    assert (found.maker.value, found.serial_number.value) == ("Arsenal", "12345")
    assert [mark.value for mark in found.marks] == ["Saint-Étienne"]


@pytest.mark.parametrize(
    ("millimetres", "plain"),
    [("CAL. 9m/m", "CAL. 9mm"), ("7,65 m/m", "7,65 mm"), ("CAL 9 M/M", "CAL 9 MM")],
)
def test_m_slash_m_after_a_number_is_millimetres(millimetres: str, plain: str) -> None:
    grammar = CalibreGrammar.load()
    read, expected = grammar.find(millimetres), grammar.find(plain)
    assert read is not None
    assert expected is not None
    assert read.value == expected.value
    assert grammar.find("ARMES M/M") is None


@pytest.fixture(scope="module")
def real() -> FieldParser:
    return FieldParser.load()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MANUFACTURE D'ARMES DE ST ETIENNE|MLE 1886 M93|N° 12345", ("MAS", "Mle 1886 M93", None, "12345")),
        ("MANUFACTURE D'ARMES DE CHATELLERAULT|MLE 1934 M35", ("MAC", "Mle 1934 M35", None, None)),
        ("MANUFACTURE D'ARMES DE TULLE|N° 12345", ("MAT", None, None, "12345")),
        (
            "U.S. RIFLE  CAL. .30 M1|SPRINGFIELD ARMORY|1234567",
            ("Springfield Armory", "M1", ".30-06 Springfield", "1234567"),
        ),
        (".30-06 SPRINGFIELD", (None, None, ".30-06 Springfield", None)),  # the cartridge is not the maker
        ("U.S. CARBINE CAL .30 M1", (None, None, ".30 M1 Carbine", None)),  # the carbine's stamp is no .30-06
        # written with the seventh held-out set's corrections: "Express" a variant word, a chamber in inches
        ('REMINGTON|870 EXPRESS  12 GA 3"|C123456M', ("Remington", "870 Express", "12/76", "C123456M")),
        ("BROWNING|A5  12 GA. 3 IN.", ("Browning", "A5", "12/76", None)),
        ('12 GAUGE 2 3/4"', (None, None, "12/70", None)),
        ('20 GA 3 1/2"', (None, None, "20/89", None)),
        ("12 GA  30 IN BARREL", (None, None, "12 gauge", None)),  # the barrel's length is no chamber
        ("MOSSBERG|MODEL 500A  12 GA", ("Mossberg", "500A", "12 gauge", None)),  # letters glued: the model's own
        ("MARLIN|MODEL 1895G  45-70 GOVT.", ("Marlin", "Model 1895G", ".45-70 Government", None)),
        ("BAIKAL IZH-43K|CAL 12/70", ("Baikal", "IZh-43K", "12/70", None)),
        ("CZ P-10 C|9x19", ("CZ", "P-10 C", "9 mm Luger", None)),  # a variant letter after a designation's digit
        ("GAMO|SHADOW 1000  CAL. 4,5mm", ("Gamo", "Shadow 1000", "4.5 mm (.177)", None)),  # a number before the calibre
        ("BRUNI OLYMPIC|CAL.6mm|B12345", ("Bruni", None, None, "B12345")),  # a calibre's word glued: never a model
        ("ATA ARMS|NE0 12  12/76", ("ATA Arms", "NEO 12", "12/76", None)),  # O read as 0
        ("INLAND DIV.|U.S. CARBINE  CAL. .30 M1|1234567", ("Inland", "M1", ".30 M1 Carbine", "1234567")),
        ("GLOCK|MODEL 17 1234|9x19", ("Glock", "Model 17", "9 mm Luger", "1234")),  # 4 digits after: a serial
        # written with the ninth held-out set's corrections
        ("BENELLI ARMI URBINO|RAFFAELLO  CAL. 12|D217834", ("Benelli", "Raffaello", "12 gauge", "D217834")),
        ("BROWNING - HERSTAL|B725  CAL. 12 - 76 mm", ("Browning", "B725", "12/76", None)),  # a dash: gauge, chamber
        ("VERNEY-CARRON|SUPER 9|CAL 12-70  N° 642318", ("Verney-Carron", "Super 9", "12/70", "642318")),
        ("J.P. SAUER & SOHN ISNY|SAUER 100  .30-06 SPRG.", ("J. P. Sauer & Sohn", "100", ".30-06 Springfield", None)),
        ("SAKO  1942|M/39|214573", ("Sako", "M/39", None, "214573")),  # the year of making yields to the model
        ("PPQ M2  9mm x 19|CARL WALTHER ULM/DO. GERMANY", ("Walther", "PPQ M2", "9 mm Luger", None)),
        ("BROWNING ARMS CO.|BLR '81  CAL. .308 WIN.", ("Browning", "BLR 81", ".308 Winchester", None)),
        ("MANUFACTURE FRANCAISE D'ARMES ET CYCLES|IDEAL  CAL 16-65", ("Manufrance", "Idéal", "16/65", None)),
        ("MRE D'ARMES ST ETIENNE|MLE 1873|H 72341", ("MAS", "Mle 1873", None, "H 72341")),  # a series apart
        ("bnz  43|Mod. 98|5678b", ("Steyr", "Mod. 98", None, "5678B")),  # a German wartime maker code
        ("KIMAR|PTB 712  13-012345", ("Kimar", None, None, "13-012345")),  # a proof mark's number stops at a space
        ("BLASER|SN 1234567", ("Blaser", None, None, "1234567")),  # a serial's prefix is no series
        # written after the tenth held-out set's run: the OCR drops the space after "CAL."; a gauge is no inch bore
        ("BERETTA|S56E  CAL.12-70", ("Beretta", "S56E", "12/70", None)),
        ("FRANCHI|MOD. 48/AL  CAL.20", ("Franchi", "48/AL", "20 gauge", None)),
        ("PIETTA|CAL.36", ("Pietta", None, ".36", None)),
        ("MAVERICK ARMS, INC. EAGLE PASS, TX.|MODEL 88", ("Maverick", "Model 88", None, None)),  # no Armsan
        # and the tenth set's other lessons
        ("GABILONDO Y CIA VITORIA|LLAMA COMANCHE III  CAL. .357 MAG.", ("Llama", "Comanche III", ".357 Magnum", None)),
        ("STEYR-DAIMLER-PUCH A.G.|MANNLICHER MOD. SL  CAL. .222 REM.", ("Steyr", "SL", ".222 Remington", None)),
        ("REMINGTON RAND INC. SYRACUSE|M1911 A1 U.S. ARMY", ("Remington Rand", "M1911 A1", None, None)),
        ("VINCENZO BERNARDELLI GARDONE V.T.|ROMA 6|CAL. 16", ("Bernardelli", "Roma 6", "16 gauge", None)),
        ("UNIQUE X51 BIS  CAL. 22 L.R.", ("Unique", "X51 Bis", ".22 LR", None)),
        ("PIETRO BERETTA GARDONE V.T.|S56ECAL. 12-70", ("Beretta", "S56E", "12/70", None)),  # "CAL." glued by the OCR
        ("BERETTA|TACTICAL 12/70", ("Beretta", "TACTICAL", "12/70", None)),  # a word ending in CAL stays whole
    ],
)
def test_the_makers_and_calibre_added_to_the_data_files(
    real: FieldParser, text: str, expected: tuple[str | None, ...]
) -> None:
    assert fields_of(real, text) == expected
