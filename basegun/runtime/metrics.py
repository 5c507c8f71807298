"""What the core measures for Prometheus: time per network run, batch photos analysed, and the job queue's rows.

Counters and histograms live in prometheus-client's default registry, one per process: a serving replica shows them
at `/metrics` (`api/metrics.py`), a worker with `serve_metrics(port)`. Photos per second is Prometheus's
`rate(basegun_batch_photos_analysed_total[5m])`, summed over the workers.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import sqlalchemy as sa
from prometheus_client import Counter, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)

# From a 5 ms classifier run on a small photo to a multi-second OCR pass on a loaded machine.
NETWORK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

NETWORK_SECONDS = Histogram(
    "basegun_network_seconds", "Time of one ONNX Runtime run, by network.", ["network"], buckets=NETWORK_BUCKETS
)
BATCH_PHOTOS = Counter("basegun_batch_photos_analysed", "Batch photos analysed (every network run on them done).")

LABELS = ["task", "status"]
# procrastinate's job table; absent on SQLite and before its schema is applied.
JOB_COUNTS = sa.text(
    "SELECT task_name, status::text, count(*), count(*) FILTER (WHERE attempts > 0) "
    "FROM procrastinate_jobs GROUP BY task_name, status"
)


class JobQueueCollector(Collector):
    """Read at scrape time from the job table every worker shares, so any replica gives the fleet's numbers.

    `basegun_jobs{task,status}`: jobs by procrastinate status (`todo` queued, `doing` running, `failed`, `cancelled`,
    `aborted`; `succeeded` ones are deleted by the workers, so their count is the batch photos' and the mail's own);
    `basegun_jobs_retried{task,status}`: those among them taken up again at least once (a retry after an error, or a
    job whose worker died). No table (SQLite, schema not applied): no samples. The database down: no samples and a
    warning; `/readyz` says so.
    """

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def describe(self) -> list[GaugeMetricFamily]:
        return []  # read at each scrape: nothing to describe when registered

    def collect(self) -> Iterator[GaugeMetricFamily]:
        if self.engine.dialect.name != "postgresql":
            return
        try:
            with self.engine.connect() as connection:
                if connection.scalar(sa.text("SELECT to_regclass('procrastinate_jobs')")) is None:
                    return
                rows = connection.execute(JOB_COUNTS).all()
        except sa.exc.SQLAlchemyError as exc:
            log.warning("job counts unreadable", extra={"error": type(exc).__name__})
            return
        jobs = GaugeMetricFamily("basegun_jobs", "Jobs in the queue's table, by task and status.", labels=LABELS)
        retried = GaugeMetricFamily(
            "basegun_jobs_retried", "Jobs taken up again at least once, by task and status.", labels=LABELS
        )
        for task, status, count, taken_again in rows:
            jobs.add_metric([task, status], count)
            retried.add_metric([task, status], taken_again)
        yield jobs
        yield retried


def serve_metrics(port: int, host: str = "0.0.0.0") -> None:  # noqa: S104 (scraped from other machines)
    """Expose this process's metrics on `http://host:port/metrics` from a background thread (a worker's)."""
    start_http_server(port, addr=host)
    log.info("metrics served", extra={"port": port})
