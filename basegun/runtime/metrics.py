"""What the core measures for Prometheus: time per network run, batch photos analysed (the job queue: jobs/metrics.py).

Counters and histograms live in prometheus-client's default registry, one per process: a serving replica shows them
at `/metrics` (`api/metrics.py`), a worker with `serve_metrics(port)`. Photos per second is Prometheus's
`rate(basegun_batch_photos_analysed_total[5m])`, summed over the workers.
"""

from __future__ import annotations

import logging

from prometheus_client import Counter, Histogram, start_http_server

log = logging.getLogger(__name__)

# From a 5 ms classifier run on a small photo to a multi-second OCR pass on a loaded machine.
NETWORK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

NETWORK_SECONDS = Histogram(
    "basegun_network_seconds", "Time of one ONNX Runtime run, by network.", ["network"], buckets=NETWORK_BUCKETS
)
BATCH_PHOTOS = Counter("basegun_batch_photos_analysed", "Batch photos analysed (every network run on them done).")


def serve_metrics(port: int, host: str = "0.0.0.0") -> None:  # noqa: S104 (scraped from other machines)
    """Expose this process's metrics on `http://host:port/metrics` from a background thread (a worker's)."""
    start_http_server(port, addr=host)
    log.info("metrics served", extra={"port": port})
