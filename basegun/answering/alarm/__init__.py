"""Alarm guns and airsoft markings: is this weapon a listed alarm-gun model, as its engraved markings say?"""

from basegun.answering.alarm.check import AlarmCheck, AlarmChecker, AlarmTexts
from basegun.answering.alarm.markings import MarkingRules

__all__ = ["AlarmCheck", "AlarmChecker", "AlarmTexts", "MarkingRules"]
