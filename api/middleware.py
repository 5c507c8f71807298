"""ASGI middleware: request ids and access logs, security headers, cross-site refusals, upload size and time limits,
rate limits, admission before an upload is read, no work while a dependency is down."""

from __future__ import annotations

import asyncio
import logging
import math
import re
import threading
import time
import uuid
from collections.abc import Callable
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.clients import SCOPE_KEY, Network, client_address, from_trusted_proxy, header, rate_key
from api.errors import CrossSiteRefused
from api.logs import request_id
from api.metrics import refused
from api.problems import internal_error, problem, response_for
from basegun.errors import BasegunError, ClientLimitReached, LimitReached
from basegun.runtime.readiness import Readiness

log = logging.getLogger("basegun.access")

_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_DECIMAL = re.compile(r"[0-9]{1,20}")
_BATCH_ID = re.compile(r"(/api/v1/batches/)[0-9a-f]{32}")
# 'wasm-unsafe-eval' lets the web app compile ONNX Runtime's WebAssembly (identifying offline); nothing else is eval'd.
CSP = (
    "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; script-src 'self' 'wasm-unsafe-eval'; "
    "style-src 'self'; connect-src 'self'{connect}; manifest-src 'self'; worker-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def redacted(path: str) -> str:
    """A path as logged: a batch id is the only credential to a batch, so it never reaches a log."""
    return _BATCH_ID.sub(r"\1{id}", path)


class RequestContext:
    """Gives each request an id (kept from X-Request-ID when sane) and its client, logs one access line, adds
    security headers, and answers an unexpected error: one log line, with the request id, and a 500 problem."""

    def __init__(
        self, app: ASGIApp, trusted_proxies: tuple[Network, ...] = (), connect_to: tuple[str, ...] = ()
    ) -> None:
        self.app = app
        self.trusted = trusted_proxies
        # The web app may also reach these origins (the OIDC provider, to sign in).
        self.csp = CSP.format(connect="".join(f" {origin}" for origin in connect_to)).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = header(scope, b"x-request-id")
        rid = given if given and _VALID_ID.match(given) else uuid.uuid4().hex
        token = request_id.set(rid)
        scope[SCOPE_KEY] = rate_key(client_address(scope, self.trusted))
        started = time.perf_counter()
        status = 500
        response_started = False
        https = scope.get("scheme") == "https" or (
            from_trusted_proxy(scope, self.trusted) and header(scope, b"x-forwarded-proto") == "https"
        )

        async def send_with_headers(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status, response_started = message["status"], True
                headers = list(message.get("headers", []))
                if not any(key == b"content-security-policy" for key, _ in headers):  # /docs sets its own
                    headers.append((b"content-security-policy", self.csp))
                headers += [
                    (b"x-request-id", rid.encode()),
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
        except ClientDisconnect:
            log.info("client gone before its answer", extra={"path": redacted(scope["path"])})
        except Exception:
            log.exception("unexpected error", extra={"path": redacted(scope["path"])})
            if not response_started:
                await internal_error()(scope, receive, send_with_headers)
        finally:
            log.info(
                "request",
                extra={
                    "method": scope["method"],
                    "path": redacted(scope["path"]),
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            request_id.reset(token)


class CrossSiteGuard:
    """Refuses a state-changing request that a browser sends on behalf of another site's page (CSRF).

    Browsers say where a request comes from (`Sec-Fetch-Site`, else `Origin`); a request without either (curl, a
    script, the CLI) is no browser acting for a page, and is let through. Origins in the CORS list are allowed.
    """

    def __init__(self, app: ASGIApp, allowed_origins: list[str]) -> None:
        self.app = app
        self.allowed = frozenset(origin.rstrip("/") for origin in allowed_origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in UNSAFE_METHODS and self._cross_site(scope):
            refusal = CrossSiteRefused("A page of another site may not send this request.")
            await response_for(refusal)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _cross_site(self, scope: Scope) -> bool:
        origin = header(scope, b"origin")
        if origin is not None and origin.rstrip("/") in self.allowed:
            return False
        fetch_site = header(scope, b"sec-fetch-site")
        if fetch_site is not None:
            return fetch_site not in ("same-origin", "none")
        if origin is None:
            return False
        return origin == "null" or urlsplit(origin).netloc != header(scope, b"host")


class BodyLimit:
    """Refuses a request body over its path's limit while it streams in, before it is all read, and one that
    stalls: each piece must come within `timeout` seconds (a client sending a byte a minute holds a connection).

    `limit_for(path)` gives the byte limit for a path, or None for no limit. A declared Content-Length over the limit
    is refused at once; otherwise bytes are counted as they arrive and the upload is cut at the limit.
    """

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int | None], timeout: float = 30.0) -> None:
        self.app = app
        self.limit_for = limit_for
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.limit_for(scope["path"]) if scope["type"] == "http" else None
        if limit is None:
            await self.app(scope, receive, send)
            return
        declared = header(scope, b"content-length")
        if declared and _DECIMAL.fullmatch(declared) and int(declared) > limit:
            await self._refuse(413, limit, scope, receive, send)
            return
        received = 0
        refusal: int | None = None
        body_done = False
        response_started = False

        async def counting_receive() -> Message:
            nonlocal received, refusal, body_done
            if body_done:  # waiting for a disconnect while the answer is computed: no timeout
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.timeout)
            except TimeoutError:
                refusal = 408
                return {"type": "http.disconnect"}
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                body_done = not message.get("more_body", False)
                if received > limit:
                    refusal = 413
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal response_started
            if refusal is not None:
                return  # the app's answer to a cut upload is replaced by ours
            response_started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if refusal is None:
                raise
        if refusal is not None and not response_started:
            await self._refuse(refusal, limit, scope, receive, send)

    async def _refuse(self, status: int, limit: int, scope: Scope, receive: Receive, send: Send) -> None:
        if status == 408:
            response = problem(
                408, "body_timeout", f"The upload stalled: nothing arrived for {self.timeout:g} s; send it again."
            )
        else:
            response = problem(
                413, "file_too_large", f"The upload is larger than the limit of {limit / (1024 * 1024):.0f} MB."
            )
        response.headers["connection"] = "close"
        await response(scope, receive, send)


class RateLimit:
    """A token bucket per client for the API's requests that change something (POST, PUT): `per_minute` units of
    cost, bursts up to that many.

    `cost_for(path)` weighs a request (a batch costs more than one photo). Clients come from `RequestContext`
    (trusted proxies, IPv6 by /64). Buckets that have filled up again are forgotten every `SWEEP_SECONDS`.
    """

    SWEEP_SECONDS = 60.0

    def __init__(self, app: ASGIApp, per_minute: int, cost_for: Callable[[str], int] = lambda _: 1) -> None:
        self.app = app
        self.rate = per_minute / 60.0
        self.capacity = float(per_minute)
        self.cost_for = cost_for
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()
        self._swept = time.monotonic()

    def __len__(self) -> int:
        return len(self._buckets)

    def _take(self, key: str, cost: float) -> float:
        """Take `cost` tokens; returns 0 when allowed, else the seconds to wait."""
        now = time.monotonic()
        with self._lock:
            if now - self._swept >= self.SWEEP_SECONDS:
                self._sweep(now)
            tokens, stamp = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - stamp) * self.rate)
            cost = min(cost, self.capacity)  # a request costlier than the bucket is still possible when it is full
            if tokens >= cost:
                self._buckets[key] = (tokens - cost, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (cost - tokens) / self.rate

    def _sweep(self, now: float) -> None:
        full_after = self.capacity / self.rate
        self._buckets = {k: (t, s) for k, (t, s) in self._buckets.items() if now - s < full_after}
        self._swept = now

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limited = self.rate > 0 and scope["type"] == "http" and scope["method"] in UNSAFE_METHODS
        cost = self.cost_for(scope["path"]) if limited else 0
        wait = self._take(scope.get(SCOPE_KEY, "unknown"), cost) if cost else 0.0
        if wait > 0:
            refusal = ClientLimitReached(
                "Too many requests from this client; try again shortly.", retry_after=math.ceil(wait)
            )
            refused(refusal.code)
            await response_for(refusal)(scope, receive, send)
            return
        await self.app(scope, receive, send)


class Admission:
    """Refuses a request to `path` before its body is read: `admit(scope)` raises a Basegun error to refuse it
    (a client with too many batches open, a full queue, a full disk: no reason to take a 2 GB upload first)."""

    def __init__(self, app: ASGIApp, path: str, admit: Callable[[Scope], None]) -> None:
        self.app = app
        self.path = path
        self.admit = admit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] == self.path:
            try:
                await run_in_threadpool(self.admit, scope)
            except BasegunError as refusal:
                if isinstance(refusal, LimitReached):
                    refused(refusal.code)
                response = response_for(refusal)
                response.headers["connection"] = "close"
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class ReadinessGate:
    """While a dependency is down (`/readyz`), this replica takes no work: every request but the probes and the
    metrics gets 503 `not_ready` with Retry-After, so that a client or the balancer tries another replica.

    `state()` gives the last checks, or None before the service has started; it never blocks.
    """

    OPEN_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
    RETRY_AFTER_SECONDS = 5

    def __init__(self, app: ASGIApp, state: Callable[[], Readiness | None]) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        readiness = self.state()
        if readiness is None or not readiness.ready:
            refused("not_ready")
            down = ", ".join(readiness.down if readiness is not None else ()) or "the service"
            response = problem(
                503,
                "not_ready",
                f"This server cannot take work now ({down} unavailable); try again in a moment.",
                headers={"retry-after": str(self.RETRY_AFTER_SECONDS)},
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
