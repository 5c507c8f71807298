"""Which photos of a weapon are close-ups of its markings: a station names them so (`pistolet3_marquage.jpg`)."""

from __future__ import annotations

from pathlib import PurePosixPath

from basegun.answering.decodes import Decodes
from basegun.answering.markings.confirmed import WeaponFields, WeaponMarkings
from basegun.answering.markings.reader import MAX_PHOTOS, MarkingsReader, PhotoReading
from basegun.answering.markings.result import MarkingsResult
from basegun.errors import ImageRejected

SUFFIXES = ("_marquage", "_marquages", "_markings", "_marking")


def is_closeup(name: str) -> bool:
    """`…_marquage.jpg`, `…_markings.png` (any case): a close-up to read the markings from."""
    return PurePosixPath(name).stem.lower().endswith(SUFFIXES)


def closeups(names: list[str]) -> list[str]:
    """A weapon's close-ups of markings, at most as many as the reader reads together."""
    return [name for name in names if is_closeup(name)][:MAX_PHOTOS]


def weapon_markings(result: MarkingsResult, photos: list[str], markings_id: str | None = None) -> WeaponMarkings:
    """A weapon's markings as read from its close-ups (or from the close-up a station chose, whose reading is
    `markings_id`), before anyone corrects them."""
    fields = WeaponFields.confirm(result, {})
    return WeaponMarkings(
        maker=fields.maker,
        model=fields.model,
        calibre=fields.calibre,
        serial_number=fields.serial_number,
        status=result.status,
        photos=photos,
        listed_alarm_model=result.listed_alarm_model,
        reasons=result.reasons,
        markings_id=markings_id,
    )


def read_closeups(reader: MarkingsReader, photos: list[Decodes], typology: str | None) -> WeaponMarkings | None:
    """Read a weapon's close-ups of markings from their decodes, when it has some; `typology` (the one acted on, past
    the confidence gate) says which reasons apply."""
    wanted = set(closeups([photo.name for photo in photos]))
    readings: list[PhotoReading] = []
    read: list[str] = []
    for photo in photos:
        if photo.name not in wanted:
            continue
        try:
            decoded = photo.at(reader.reader.detail)
        except (ImageRejected, OSError):
            continue  # listed with its error among the weapon's photos
        readings.append(reader.read_photo(decoded.image, decoded.original_size))
        read.append(photo.name)
    return weapon_markings(reader.result(readings, typology), read) if readings else None
