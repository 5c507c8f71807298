"""Service-wide limits through the real app: disk budget, open batches, inference admission, rate-limit keys,
cross-site refusals, docs, logs, retention, file modes. Nothing here waits on a clock to decide an outcome."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import sqlite3
import threading
import time
import zipfile
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from fastapi.testclient import TestClient
from starlette.formparsers import MultiPartParser
from starlette.requests import ClientDisconnect

from api.app import create_app
from api.clients import client_address, networks, rate_key
from api.inference import InferencePool
from api.logs import request_id
from api.middleware import BodyLimit, RateLimit, redacted
from basegun.answering.answer_models import ModelInfo
from basegun.answering.weapon import Skipped
from basegun.batch.intake import Intake
from basegun.batch.report import build_report, to_csv
from basegun.batch.store import BatchStore
from basegun.catalog.loading import load_catalog
from basegun.records.database import Database
from basegun.records.tables import results
from basegun.settings import Settings
from basegun.storage.folder import FolderStore
from tests.calls import assert_problem, finished
from tests.images import encode, wall

PHOTO = encode(wall(240, 180), "JPEG")
T = TypeVar("T")


def in_own_loop(work: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to its end on a thread of its own (the browser tests may hold a loop on this one)."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, work).result()


def post_batch(client: TestClient, **headers: str) -> httpx.Response:
    return client.post("/api/v1/batches", files={"images": ("a.jpg", PHOTO, "image/jpeg")}, headers=headers)


@pytest.fixture
def app_client(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[TestClient]:
    overrides = getattr(request, "param", {})
    settings = Settings(data_dir=tmp_path / "data", rate_limit_per_minute=0, **overrides)
    with TestClient(create_app(settings)) as client:
        yield client


def open_batch_of(client: TestClient, address: str) -> None:
    """A batch open for `address`, as another replica receiving its upload would count it in the database."""
    manager = client.app.state.batches  # type: ignore[attr-defined]
    manager.store.reserve(manager.store.new_id(), manager.client_ref(address), "lot", time.time() + 3600)


# Batches: photos, files, disk and open batches


def test_batch_keeps_thumbnails_not_photos_and_files_are_private(app_client: TestClient, tmp_path: Path) -> None:
    batch = finished(app_client, post_batch(app_client).json()["id"])
    folder = tmp_path / "data" / "objects" / "batches" / batch["id"]  # the default object store: a folder
    assert not (folder / "photos").exists()
    assert list((folder / "thumbs").iterdir())
    assert {p.name for p in folder.iterdir()} == {"thumbs"}  # the reports are made from the rows when asked
    assert not list((tmp_path / "data" / "spool").iterdir())  # the upload's spool is gone
    for path in (tmp_path / "data").rglob("*"):
        expected = 0o700 if path.is_dir() else 0o600
        assert path.stat().st_mode & 0o777 == expected, path
    assert app_client.get(batch["reports"]["report.html"]).status_code == 200


@pytest.mark.parametrize("app_client", [{"data_quota_bytes": 1}], indirect=True)
def test_storage_full_refuses_new_work(app_client: TestClient) -> None:
    body = assert_problem(post_batch(app_client), 507, "storage_full")
    assert body["detail"]
    assert_problem(
        app_client.post("/api/v1/identify", files={"image": ("a.jpg", PHOTO, "image/jpeg")}), 507, "storage_full"
    )


@pytest.mark.parametrize("app_client", [{"data_quota_bytes": 50 * 1024**2}], indirect=True)
def test_batch_declaring_more_than_the_room_is_refused_before_upload(app_client: TestClient) -> None:
    response = app_client.post(
        "/api/v1/batches", content=b"x" * 100, headers={"content-length": str(60 * 1024**2), "content-type": "x/y"}
    )
    assert_problem(response, 507, "storage_full")


@pytest.mark.parametrize("app_client", [{"max_open_batches_per_client": 1}], indirect=True)
def test_open_batches_per_client_are_capped(app_client: TestClient) -> None:
    open_batch_of(app_client, "testclient")
    response = post_batch(app_client)
    assert_problem(response, 429, "too_many_batches")
    assert int(response.headers["retry-after"]) > 0
    other = TestClient(app_client.app, client=("192.0.2.9", 1000))
    assert post_batch(other).status_code == 202  # another client is not held back


@pytest.mark.parametrize("app_client", [{"max_open_batches": 1}], indirect=True)
def test_open_batches_overall_are_capped(app_client: TestClient) -> None:
    open_batch_of(app_client, "192.0.2.50")
    response = post_batch(app_client)
    assert_problem(response, 503, "batch_queue_full")
    assert int(response.headers["retry-after"]) > 0


def test_batches_take_turns_between_clients(tmp_path: Path) -> None:
    """A client's second and third batches wait behind another client's first, sent after them."""
    store = BatchStore(Database(f"sqlite:///{tmp_path / 'db.sqlite3'}"), FolderStore(tmp_path / "objects"))
    names = {}
    for name, client in (("a1", "a"), ("a2", "a"), ("a3", "a"), ("b1", "b")):
        batch_id = store.new_id()
        mine, _ = store.reserve(batch_id, client, name, time.time() + 3600)
        store.accept(batch_id, Intake(), rank=mine - 1, progress={})
        names[batch_id] = name
    order = []
    while (batch_id := store.next_queued()) is not None:
        order.append(names[batch_id])
        store.set_status(batch_id, "finished", when=("queued",))
    assert order == ["a1", "b1", "a2", "a3"]


# Inference admission


def test_full_inference_queue_answers_busy(app_client: TestClient) -> None:
    pool: InferencePool = app_client.app.state.inference_pool  # type: ignore[attr-defined]
    pool.taken = pool.capacity  # every worker and every queue place taken
    try:
        response = app_client.post("/api/v1/identify", files={"image": ("a.jpg", PHOTO, "image/jpeg")})
    finally:
        pool.taken = 0
    assert_problem(response, 503, "busy")
    assert int(response.headers["retry-after"]) > 0
    assert app_client.post("/api/v1/identify", files={"image": ("a.jpg", PHOTO, "image/jpeg")}).status_code == 200


def test_request_whose_client_left_is_not_computed() -> None:
    pool = InferencePool(workers=1, queue=1)
    release = threading.Event()
    computed: list[str] = []
    pool.executor.submit(release.wait)  # the only worker is busy

    async def gone() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    with pytest.raises(ClientDisconnect):
        in_own_loop(pool.run(gone, computed.append, b"photo"))
    release.set()
    pool.shutdown()
    assert computed == []


# Clients and rate limits


def scope(peer: str, forwarded: str | None = None) -> dict[str, Any]:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    return {"type": "http", "client": (peer, 1234), "headers": headers}


def test_forwarded_for_is_believed_only_from_trusted_proxies() -> None:
    proxies = networks(["10.0.0.0/8", "::1"])
    assert client_address(scope("203.0.113.5", "1.2.3.4"), proxies) == "203.0.113.5"  # not a proxy: ignored
    assert client_address(scope("10.0.0.2", "6.6.6.6, 198.51.100.7"), proxies) == "198.51.100.7"  # right-most
    assert client_address(scope("10.0.0.2", "6.6.6.6, 198.51.100.7, 10.0.0.9"), proxies) == "198.51.100.7"
    assert client_address(scope("10.0.0.2", "10.0.0.3"), proxies) == "10.0.0.3"
    assert client_address(scope("10.0.0.2", "not-an-address"), proxies) == "10.0.0.2"
    assert client_address(scope("127.0.0.1", "1.2.3.4"), ()) == "127.0.0.1"


def test_ipv6_clients_are_keyed_by_their_64() -> None:
    assert rate_key("2001:db8:1:2:aaaa::1") == rate_key("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64"
    assert rate_key("2001:db8:1:3::1") != rate_key("2001:db8:1:2::1")
    assert rate_key("::ffff:192.0.2.1") == "192.0.2.1"
    assert rate_key("192.0.2.1") == "192.0.2.1"


def test_rotating_forwarded_for_does_not_escape_the_rate_limit(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, rate_limit_per_minute=3)
    with TestClient(create_app(settings), client=("127.0.0.1", 1000)) as client:
        statuses = [
            client.post("/api/v1/identify", headers={"x-forwarded-for": f"10.1.{i}.1"}).status_code for i in range(5)
        ]
    assert statuses[:3] == [422, 422, 422]
    assert statuses[3:] == [429, 429]


def test_a_batch_costs_more_than_one_photo(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, rate_limit_per_minute=12)
    with TestClient(create_app(settings)) as client:
        assert post_batch(client).status_code == 202  # 10 of 12
        assert_problem(post_batch(client), 429, "rate_limited")
        assert client.post("/api/v1/identify", files={"image": ("a.jpg", PHOTO, "image/jpeg")}).status_code == 200


def test_rate_limit_entries_expire() -> None:
    limiter = RateLimit(lambda *_: None, per_minute=60)  # type: ignore[arg-type, return-value]
    for i in range(100):
        limiter._take(f"192.0.2.{i}", 1)
    assert len(limiter) == 100
    limiter._sweep(time.monotonic() + 3600)  # an hour later: every bucket full again
    assert len(limiter) == 0


# Browsers


@pytest.mark.parametrize(
    ("headers", "allowed"),
    [
        ({}, True),  # curl, scripts, the CLI
        ({"sec-fetch-site": "same-origin", "origin": "http://testserver"}, True),
        ({"origin": "http://testserver"}, True),
        ({"sec-fetch-site": "cross-site", "origin": "https://evil.example"}, False),
        ({"sec-fetch-site": "same-site", "origin": "https://other.testserver"}, False),
        ({"origin": "https://evil.example"}, False),
        ({"origin": "null"}, False),
    ],
)
def test_cross_site_posts_are_refused(app_client: TestClient, headers: dict[str, str], allowed: bool) -> None:
    response = app_client.post("/api/v1/identify", files={"image": ("a.jpg", PHOTO, "image/jpeg")}, headers=headers)
    if allowed:
        assert response.status_code == 200, response.text
    else:
        assert_problem(response, 403, "cross_site_request")


def test_cors_origins_may_post(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, cors_origins=["https://app.example"], rate_limit_per_minute=0)
    with TestClient(create_app(settings)) as client:
        headers = {"origin": "https://app.example", "sec-fetch-site": "cross-site"}
        assert client.post("/api/v1/identify", headers=headers).status_code == 422  # through, to the missing field


def test_docs_off_by_default_and_without_unsafe_inline(app_client: TestClient, tmp_path: Path) -> None:
    assert app_client.get("/docs").status_code == 404
    with TestClient(create_app(Settings(data_dir=tmp_path / "docs", api_docs=True))) as client:
        response = client.get("/docs")
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert "unsafe-inline" not in csp
    assert "'sha256-" in csp


# Uploads


def test_multipart_parts_spool_to_disk_beyond_the_threshold(app_client: TestClient) -> None:
    assert MultiPartParser.spool_max_size == Settings().upload_spool_bytes


def test_too_many_parts_are_refused(app_client: TestClient) -> None:
    files = [("image", (f"{i}.jpg", PHOTO, "image/jpeg")) for i in range(3)]
    assert_problem(app_client.post("/api/v1/identify", files=files), 400, "bad_request")


def test_stalled_body_is_answered_408() -> None:
    sent: list[dict[str, Any]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()  # the body never comes

    async def receive() -> dict[str, Any]:
        await asyncio.sleep(3600)
        return {}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    middleware = BodyLimit(app, limit_for=lambda _: 1024, timeout=0.05)
    in_own_loop(middleware({"type": "http", "path": "/api/v1/identify", "headers": []}, receive, send))
    assert sent[0]["status"] == 408
    assert json.loads(sent[1]["body"])["code"] == "body_timeout"


# Reports and logs


def test_csv_cells_never_run_as_formulas() -> None:
    names = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tx", "\rx", "arme 1"]
    report = build_report(
        batch_id="x",
        name="lot",
        created=datetime.now(UTC),
        status="finished",
        answers=[],
        skipped=[Skipped(name, "unsupported_format", "d") for name in names],
        catalog=load_catalog(),
        model=ModelInfo(name="m", version="1", sha256="0"),
        retention=None,
    )
    header, *rows = [line.split(";") for line in to_csv(report).splitlines()]
    column = header.index("file")
    cells = [row[column].strip('"') for row in rows if len(row) > column]
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    assert "arme 1" in cells
    assert '\'=HYPERLINK(""http://x"")' in cells


def test_batch_ids_are_redacted_in_paths() -> None:
    assert redacted("/api/v1/batches/0123456789abcdef0123456789abcdef/report.csv") == "/api/v1/batches/{id}/report.csv"


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[tuple[str, str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append((record.levelname, request_id.get(), str(getattr(record, "path", ""))))


def test_a_500_is_logged_once_with_its_request_id(tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path, frontend_dir=tmp_path / "no-web-app"))

    @app.get("/api/v1/broken")
    async def broken() -> None:
        raise RuntimeError("bug")

    lines = _Lines()
    root = logging.getLogger()
    root.addHandler(lines)
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            response = client.get("/api/v1/broken", headers={"x-request-id": "req-500"})
            client.get("/api/v1/batches/0123456789abcdef0123456789abcdef")
    finally:
        root.removeHandler(lines)
    assert_problem(response, 500, "internal_error")
    assert "bug" not in response.text
    errors = [line for line in lines.lines if line[0] == "ERROR"]
    assert errors == [("ERROR", "req-500", "/api/v1/broken")]
    assert all("0123456789abcdef" not in line[2] for line in lines.lines)


# Retention and SQLite


def test_results_are_purged_on_a_timer(tmp_path: Path) -> None:
    """A result two days old under a one-day retention goes at the next purge; a fresh one stays (no clock waited on:
    the old one is made old, and the timer runs every 0.1 s)."""
    settings = Settings(data_dir=tmp_path, retention_days=1, purge_every_seconds=0.1, rate_limit_per_minute=0)
    with TestClient(create_app(settings)) as client:
        store = client.app.state.service.store  # type: ignore[attr-defined]
        old, fresh = store.put("identification", {"x": 1}), store.put("identification", {"x": 2})
        with store.database.transaction() as connection:
            connection.execute(results.update().where(results.c.id == old).values(created=time.time() - 2 * 86400))
        deadline = time.monotonic() + 30
        while stored_results(store) > 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert stored_results(store) == 1
        assert store.get(fresh, "identification") == {"x": 2}
    assert (tmp_path / "basegun.sqlite3").stat().st_mode & 0o777 == 0o600
    with sqlite3.connect(tmp_path / "basegun.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def stored_results(store: Any) -> int:
    with store.database.transaction() as connection:
        return connection.exec_driver_sql("SELECT count(*) FROM results").scalar_one()


def test_result_store_deletes_securely(app_client: TestClient) -> None:
    store = app_client.app.state.service.store  # type: ignore[attr-defined]
    with store.database.transaction() as connection:
        assert connection.exec_driver_sql("PRAGMA secure_delete").scalar_one() == 1


def test_zip_of_a_million_entries_is_refused_cheaply(app_client: TestClient) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i in range(5000):
            archive.writestr(f"{i}", b"")
    response = app_client.post("/api/v1/batches", files={"archive": ("a.zip", buffer.getvalue(), "application/zip")})
    assert_problem(response, 413, "too_many_entries")


def test_server_limits_come_from_settings() -> None:
    from cli.commands import server_limits

    limits = server_limits(Settings(limit_concurrency=7, keep_alive_seconds=3))
    assert limits["limit_concurrency"] == 7
    assert limits["timeout_keep_alive"] == 3
    assert limits["proxy_headers"] is False


def test_old_trust_forwarded_setting_fails_clearly() -> None:
    with pytest.raises(ValueError, match="BASEGUN_TRUSTED_PROXIES"):
        Settings(trust_forwarded=True)


def test_parallel_identifications_wait_together_in_the_pool(app_client: TestClient) -> None:
    """Requests of one client in flight at the same time: while every worker is held, as many as one client may
    have wait in the pool together (seen in it, not inferred from timings), one more is answered busy, and all the
    waiting ones are answered once the workers are free."""
    pool: InferencePool = app_client.app.state.inference_pool  # type: ignore[attr-defined]
    release = threading.Event()
    held = [pool.executor.submit(release.wait) for _ in range(pool.capacity)]  # every worker, whatever their number

    def identify() -> int:
        return app_client.post("/api/v1/identify", files={"image": ("a.jpg", PHOTO, "image/jpeg")}).status_code

    with ThreadPoolExecutor(pool.per_client) as clients:
        try:
            waiting = [clients.submit(identify) for _ in range(pool.per_client)]
            deadline = time.monotonic() + 60
            while pool.taken < pool.per_client and time.monotonic() < deadline:
                time.sleep(0.05)
            assert pool.taken == pool.per_client  # all of them in the pool at once
            assert identify() == 503  # this client's share is used up
        finally:
            release.set()
        assert [future.result(timeout=120) for future in waiting] == [200] * pool.per_client
    assert all(future.done() for future in held)
