"""What the core measures for Prometheus: time per network run, batch photos analysed, and the job queue.

Counters and histograms live in prometheus-client's default registry, one per process: a serving replica shows them
at `/metrics` (`api/metrics.py`), a worker with `serve_metrics(port)`. Photos per second is Prometheus's
`rate(basegun_batch_photos_analysed_total[5m])`, summed over the workers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import sqlalchemy as sa
from prometheus_client import Counter, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from basegun.jobs.runtime import JobCounts

log = logging.getLogger(__name__)

# From a 5 ms classifier run on a small photo to a multi-second OCR pass on a loaded machine.
NETWORK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

NETWORK_SECONDS = Histogram(
    "basegun_network_seconds", "Time of one ONNX Runtime run, by network.", ["network"], buckets=NETWORK_BUCKETS
)
BATCH_PHOTOS = Counter("basegun_batch_photos_analysed", "Batch photos analysed (every network run on them done).")

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


def serve_metrics(port: int, host: str = "0.0.0.0") -> None:  # noqa: S104 (scraped from other machines)
    """Expose this process's metrics on `http://host:port/metrics` from a background thread (a worker's)."""
    start_http_server(port, addr=host)
    log.info("metrics served", extra={"port": port})
