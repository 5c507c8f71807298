"""ASGI middleware: request ids and access logs, security headers, upload size limits, rate limits."""

from __future__ import annotations

import logging
import math
import re
import threading
import time
import uuid
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.logs import request_id
from api.problems import problem

log = logging.getLogger("basegun.access")

_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_DECIMAL = re.compile(r"[0-9]{1,20}")
CSP = (
    "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; script-src 'self'; style-src 'self'; "
    "connect-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# The interactive API docs page loads Swagger UI from its CDN; only that page may.
DOCS_CSP = (
    "default-src 'self'; img-src 'self' data: https://fastapi.tiangolo.com; "
    "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; style-src 'self' https://cdn.jsdelivr.net; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


def client_key(scope: Scope, trust_forwarded: bool) -> str:
    forwarded = _header(scope, b"x-forwarded-for") if trust_forwarded else None
    if forwarded:
        return forwarded.split(",")[0].strip()
    client = scope.get("client")
    return client[0] if client else "unknown"


class RequestContext:
    """Gives each request an id (kept from X-Request-ID when sane), logs one access line, adds security headers."""

    def __init__(self, app: ASGIApp, trust_forwarded: bool = False) -> None:
        self.app = app
        self.trust_forwarded = trust_forwarded

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = _header(scope, b"x-request-id")
        rid = given if given and _VALID_ID.match(given) else uuid.uuid4().hex
        token = request_id.set(rid)
        started = time.perf_counter()
        status = 500
        https = scope.get("scheme") == "https" or (
            self.trust_forwarded and _header(scope, b"x-forwarded-proto") == "https"
        )
        docs = scope["path"] in ("/docs", "/redoc")

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers += [
                    (b"x-request-id", rid.encode()),
                    (b"content-security-policy", (DOCS_CSP if docs else CSP).encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                    (b"permissions-policy", b"camera=(self), geolocation=(), microphone=()"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                ]
                if https:
                    headers.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            log.info(
                "request",
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            request_id.reset(token)


class BodyLimit:
    """Refuses a request body over its path's limit while it streams in, before it is all read.

    `limit_for(path)` gives the byte limit for a path, or None for no limit. A declared Content-Length over the limit
    is refused at once; otherwise bytes are counted as they arrive and the upload is cut at the limit.
    """

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int | None]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.limit_for(scope["path"]) if scope["type"] == "http" else None
        if limit is None:
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared and _DECIMAL.fullmatch(declared) and int(declared) > limit:
            await self._refuse(limit, scope, receive, send)
            return
        received = 0
        exceeded = False
        response_started = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal response_started
            if exceeded:
                return  # the app's answer to a cut upload is replaced by ours
            response_started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not exceeded:
                raise
        if exceeded and not response_started:
            await self._refuse(limit, scope, receive, send)

    @staticmethod
    async def _refuse(limit: int, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem(
            413, "file_too_large", f"The upload is larger than the limit of {limit / (1024 * 1024):.0f} MB."
        )
        response.headers["connection"] = "close"
        await response(scope, receive, send)


class RateLimit:
    """A token bucket per client for POST requests to the API: `per_minute` requests, bursts up to that many."""

    def __init__(self, app: ASGIApp, per_minute: int, trust_forwarded: bool = False) -> None:
        self.app = app
        self.rate = per_minute / 60.0
        self.capacity = float(per_minute)
        self.trust_forwarded = trust_forwarded
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def _take(self, key: str) -> float:
        """Take a token; returns 0 when allowed, else the seconds to wait."""
        now = time.monotonic()
        with self._lock:
            tokens, stamp = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - stamp) * self.rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            if len(self._buckets) > 10_000:  # forget idle clients
                self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < 120}
            return (1 - tokens) / self.rate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limited = (
            self.rate > 0
            and scope["type"] == "http"
            and scope["method"] == "POST"
            and scope["path"].startswith("/api/")
        )
        wait = self._take(client_key(scope, self.trust_forwarded)) if limited else 0.0
        if wait > 0:
            response = problem(
                429,
                "rate_limited",
                "Too many requests from this client; try again shortly.",
                headers={"retry-after": str(math.ceil(wait))},
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
