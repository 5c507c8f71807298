"""Batch triage for police stations: many photos in, grouped by weapon, one report per seizure out."""

from basegun.batch.archive import BatchLimits
from basegun.batch.folder import triage_folder
from basegun.batch.runner import Progress

__all__ = ["BatchLimits", "Progress", "triage_folder"]
