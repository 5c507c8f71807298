"""The job queue for Prometheus: `basegun_jobs{state}`, read from the queue at each scrape."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

import sqlalchemy as sa
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from basegun.jobs.runtime import JobCounts

log = logging.getLogger(__name__)

JOB_STATES = ("queued", "running", "failed", "retried")


class JobQueueCollector(Collector):
    """`basegun_jobs{state}` read at each scrape from `counts()` (`basegun.jobs.runtime.Jobs.counts`): on PostgreSQL
    the queue's table that every worker shares, so any replica gives the fleet's numbers; on SQLite the batches and
    the outbox. `queued` jobs wait, `running` are held by a worker, `failed` failed for good, `retried` wait again
    after a failure or a dead worker. The database down: no samples and a warning; `/readyz` says so."""

    def __init__(self, counts: Callable[[], JobCounts]) -> None:
        self.counts = counts

    def describe(self) -> list[GaugeMetricFamily]:
        return []  # read at each scrape: nothing to describe when registered

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            counts = self.counts()
        except sa.exc.SQLAlchemyError as exc:
            log.warning("job counts unreadable", extra={"error": type(exc).__name__})
            return
        jobs = GaugeMetricFamily("basegun_jobs", "Background jobs by state, the whole fleet's.", labels=["state"])
        for state in JOB_STATES:
            jobs.add_metric([state], getattr(counts, state))
        yield jobs
