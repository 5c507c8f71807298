"""Two real server processes on one data folder (`--workers N`, two containers on one volume): both accept batches,
one runs them, and none is lost or marked interrupted by the other's start-up. And the real server's own limits."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import LiveServer
from tests.images import encode, wall


def small_zip(seed: int, weapons: int = 2) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i in range(weapons):
            archive.writestr(f"arme {i}/vue.jpg", encode(wall(240, 180, seed=seed * 10 + i), "JPEG"))
    return buffer.getvalue()


def status(server: LiveServer, batch_id: str) -> dict[str, Any]:
    return httpx.get(f"{server.url}/api/v1/batches/{batch_id}", timeout=30).json()


def all_done(server: LiveServer, ids: list[str], timeout: float = 300) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        batches = [status(server, batch_id) for batch_id in ids]
        if all(b["status"] not in ("queued", "running") for b in batches):
            return batches
        time.sleep(0.3)
    raise AssertionError(f"batches still open: {[b['status'] for b in batches]}")


def test_two_processes_share_one_data_folder_without_losing_a_batch(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first, second = LiveServer(data), LiveServer(data)
    first.start()
    try:
        sent = [
            httpx.post(f"{first.url}/api/v1/batches", files={"archive": ("a.zip", small_zip(1))}, timeout=60).json()
        ]
        second.start()  # its start-up must leave the first one's batches alone
        try:
            for server, seed in ((second, 2), (first, 3), (second, 4)):
                response = httpx.post(
                    f"{server.url}/api/v1/batches", files={"archive": ("a.zip", small_zip(seed))}, timeout=60
                )
                assert response.status_code == 202, response.text
                sent.append(response.json())
            ids = [batch["id"] for batch in sent]
            done = all_done(second, ids)
            assert [b["status"] for b in done] == ["finished"] * len(ids)
            assert all(len(b["weapons"]) == 2 for b in done)
            assert status(first, ids[1])["status"] == "finished"  # each process answers for every batch
        finally:
            second.stop()
    finally:
        first.stop()
    # The runner lock left with its holder: the next process on the folder runs what is queued.
    third = LiveServer(data)
    third.start()
    try:
        response = httpx.post(f"{third.url}/api/v1/batches", files={"archive": ("a.zip", small_zip(5))}, timeout=60)
        assert all_done(third, [response.json()["id"]])[0]["status"] == "finished"
    finally:
        third.stop()


def test_real_server_ignores_forwarded_for_from_loopback(tmp_path: Path) -> None:
    """uvicorn trusts X-Forwarded-For from loopback by default: `basegun serve` turns that off."""
    server = LiveServer(tmp_path / "data", env={"BASEGUN_RATE_LIMIT_PER_MINUTE": "3"})
    server.start()
    try:
        statuses = [
            httpx.post(
                f"{server.url}/api/v1/identify", headers={"x-forwarded-for": f"10.9.{i}.1"}, timeout=30
            ).status_code
            for i in range(5)
        ]
    finally:
        server.stop()
    assert statuses == [422, 422, 422, 429, 429]
