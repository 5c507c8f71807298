"""Model designations told from serial numbers by their place and shape, on makers and words written in the test: a
number (or letters and a number) right after the maker's name on its own line is the model ("SAKO 75"), a
designation shaped as a model stands before the calibre ("BR110  CAL 12/76") where a serial number does not, a
variant letter after a model's number is kept ("MLE 1935 S"); and a serial number, an address, a year of foundation
are never taken for one. Also the calibres added with them, a one-character box joining its row, and the benchmark's
count of a model rightly left unread."""

from __future__ import annotations

import pytest

from basegun.answering.alarm.terms import Name
from basegun.answering.markings import FieldParser
from basegun.answering.markings.calibres import CalibreGrammar
from basegun.answering.markings.makers import Maker, ModelPattern
from basegun.answering.markings.placed import PLACED_QUALITY, ModelPlaces, model_shaped
from basegun.answering.markings.result import LineRead
from basegun.answering.markings.rows import parser_input, rows
from tests.markings_text import fields_of, parser_over

MAKERS = (
    Maker("Nomod", ("hunting",), (Name("NOMODEL"),), ()),
    Maker("Milit", ("military surplus",), (Name("MILITARY"),), (ModelPattern.of({"code": "MLE #", "model": "Mle #"}),)),
)
PLACES = ModelPlaces(
    prefixes=frozenset({"MOD", "MLE"}),
    calibre_words=frozenset({"CAL"}),
    not_models=frozenset({"TOWNVILLE", "FRANCE", "SINCE", "SA", "N°", "NO"}),
    max_words=3,
    max_word_length=12,
)


@pytest.fixture(scope="module")
def parser() -> FieldParser:
    return parser_over(MAKERS, PLACES)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # right after the maker's name, on its own line: a number, letters and a number, a number and its variant
        ("NOMODEL 75|CAL. 9,3x62|123456", ("Nomod", "75", "9.3x62", "123456")),
        ("NOMODEL 75 FRANCE|.308 WIN", ("Nomod", "75", ".308 Winchester", None)),  # a country after it
        ("NOMODEL BR110|12/76|123456", ("Nomod", "BR110", "12/76", "123456")),
        ("NOMODEL 1935 S|F12345", ("Nomod", "1935 S", None, "F12345")),
        ("NOMODEL MOD. 36|N° 12345", ("Nomod", "36", None, "12345")),  # a model's prefix skipped
        ("NOMODEL 75 12/76|F12345", ("Nomod", "75", "12/76", "F12345")),  # before the calibre on the maker's line
        # before the calibre, a designation shaped as a model (letters and three digits)
        ("NOMODEL|BR110  CAL 12/76|123456", ("Nomod", "BR110", "12/76", "123456")),
        ("NOMODEL|SP2022  9x19|SP0012345", ("Nomod", "SP2022", "9 mm Luger", "SP0012345")),
    ],
)
def test_a_designation_in_a_models_place_is_the_model(
    parser: FieldParser, text: str, expected: tuple[str | None, ...]
) -> None:
    assert fields_of(parser, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NOMODEL 123456|.308 WIN", ("Nomod", None, ".308 Winchester", "123456")),  # too many digits: a serial
        ("NOMODEL DBW1234", ("Nomod", None, None, "DBW1234")),  # shaped as a serial number, not as a model
        ("NOMODEL 2100 ROGERS AVE|12345", ("Nomod", None, None, "12345")),  # an address: a word of its own after it
        ("NOMODEL 75 HUNTER|.308 WIN", ("Nomod", None, ".308 Winchester", None)),  # another word after it
        ("NOMODEL SINCE 1885|F12345", ("Nomod", None, None, "F12345")),  # a year of foundation, after a word
        ("NOMODEL SA 75|F12345", ("Nomod", None, None, "F12345")),  # not right after the name
        ("NOMODEL|BR110", ("Nomod", None, None, "BR110")),  # alone under the maker: a serial number's place
        ("NOMODEL|DBW1234 .357 MAG", ("Nomod", None, ".357 Magnum", "DBW1234")),  # before the calibre, a serial
        ("NOMODEL|12345 .300 WIN MAG", ("Nomod", None, ".300 Winchester Magnum", "12345")),  # too long for a model
        ("TOWNVILLE 75|12/76", (None, None, "12/76", None)),  # no maker read
    ],
)
def test_a_serial_number_an_address_or_a_year_is_not_a_model(
    parser: FieldParser, text: str, expected: tuple[str | None, ...]
) -> None:
    assert fields_of(parser, text) == expected


def test_the_shape_of_a_model_and_of_a_serial_number() -> None:
    assert all(model_shaped(key) for key in ("BR110", "P226", "SP2022", "GP100", "MP-153"))
    assert not any(model_shaped(key) for key in ("DBW1234", "B41277", "ABCD123", "FAL7821", "1234"))


def test_a_model_read_after_the_maker_is_less_sure_than_a_known_one(parser: FieldParser) -> None:
    placed = parser.parse(["NOMODEL 75", "CAL 12/70"]).model
    known = parser.parse(["MILITARY MLE 75", "CAL 12/70"]).model
    assert (placed.value, placed.confidence) == ("75", PLACED_QUALITY)
    assert (known.value, known.confidence) == ("Mle 75", 1.0)


