"""Background work as jobs, on real processes: `basegun worker` on PostgreSQL (a worker SIGKILLed mid-batch, another
takes the batch up and finishes it once), cancelling a batch, each mail sent once to a real SMTP server, the purge."""

from __future__ import annotations

import io
import json
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from api.app import create_app
from basegun.accounts.users import Role, User
from basegun.batch.intake import Intake
from basegun.batch.store import batch_ref
from basegun.inference.imaging import Limits
from basegun.jobs.runtime import JobCounts, Jobs
from basegun.records.expert_requests import RequestForm
from basegun.records.photos import clean_photo
from basegun.records.tables import batches, outbox, results
from basegun.service import Basegun
from basegun.settings import REPO_ROOT, Settings
from tests.conftest import LiveServer
from tests.images import encode, landscape, wall
from tests.postgres import PostgresServer
from tests.smtp import MailCatcher

UNFINISHED = ("queued", "running")
AGENT = User("agent-1", "Camille Agent", "camille@gendarmerie.test", frozenset({Role.AGENT}))
FORM = RequestForm("BR Lyon", "+33 4 00 00 00 00", "S-2026-114", "P-889/26", "BLOW F92 / PAK", "")


def seizure(photos: Path, labels: list[dict[str, str]], copies: int) -> tuple[bytes, int]:
    """A zip of real photos, one weapon each: long enough to be cut in the middle."""
    measure = [r["path"] for r in labels if r["kind"] == "measure" and r["expected"]] * copies
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i, path in enumerate(measure):
            archive.writestr(f"arme {i:02d}/{Path(path).name}", (photos / path).read_bytes())
    return buffer.getvalue(), len(measure)


def small_zip(weapons: int) -> bytes:
    """Photos of a wall, one weapon each: quick to analyse."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i in range(weapons):
            archive.writestr(f"arme {i}/vue.jpg", encode(wall(240, 180, seed=i), "JPEG"))
    return buffer.getvalue()


def wait_for(get: Callable[[], Any], until: Callable[[Any], bool], timeout: float = 300) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = get()
        if until(value):
            return value
        time.sleep(0.2)
    raise AssertionError(f"not reached in {timeout} s: {value!r}"[:2000])


def log_of(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    return [json.loads(line) for line in lines if line.startswith("{")]


class Worker:
    """`basegun worker` in its own process, its JSON log in a file."""

    def __init__(self, env: dict[str, str], log_path: Path, concurrency: int = 1) -> None:
        self.log_path = log_path
        with log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "cli", "worker", "--concurrency", str(concurrency)],
                env=env,
                cwd=REPO_ROOT,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )

    def ready(self) -> None:
        wait_for(lambda: [e["message"] for e in log_of(self.log_path)], lambda m: "worker ready" in m, timeout=60)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# PostgreSQL: workers of their own


@pytest.mark.parametrize("stop", ["kill", "term"])
def test_batch_of_a_stopped_worker_is_finished_once_by_another(
    stop: str, postgres: PostgresServer, s3_url: str, photos: Path, labels: list[dict[str, str]], tmp_path: Path
) -> None:
    """SIGKILL: the worker's heartbeat stops and the recovery job hands its job over. SIGTERM: the worker stops after
    the weapon under way and puts the job back in the queue itself. The replica and each worker have a data folder of
    their own; the bytes are in one bucket."""
    env = {
        "BASEGUN_DATABASE_URL": postgres.new_database(),
        "BASEGUN_OBJECT_STORE_URL": s3_url,
        "BASEGUN_EMBEDDED_WORKER": "false",
        "BASEGUN_INFERENCE_WORKERS": "1",
    }
    server = LiveServer(tmp_path / "replica", env)
    server.start()

    def worker(name: str) -> Worker:
        folder = tmp_path / name
        folder.mkdir()
        return Worker({**server.env, "BASEGUN_DATA_DIR": str(folder)}, tmp_path / f"{name}.log")

    workers = [worker("first")]
    api = f"{server.url}/api/v1/batches"
    try:
        workers[0].ready()
        archive, count = seizure(photos, labels, copies=3)
        sent = httpx.post(api, files={"archive": ("saisie.zip", archive)}, timeout=120).json()

        def get() -> dict[str, Any]:
            return httpx.get(f"{api}/{sent['id']}", timeout=30).json()

        wait_for(get, lambda b: b["progress"]["weapons_done"] >= 2)
        if stop == "kill":
            workers[0].process.kill()  # no goodbye: its heartbeat stops
        else:
            workers[0].process.send_signal(signal.SIGTERM)
        assert workers[0].process.wait(timeout=120) == (-signal.SIGKILL if stop == "kill" else 0)
        # Stopped before a second worker exists: nobody can have finished the batch meanwhile.
        assert get()["status"] in UNFINISHED
        workers.append(worker("second"))
        workers[1].ready()

        done = wait_for(get, lambda b: b["status"] not in UNFINISHED, timeout=300)
        assert done["status"] == "finished"
        assert [w["name"] for w in done["weapons"]] == [f"arme {i:02d}" for i in range(count)]
        report = httpx.get(f"{server.url}{done['reports']['report.json']}", timeout=30).json()
        assert report["batch"]["status"] == "finished"
        assert len(report["weapons"]) == count

        first, second = log_of(workers[0].log_path), log_of(workers[1].log_path)
        by_first = [e["position"] for e in first if e["message"] == "weapon answered"]
        by_second = [e["position"] for e in second if e["message"] == "weapon answered"]
        assert by_first  # the first worker had answered some before it died…
        assert sorted(by_first + by_second) == list(range(count))  # …and none was analysed again
        taken_up = any(e["message"] == "job of a dead worker taken up again" for e in second)
        assert taken_up == (stop == "kill")
        job_ids = {e["job_id"] for e in first + second if e["message"] == "weapon answered"}
        assert len(job_ids) == 1  # the same job, taken up: its log lines carry its id
        assert sent["id"] not in workers[1].log_path.read_text(encoding="utf-8")
    finally:
        for worker in workers:
            worker.stop()
        server.stop()
    kept = [p for folder in ("replica", "first", "second") for p in (tmp_path / folder).rglob("*") if p.is_file()]
    assert not [p for p in kept if "report" in p.name or p.suffix == ".jpg"], kept  # the bytes are in the bucket


def test_a_replica_runs_jobs_itself_by_default(postgres: PostgresServer, tmp_path: Path) -> None:
    """On PostgreSQL, `basegun serve` runs procrastinate's worker in its own process by default."""
    server = LiveServer(tmp_path / "data", {"BASEGUN_DATABASE_URL": postgres.new_database()})
    server.start()
    try:
        api = f"{server.url}/api/v1/batches"
        sent = httpx.post(api, files={"archive": ("a.zip", small_zip(2))}, timeout=60).json()
        url = f"{api}/{sent['id']}"
        done = wait_for(lambda: httpx.get(url, timeout=30).json(), lambda b: b["status"] == "finished")
        assert len(done["weapons"]) == 2
        logged = log_of(server.log_path)
        assert any(e["message"] == "ready" and e["embedded_worker"] for e in logged)
        assert {e["job_id"] for e in logged if e["message"] == "weapon answered"} != set()
    finally:
        server.stop()


