"""Batches through the HTTP API: hostile archives, uploads grouped by folder, restarts that resume, retention."""

from __future__ import annotations

import io
import json
import stat
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
from basegun.batch.archive import BatchLimits, unpack_zip
from basegun.batch.manager import batch_ref
from basegun.errors import BatchRejected
from basegun.records.tables import batches
from basegun.settings import Settings
from tests.calls import assert_problem, finished
from tests.conftest import LiveServer

PHOTO = "typology/revolver.jpg"
UNFINISHED = ("queued", "running")


def make_zip(entries: dict[str, bytes], symlinks: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        for name, target in (symlinks or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
    return buffer.getvalue()


def post_zip(client: TestClient, data: bytes, name: str = "saisie.zip") -> httpx.Response:
    return client.post("/api/v1/batches", files={"archive": (name, data, "application/zip")})


def wait(get: Callable[[], dict[str, Any]], until: Callable[[dict[str, Any]], bool], timeout: float = 600) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        batch = get()
        if until(batch):
            return batch
        time.sleep(0.3)
    raise AssertionError(f"batch still {batch['status']} after {timeout} s: {batch['progress']}")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("batch-data")


@pytest.fixture(scope="module")
def client(data_dir: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(data_dir=data_dir, rate_limit_per_minute=0))) as test_client:
        yield test_client


# Hostile archives


def test_batch_zip_bomb_is_refused(client: TestClient, photos: Path) -> None:
    bomb = make_zip({"photo.jpg": (photos / PHOTO).read_bytes(), "arme 2/photo.jpg": bytes(64 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024
    assert_problem(post_zip(client, bomb), 422, "archive_bomb")


def test_batch_zip_traversal_and_symlink_entries_are_skipped(client: TestClient, photos: Path, data_dir: Path) -> None:
    photo = (photos / PHOTO).read_bytes()
    archive = make_zip(
        {"revolver.jpg": photo, "../../evasion.jpg": photo, "/etc/cron.d/evasion.jpg": photo, "..\\evasion.jpg": photo},
        symlinks={"lien.jpg": "/etc/passwd"},
    )
    response = post_zip(client, archive)
    assert response.status_code == 202, response.text
    skipped = {item["name"]: item["code"] for item in response.json()["skipped"]}
    assert skipped == {
        "../../evasion.jpg": "unsafe_path",
        "/etc/cron.d/evasion.jpg": "unsafe_path",
        "..\\evasion.jpg": "unsafe_path",
        "lien.jpg": "symlink",
    }
    assert not list(data_dir.parent.rglob("evasion.jpg"))
    batch = finished(client, response.json()["id"])
    assert [w["typology"]["key"] for w in batch["weapons"]] == ["revolver"]
    report = client.get(batch["reports"]["report.json"]).json()
    assert {item["name"] for item in report["not_analysed"]} == set(skipped)


def test_batch_nested_archive_and_text_are_skipped_with_reasons(client: TestClient, photos: Path) -> None:
    inner = make_zip({"cachée.jpg": (photos / PHOTO).read_bytes()})
    archive = make_zip({"arme/revolver.jpg": (photos / PHOTO).read_bytes(), "arme/lot.zip": inner, "pv.txt": b"PV"})
    response = post_zip(client, archive)
    assert response.status_code == 202, response.text
    assert response.json()["skipped"] == [
        {"name": "arme/lot.zip", "code": "nested_archive", "detail": response.json()["skipped"][0]["detail"]}
    ]
    report = client.get(finished(client, response.json()["id"])["reports"]["report.json"]).json()
    assert {i["name"]: i["code"] for i in report["not_analysed"]} == {
        "arme/lot.zip": "nested_archive",
        "pv.txt": "unsupported_format",
    }
    assert [w["name"] for w in report["weapons"]] == ["arme"]


def test_batch_zip_lying_about_its_size_is_contained(photos: Path, tmp_path: Path) -> None:
    """Headers that understate an entry's size: unpacking stops at the declared size and the entry is skipped."""
    data = bytearray(make_zip({"a.jpg": (photos / PHOTO).read_bytes(), "b.jpg": bytes(5 * 1024 * 1024)}))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("b.jpg")
    central = data.rindex(b"PK\x01\x02")  # the last central directory record: b.jpg's
    data[central + 24 : central + 28] = (1000).to_bytes(4, "little")  # its uncompressed size, now a lie
    intake = unpack_zip(io.BytesIO(bytes(data)), tmp_path / "photos", BatchLimits())
    assert info.file_size == 5 * 1024 * 1024
    assert [(s.name, s.code) for s in intake.skipped] == [("b.jpg", "corrupt_entry")]
    assert sum(p.stat().st_size for p in (tmp_path / "photos").iterdir()) < 1024 * 1024


@pytest.mark.parametrize(
    ("limits", "code"),
    [
        (BatchLimits(max_total_bytes=1024 * 1024), "batch_too_large"),
        (BatchLimits(max_entries=2), "too_many_entries"),
        (BatchLimits(max_photos=2), "too_many_photos"),
    ],
)
def test_batch_zip_over_a_limit_is_refused(limits: BatchLimits, code: str, tmp_path: Path) -> None:
    archive = make_zip({f"{i}.jpg": bytes(700 * 1024) for i in range(3)})
    with pytest.raises(BatchRejected) as refused:
        unpack_zip(io.BytesIO(archive), tmp_path / "photos", limits)
    assert refused.value.code == code


def test_batch_not_a_zip_is_refused(client: TestClient) -> None:
    assert_problem(post_zip(client, b"Rar!\x1a\x07\x00 not a zip", "saisie.rar"), 422, "not_a_zip")


def test_batch_of_nothing_usable_is_refused(client: TestClient) -> None:
    assert_problem(post_zip(client, make_zip({}, symlinks={"lien.jpg": "/etc/passwd"})), 422, "empty_batch")


def test_batch_needs_exactly_one_source(client: TestClient, photos: Path) -> None:
    photo = ("a.jpg", (photos / PHOTO).read_bytes(), "image/jpeg")
    zipped = ("a.zip", make_zip({"a.jpg": photo[1]}), "application/zip")
    assert_problem(client.post("/api/v1/batches", files=[("images", photo), ("archive", zipped)]), 400, "batch_source")
    assert_problem(client.post("/api/v1/batches", data={"name": "vide"}), 400, "batch_source")


# Uploads, progress, reports


def test_batch_images_group_by_their_folder(client: TestClient, photos: Path) -> None:
    revolver, pistol = (photos / PHOTO).read_bytes(), (photos / "typology/pistolet_semi_auto.jpg").read_bytes()
    files = [
        ("images", ("arme 1/gauche.jpg", revolver, "image/jpeg")),
        ("images", ("arme 1/droite.jpg", revolver, "image/jpeg")),
        ("images", ("pistolet.jpg", pistol, "image/jpeg")),
    ]
    response = client.post("/api/v1/batches", files=files, data={"name": "Saisie 2024-118"})
    assert response.status_code == 202, response.text
    assert response.json()["progress"]["photos_total"] == 3
    batch = finished(client, response.json()["id"])
    assert batch["name"] == "Saisie 2024-118"
    assert [(w["name"], w["photos_total"], w["typology"]["key"]) for w in batch["weapons"]] == [
        ("arme 1", 2, "revolver"),
        ("pistolet.jpg", 1, "pistolet_semi_auto_moderne"),
    ]
    html = client.get(batch["reports"]["report.html"])
    assert html.headers["content-type"].startswith("text/html")
    assert 'href="report.css"' in html.text
    assert "<style>" not in html.text  # refused by the CSP: report.css styles it
    assert client.get(f"/api/v1/batches/{batch['id']}/report.css").headers["content-type"].startswith("text/css")
    csv = client.get(batch["reports"]["report.csv"])
    assert csv.headers["content-disposition"].startswith("attachment")


def test_batch_report_waits_for_the_end(client: TestClient, photos: Path, labels: list[dict[str, str]]) -> None:
    entries = {Path(r["path"]).name: (photos / r["path"]).read_bytes() for r in labels if r["kind"] == "typology"}
    batch = post_zip(client, make_zip(entries)).json()
    assert batch["status"] in UNFINISHED
    assert batch["reports"] is None
    assert_problem(client.get(f"/api/v1/batches/{batch['id']}/report.csv"), 409, "batch_not_ready")
    done = finished(client, batch["id"])
    assert done["progress"]["photos_done"] == done["progress"]["photos_total"] == len(entries)
    assert client.get(done["reports"]["report.csv"]).status_code == 200


def test_batch_unknown_is_not_found(client: TestClient) -> None:
    assert_problem(client.get("/api/v1/batches/0123456789abcdef0123456789abcdef"), 404, "unknown_batch")
    assert_problem(client.get("/api/v1/batches/..etc/report.csv"), 404, "unknown_batch")


def test_batch_expired_is_deleted_with_its_photos(photos: Path, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, rate_limit_per_minute=0, retention_days=7)
    with TestClient(create_app(settings)) as client:
        batch = finished(client, post_zip(client, make_zip({"a.jpg": (photos / PHOTO).read_bytes()})).json()["id"])
        report = client.get(batch["reports"]["report.json"]).json()
    assert report["retention"]["days"] == 7
    assert "7" in report["notices"]["retention"]["fr"]
    objects = tmp_path / "objects" / "batches" / batch["id"]
    assert {p.name for p in objects.iterdir()} == {"thumbs"}  # the photos gone; the reports are made when asked
    engine = sa.create_engine(settings.database)
    with engine.begin() as connection:  # eight days later
        connection.execute(
            batches.update().values(created=batches.c.created - 8 * 86400, expires=batches.c.expires - 8 * 86400)
        )
    engine.dispose()
    with TestClient(create_app(settings)) as client:
        assert_problem(client.get(f"/api/v1/batches/{batch['id']}"), 404, "unknown_batch")
        deadline = time.monotonic() + 30  # the purge job runs as the service starts
        while objects.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
    assert not objects.exists()


# Restarts, with the real server process


@pytest.mark.parametrize("stop", ["graceful", "crash"])
def test_batch_cut_by_a_restart_resumes_without_analysing_a_weapon_twice(
    stop: str, photos: Path, labels: list[dict[str, str]], tmp_path: Path
) -> None:
    server = LiveServer(tmp_path / "data")
    server.start()
    api = f"{server.url}/api/v1/batches"

    def get(batch_id: str) -> dict[str, Any]:
        return httpx.get(f"{api}/{batch_id}", timeout=30).json()

    try:
        small = make_zip({"revolver.jpg": (photos / PHOTO).read_bytes()})
        first = httpx.post(api, files={"archive": ("a.zip", small)}, timeout=60).json()
        first = wait(lambda: get(first["id"]), lambda b: b["status"] == "finished")
        first_csv = httpx.get(f"{server.url}{first['reports']['report.csv']}", timeout=30).content

        measure = [r["path"] for r in labels if r["kind"] == "measure" and r["expected"]]
        entries = {f"arme {i:02d}/{Path(p).name}": (photos / p).read_bytes() for i, p in enumerate(measure * 4)}
        second = httpx.post(api, files={"archive": ("b.zip", make_zip(entries))}, timeout=120).json()
        cut = wait(lambda: get(second["id"]), lambda b: b["status"] == "running" and b["progress"]["weapons_done"] >= 1)
        if stop == "graceful":
            server.stop()
        else:
            server.process.kill()
            server.process.wait()
        server.start()

        after = wait(lambda: get(second["id"]), lambda b: b["status"] not in UNFINISHED)
        assert after["status"] == "finished"
        assert sorted(w["name"] for w in after["weapons"]) == sorted({name.split("/")[0] for name in entries})
        report = httpx.get(f"{server.url}{after['reports']['report.json']}", timeout=30).json()
        assert report["batch"]["status"] == "finished"
        assert [w["name"] for w in report["weapons"]] == [w["name"] for w in after["weapons"]]
        assert report["notices"]["stopped"] is None

        # Both runs' log lines carry the job's id (never the batch id: a credential).
        logged = [json.loads(line) for line in server.log_path.read_text(encoding="utf-8").splitlines()]
        job = [e for e in logged if e.get("job_id") == f"batch-{batch_ref(second['id'])}"]
        answered = [e["position"] for e in job if e["message"] == "weapon answered"]
        assert sorted(answered) == list(range(len(entries)))  # each weapon analysed once, across both runs
        (resumed,) = [e for e in job if e["message"] == "batch resumed"]
        assert resumed["weapons_done"] >= cut["progress"]["weapons_done"]
        assert second["id"] not in server.log_path.read_text(encoding="utf-8")
        assert get(first["id"])["status"] == "finished"
        assert httpx.get(f"{server.url}{first['reports']['report.csv']}", timeout=30).content == first_csv
    finally:
        server.stop()
