"""A weapon's answer with its markings as the station last confirmed them, and what those markings raise.

A close-up the station chose is read without the weapon (POST /api/v1/markings), so its reading holds every reason
a handgun's markings would give. Once it is the weapon's, the reasons are narrowed to the weapon's typology, and a
listed alarm model or a blank-firing mark raises the same flags as when the alarm check finds them in the batch's
own close-ups: the expert is needed, and "may be an alarm gun" gives way to what the markings say.
"""

from __future__ import annotations

from typing import Any, get_args

from basegun.answering.answer_models import Flag, WeaponAnswer
from basegun.answering.answers import asserts
from basegun.answering.markings.confirmed import WeaponMarkings
from basegun.answering.markings.reader import HANDGUN_REASONS, reasons_for


def weapon_answer(stored: dict[str, Any], position: int) -> WeaponAnswer:
    """A stored weapon answer (`BatchStore.weapons`), with what its markings raise."""
    answer = WeaponAnswer.model_validate({**stored, "index": position})
    return answer if answer.markings is None else with_markings(answer, answer.markings)


def with_markings(answer: WeaponAnswer, markings: WeaponMarkings) -> WeaponAnswer:
    """`answer` with `markings` as its own: their reasons for its typology (the one acted on), and their flags."""
    acted_on = answer.typology if answer.typology is not None and asserts(answer.confidence_level or "low") else None
    reasons = reasons_for(markings.reasons, acted_on.key if acted_on is not None else None)
    raised: set[Flag] = set(answer.flags)
    if markings.listed_alarm_model:
        raised.add("listed_alarm_gun")
    elif any(reason.code in HANDGUN_REASONS for reason in reasons):
        raised.add("blank_firing_mark")
    if raised & {"listed_alarm_gun", "blank_firing_mark"}:
        raised.add("needs_expert")
        raised.discard("possible_alarm_gun")
    flags = [flag for flag in get_args(Flag) if flag in raised]  # the order of the report's flags
    return answer.model_copy(update={"markings": markings.model_copy(update={"reasons": reasons}), "flags": flags})