def test_with_the_embedded_worker_off_a_worker_runs_the_batches(tmp_path: Path) -> None:
    """SQLite: `BASEGUN_EMBEDDED_WORKER=false` makes the replica only receive; `basegun worker` on its data folder runs
    the batch."""
    server = LiveServer(tmp_path / "data", {"BASEGUN_EMBEDDED_WORKER": "false"})
    server.start()
    worker: Worker | None = None
    try:
        api = f"{server.url}/api/v1/batches"
        sent = httpx.post(api, files={"archive": ("a.zip", small_zip(2))}, timeout=60).json()
        assert sent["status"] == "queued"
        worker = Worker(server.env, tmp_path / "worker.log")
        url = f"{api}/{sent['id']}"
        done = wait_for(lambda: httpx.get(url, timeout=30).json(), lambda b: b["status"] == "finished")
        assert len(done["weapons"]) == 2
        served, worked = log_of(server.log_path), log_of(worker.log_path)
        assert any(e["message"] == "ready" and e["embedded_worker"] is False for e in served)
        assert not [e for e in served if e["message"] == "weapon answered"]
        assert len([e for e in worked if e["message"] == "weapon answered"]) == 2
    finally:
        if worker is not None:
            worker.stop()
        server.stop()
    assert worker.process.returncode == 0  # SIGTERM: a clean stop


# Cancelling (the embedded runner; the same task code runs on PostgreSQL)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(data_dir=tmp_path / "data", rate_limit_per_minute=0))) as test_client:
        yield test_client


def test_cancel_stops_a_running_batch_and_ends_a_queued_one_at_once(
    client: TestClient, photos: Path, labels: list[dict[str, str]]
) -> None:
    archive, count = seizure(photos, labels, copies=3)
    running = client.post("/api/v1/batches", files={"archive": ("a.zip", archive)}).json()
    queued = client.post("/api/v1/batches", files={"archive": ("b.zip", archive)}).json()

    def get(batch_id: str) -> dict[str, Any]:
        return client.get(f"/api/v1/batches/{batch_id}").json()

    wait_for(lambda: get(running["id"]), lambda b: b["status"] == "running")
    assert get(queued["id"])["status"] == "queued"  # one batch at a time on the embedded runner
    cancelled = client.post(f"/api/v1/batches/{queued['id']}/cancel")
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    empty = client.get(cancelled.json()["reports"]["report.json"]).json()
    assert empty["batch"]["status"] == "cancelled"
    assert empty["weapons"] == []
    assert empty["notices"]["stopped"]["fr"]

    assert client.post(f"/api/v1/batches/{running['id']}/cancel").json()["cancel_requested"] is True
    stopped = wait_for(lambda: get(running["id"]), lambda b: b["status"] not in UNFINISHED)
    assert stopped["status"] == "cancelled"
    assert len(stopped["weapons"]) < count  # the weapons under way finish; the others are not analysed
    report = client.get(stopped["reports"]["report.json"]).json()
    assert [w["name"] for w in report["weapons"]] == [w["name"] for w in stopped["weapons"]]
    assert client.post(f"/api/v1/batches/{running['id']}/cancel").json()["status"] == "cancelled"  # stays ended
    response = client.post("/api/v1/batches/0123456789abcdef0123456789abcdef/cancel")
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_batch"


