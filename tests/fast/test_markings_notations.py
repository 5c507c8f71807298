"""Notations the data files give as general facts: Smith & Wesson's model number with its engineering change
("686-6"), the Italian "MO." before a model's number, "9 CORTO" (the 9 mm Short), rimmed metric calibres keeping
their R; and an inch calibre read glued to such a model number ("686-6.357")."""

from __future__ import annotations

import pytest

from basegun.answering.markings import FieldParser
from tests.markings_text import fields_of


@pytest.fixture(scope="module")
def parser() -> FieldParser:
    return FieldParser.load()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SMITH & WESSON|686-6  .357 MAGNUM|DBW1234", ("Smith & Wesson", "686-6", ".357 Magnum", "DBW1234")),
        ("SMITH & WESSON|686-6.357 MAGNUM|DBW1234", ("Smith & Wesson", "686-6", ".357 Magnum", "DBW1234")),
        ("S&W|629-4  .44 MAGNUM", ("Smith & Wesson", "629-4", ".44 Magnum", None)),
        ("SMITH & WESSON|DBW1234", ("Smith & Wesson", None, None, "DBW1234")),  # alone on its line: a serial
        ("P. BERETTA GARDONE V.T.|MO. 1934  CAL. 9 CORTO|F12345", ("Beretta", "Mod. 1934", "9 mm Short", "F12345")),
        ("ASTRA|MODELO 4000  CAL 7,65", ("Astra", "Mod. 4000", "7.65 mm Browning", None)),
        ("STEYR M95|8x56R|4521B", ("Steyr", "M95", "8x56R", "4521B")),
        ("MERKEL|CAL 7x65 R|12345", ("Merkel", None, "7x65R", "12345")),
        ("MERKEL|8x57 RS", ("Merkel", None, "8x57 JS", None)),  # not a rim: the R of R.S.
        ("MERKEL|8x60 REM", ("Merkel", None, "8x60", None)),
        ("MERKEL|7x64", ("Merkel", None, "7x64", None)),
    ],
)
def test_notations_of_the_data_files(parser: FieldParser, text: str, expected: tuple[str | None, ...]) -> None:
    assert fields_of(parser, text) == expected


def test_a_decimal_is_still_a_decimal(parser: FieldParser) -> None:
    assert parser.calibres.find("CAL 6,35") is not None
    assert parser.calibres.find("CAL 6,35").value == "6.35 mm Browning"  # type: ignore[union-attr]
    assert parser.parse(["MODEL 10-5.38 SPL"]).calibre.value == ".38 Special"
