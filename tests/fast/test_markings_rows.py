"""Boxes the OCR cut from one row joined before the fields are read (a curved slide cuts "1903" from ".22 l.r."),
on boxes written in the test: joined along a bowed or tilted row, never across two lines, far apart or across
photos; a field is pointed at the box its words are in."""

from __future__ import annotations

from basegun.answering.markings import FieldParser
from basegun.answering.markings.result import LineRead
from basegun.answering.markings.rows import parser_input, placed, rows


def box(x: int, y: int, width: int, height: int = 50, slope: float = 0.0) -> list[list[int]]:
    """tl, tr, br, bl of a box whose top edge rises `slope` pixels per pixel."""
    dy = round(slope * width)
    return [[x, y], [x + width, y + dy], [x + width, y + dy + height], [x, y + height]]


def line(text: str, corners: list[list[int]], image: int = 0, legible: bool = True) -> LineRead:
    return LineRead(text=text, confidence=0.9, box=corners, height_px=50, image=image, legible=legible)


ANSCHUTZ = [
    line("J.G. ANSCHÜTZ GMBH ULM", box(17, 19, 574, 76)),
    line("1903", [[28, 83], [142, 91], [138, 142], [24, 134]]),  # as the OCR cut the curved slide
    line(".22 l.r.", [[122, 94], [382, 102], [380, 155], [120, 147]]),
    line("2201234", [[26, 141], [217, 158], [212, 210], [21, 193]]),
]


def test_boxes_of_a_bowed_row_are_read_as_one_line() -> None:
    found = rows(ANSCHUTZ)
    assert [r.members for r in found] == [(0,), (1, 2), (3,)]
    assert found[1].text == "1903  .22 l.r."
    texts, _, _ = parser_input(ANSCHUTZ)
    assert texts == ["J.G. ANSCHÜTZ GMBH ULM", "1903  .22 l.r.", "", "2201234"]


def test_a_bare_model_cut_from_its_calibre_is_read_with_it() -> None:
    texts, confidences, found = parser_input(ANSCHUTZ)
    fields = FieldParser.load().parse(texts, confidences)
    assert (fields.model.value, fields.calibre.value, fields.serial_number.value) == ("1903", ".22 LR", "2201234")
    assert placed(fields.model, found).line == 1
    assert placed(fields.calibre, found).line == 2  # the calibre's words are in the second box


def test_a_tilted_row_is_followed_along_its_own_direction() -> None:
    lines = [line("AZUR", box(100, 200, 150, slope=-0.2)), line("9,3x74R", box(280, 164, 200, slope=-0.2))]
    assert [r.members for r in rows(lines)] == [(0, 1)]


def test_boxes_of_other_rows_stay_apart() -> None:
    lines = [
        line("SIG SAUER", box(20, 20, 300)),
        line("P365", box(20, 90, 120)),  # the next line, 1.4 heights below
        line("66A123456", box(700, 90, 300)),  # the same row, far along it
        line("PTB 1071", box(150, 90, 200), image=1),  # another photo
        line("9mm", box(150, 92, 90), legible=False),  # not legible
    ]
    assert [r.members for r in rows(lines)] == [(0,), (1,), (2,), (3,)]


def test_a_box_before_another_on_its_row_is_joined_left_to_right() -> None:
    lines = [line(".357 MAGNUM", box(200, 100, 300)), line("686-6", box(60, 101, 120))]
    found = rows(lines)
    assert [(r.members, r.text) for r in found] == [((1, 0), "686-6  .357 MAGNUM")]


def test_a_level_box_is_not_joined_to_a_tilted_row() -> None:
    lines = [line("AZUR", box(100, 200, 150, slope=-0.2)), line("9,3x74R", box(280, 194, 200))]
    assert [r.members for r in rows(lines)] == [(0,), (1,)]
