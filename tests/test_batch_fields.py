"""A station confirms or types a batch weapon's maker, model, calibre and serial number
(`PUT /api/v1/batches/{id}/weapons/{weapon}/fields`): kept in the database apart from what was read, shown by the
status and every report marked typed; unknown or bad requests keep nothing; revision 0005 on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from fastapi.testclient import TestClient

from basegun.records.tables import batch_weapons
from basegun.settings import Settings
from tests.calls import app_client, assert_problem, finished
from tests.test_photo_migration import alembic_config

SERIAL = "2203704"  # the serial number stamped on the Blow F92 of the shared photos
TYPED_SERIAL = "ZX 998877"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("batch-fields")


@pytest.fixture(scope="module")
def client(data_dir: Path) -> Iterator[TestClient]:
    with app_client(data_dir) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def batch(client: TestClient, photos: Path) -> dict[str, Any]:
    """A pistol with a close-up of its markings (read: Blow F92), a revolver without one."""
    files = [
        ("images", ("pistolet 1/pistolet1.jpg", (photos / "typology/pistolet_semi_auto.jpg").read_bytes())),
        ("images", ("pistolet 1/pistolet1_marquage.jpg", (photos / "alarm/alarm_gun_blow_f92.jpg").read_bytes())),
        ("images", ("revolver 2/revolver2.jpg", (photos / "typology/revolver.jpg").read_bytes())),
    ]
    response = client.post("/api/v1/batches", files=files, data={"name": "Saisie 2024-207"})
    assert response.status_code == 202, response.text
    done = finished(client, response.json()["id"])
    assert done["status"] == "finished"
    assert [w["name"] for w in done["weapons"]] == ["pistolet 1", "revolver 2"]
    return done


def fields_url(batch: dict[str, Any], weapon: int) -> str:
    return f"/api/v1/batches/{batch['id']}/weapons/{weapon}/fields"


def stored(data_dir: Path, batch_id: str) -> dict[int, tuple[dict[str, Any], str | None]]:
    """Each weapon's row: the answer as analysed, and the markings as confirmed (JSON text, or None)."""
    engine = sa.create_engine(Settings(data_dir=data_dir).database)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.select(batch_weapons.c.position, batch_weapons.c.answer, batch_weapons.c.confirmed_markings).where(
                    batch_weapons.c.batch_id == batch_id
                )
            ).all()
    finally:
        engine.dispose()
    return {row.position: (json.loads(row.answer), row.confirmed_markings) for row in rows}


def report_rows(client: TestClient, batch: dict[str, Any]) -> dict[str, dict[str, str]]:
    text = client.get(batch["reports"]["report.csv"]).content.decode("utf-8-sig")
    return {row["weapon"]: row for row in csv.DictReader(io.StringIO(text), delimiter=";") if row["row"] == "weapon"}


