"""Measurement: a long gun's overall and barrel lengths, from an ID-1 card lying beside it in the photo."""

from basegun.answering.measure.measurement import Measurement
from basegun.answering.measure.measurer import Measurer, length_rule_of
from basegun.answering.measure.uncertainty import ErrorModel

__all__ = ["ErrorModel", "Measurement", "Measurer", "length_rule_of"]
