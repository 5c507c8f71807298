"""Two server processes on one PostgreSQL database serve the same results."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import LiveServer
from tests.images import encode, wall
from tests.postgres import PostgresServer


@pytest.fixture
def two_servers(postgres: PostgresServer, tmp_path: Path) -> Iterator[tuple[LiveServer, LiveServer]]:
    env = {"BASEGUN_DATABASE_URL": postgres.new_database()}
    servers = (LiveServer(tmp_path / "a", env), LiveServer(tmp_path / "b", env))
    try:
        for server in servers:
            server.start()
        yield servers
    finally:
        for server in servers:
            server.stop()


def test_a_result_stored_by_one_server_is_read_by_the_other(two_servers: tuple[LiveServer, LiveServer]) -> None:
    first, second = two_servers
    photo = encode(wall(), "JPEG")
    checked = httpx.post(f"{first.url}/api/v1/alarm-check", files={"image": ("p.jpg", photo, "image/jpeg")}, timeout=60)
    assert checked.status_code == 200, checked.text
    body = {"typology": "revolver", "ammunition": "cartridges", "alarm_check_id": checked.json()["id"]}
    verdict = httpx.post(f"{second.url}/api/v1/replica-check", json=body, timeout=60)
    assert verdict.status_code == 200, verdict.text
    assert verdict.json()["markings"]["alarm_check_id"] == checked.json()["id"]
    unknown = httpx.post(f"{second.url}/api/v1/replica-check", json={**body, "alarm_check_id": "nope"}, timeout=60)
    assert unknown.status_code == 404
