"""The markings reader end to end, with the real OCR on real close-ups: fields read where there are markings, none
invented where there are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from basegun.answering.markings import FieldParser, MarkingsReader
from basegun.answering.markings.reader import reasons_for
from basegun.catalog.texts import same
from basegun.errors import InvalidRequest
from basegun.inference.imaging import Limits
from basegun.networks.served import Models


@pytest.fixture(scope="module")
def reader(models: Models) -> MarkingsReader:
    return MarkingsReader(models.text_reader, FieldParser.load(), Limits(), same("notice"))


def test_read_fields_of_an_alarm_pistol(reader: MarkingsReader, photos: Path) -> None:
    result = reader.read([(photos / "alarm" / "alarm_gun_blow_f92.jpg").read_bytes()], "pistolet_semi_auto_moderne")
    assert result.status == "read"
    assert (result.maker.value, result.model.value, result.calibre.value) == ("Blow", "F92", "9 mm P.A.K.")
    assert result.listed_alarm_model
    assert result.maker.line is not None
    assert "BLOW" in result.lines[result.maker.line].text
    assert result.lines[result.maker.line].box
    assert {r.code for r in result.reasons} == {"listed_alarm_model", "blank_firing_calibre"}
    assert all(r.text["fr"] and r.text["en"] for r in result.reasons)
    # Read without the weapon's typology (a close-up a station chose), then narrowed to it once known: a
    # blank-firing calibre bears on a handgun's category only.
    unknown = reader.read([(photos / "alarm" / "alarm_gun_blow_f92.jpg").read_bytes()])
    assert reasons_for(unknown.reasons, "pistolet_semi_auto_moderne") == result.reasons
    assert [r.code for r in reasons_for(unknown.reasons, "epaule_a_verrou")] == ["listed_alarm_model"]


def test_read_nothing_on_a_photo_without_markings(reader: MarkingsReader, photos: Path) -> None:
    result = reader.read([(photos / "alarm" / "no_text.jpg").read_bytes()])
    assert result.status == "no_text"
    assert [f.value for f in (result.maker, result.model, result.calibre, result.serial_number)] == [None] * 4
    assert result.marks == []
    assert result.reasons == []


def test_read_nothing_on_a_blurred_photo(reader: MarkingsReader, photos: Path) -> None:
    result = reader.read([(photos / "quality" / "low_quality_text.jpg").read_bytes()])
    assert result.status in ("unreadable", "no_text")
    assert [f.value for f in (result.maker, result.model, result.calibre, result.serial_number)] == [None] * 4


def test_read_several_close_ups_together(reader: MarkingsReader, photos: Path) -> None:
    markings = (photos / "alarm" / "alarm_gun_blow_f92.jpg").read_bytes()
    empty = (photos / "alarm" / "no_text.jpg").read_bytes()
    result = reader.read([empty, markings])
    assert (result.maker.value, result.model.value) == ("Blow", "F92")
    assert result.lines[result.maker.line or 0].image == 1
    assert len(result.photos) == 2


def test_read_refuses_no_photo_or_too_many(reader: MarkingsReader) -> None:
    with pytest.raises(InvalidRequest) as none:
        reader.read([])
    assert none.value.code == "missing_photos"
    with pytest.raises(InvalidRequest) as many:
        reader.read([b"x"] * 5)
    assert many.value.code == "too_many_photos"
