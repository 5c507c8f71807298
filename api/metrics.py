"""`/metrics` for Prometheus: HTTP requests by route template and status with their latency, refusals of work
(`busy`, `rate_limited`, `not_ready`), and what the core measures (`basegun/runtime/metrics.py`).

Routes are labelled by their template (`/api/v1/batches/{batch_id}`), never the path a client sent, so that ids never
become labels; a path no route matches is `unmatched`, and the web app's files are `static`.
"""

from __future__ import annotations

import time

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PATH = "/metrics"
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

REQUESTS = Counter(
    "basegun_http_requests", "HTTP requests answered, by route template and status.", ["route", "status"]
)
LATENCY = Histogram(
    "basegun_http_request_seconds",
    "Time to answer an HTTP request, by route template.",
    ["route"],
    buckets=LATENCY_BUCKETS,
)
REFUSALS = Counter(
    "basegun_refusals", "Requests refused for want of room, by code: busy, rate_limited, not_ready.", ["code"]
)

REFUSAL_CODES = ("busy", "rate_limited", "not_ready")
for _code in REFUSAL_CODES:
    REFUSALS.labels(_code)  # shown at 0 before the first one

router = APIRouter(tags=["operations"])


def refused(code: str) -> None:
    """Count a refusal of work (503 or 429): the sign that replicas or the balancer's limits are short."""
    REFUSALS.labels(code).inc()


def route_of(scope: Scope) -> str:
    route = scope.get("route")
    if route is None:
        return "unmatched"
    if isinstance(route, Mount):
        return "static"
    return str(getattr(route, "path", "unmatched"))


class HttpMetrics:
    """Counts and times each HTTP request once it is answered (its route is known only after routing)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route = route_of(scope)
            REQUESTS.labels(route, str(status)).inc()
            LATENCY.labels(route).observe(time.perf_counter() - started)


@router.get(PATH, summary="Metrics for Prometheus", include_in_schema=False)
def metrics(request: Request) -> Response:
    """This process's metrics, then those read at scrape time for this app (the job queue's table)."""
    own: CollectorRegistry | None = getattr(request.app.state, "metrics", None)
    body = generate_latest(REGISTRY) + (generate_latest(own) if own is not None else b"")
    return Response(body, media_type=CONTENT_TYPE_LATEST)