@pytest.mark.parametrize(
    ("text", "model"),
    [
        ("MILITARY MLE 1935 S|7,65 L|F12345", "Mle 1935 S"),  # the maker's own pattern, then its variant
        ("NOMODEL|MODEL 1911 A1  .45 ACP", "Model 1911 A1"),  # a generic pattern
        ("MILITARY|MLE 1950|F12345", "Mle 1950"),
        ("MILITARY MLE 1950  N° 12345", "Mle 1950"),  # N° is not a variant
        ("MILITARY MLE 96  CAL 8mm K", "Mle 96"),  # the calibre's letter is the calibre's
        ("MILITARY MLE 49 BREVETE", "Mle 49"),  # a word, not a variant
        ("MILITARY|MLE 1416 D HB  .22 LR", "Mle 1416"),  # words after it: not the last of the model's words
    ],
)
def test_a_variant_letter_after_a_models_number_is_kept(parser: FieldParser, text: str, model: str) -> None:
    assert parser.parse(text.split("|")).model.value == model


@pytest.mark.parametrize(
    ("text", "calibre"),
    [
        ("7,65 L", "7.65 mm Longue"),
        ("CAL. 7.65 Long", "7.65 mm Longue"),
        ("7,65 mm LONGUE", "7.65 mm Longue"),
        ("CAL 7,65", "7.65 mm Browning"),  # without the L, the Browning
        (".17 HMR", ".17 HMR"),
        (".22 WMR", ".22 WMR"),
        (".357 SIG", ".357 SIG"),
        (".357 MAGNUM", ".357 Magnum"),
        (".40 S&W", ".40 S&W"),
        (".38 S&W", ".38 S&W"),
        (".38 S&W SPL", ".38 Special"),
        (".44-40", ".44-40 Winchester"),
        (".45 COLT", ".45 Colt"),
        (".45-70 GOVT", ".45-70 Government"),
        ("9mm LARGO", "9 mm Largo"),
        ("8 mm 92", "8 mm 92"),
        (".243 WIN", ".243 Winchester"),
        (".222 REM", ".222 Remington"),
        (".22-250 REM", ".22-250 Remington"),
        (".22 HORNET", ".22 Hornet"),
        ("7mm REM MAG", "7 mm Remington Magnum"),
        (".338 LAPUA MAG", ".338 Lapua Magnum"),
        (".300 BLK", ".300 Blackout"),
        (".30 CARBINE", ".30 M1 Carbine"),
        ("7,5x55", "7.5x55 Swiss"),
        ("7,63 MAUSER", "7.63 mm Mauser"),
        ("10mm AUTO", "10 mm Auto"),
        (".32 S&W LONG", ".32 S&W Long"),
        ("7,5x54 MAS", "7.5x54 MAS"),
        ("8mm LEBEL", "8 mm Lebel"),
        ("9,3x62", "9.3x62"),
        ("6,5x55", "6.5x55"),
    ],
)
def test_calibres_met_in_france(text: str, calibre: str) -> None:
    found = CalibreGrammar.load().find(text)
    assert found is not None
    assert found.value == calibre


def test_the_garands_m1_is_not_the_carbines_cartridge() -> None:
    found = CalibreGrammar.load().find("U.S. RIFLE CAL. .30 M1")  # since the sixth set's misses: the .30-06
    assert found is not None
    assert found.value == ".30-06 Springfield"


def box(x: int, y: int, width: int, height: int = 50) -> list[list[int]]:
    return [[x, y], [x + width, y], [x + width, y + height], [x, y + height]]


def line(text: str, corners: list[list[int]], confidence: float = 0.9, legible: bool = True) -> LineRead:
    return LineRead(text=text, confidence=confidence, box=corners, height_px=50, image=0, legible=legible)


def test_a_one_character_box_joins_the_row_it_carries_on() -> None:
    lines = [
        line("BRUNI", box(20, 20, 200)),
        line("CAL 8mm", box(20, 90, 280)),
        line("K", [[330, 96], [356, 99], [353, 149], [327, 146]], legible=False),  # cut off, tilted on the curve
        line("B12345", box(20, 160, 250)),
    ]
    texts, confidences, found = parser_input(lines, min_confidence=0.5)
    assert texts == ["BRUNI", "CAL 8mm  K", "", "B12345"]
    assert FieldParser.load().parse(texts, confidences).calibre.value == "8 mm P.A.K."
    assert [r.members for r in found] == [(0,), (1, 2), (3,)]
    assert [r.members for r in rows(lines)] == [(0,), (1,), (3,)]  # without the OCR's confidence, as before


def test_a_one_character_box_never_stands_alone_nor_joins_when_unsure() -> None:
    lines = [
        line("CAL 8mm", box(20, 90, 280)),
        line("K", box(330, 96, 26), confidence=0.2, legible=False),  # under the OCR's confidence
        line("X", box(20, 300, 26), legible=False),  # alone
        line("Z", box(900, 90, 26), legible=False),  # far along the row
    ]
    texts, _, found = parser_input(lines, min_confidence=0.5)
    assert texts == ["CAL 8mm", "", "", ""]
    assert [r.members for r in found] == [(0,)]


def test_a_model_rightly_left_unread_counts_as_right() -> None:
    from benchmarks.markings.__main__ import right_weapon

    assert right_weapon({"maker": True, "model": None, "calibre": None, "serial_number": True})
    assert right_weapon({"maker": True, "model": True, "calibre": False, "serial_number": True})
    assert not right_weapon({"maker": True, "model": False, "calibre": True, "serial_number": True})
    assert not right_weapon({"maker": False, "model": None, "calibre": True, "serial_number": True})
