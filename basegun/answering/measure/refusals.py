"""Why a photo cannot be measured, in words a user can act on: a stable code, and its text in French and English
from `basegun/data/measurement_refusals.json`."""

from __future__ import annotations

from typing import get_args

from basegun.answering.answer_models import RefusalCode
from basegun.catalog.texts import Text, load_texts
from basegun.errors import MeasurementRefused

REFUSAL_CODES: tuple[RefusalCode, ...] = get_args(RefusalCode)
MESSAGES: dict[str, Text] = load_texts("measurement_refusals")["refusals"]
if set(MESSAGES) != set(get_args(RefusalCode)):
    raise ValueError(f"measurement_refusals.json: expected the refusals {get_args(RefusalCode)}, not {list(MESSAGES)}")


def refuse(code: RefusalCode) -> MeasurementRefused:
    """The error to raise for `code`, carrying both texts."""
    return MeasurementRefused(code, MESSAGES[code])
