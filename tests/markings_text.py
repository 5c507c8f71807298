"""The markings parser on text written in a test: a parser over makers (and model places) the test gives, with the
real calibre grammar, proof marks and alarm rules, and the four fields it reads from lines joined by "|"."""

from __future__ import annotations

from collections.abc import Sequence

from basegun.answering.alarm.markings import MarkingRules
from basegun.answering.markings import FieldParser
from basegun.answering.markings.calibres import CalibreGrammar
from basegun.answering.markings.makers import Maker, MakerBook, ModelPattern
from basegun.answering.markings.marks import MarkBook
from basegun.answering.markings.placed import ModelPlaces

GENERIC = (ModelPattern.of({"code": "MODEL #", "model": "Model #"}),)
BARE_MODEL_DIGITS = 4


def parser_over(makers: Sequence[Maker], places: ModelPlaces | None = None) -> FieldParser:
    """A parser that knows only `makers` (and `places`, else the data file's)."""
    book = MakerBook(tuple(makers), GENERIC, BARE_MODEL_DIGITS)
    rules = (CalibreGrammar.load(), MarkBook.load(), MarkingRules.load())
    return FieldParser(book, *rules) if places is None else FieldParser(book, *rules, places)


def fields_of(parser: FieldParser, text: str) -> tuple[str | None, ...]:
    """Maker, model, calibre and serial number read from `text`, its lines joined by "|"."""
    found = parser.parse(text.split("|"))
    return found.maker.value, found.model.value, found.calibre.value, found.serial_number.value
