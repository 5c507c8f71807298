"""Feedback through the API (on SQLite and PostgreSQL), and `basegun export-dataset` into `basegun-train fit`."""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from basegun.accounts.users import Role, User
from basegun.catalog.loading import load_catalog
from basegun.inference.imaging import Limits
from basegun.records.dataset_export import export_dataset
from basegun.records.expert_requests import Answer, RequestForm
from basegun.records.feedback import Feedback
from basegun.records.photos import clean_photo
from basegun.records.records import Records
from basegun.settings import Settings
from tests.answers import identification
from tests.calls import assert_problem, basegun_cli
from tests.images import encode, gps_photo
from tests.oidc_provider import OidcProvider

AGENT = User("agent-1", "Camille Agent", "camille@gendarmerie.test", frozenset({Role.AGENT}))
EXPERT = User("expert-1", "Alix Expert", None, frozenset({Role.EXPERT}))
FORM = RequestForm("BR Lyon", "0478000000", "S-1", "P-1")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def client(
    request: pytest.FixtureRequest, oidc: OidcProvider, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    data_dir = tmp_path_factory.mktemp("feedback-api")
    url = (
        f"sqlite:///{data_dir / 'basegun.sqlite3'}"
        if request.param == "sqlite"
        else request.getfixturevalue("postgres").new_database()
    )
    settings = Settings(data_dir=data_dir, database_url=url, rate_limit_per_minute=0, oidc_issuer=oidc.issuer)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def result_id(client: TestClient) -> str:
    return client.app.state.service.store.put("identification", identification("revolver"))


def post(client: TestClient, token: str | None = None, photo: bytes | None = None, **fields: object):
    headers = {"authorization": f"Bearer {token}"} if token else {}
    files = {"photo": ("p.jpg", photo, "image/jpeg")} if photo else None
    return client.post("/api/v1/feedback", data={k: str(v).lower() if isinstance(v, bool) else v
                                                 for k, v in fields.items()}, files=files, headers=headers)  # fmt: skip


def test_feedback_from_a_citizen_is_stored(client: TestClient, result_id: str) -> None:
    response = post(client, result_id=result_id, correct=False, typology="epaule_a_pompe", comment="C'est un fusil.")
    assert response.status_code == 201, response.text
    assert response.json() == {"id": response.json()["id"], "result_id": result_id, "correct": False,
                               "typology": "epaule_a_pompe", "photo_kept": False}  # fmt: skip


def test_feedback_photo_from_an_agent_with_consent_is_kept(
    client: TestClient, result_id: str, oidc: OidcProvider
) -> None:
    response = post(client, oidc.token("agent"), gps_photo(), result_id=result_id, correct=True, consent=True)
    assert response.status_code == 201, response.text
    assert response.json()["photo_kept"] is True


@pytest.mark.parametrize(
    ("fields", "user", "status", "code"),
    [
        ({"result_id": "nope", "correct": True}, None, 404, "unknown_identification"),
        ({"result_id": None, "correct": True}, None, 422, "missing_field"),
        ({"correct": "perhaps"}, None, 422, "invalid_request"),
        ({"correct": False, "typology": "bazooka"}, None, 404, "unknown_typology"),
        ({"correct": True, "typology": "epaule_a_pompe"}, None, 400, "contradictory_feedback"),
        ({"correct": False, "comment": "x" * 1001}, None, 422, "invalid_request"),
        ({"correct": True, "consent": True, "photo": True}, None, 403, "forbidden"),
        ({"correct": True, "consent": True, "photo": True}, "citizen", 403, "forbidden"),
        ({"correct": True, "photo": True}, "agent", 400, "consent_required"),
        ({"correct": True}, "bad", 401, "invalid_token"),
    ],
)
def test_feedback_refusals(
    client: TestClient, result_id: str, oidc: OidcProvider, fields: dict, user: str | None, status: int, code: str
) -> None:
    fields = {k: v for k, v in {"result_id": result_id, **fields}.items() if v is not None}
    photo = gps_photo() if fields.pop("photo", False) else None
    token = None if user is None else oidc.token("agent", aud="x") if user == "bad" else oidc.token(user)
    assert_problem(post(client, token, photo, **fields), status, code)


def test_feedback_is_rate_limited(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(data_dir=tmp_path, rate_limit_per_minute=2))) as limited:
        statuses = [post(limited, result_id="nope", correct=True).status_code for _ in range(4)]
    assert statuses[:2] == [404, 404]
    assert statuses[2:] == [429, 429]


