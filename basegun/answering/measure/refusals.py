"""Why a photo cannot be measured, in words a user can act on: a stable code, and its text in French and English
from `basegun/data/measurement_refusals.json`."""

from __future__ import annotations

from typing import Literal, get_args

from basegun.catalog.texts import Text, load_texts
from basegun.errors import MeasurementRefused

RefusalCode = Literal[
    "no_weapon", "no_card", "card_too_small", "card_oblique", "low_keypoint_confidence", "several_cards"
]

MESSAGES: dict[str, Text] = load_texts("measurement_refusals")["refusals"]
if set(MESSAGES) != set(get_args(RefusalCode)):
    raise ValueError(f"measurement_refusals.json: expected the refusals {get_args(RefusalCode)}, not {list(MESSAGES)}")


def refuse(code: RefusalCode) -> MeasurementRefused:
    """The error to raise for `code`, carrying both texts."""
    return MeasurementRefused(code, MESSAGES[code])