# Mail and the purge, on both databases, through the jobs of a process (as `basegun worker` runs them)


@pytest.fixture
def service_at(tmp_path: Path, database_url: str) -> Iterator[Callable[..., tuple[Basegun, Jobs]]]:
    opened: list[tuple[Basegun, Jobs]] = []

    def open_(**overrides: Any) -> tuple[Basegun, Jobs]:
        settings = Settings(data_dir=tmp_path / "data", database_url=database_url, **overrides)
        service = Basegun(settings)
        jobs = Jobs(service, run_here=True)
        jobs.start()
        opened.append((service, jobs))
        return service, jobs

    yield open_
    for service, jobs in opened:
        jobs.close()
        service.close()


def test_each_mail_reaches_the_mail_server_once(
    service_at: Callable[..., tuple[Basegun, Jobs]], mail_server: MailCatcher
) -> None:
    service, _ = service_at(smtp_host="127.0.0.1", smtp_port=mail_server.port, experts_email="experts@ircgn.test")
    assert service.records is not None
    photo = clean_photo(encode(landscape(), "JPEG"), Limits())
    first = service.records.expert_requests.submit(AGENT, FORM, [photo])
    service.records.send_mail_now()
    (message,) = mail_server.wait_for(1)
    assert message["To"] == "experts@ircgn.test"
    assert message["Message-ID"] is not None
    service.records.send_mail_now()  # asked again: the message is sent already, nothing goes out twice
    second = service.records.expert_requests.submit(AGENT, FORM, [photo])
    service.records.send_mail_now()
    mail_server.wait_for(2)

    def rows() -> list[Any]:
        with service.records.database.transaction() as connection:  # type: ignore[union-attr]
            return list(connection.execute(sa.select(outbox.c.about, outbox.c.sent, outbox.c.attempts)).all())

    sent = wait_for(rows, lambda found: all(r.sent is not None for r in found), timeout=60)
    assert sorted(r.about for r in sent) == sorted([first.id, second.id])
    assert [r.attempts for r in sent] == [1, 1]
    assert len(mail_server.messages) == 2


def test_the_queue_is_counted_for_metrics(database_url: str, tmp_path: Path) -> None:
    service = Basegun(Settings(data_dir=tmp_path / "data", database_url=database_url))
    jobs = Jobs(service, run_here=False)  # a replica that only receives: the batch waits
    try:
        batch_id = jobs.store.new_id()
        jobs.store.reserve(batch_id, "client", "lot", time.time() + 3600)
        jobs.store.accept(batch_id, Intake(), rank=0, progress={})
        jobs.defer_batch(batch_ref(batch_id), 0)
        assert jobs.counts() == JobCounts(queued=1, running=0, failed=0, retried=0)
    finally:
        jobs.close()
        service.close()


def test_the_purge_job_deletes_expired_results_and_batches(service_at: Callable[..., tuple[Basegun, Jobs]]) -> None:
    service, jobs = service_at(retention_days=1 / 86400, purge_every_seconds=1)
    assert service.records is not None
    service.records.results.put("identification", {"x": 1})
    batch_id = jobs.store.new_id()
    jobs.store.reserve(batch_id, "client", "lot", time.time() - 1)
    jobs.store.set_status(batch_id, "finished", when=("receiving",))
    jobs.store.objects.put(f"batches/{batch_id}/report.json", b"{}")

    def left() -> tuple[int, int, bool]:
        with service.records.database.transaction() as connection:  # type: ignore[union-attr]
            kept = connection.execute(sa.select(sa.func.count()).select_from(results)).scalar_one()
            rows = connection.execute(sa.select(sa.func.count()).select_from(batches)).scalar_one()
        return kept, rows, jobs.store.objects.exists(f"batches/{batch_id}/report.json")

    assert wait_for(left, lambda counts: counts == (0, 0, False), timeout=60) == (0, 0, False)


def test_an_embedded_service_never_loads_the_postgresql_job_queue(tmp_path: Path) -> None:
    """One process on SQLite starts, migrates and answers without importing procrastinate (memory and start time)."""
    program = (
        "import sys\n"
        "from fastapi.testclient import TestClient\n"
        "from api.app import create_app\n"
        "from basegun.settings import Settings\n"
        f"with TestClient(create_app(Settings(data_dir={str(tmp_path / 'data')!r}))) as client:\n"
        "    assert client.get('/readyz').status_code == 200\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] in ('procrastinate', 'psycopg')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"
