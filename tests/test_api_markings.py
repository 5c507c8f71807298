"""POST /api/v1/markings through the real app, models and photos; the alarm check of a markings reading by its id."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from basegun.settings import Settings


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("markings-api-data"), rate_limit_per_minute=0)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def post_markings(client: TestClient, *photos: bytes, **form: str):  # type: ignore[no-untyped-def]
    files = [("images", (f"markings{i}.jpg", data, "image/jpeg")) for i, data in enumerate(photos)]
    return client.post("/api/v1/markings", files=files, data=form)


@pytest.fixture(scope="module")
def blow_photo(photos: Path) -> bytes:
    return (photos / "alarm" / "alarm_gun_blow_f92.jpg").read_bytes()


def test_markings_reads_fields_and_keeps_the_serial_out_of_the_logs(
    client: TestClient, blow_photo: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        response = post_markings(client, blow_photo)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"]
    assert body["status"] == "read"
    assert (body["maker"]["value"], body["model"]["value"], body["calibre"]["value"]) == ("Blow", "F92", "9 mm P.A.K.")
    serial = body["serial_number"]["value"]
    assert serial
    assert serial[-7:].isdigit()
    assert body["lines"][body["maker"]["line"]]["box"]
    assert {"listed_alarm_model", "blank_firing_calibre"} <= {r["code"] for r in body["reasons"]}
    assert all(serial not in record.getMessage() and serial not in str(record.__dict__) for record in caplog.records)


def test_alarm_check_of_a_markings_reading(client: TestClient, blow_photo: bytes) -> None:
    markings = post_markings(client, blow_photo).json()
    response = client.post("/api/v1/alarm-check", data={"markings_id": markings["id"]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "listed_alarm_model"
    assert body["listed_model"] == {"maker": "BLOW", "model": "F92"}
    assert body["markings_id"] == markings["id"]


def test_alarm_check_needs_a_photo_or_a_markings_id(client: TestClient, blow_photo: bytes) -> None:
    neither = client.post("/api/v1/alarm-check", data={})
    assert (neither.status_code, neither.json()["code"]) == (400, "invalid_request")
    unknown = client.post("/api/v1/alarm-check", data={"markings_id": "nope"})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "unknown_markings")


def test_markings_of_nothing_legible_is_no_text(client: TestClient, photos: Path) -> None:
    body = post_markings(client, (photos / "alarm" / "no_text.jpg").read_bytes()).json()
    assert body["status"] == "no_text"
    assert [body[f]["value"] for f in ("maker", "model", "calibre", "serial_number")] == [None] * 4


def test_markings_refuses_too_many_photos(client: TestClient, blow_photo: bytes) -> None:
    response = post_markings(client, *([blow_photo] * 5))
    assert (response.status_code, response.json()["code"]) == (413, "too_many_photos")


def test_markings_refuses_what_is_not_a_photo(client: TestClient) -> None:
    response = post_markings(client, b"not a photo at all")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_format"


def test_markings_refuses_no_photo(client: TestClient) -> None:
    response = client.post("/api/v1/markings", data={"identification_id": "x"})
    assert response.status_code == 422
    assert response.json()["code"] == "missing_field"


def test_markings_with_an_unknown_identification(client: TestClient, blow_photo: bytes) -> None:
    response = post_markings(client, blow_photo, identification_id="nope")
    assert (response.status_code, response.json()["code"]) == (404, "unknown_identification")


def test_markings_route_declares_its_answer(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/api/v1/markings"]["post"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("/MarkingsResult")
    assert {"400", "413", "415", "503"} <= set(operation["responses"])
