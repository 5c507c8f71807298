"""What an operator watches: `/metrics` for Prometheus, `/readyz` naming the dependency that is down (and no work
taken meanwhile), logs carrying the request and job ids. Real app, real models, real PostgreSQL."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from api.app import create_app
from api.clients import client_address, networks
from api.logs import JsonFormatter, request_id
from basegun.jobs import logs as job_logs
from basegun.settings import Settings
from tests.conftest import _free_port
from tests.images import encode, landscape
from tests.postgres import PostgresServer

PHOTO = encode(landscape(), "JPEG")


def samples(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of `/metrics`, by name and labels."""
    response = client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    found = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(found: dict, name: str, **labels: str) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


def identify(client: TestClient, data: bytes = PHOTO):
    return client.post("/api/v1/identify", files={"image": ("photo.jpg", data, "image/jpeg")})


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("ops-data"), rate_limit_per_minute=3)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_metrics_count_requests_by_route_template_and_time_each_network(client: TestClient) -> None:
    before = samples(client)
    assert identify(client).status_code == 200
    assert client.get("/api/v1/batches/" + "ab" * 16).status_code == 404  # an id: must not become a label
    after = samples(client)
    route = {"route": "/api/v1/identify", "status": "200"}
    requests = "basegun_http_requests_total"
    assert value(after, requests, **route) == value(before, requests, **route) + 1
    count = "basegun_http_request_seconds_count"
    assert value(after, count, route="/api/v1/identify") == value(before, count, route="/api/v1/identify") + 1
    runs = "basegun_network_seconds_count"
    typology = {"network": "basegun-typology-int8"}
    assert value(after, runs, **typology) >= value(before, runs, **typology) + 1
    routes = {dict(labels).get("route") for name, labels in after if name == "basegun_http_requests_total"}
    assert "/api/v1/batches/{batch_id}" in routes
    assert not any("abab" in str(route) for route in routes)
    assert ("basegun_batch_photos_analysed_total", ()) in after


def test_metrics_count_rate_limit_refusals(client: TestClient) -> None:
    before = value(samples(client), "basegun_refusals_total", code="rate_limited")
    statuses = [identify(client, b"not a photo").status_code for _ in range(5)]
    assert 429 in statuses
    after = value(samples(client), "basegun_refusals_total", code="rate_limited")
    assert after - before == statuses.count(429)


def job_states(found: dict) -> dict[str, float]:
    return {state: value(found, "basegun_jobs", state=state) for state in ("queued", "running", "failed", "retried")}


def test_metrics_count_the_embedded_jobs_on_sqlite(client: TestClient) -> None:
    assert job_states(samples(client)) == {"queued": 0, "running": 0, "failed": 0, "retried": 0}


def test_ready_names_each_dependency(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"models": "ok", "database": "ok", "object_store": "ok"},
    }


def test_object_store_down_takes_the_replica_out_until_it_is_back(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(data_dir=tmp_path, rate_limit_per_minute=0))) as client:
        objects = tmp_path / "objects"
        shutil.rmtree(objects)
        objects.write_text("a file where the store's folder was")  # nothing can be written under it
        client.app.state.readiness.run()  # the background check, now rather than in two seconds

        response = client.get("/readyz")
        assert response.status_code == 503
        body = response.json()
        assert body["status"] == "not_ready"
        assert body["checks"]["object_store"] != "ok"
        assert body["checks"]["database"] == "ok"
        assert response.headers["retry-after"]

        refused = identify(client)
        assert refused.status_code == 503
        assert refused.json()["code"] == "not_ready"
        assert "object_store" in refused.json()["detail"]
        assert refused.headers["retry-after"] == "5"
        assert client.get("/api/v1/typologies").json()["code"] == "not_ready"
        assert client.get("/healthz").json() == {"status": "ok"}  # alive: no restart for a dependency down
        assert value(samples(client), "basegun_refusals_total", code="not_ready") >= 2

        objects.unlink()
        client.app.state.readiness.run()
        assert client.get("/readyz").status_code == 200
        assert identify(client).status_code == 200


