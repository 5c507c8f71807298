"""The words of a batch report and of a batch's status, French first, from `basegun/data/batch_report.json`."""

from __future__ import annotations

from typing import Any

from basegun.catalog.texts import Text, load_texts

_WORDS: dict[str, Any] = load_texts("batch_report")

FLAGS: dict[str, Text] = _WORDS["flags"]  # what the station has to do about a weapon, in the order shown
LEVELS: dict[str, Text] = _WORDS["levels"]  # confidence levels in words
NO_FIREARM: Text = _WORDS["no_firearm"]
UNDETERMINED: Text = _WORDS["undetermined"]
AGREEMENT: Text = _WORDS["agreement"]  # {agreeing} {total}
RETENTION_SERVER: Text = _WORDS["retention_server"]  # {days} {date}
RETENTION_LOCAL: Text = _WORDS["retention_local"]
STOPPED: dict[str, Text] = _WORDS["stopped"]  # why a report covers only part of its batch, by the batch's status
HEADINGS: dict[str, Text] = _WORDS["headings"]
REASONS: dict[str, Text] = _WORDS["reasons"]  # why a file was not analysed, by its stable code