def test_typed_fields_are_kept_apart_from_those_read_and_reported_as_typed(
    client: TestClient, batch: dict[str, Any], data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    read = batch["weapons"][0]["markings"]
    assert (read["maker"]["value"], read["model"]["value"], read["model"]["source"]) == ("Blow", "F92", "read")
    typed = {"maker": "Blow", "model": "F92 Auto", "calibre": None, "serial_number": TYPED_SERIAL}
    with caplog.at_level(logging.DEBUG):
        response = client.put(fields_url(batch, 0), json=typed)
    assert response.status_code == 200, response.text
    markings = response.json()["markings"]
    assert (markings["maker"]["value"], markings["maker"]["source"]) == ("Blow", "read")  # confirmed as read
    assert (markings["model"]["value"], markings["model"]["source"], markings["model"]["read"]) == (
        "F92 Auto",
        "typed",
        "F92",
    )
    assert (markings["calibre"]["value"], markings["calibre"]["source"]) == ("9 mm P.A.K.", "read")
    assert (markings["serial_number"]["value"], markings["serial_number"]["source"]) == (TYPED_SERIAL, "typed")
    assert markings["serial_number"]["read"].endswith(SERIAL)
    assert markings["photos"] == ["pistolet 1/pistolet1_marquage.jpg"]
    assert markings["listed_alarm_model"]
    logged = " ".join(f"{record.getMessage()} {record.__dict__}" for record in caplog.records)
    assert "weapon fields confirmed" in logged
    assert TYPED_SERIAL not in logged
    assert SERIAL not in logged

    answer, confirmed = stored(data_dir, batch["id"])[0]
    assert answer["markings"]["model"] == read["model"]  # the answer as analysed keeps what was read
    assert confirmed is not None
    assert json.loads(confirmed)["model"]["value"] == "F92 Auto"

    status = client.get(f"/api/v1/batches/{batch['id']}").json()
    assert status["weapons"][0]["markings"] == markings
    report = client.get(batch["reports"]["report.json"]).json()
    assert report["weapons"][0]["markings"] == markings
    pistol = report_rows(client, batch)["pistolet 1"]
    assert (pistol["model"], pistol["model_source"]) == ("F92 Auto", "typed")
    assert (pistol["maker"], pistol["maker_source"]) == ("Blow", "read")
    assert (pistol["serial_number"], pistol["serial_number_source"]) == (TYPED_SERIAL, "typed")
    html = client.get(batch["reports"]["report.html"]).text
    assert 'Modèle : F92 Auto <span class="small">(saisi)</span>' in html
    assert 'Fabricant : Blow <span class="small">(lu)</span>' in html

    # Sent again without the model, the model is the one read again; "" clears the calibre.
    again = client.put(fields_url(batch, 0), json={"calibre": "", "serial_number": TYPED_SERIAL}).json()["markings"]
    assert (again["model"]["value"], again["model"]["source"]) == ("F92", "read")
    assert (again["calibre"]["value"], again["calibre"]["source"], again["calibre"]["read"]) == (
        None,
        "typed",
        "9 mm P.A.K.",
    )
    assert report_rows(client, batch)["pistolet 1"]["calibre"] == ""


def test_a_weapon_without_close_up_gets_typed_fields(client: TestClient, batch: dict[str, Any]) -> None:
    assert batch["weapons"][1]["markings"] is None
    response = client.put(fields_url(batch, 1), json={"maker": "Manurhin", "model": "MR 73", "calibre": ".357 Magnum"})
    assert response.status_code == 200, response.text
    markings = response.json()["markings"]
    assert markings["status"] is None
    assert markings["photos"] == []
    assert markings["markings_id"] is None
    assert (markings["maker"]["value"], markings["maker"]["source"], markings["maker"]["read"]) == (
        "Manurhin",
        "typed",
        None,
    )
    assert markings["serial_number"] == {"value": None, "source": None, "read": None, "confidence": None}
    revolver = report_rows(client, batch)["revolver 2"]
    assert (revolver["model"], revolver["model_source"], revolver["serial_number_source"]) == ("MR 73", "typed", "")
    assert 'Modèle : MR 73 <span class="small">(saisi)</span>' in client.get(batch["reports"]["report.html"]).text


def test_a_close_up_read_through_the_markings_route_is_kept_by_the_weapon(
    client: TestClient, batch: dict[str, Any], photos: Path
) -> None:
    closeup = (photos / "alarm/alarm_gun_blow_f92.jpg").read_bytes()
    reading = client.post("/api/v1/markings", files=[("images", ("gros-plan.jpg", closeup, "image/jpeg"))])
    assert reading.status_code == 200, reading.text
    assert reading.json()["listed_alarm_model"]
    before = client.get(f"/api/v1/batches/{batch['id']}").json()["weapons"][1]["flags"]
    assert "listed_alarm_gun" not in before
    body = {"markings_id": reading.json()["id"], "closeup": "gros-plan.jpg", "serial_number": TYPED_SERIAL}
    confirmed = client.put(fields_url(batch, 1), json=body).json()
    markings = confirmed["markings"]
    # The chosen close-up shows a listed alarm gun: the weapon is flagged so, for the expert, as if the batch had
    # held the close-up; the flag that it may be one gives way.
    assert {"listed_alarm_gun", "needs_expert"} <= set(confirmed["flags"])
    assert "possible_alarm_gun" not in confirmed["flags"]
    status = client.get(f"/api/v1/batches/{batch['id']}").json()["weapons"][1]
    assert status["flags"] == confirmed["flags"]
    assert "listed_alarm_gun" in report_rows(client, batch)["revolver 2"]["flags"].split()
    assert (markings["markings_id"], markings["photos"], markings["status"]) == (
        body["markings_id"],
        ["gros-plan.jpg"],
        "read",
    )
    assert (markings["maker"]["value"], markings["maker"]["source"]) == ("Blow", "read")
    assert (markings["serial_number"]["value"], markings["serial_number"]["source"]) == (TYPED_SERIAL, "typed")
    # Corrected later without reading again: the fields read are still those of the chosen close-up.
    later = client.put(fields_url(batch, 1), json={"model": "F92 bis"}).json()["markings"]
    assert (later["markings_id"], later["maker"]["value"], later["model"]["read"]) == (
        body["markings_id"],
        "Blow",
        "F92",
    )
    assert report_rows(client, batch)["revolver 2"]["model_source"] == "typed"


@pytest.mark.parametrize(
    ("where", "body", "status", "code"),
    [
        ("batch", {"model": "X"}, 404, "unknown_batch"),
        ("weapon", {"model": "X"}, 404, "unknown_weapon"),
        ("pistol", {"markings_id": "0" * 32, "model": "X"}, 404, "unknown_markings"),
        ("pistol", {"model": "X" * 101}, 422, "invalid_request"),
        ("pistol", {"serial_number": "A1\nB2"}, 422, "invalid_request"),
        ("pistol", {"model": 7}, 422, "invalid_request"),
        ("pistol", {"model": "X", "owner": "someone"}, 422, "invalid_request"),
        ("index", {"model": "X"}, 422, "invalid_request"),
    ],
)
def test_a_bad_request_is_refused_and_keeps_nothing(
    client: TestClient, batch: dict[str, Any], data_dir: Path, where: str, body: dict[str, Any], status: int, code: str
) -> None:
    url = {
        "batch": "/api/v1/batches/0123456789abcdef0123456789abcdef/weapons/0/fields",
        "weapon": fields_url(batch, 7),
        "pistol": fields_url(batch, 0),
        "index": f"/api/v1/batches/{batch['id']}/weapons/-1/fields",
    }[where]
    before = stored(data_dir, batch["id"])
    assert_problem(client.put(url, json=body), status, code)
    assert stored(data_dir, batch["id"]) == before


def test_fields_of_a_weapon_not_yet_answered_are_refused(client: TestClient, photos: Path) -> None:
    """A batch still queued or running has no answer for the weapons to come: nothing to confirm yet."""
    photo = (photos / "typology/revolver.jpg").read_bytes()
    files = [("images", (f"arme {i}/photo.jpg", photo)) for i in range(3)]
    queued = client.post("/api/v1/batches", files=files).json()
    assert_problem(client.put(fields_url(queued, 2), json={"model": "X"}), 404, "unknown_weapon")
    finished(client, queued["id"])


def _migrate(engine: sa.Engine, step: Callable[[Config, str], None], revision: str) -> None:
    with engine.connect() as connection:
        step(alembic_config(connection), revision)
        connection.commit()


def test_revision_0005_adds_and_removes_the_confirmed_markings(database_url: str) -> None:
    """A database at 0004 with a weapon answered: upgraded, the row is kept with nothing confirmed; downgraded, the
    column goes and the row stays."""
    engine = sa.create_engine(database_url)
    try:
        _migrate(engine, command.upgrade, "0004")
        tables = sa.MetaData()
        tables.reflect(engine)
        assert "confirmed_markings" not in tables.tables["batch_weapons"].c
        with engine.begin() as connection:
            connection.execute(
                tables.tables["batches"].insert(),
                {
                    "id": "a" * 32,
                    "ref": "a" * 12,
                    "name": "lot",
                    "client": "c" * 16,
                    "status": "finished",
                    "rank": 0,
                    "created": 1.0,
                    "expires": 2.0,
                    "progress": "{}",
                    "cancel_requested": False,
                    "intake": "[]",
                    "skipped": "[]",
                },
            )
            connection.execute(
                tables.tables["batch_weapons"].insert(),
                {"batch_id": "a" * 32, "position": 0, "answer": '{"name": "arme"}', "thumbnail": False},
            )
        _migrate(engine, command.upgrade, "head")
        with engine.connect() as connection:
            row = connection.execute(sa.select(batch_weapons)).one()
        assert (row.answer, row.confirmed_markings) == ('{"name": "arme"}', None)
        _migrate(engine, command.downgrade, "0004")
        after = sa.MetaData()
        after.reflect(engine)
        assert "confirmed_markings" not in after.tables["batch_weapons"].c
        with engine.connect() as connection:
            assert (
                connection.execute(sa.select(after.tables["batch_weapons"].c.answer)).scalar_one() == '{"name": "arme"}'
            )
    finally:
        engine.dispose()
