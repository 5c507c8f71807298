"""The markings reader: close-ups of a weapon's markings in, maker, model, calibre, serial number and marks out, each
with the words it came from and a confidence, or an honest "not read"."""

from basegun.answering.markings.fields import FieldParser, Fields
from basegun.answering.markings.reader import MarkingsReader
from basegun.answering.markings.result import FieldRead, LineRead, Mark, MarkingsResult

__all__ = ["FieldParser", "FieldRead", "Fields", "LineRead", "Mark", "MarkingsReader", "MarkingsResult"]
