"""Calls to the whole app as its clients make them, and checks of what it answers: defined once for every test."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient

from api.app import create_app
from basegun.settings import REPO_ROOT, Settings

UNFINISHED = ("queued", "running")


@contextmanager
def app_client(data_dir: Path, **settings: Any) -> Iterator[TestClient]:
    """The app on its own data folder, started and stopped; no rate limit unless a test sets one."""
    with TestClient(create_app(Settings(data_dir=data_dir, **{"rate_limit_per_minute": 0, **settings}))) as client:
        yield client


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """A problem+json answer with exactly this status and stable code; returns its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    assert body["type"].endswith(code)
    assert "Traceback" not in response.text
    return body


def finished(client: TestClient, batch_id: str, timeout: float = 300) -> dict[str, Any]:
    """The batch once it is no longer queued or running; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        batch: dict[str, Any] = client.get(f"/api/v1/batches/{batch_id}").json()
        if batch["status"] not in UNFINISHED:
            return batch
        if time.monotonic() > deadline:
            raise AssertionError(f"batch still {batch['status']} after {timeout} s: {batch.get('progress')}")
        time.sleep(0.2)


def basegun_cli(
    *args: str, env: Mapping[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """`basegun ARGS` (`python -m cli`) from the repository, its output captured as text; `env` replaces the
    environment when given."""
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env=dict(env) if env is not None else None,
        timeout=timeout,
        check=False,
    )