def test_export_keeps_only_consented_labelled_photos(database_url: str, tmp_path: Path) -> None:
    records = Records(Settings(data_dir=tmp_path, database_url=database_url), load_catalog())
    try:
        photo = clean_photo(gps_photo(), Limits())
        said = records.results.put("identification", identification("revolver"))
        records.feedback.add(AGENT, Feedback(said, True, consent=True), photo)  # → revolver
        records.feedback.add(AGENT, Feedback(said, False, "epaule_a_pompe", consent=True), photo)  # → pump
        records.feedback.add(AGENT, Feedback(said, False, consent=True), photo)  # wrong, right answer unknown: out
        records.feedback.add(None, Feedback(said, False, "epaule_a_verrou"))  # no photo: out
        answered = records.expert_requests.submit(AGENT, FORM, [photo, photo])
        records.expert_requests.answer(EXPERT, answered.id, Answer("pistolet_semi_auto_moderne", "C", "Alarme."))
        records.expert_requests.submit(AGENT, FORM, [photo])  # not answered: out
        manifest = export_dataset(records.database, records.objects, tmp_path / "dataset")
    finally:
        records.close()
    assert manifest["per_label"] == {"epaule_a_pompe": 1, "pistolet_semi_auto_moderne": 2, "revolver": 1}
    on_disk = sorted(p.relative_to(tmp_path / "dataset").as_posix() for p in (tmp_path / "dataset").rglob("*.jpg"))
    assert on_disk == sorted(entry["path"] for entry in manifest["photos"])
    assert {entry["source"] for entry in manifest["photos"]} == {"feedback", "expert_request"}
    assert json.loads((tmp_path / "dataset" / "manifest.json").read_text(encoding="utf-8")) == manifest


@pytest.mark.training
def test_exported_dataset_trains_with_basegun_train(tmp_path: Path) -> None:
    pytest.importorskip("torch", reason="the training extra (torch, torchvision) is not installed")
    from training.cli import main as train
    from training.synthetic import draw

    url = f"sqlite:///{tmp_path / 'basegun.sqlite3'}"
    records = Records(Settings(data_dir=tmp_path, database_url=url), load_catalog())
    rng = random.Random(5)
    try:
        for _ in range(8):
            said = records.results.put("identification", identification("revolver"))
            circle, square, triangle = (clean_photo(encode(draw(s, rng), "JPEG"), Limits()) for s in
                                        ("circle", "square", "triangle"))  # fmt: skip
            records.feedback.add(AGENT, Feedback(said, True, consent=True), circle)
            records.feedback.add(AGENT, Feedback(said, False, "epaule_a_pompe", consent=True), square)
            request = records.expert_requests.submit(AGENT, FORM, [triangle])
            records.expert_requests.answer(EXPERT, request.id, Answer("epaule_a_verrou", "C", "Carabine."))
    finally:
        records.close()
    out = tmp_path / "dataset"
    exported = basegun_cli(
        "export-dataset",
        "--out",
        str(out),
        env={**os.environ, "BASEGUN_DATABASE_URL": url, "BASEGUN_DATA_DIR": str(tmp_path)},
        timeout=120,
    )
    assert exported.returncode == 0, exported.stderr
    assert "24 photos" in exported.stdout
    run = tmp_path / "run"
    fit = ["--size", "64", "--batch-size", "8", "--workers", "0", "--no-progress", "--seed", "3", "--epochs", "1"]
    assert train(["fit", "--data", str(out), "--out", str(run), "--arch", "resnet18", *fit]) == 0
    config = json.loads((run / "config.json").read_text(encoding="utf-8"))
    assert config["data"]["classes"] == ["epaule_a_pompe", "epaule_a_verrou", "revolver"]
    assert (run / "best.pt").is_file()
    again = basegun_cli(
        "export-dataset",
        "--out",
        str(out),
        env={**os.environ, "BASEGUN_DATABASE_URL": url, "BASEGUN_DATA_DIR": str(tmp_path)},
        timeout=120,
    )
    assert again.returncode == 2
    assert "not empty" in again.stderr
