"""A model the makers file does not know, read from where markings put one: first on the calibre's line before the
calibre, after the maker's name before the calibre, first on the line under the maker's. On makers and words written
in the test: taken there with a lower confidence than a known model, never a place, a country, a company form, a
calibre, a proof mark or a serial number, never a bare number, and never without a maker read."""

from __future__ import annotations

import pytest

from basegun.answering.alarm.terms import Name
from basegun.answering.markings import FieldParser
from basegun.answering.markings.makers import Maker, ModelPattern
from basegun.answering.markings.placed import PLACED_QUALITY, ModelPlaces
from tests.markings_text import fields_of, parser_over

MAKERS = (
    Maker("Quill", ("hunting",), (Name("QUILLARD"),), (ModelPattern.of({"name": "ALPHA", "model": "Alpha"}),)),
    Maker("Nomod", ("sport",), (Name("NOMODEL"),), ()),
)
PLACES = ModelPlaces(
    prefixes=frozenset({"MOD", "TYPE"}),
    calibre_words=frozenset({"CAL"}),
    not_models=frozenset({"TOWNVILLE", "FRANCE", "MADE", "IN", "SA", "WARNING"}),
    max_words=3,
    max_word_length=12,
)


@pytest.fixture(scope="module")
def parser() -> FieldParser:
    return parser_over(MAKERS, PLACES)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # first on the calibre's line, before the calibre (a calibre's word between them)
        ("NOMODEL|ZEPHYR SAFARI  9,3x74R|N° 70212", ("Nomod", "ZEPHYR SAFARI", "9.3x74R", "70212")),
        ("NOMODEL TOWNVILLE FRANCE|ORCA  CAL 20/76|FB123456", ("Nomod", "ORCA", "20/76", "FB123456")),
        ("ORCA  .308 WIN|NOMODEL", ("Nomod", "ORCA", ".308 Winchester", None)),  # the calibre's line above
        ("NOMODEL|MOD. CONDOR 12/70", ("Nomod", "CONDOR", "12/70", None)),  # a model's prefix skipped
        # after the maker's name on its line, right before the calibre
        ("NOMODEL ORCA 12/76|F12345", ("Nomod", "ORCA", "12/76", "F12345")),
        # first on the line under the maker's line
        ("NOMODEL SA TOWNVILLE|K19|N° 12345", ("Nomod", "K19", None, "12345")),
        ("NOMODEL|K19 MADE IN FRANCE|12345", ("Nomod", "K19", None, "12345")),
        # past the maker's town and country on their own line; one letter after a model's prefix
        ("NOMODEL|TOWNVILLE FRANCE|MOD. L|CAL 7,65|12345", ("Nomod", "L", "7.65 mm Browning", "12345")),
        ("NOMODEL|TOWNVILLE|K19|N° 12345", ("Nomod", "K19", None, "12345")),
        # a model the maker's patterns know, or one written as such, comes first
        ("QUILLARD|ZEPHYR 12/70|ALPHA", ("Quill", "Alpha", "12/70", None)),
        ("NOMODEL|ZEPHYR 12/70|MODEL 12", ("Nomod", "Model 12", "12/70", None)),
    ],
)
def test_a_model_nobody_listed_is_read_from_its_place(
    parser: FieldParser, text: str, expected: tuple[str | None, ...]
) -> None:
    assert fields_of(parser, text) == expected


def test_such_a_model_is_less_sure_than_a_known_one(parser: FieldParser) -> None:
    placed = parser.parse(["NOMODEL", "ORCA  12/70"]).model
    known = parser.parse(["QUILLARD", "ALPHA  12/70"]).model
    assert (placed.text, placed.line) == ("ORCA", 1)
    assert placed.confidence == PLACED_QUALITY < known.confidence == 1.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MADE IN FRANCE|ZEPHYR 12/70", (None, None, "12/70", None)),  # no maker read
        ("ZEPHYR SAFARI|K19", (None, None, None, None)),
        ("NOMODEL|TOWNVILLE|12345", ("Nomod", None, None, "12345")),  # a place
        ("NOMODEL|MADE IN FRANCE 12/70", ("Nomod", None, "12/70", None)),  # a country's words
        ("NOMODEL SA|12/70", ("Nomod", None, "12/70", None)),  # a company form
        ("NOMODEL|12/70 F12345", ("Nomod", None, "12/70", "F12345")),  # nothing before the calibre
        ("NOMODEL|DBW1234", ("Nomod", None, None, "DBW1234")),  # shaped as a serial number
        ("NOMODEL|DBW1234 .357 MAG", ("Nomod", None, ".357 Magnum", "DBW1234")),
        ("NOMODEL|202|.300 WIN MAG", ("Nomod", None, ".300 Winchester Magnum", None)),  # a bare number alone
        ("NOMODEL|1943", ("Nomod", None, None, "1943")),
        ("NOMODEL|L|12345", ("Nomod", None, None, "12345")),  # one letter, not written as a model
        ("NOMODEL|QUIETVILLE NJ|12345", ("Nomod", None, None, "12345")),  # words alone under the name: an address
        ("NOMODEL|1918|A1234", ("Nomod", None, None, "A1234")),  # a year of making is not the serial number
        ("NOMODEL|ORCA WARNING 12/70", ("Nomod", None, "12/70", None)),  # another word before the calibre
        ("NOMODEL|ST ETIENNE ORCA", ("Nomod", None, None, None)),  # after a proof mark: not first on the line
        ("NOMODEL|PTB 1071", ("Nomod", None, None, None)),  # a proof mark (its number with it)
        ("NOMODEL|ONE TWO THREE FOUR 12/70", ("Nomod", None, "12/70", None)),  # a sentence, not a designation
        ("NOMODEL|9mm P.A.K.", ("Nomod", None, "9 mm P.A.K.", None)),  # the calibre alone
        ("QUILLARD SA|NOMODEL'S PATENT", ("Quill", None, None, None)),  # another maker's name
    ],
)
def test_no_model_taken_where_the_place_holds_none(
    parser: FieldParser, text: str, expected: tuple[str | None, ...]
) -> None:
    assert fields_of(parser, text) == expected


def test_the_data_file_keeps_addresses_and_countries_out() -> None:
    places = ModelPlaces.load()
    for word in ("BELGIUM", "MADE", "ST", "ETIENNE", "URBINO", "GARDONE", "SPA", "GMBH", "CAL"):
        assert word in places.not_models | places.calibre_words, word
    found = FieldParser.load().parse(["FN HERSTAL", "BELGIUM", "123456"])
    assert (found.maker.value, found.model.value) == ("FN Herstal", None)


def test_a_zero_between_letters_is_read_as_the_letter(parser: FieldParser) -> None:
    assert parser.parse(["NOMODEL", "EL0S  CAL 20/76"]).model.value == "ELOS"
    assert parser.parse(["NOMODEL", "K10 ZERO"]).model.value == "K10 ZERO"
