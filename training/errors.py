"""What `basegun-train` reports as a plain one-line error (exit status 2) rather than a traceback."""

from __future__ import annotations


class TrainingError(Exception):
    """A run, a data set or an export that cannot go on as asked; the message says what to change."""


class ConfigError(TrainingError, ValueError):
    """A configuration that cannot run; the message names the key."""


class DataError(TrainingError, ValueError):
    """Labelled data that cannot be used as given; the message names the file or class."""


class ExportError(TrainingError):
    """The exported file does not reproduce the checkpoint, or the run cannot be exported; nothing is written."""
