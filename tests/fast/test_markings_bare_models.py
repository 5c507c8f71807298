"""A maker's bare model number standing first on a line under the maker's name ("SAUER & SOHN" above
"202  .300 WIN MAG"), on makers written in the test: taken as the model, never as a serial number or a calibre, and
never where the number stands alone, after other words, is too long for a model, or no maker was read."""

from __future__ import annotations

import pytest

from basegun.answering.alarm.terms import Code, Name
from basegun.answering.markings import FieldParser
from basegun.answering.markings.makers import Maker, ModelPattern
from tests.markings_text import fields_of, parser_over

BARE = {"code": "#", "model": "#", "after_maker": True}
MAKERS = (
    Maker("Sauer", ("hunting",), (Name("SAUER & SOHN"),), (ModelPattern.of(BARE),)),
    Maker(
        "Berta", ("sport",), (Name("BERTA"),), (ModelPattern.of({"code": "686", "model": "686"}), ModelPattern.of(BARE))
    ),
    Maker("Nonum", ("sport",), (Code("NONUM"),), (ModelPattern.of({"name": "ALPHA", "model": "Alpha"}),)),
)


@pytest.fixture(scope="module")
def parser() -> FieldParser:
    return parser_over(MAKERS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # first on its line, followed by the calibre: the model, not a serial number
        ("SAUER & SOHN|202  .300 WIN MAG|S12345", ("Sauer", "202", ".300 Winchester Magnum", "S12345")),
        ("SAUER & SOHN|202.300 WIN MAG", ("Sauer", "202", ".300 Winchester Magnum", None)),  # the space lost
        ("SAUER & SOHN|1416 D HB .22 l.r.|2334567", ("Sauer", "1416", ".22 LR", "2334567")),  # followed by a word
        ("SAUER & SOHN|2021 12/70", ("Sauer", "2021", "12/70", None)),  # followed by a calibre without letters
        ("S12345|202  .300 WIN MAG|SAUER & SOHN", ("Sauer", "202", ".300 Winchester Magnum", "S12345")),
        # a pattern of the maker, or a model written as such, comes first
        ("BERTA|1234 CAL 20/76|686", ("Berta", "686", "20/76", "1234")),
        ("SAUER & SOHN|MODEL 90|1234 CAL 12", ("Sauer", "Model 90", "12 gauge", "1234")),
        # without a bare-number pattern: first on the line right under the maker's name and followed by the
        # calibre, where markings put a model (Voere "2165  .30-06"); at a placed model's lower confidence
        ("NONUM|202 .300 WIN MAG|S12345", ("Nonum", "202", ".300 Winchester Magnum", "S12345")),
        ("NONUM|MADE IN ITALY|202 .300 WIN MAG", ("Nonum", "202", ".300 Winchester Magnum", None)),  # past the country
        # right after the maker's name where it stands again (GLOCK GES.M.B.H. above GLOCK 19)
        ("SAUER & SOHN SUHL|SAUER & SOHN 202  .300 WIN MAG", ("Sauer", "202", ".300 Winchester Magnum", None)),
    ],
)
def test_a_bare_model_first_on_a_line_is_the_model(
    parser: FieldParser, text: str, expected: tuple[str | None, ...]
) -> None:
    assert fields_of(parser, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SAUER & SOHN|2334567", ("Sauer", None, None, "2334567")),  # alone on its line: a serial number
        ("SAUER & SOHN|1943", ("Sauer", None, None, "1943")),  # or a year
        ("SAUER & SOHN|202|.300 WIN MAG", ("Sauer", None, ".300 Winchester Magnum", None)),  # alone on its line
        ("SAUER & SOHN|23345 MADE IN GERMANY", ("Sauer", None, None, "23345")),  # too long for a model
        ("SAUER & SOHN|N° 20245 CAL 12", ("Sauer", None, "12 gauge", "20245")),  # after the serial's mark
        ("SAUER & SOHN|MADE IN GERMANY 202 .300 WIN MAG", ("Sauer", None, ".300 Winchester Magnum", None)),
        ("SAUER & SOHN|12/70", ("Sauer", None, "12/70", None)),  # the calibre is not a model
        ("MADE IN GERMANY|202 .300 WIN MAG", (None, None, ".300 Winchester Magnum", None)),  # no maker read
        ("NONUM|202|.300 WIN MAG", ("Nonum", None, ".300 Winchester Magnum", None)),  # no pattern, alone on its line
        ("SAUER & SOHN 2024 GERMANY", ("Sauer", "2024", None, None)),  # the maker's own line: right after it only
        ("SAUER & SOHN GERMANY 2024 PROOF", ("Sauer", None, None, "2024")),
    ],
)
def test_no_bare_model_where_the_markings_do_not_give_one(
    parser: FieldParser, text: str, expected: tuple[str | None, ...]
) -> None:
    assert fields_of(parser, text) == expected


def test_the_data_file_gives_the_bound_and_sauer_s_202() -> None:
    parser = FieldParser.load()
    assert parser.makers.bare_model_digits == 4
    found = parser.parse(["SAUER & SOHN", "202  .300 WIN MAG", "S12345"])
    assert (found.maker.value, found.model.value, found.serial_number.value) == ("J. P. Sauer & Sohn", "202", "S12345")
    assert (found.model.text, found.model.line) == ("202", 1)