@pytest.fixture
def own_postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server of this test's own, which it may stop and start."""
    server = PostgresServer(_free_port())
    server.start()
    yield server
    server.stop()


def test_database_down_takes_the_replica_out_until_it_is_back(own_postgres: PostgresServer, tmp_path: Path) -> None:
    settings = Settings(  # a fleet's replica: its jobs are the workers'
        data_dir=tmp_path, database_url=own_postgres.new_database(), rate_limit_per_minute=0, embedded_worker=False
    )
    with TestClient(create_app(settings)) as client:
        assert client.get("/readyz").status_code == 200
        own_postgres.halt()
        client.app.state.readiness.run()
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["checks"]["database"] == "OperationalError"
        assert response.json()["checks"]["object_store"] == "ok"
        assert identify(client).json()["code"] == "not_ready"
        assert client.get("/metrics").status_code == 200  # scraped while down: no job samples, no error

        own_postgres.resume()
        client.app.state.readiness.run()
        assert client.get("/readyz").status_code == 200
        assert identify(client).status_code == 200


def test_metrics_read_the_job_queue_table(postgres: PostgresServer, tmp_path: Path) -> None:
    """The queue's table as every worker of the fleet leaves it, read by a replica that runs no job itself."""
    url = postgres.new_database()
    settings = Settings(data_dir=tmp_path, database_url=url, rate_limit_per_minute=0, embedded_worker=False)
    with TestClient(create_app(settings)) as client:
        with psycopg.connect(url.replace("postgresql+psycopg", "postgresql"), autocommit=True) as connection:
            for status, attempts in [("todo", 0), ("todo", 1), ("doing", 0), ("failed", 3), ("succeeded", 0)]:
                connection.execute(
                    "INSERT INTO procrastinate_jobs (queue_name, task_name, status, attempts) "
                    "VALUES ('other', 'basegun.send_mail', %s, %s)",
                    (status, attempts),
                )
        found = samples(client)
    assert job_states(found) == {"queued": 2, "running": 1, "failed": 1, "retried": 1}


def test_log_lines_carry_the_request_and_the_job_id() -> None:
    formatter = JsonFormatter()

    def line(message: str) -> dict:
        record = logging.getLogRecordFactory()("basegun", logging.INFO, "", 0, message, (), None)
        return json.loads(formatter.format(record))

    job_logs.install()
    token = request_id.set("req-1")
    try:
        assert line("answer")["request_id"] == "req-1"
        assert "job_id" not in line("answer")
        with job_logs.job_logging("42"):
            assert line("photo analysed")["job_id"] == "42"
        assert "job_id" not in line("after")
    finally:
        request_id.reset(token)


class Lines(logging.Handler):
    """Formats each record as it is written, in the context of the code that wrote it (as a real handler does)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[dict] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


def test_access_log_carries_the_request_id(client: TestClient) -> None:
    lines = Lines()
    access = logging.getLogger("basegun.access")
    access.addHandler(lines)
    level = access.level
    access.setLevel(logging.INFO)
    try:
        response = identify(client)
    finally:
        access.removeHandler(lines)
        access.setLevel(level)
    sent = [line for line in lines.lines if line["message"] == "request" and line["path"] == "/api/v1/identify"]
    assert [line["request_id"] for line in sent] == [response.headers["x-request-id"]]


def test_forwarded_for_on_several_lines_is_read_whole() -> None:
    """A proxy may add its own X-Forwarded-For line under the client's: the last line is the proxy's word."""
    headers = [(b"x-forwarded-for", b"6.6.6.6"), (b"x-forwarded-for", b"198.51.100.7")]
    scope = {"type": "http", "client": ("10.0.0.2", 1234), "headers": headers}
    assert client_address(scope, networks(["10.0.0.0/8"])) == "198.51.100.7"
