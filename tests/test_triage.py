"""Batch triage: fusing several photos of a weapon, and `basegun triage` over a seizure made of the shared photos."""

from __future__ import annotations

import csv
import io
import json
import time
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from html import unescape
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageFilter, ImageOps

from api.app import create_app
from basegun.answering.answer_models import ModelInfo
from basegun.answering.fusion import fuse
from basegun.answering.weapon import PhotoFile, Weapon
from basegun.batch.answer_models import FileNotAnalysed
from basegun.batch.report import build_report
from basegun.batch.report_html import render_html
from basegun.batch.texts import RETENTION_LOCAL
from basegun.catalog.loading import load_catalog
from basegun.inference.imaging import decode
from basegun.service import Basegun
from basegun.settings import Settings
from tests.calls import basegun_cli

LEVELS = ("low", "medium", "high")
THREE_VIEWS = "arme 13 levier"  # one weapon photographed three times (a sub-folder)
THREE_VIEWS_SOURCE = "measure/levier.jpg"


def typology_rows(labels: list[dict[str, str]]) -> list[dict[str, str]]:
    return [row for row in labels if row["kind"] == "typology"]


def build_seizure(photos: Path, labels: list[dict[str, str]], folder: Path) -> dict[str, str]:
    """A station's folder: each typology photo a weapon of its own, one weapon in three photos (a sub-folder:
    the photo, the same weapon seen from the other side, and a portrait shot), a text file and a truncated JPEG.
    The weapons are numbered 1 to 13 as a station numbers them, so that their order as a person reads it
    ('arme 2' before 'arme 10') is the order they are made in here, and not the order of their characters.

    Returns the expected typology of each weapon, by weapon name, in that order.
    """
    folder.mkdir(parents=True)
    expected = {}
    for number, row in enumerate(typology_rows(labels), start=1):
        name = f"arme {number} {Path(row['path']).name}"
        (folder / name).write_bytes((photos / row["path"]).read_bytes())
        expected[name] = row["expected"]
    views = folder / THREE_VIEWS
    views.mkdir()
    source = photos / THREE_VIEWS_SOURCE
    (views / "1 gauche.jpg").write_bytes(source.read_bytes())
    upright = ImageOps.exif_transpose(Image.open(source)).convert("RGB")
    ImageOps.mirror(upright).save(views / "2 droite.jpg", quality=92)
    upright.rotate(90, expand=True).save(views / "3 portrait.jpg", quality=92)
    expected[THREE_VIEWS] = next(r["expected"] for r in labels if r["path"] == THREE_VIEWS_SOURCE)
    (folder / "notes.txt").write_text("Saisie du 12 mars : 14 armes.\n", encoding="utf-8")
    whole = (photos / "measure" / "pompe.jpg").read_bytes()
    (folder / "coupée.jpg").write_bytes(whole[: len(whole) // 2])
    return expected


def zip_folder(folder: Path) -> bytes:
    """The folder zipped as a station would: the folder itself at the top of every name."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, f"{folder.name}/{path.relative_to(folder).as_posix()}")
    return buffer.getvalue()


# Fusion, on probabilities


def test_fuse_duplicate_photo_changes_nothing() -> None:
    view = np.array([0.7, 0.2, 0.1])
    fused = fuse([view, view])
    assert fused is not None
    assert np.allclose(fused.probabilities, view)
    assert (fused.used, fused.agreeing) == (2, 2)


def test_fuse_agreeing_views_with_different_doubts_are_more_confident() -> None:
    left, right = np.array([0.8, 0.2, 0.0]), np.array([0.8, 0.0, 0.2])
    fused = fuse([left, right])
    assert fused is not None
    assert fused.top == 0
    assert fused.probabilities[0] > 0.99


def test_fuse_disagreeing_views_say_so_and_lower_confidence() -> None:
    fused = fuse([np.array([0.9, 0.1]), np.array([0.3, 0.7])])
    assert fused is not None
    assert fused.top == 0
    assert fused.probabilities[0] < 0.9
    assert (fused.used, fused.agreeing) == (2, 1)


def test_fuse_rounded_zero_does_not_veto() -> None:
    """A float32 softmax rounds a tiny probability to 0; two confident views must still outvote one."""
    fused = fuse([np.array([1.0, 0.0]), np.array([1.0, 0.0]), np.array([0.0, 1.0])])
    assert fused is not None
    assert fused.top == 0


def test_fuse_no_view_with_a_firearm_is_no_answer() -> None:
    assert fuse([]) is None


# Fusion, on the shared photos


@pytest.fixture(scope="module")
def service() -> Iterator[Basegun]:
    service = Basegun(Settings(), store=False)
    yield service
    service.close()


def unrecognisable(image: Image.Image) -> Image.Image:
    """A view too blurred to make out the weapon (as a shaken or misfocused phone photo)."""
    return image.filter(ImageFilter.GaussianBlur(max(image.size) / 25))


def test_fuse_degraded_view_keeps_the_best_view_answer(
    service: Basegun, photos: Path, labels: list[dict[str, str]], tmp_path: Path
) -> None:
    """Each typology photo with a ruined second view of the same weapon: the fused answer is right and at least as
    confident as the best single view, where a plain average of both views' probabilities would have halved it."""
    assessor = service.assessor
    for row in typology_rows(labels):
        good = tmp_path / f"{row['expected']}-good.jpg"
        poor = tmp_path / f"{row['expected']}-poor.jpg"
        good.write_bytes((photos / row["path"]).read_bytes())
        unrecognisable(Image.open(good).convert("RGB")).save(poor, quality=90)
        views = [PhotoFile(p.name, p) for p in (good, poor)]

        fused = assessor.assess(Weapon("two views", tuple(views))).answer
        singles = [assessor.assess(Weapon(v.name, (v,))).answer for v in views]
        best = max((s for s in singles if s.confidence is not None), key=lambda s: s.confidence or 0.0)

        assert fused.typology is not None, row["path"]
        assert fused.typology.key == row["expected"], row["path"]
        assert fused.confidence is not None, row["path"]
        assert best.confidence is not None, row["path"]
        assert fused.confidence >= best.confidence, row["path"]
        assert LEVELS.index(fused.confidence_level) >= LEVELS.index(best.confidence_level), row["path"]
        poor_alone = singles[1]
        assert not poor_alone.firearm_detected or poor_alone.common().model_dump()["typology"]["key"] != row["expected"]
        typology = service.models.typology
        images = [decode(v.path.read_bytes(), service.limits, service.assessor.detail).image for v in views]
        naive = np.mean([typology.probabilities(image) for image in images], axis=0)
        assert naive[typology.classes.index(row["expected"])] < fused.confidence, row["path"]


# The CLI over a seizure


@pytest.fixture(scope="module")
def seizure(photos: Path, labels: list[dict[str, str]], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("station") / "saisie 2024-118"
    return folder, build_seizure(photos, labels, folder)


@pytest.fixture(scope="module")
def cli_reports(seizure: tuple[Path, dict], tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder, _ = seizure
    out = tmp_path_factory.mktemp("reports")
    result = basegun_cli("triage", str(folder), "--out", str(out), timeout=600)
    assert result.returncode == 0, result.stderr
    assert "notes.txt" in result.stdout
    assert "coupée.jpg" in result.stdout
    return out


def test_triage_cli_writes_three_reports(cli_reports: Path) -> None:
    assert sorted(p.name for p in cli_reports.iterdir()) == ["report.csv", "report.html", "report.json"]


def test_triage_cli_names_every_weapon(cli_reports: Path, seizure: tuple[Path, dict]) -> None:
    _, expected = seizure
    report = json.loads((cli_reports / "report.json").read_text(encoding="utf-8"))
    found = {w["name"]: w["typology"]["key"] for w in report["weapons"]}
    assert found == expected
    assert list(found) == list(expected)  # the numbered order, whatever order the weapons were answered in
    assert list(found) != sorted(expected)  # which is not the order of the characters ('arme 10' before 'arme 2')
    assert report["batch"]["weapons"] == len(expected)
    assert all(w["legal"]["notice"]["fr"] for w in report["weapons"])
    assert sum(row["count"] for row in report["summary"]) == len(expected)


def test_triage_cli_fuses_the_three_views(cli_reports: Path, labels: list[dict[str, str]]) -> None:
    report = json.loads((cli_reports / "report.json").read_text(encoding="utf-8"))
    weapon = next(w for w in report["weapons"] if w["name"] == THREE_VIEWS)
    assert weapon["photos_total"] == 3
    assert weapon["agreement"] == {"agreeing": 3, "with_firearm": 3, "readable": 3}
    truth = next(r for r in labels if r["path"] == THREE_VIEWS_SOURCE)
    assert weapon["typology"]["key"] == truth["expected"]
    # Calibrated, this lever-action rifle beside its card sits near the confidence gate (its centre crop and the
    # whole photo disagree on how sure to be), on one side or the other by a few thousandths: what follows from each
    # side is checked. Below it: named, not asserted, so neither measured nor flagged for a card. Above it: measured
    # from the card beside it, within the stated uncertainty of the true lengths.
    assert weapon["confidence_level"] != "high"
    if weapon["confidence_level"] == "low":
        assert weapon["measurement"] is None
        assert "low_confidence" in weapon["flags"]
        assert "needs_card" not in weapon["flags"]
    else:
        measured = weapon["measurement"]
        for length in ("overall", "barrel"):
            error = abs(measured[f"{length}_length_cm"] - float(truth[f"{length}_length_cm"]))
            assert error <= measured[f"{length}_uncertainty_cm"], length
        assert "low_confidence" not in weapon["flags"]


def test_triage_cli_lists_bad_files_with_their_reason(cli_reports: Path) -> None:
    report = json.loads((cli_reports / "report.json").read_text(encoding="utf-8"))
    reasons = {item["name"]: item["code"] for item in report["not_analysed"]}
    assert reasons == {"notes.txt": "unsupported_format", "coupée.jpg": "corrupt_image"}
    assert all(item["detail"] for item in report["not_analysed"])
    with (cli_reports / "report.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert {r["file"]: r["error_code"] for r in rows if r["row"] == "file_not_analysed"} == reasons
    assert len([r for r in rows if r["row"] == "weapon"]) == len(report["weapons"])


def test_triage_cli_html_report_is_self_contained(cli_reports: Path, seizure: tuple[Path, dict]) -> None:
    html = (cli_reports / "report.html").read_text(encoding="utf-8")
    _, expected = seizure
    assert html.count('src="data:image/jpeg;base64,') == len(expected)
    assert "http://" not in html
    assert "https://" not in html
    assert "<script" not in html
    for name in (*expected, "notes.txt", "coupée.jpg"):
        assert name in html
    text = unescape(html)  # the words as a reader sees them, however the page escapes them
    assert load_catalog().notice["fr"] in text  # information only: an expert settles the category
    assert RETENTION_LOCAL["fr"] in text  # where the photos are: here, not on a server


def test_triage_html_escapes_names() -> None:
    catalog = load_catalog()
    report = build_report(
        batch_id="x",
        name="<b>saisie</b>",
        created=datetime.now(UTC),
        status="finished",
        answers=[],
        skipped=[],
        catalog=catalog,
        model=ModelInfo(name="m", version="1", sha256="0"),
        retention=None,
    )
    bad = FileNotAnalysed(name="<img src=x onerror=alert(1)>.jpg", code="unsupported_format", detail="x")
    html = render_html(report.model_copy(update={"not_analysed": [bad]}), {})
    assert "<img src=x" not in html
    assert "&lt;img src=x" in html
    assert "<b>saisie</b>" not in html


# The API, on the same seizure as a zip


def test_batch_zip_answers_as_the_cli(
    cli_reports: Path, seizure: tuple[Path, dict], tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder, _ = seizure
    settings = Settings(data_dir=tmp_path_factory.mktemp("api-data"), rate_limit_per_minute=0)
    with TestClient(create_app(settings)) as client:
        response = client.post(
            "/api/v1/batches", files={"archive": ("saisie.zip", zip_folder(folder), "application/zip")}
        )
        assert response.status_code == 202, response.text
        batch = response.json()
        assert response.headers["location"] == f"/api/v1/batches/{batch['id']}"
        deadline = time.monotonic() + 600
        while batch["status"] in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.5)
            batch = client.get(f"/api/v1/batches/{batch['id']}").json()
        assert batch["status"] == "finished"
        api = client.get(batch["reports"]["report.json"]).json()
        assert client.get(batch["reports"]["report.csv"]).status_code == 200
        assert client.get(batch["reports"]["report.html"]).status_code == 200

    cli = json.loads((cli_reports / "report.json").read_text(encoding="utf-8"))
    assert [answer_key(w) for w in api["weapons"]] == [answer_key(w) for w in cli["weapons"]]
    for ours, theirs in zip(api["weapons"], cli["weapons"], strict=True):
        assert ours["confidence"] == pytest.approx(theirs["confidence"], abs=1e-3)
    assert [(i["name"], i["code"]) for i in api["not_analysed"]] == [
        (i["name"], i["code"]) for i in cli["not_analysed"]
    ]
    assert api["summary"] == cli["summary"]
    assert api["retention"]["days"] == settings.retention_days


def answer_key(weapon: dict[str, Any]) -> tuple:
    return (
        weapon["name"],
        weapon["typology"]["key"],
        weapon["confidence_level"],
        tuple(weapon["legal"]["categories"]),
        tuple(weapon["flags"]),
        weapon["agreement"]["agreeing"],
    )
