"""Which photos of a weapon are close-ups of its markings: a station names them so (`pistolet3_marquage.jpg`)."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from basegun.answering.markings.confirmed import WeaponFields
from basegun.answering.markings.reader import MAX_PHOTOS
from basegun.answering.markings.result import MarkingsResult

SUFFIXES = ("_marquage", "_marquages", "_markings", "_marking")


def is_closeup(name: str) -> bool:
    """`…_marquage.jpg`, `…_markings.png` (any case): a close-up to read the markings from."""
    return PurePosixPath(name).stem.lower().endswith(SUFFIXES)


def closeups(names: list[str]) -> list[str]:
    """A weapon's close-ups of markings, at most as many as the reader reads together."""
    return [name for name in names if is_closeup(name)][:MAX_PHOTOS]


def weapon_markings(result: MarkingsResult, photos: list[str]) -> dict[str, Any]:
    """What a batch report keeps of a weapon's markings: the fields (each read or typed), the status, the reasons."""
    return {
        **WeaponFields.confirm(result, {}).model_dump(exclude={"markings_id"}),
        "status": result.status,
        "photos": photos,
        "listed_alarm_model": result.listed_alarm_model,
        "reasons": [reason.model_dump() for reason in result.reasons],
    }
