"""Which photos of a weapon are close-ups of its markings: a station names them so (`pistolet3_marquage.jpg`)."""

from __future__ import annotations

from pathlib import PurePosixPath

from pydantic import BaseModel, ConfigDict, Field

from basegun.answering.markings.confirmed import ConfirmedField, WeaponFields
from basegun.answering.markings.reader import MAX_PHOTOS
from basegun.answering.markings.result import MarkingsResult, Reason, Status

SUFFIXES = ("_marquage", "_marquages", "_markings", "_marking")


def is_closeup(name: str) -> bool:
    """`…_marquage.jpg`, `…_markings.png` (any case): a close-up to read the markings from."""
    return PurePosixPath(name).stem.lower().endswith(SUFFIXES)


def closeups(names: list[str]) -> list[str]:
    """A weapon's close-ups of markings, at most as many as the reader reads together."""
    return [name for name in names if is_closeup(name)][:MAX_PHOTOS]


class WeaponMarkings(BaseModel):
    """What a batch report keeps of a weapon's markings: the fields (each read or typed), the status, the reasons."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    maker: ConfirmedField
    model: ConfirmedField
    calibre: ConfirmedField
    serial_number: ConfirmedField
    status: Status
    photos: list[str] = Field(description="The close-ups read (named `…_marquage`, `…_markings`)")
    listed_alarm_model: bool
    reasons: list[Reason]


def weapon_markings(result: MarkingsResult, photos: list[str]) -> WeaponMarkings:
    """A weapon's markings as read from its close-ups, before anyone corrects them."""
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
    )
