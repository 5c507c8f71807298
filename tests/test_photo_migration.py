"""Revision 0002 and the move of photo blobs into the object store, on a database filled through the schema of
revision 0001 (photos as blobs), on SQLite and PostgreSQL × the folder and S3: no photo lost, even when cut."""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from basegun.accounts.users import Role, User
from basegun.catalog.loading import load_catalog
from basegun.errors import StoreUnavailable
from basegun.records.database import MIGRATIONS
from basegun.records.dataset_export import export_dataset
from basegun.records.photos import photo_key
from basegun.records.records import Records
from basegun.settings import Settings
from basegun.storage.folder import FolderStore
from basegun.storage.objects import ObjectStore
from tests.images import encode, wall
from tests.smtp import MailCatcher

EXPERT = User("expert-1", "Alix Expert", None, frozenset({Role.EXPERT}))


@dataclass(frozen=True)
class OldPhoto:
    owner_id: str
    photo_id: str
    data: bytes


def alembic_config(connection: sa.Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def fill_at_0001(url: str) -> list[OldPhoto]:
    """A database made by revision 0001 and filled as the code of that time did: two answered requests, one still
    submitted with its experts' mail pending, two consented feedbacks; every photo a blob in `photos.data`."""
    engine = sa.create_engine(url)
    photos: list[OldPhoto] = []
    try:
        with engine.connect() as connection:
            command.upgrade(alembic_config(connection), "0001")
            connection.commit()
        tables = sa.MetaData()
        tables.reflect(engine)  # the tables as revision 0001 made them, not as the code declares them now
        now = time.time()
        with engine.begin() as connection:
            for number, (status, photo_count) in enumerate([("answered", 3), ("answered", 1), ("submitted", 2)]):
                request_id = uuid.uuid4().hex
                connection.execute(
                    tables.tables["expert_requests"].insert(),
                    {"id": request_id, "created": now + number, "status": status, "agent_subject": "agent-1",
                     "agent_name": "Camille Agent", "agent_email": None, "service": "BR Lyon", "phone": "0478000000",
                     "seizure_number": f"S-{number}", "procedure_number": "P-1", "markings": "", "notes": "",
                     "answered": now + 10 if status == "answered" else None,
                     "expert_subject": "expert-1" if status == "answered" else None,
                     "answer_typology": "revolver" if status == "answered" else None,
                     "answer_category": "D" if status == "answered" else None},
                )  # fmt: skip
                photos += [OldPhoto(request_id, uuid.uuid4().hex, photo(len(photos))) for _ in range(photo_count)]
                if status == "submitted":
                    connection.execute(
                        tables.tables["outbox"].insert(),
                        {"id": uuid.uuid4().hex, "created": now, "about": request_id, "purpose": "experts",
                         "recipient": "experts@ircgn.test", "subject": "Nouvelle demande", "body": "Voir les photos.",
                         "attach_photos_of": request_id, "attempts": 0},
                    )  # fmt: skip
            for number, typology in enumerate(["epaule_a_pompe", "revolver"]):
                feedback_id = uuid.uuid4().hex
                connection.execute(
                    tables.tables["feedback"].insert(),
                    {"id": feedback_id, "created": now + number, "result_id": str(uuid.uuid4()),
                     "result_typology": "revolver", "correct": typology == "revolver", "typology": typology,
                     "comment": "", "consent": True, "author_subject": "agent-1"},
                )  # fmt: skip
                photos.append(OldPhoto(feedback_id, uuid.uuid4().hex, photo(len(photos))))
            positions: dict[str, int] = {}
            for old in photos:
                positions[old.owner_id] = positions.get(old.owner_id, -1) + 1
                connection.execute(
                    tables.tables["photos"].insert(),
                    {"id": old.photo_id, "owner_id": old.owner_id, "position": positions[old.owner_id],
                     "media_type": "image/jpeg", "data": old.data},
                )  # fmt: skip
    finally:
        engine.dispose()
    return photos


def photo(seed: int) -> bytes:
    return encode(wall(160, 120, seed=seed), "JPEG")


def blobs_left(records: Records) -> int:
    with records.database.transaction() as connection:
        return connection.execute(sa.text("SELECT count(*) FROM photos WHERE data IS NOT NULL")).scalar_one()


def open_records(url: str, tmp_path: Path, objects: ObjectStore, smtp_port: int | None = None) -> Records:
    settings = Settings(
        data_dir=tmp_path,
        database_url=url,
        smtp_host="127.0.0.1" if smtp_port else None,
        smtp_port=smtp_port or 25,
        mail_retry_seconds=3600,  # the test delivers by hand
    )
    return Records(settings, load_catalog(), objects)


def test_photos_of_a_0001_database_move_to_the_store_and_read_back(
    database_url: str, object_store: ObjectStore, tmp_path: Path, mail_server: MailCatcher
) -> None:
    old = fill_at_0001(database_url)
    records = open_records(database_url, tmp_path, object_store, mail_server.port)
    try:
        with records.database.transaction() as connection:
            version = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
        assert version == ScriptDirectory(str(MIGRATIONS)).get_current_head()  # 0002 and those after it
        assert blobs_left(records) == 0
        for photo_ in old:  # every blob is an object now, byte for byte, and read through the code that serves it
            assert object_store.get(photo_key(photo_.owner_id, photo_.photo_id)) == photo_.data
        assert sorted(object_store.keys("photos/")) == sorted(photo_key(p.owner_id, p.photo_id) for p in old)
        requests = list(dict.fromkeys(p.owner_id for p in old))[:3]
        for request_id in requests:
            mine = [p for p in old if p.owner_id == request_id]
            listed = records.expert_requests.get(EXPERT, request_id).photos
            assert [entry.id for entry in listed] == [p.photo_id for p in mine]  # in their order
            for photo_ in mine:
                assert records.expert_requests.photo(EXPERT, request_id, photo_.photo_id) == photo_.data

        assert records.outbox.deliver_pending() == 1  # the mail queued before the move attaches the moved photos
        (mail,) = mail_server.wait_for(1)
        attached = [part.get_content() for part in mail.iter_attachments()]
        assert attached == [p.data for p in old if p.owner_id == requests[2]]

        manifest = export_dataset(records.database, records.objects, tmp_path / "dataset")
        assert manifest["per_label"] == {"epaule_a_pompe": 1, "revolver": 5}  # 3 + 1 from experts, 1 feedback
        exported = sorted((tmp_path / "dataset" / entry["path"]).read_bytes() for entry in manifest["photos"])
        assert exported == sorted(p.data for p in old if p.owner_id != requests[2])
    finally:
        records.close()


class Killed(BaseException):
    """The process dies: nothing after this point runs (not even `except Exception` handlers)."""


class DyingStore:
    """The real store, in a process killed right after its `lives`-th write has landed (before its blob is cleared)."""

    def __init__(self, inner: ObjectStore, lives: int) -> None:
        self.inner = inner
        self.lives = lives

    def put(self, key: str, data: bytes) -> None:
        self.inner.put(key, data)
        self.lives -= 1
        if self.lives == 0:
            raise Killed

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class DownStore(DyingStore):
    """The real store, unreachable after `lives` writes."""

    def put(self, key: str, data: bytes) -> None:
        if self.lives == 0:
            raise StoreUnavailable("The object store cannot be reached: connection refused")
        self.lives -= 1
        self.inner.put(key, data)


def photo_states(url: str, objects: ObjectStore, old: list[OldPhoto]) -> tuple[int, int]:
    """(blobs left in the database, photos moved); asserts that each photo is in one place at least, intact."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            blobs = {row.id: row.data for row in connection.execute(sa.text("SELECT id, data FROM photos"))}
    finally:
        engine.dispose()
    moved = 0
    for photo_ in old:
        blob = blobs[photo_.photo_id]
        if blob is None:
            moved += 1
            assert objects.get(photo_key(photo_.owner_id, photo_.photo_id)) == photo_.data
        else:
            assert bytes(blob) == photo_.data
    return len(old) - moved, moved


@pytest.mark.parametrize("cut", ["killed", "store_down"])
def test_a_move_cut_midway_loses_nothing_and_finishes_at_the_next_start(
    database_url: str, object_store: ObjectStore, tmp_path: Path, cut: str
) -> None:
    old = fill_at_0001(database_url)
    failing = DyingStore(object_store, 4) if cut == "killed" else DownStore(object_store, 3)
    with pytest.raises(Killed if cut == "killed" else StoreUnavailable):
        open_records(database_url, tmp_path, failing)
    assert photo_states(database_url, object_store, old) == (len(old) - 3, 3)  # the 4th written, its blob kept

    records = open_records(database_url, tmp_path, object_store)
    try:
        assert blobs_left(records) == 0
        assert photo_states(database_url, object_store, old) == (0, len(old))
        assert records.photos.move_blobs() == 0  # nothing left to do: the next start does nothing
    finally:
        records.close()


def test_processes_starting_together_move_each_photo_and_lose_none(
    database_url: str, object_store: ObjectStore, tmp_path: Path
) -> None:
    old = fill_at_0001(database_url)
    opened: list[Records] = []
    errors: list[BaseException] = []

    def start() -> None:
        try:
            opened.append(open_records(database_url, tmp_path, object_store))
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    try:
        assert errors == []
        assert len(opened) == 3
        assert photo_states(database_url, object_store, old) == (0, len(old))
    finally:
        for records in opened:
            records.close()


def test_downgrade_below_0002_is_refused_once_photos_moved(database_url: str, tmp_path: Path) -> None:
    fill_at_0001(database_url)
    open_records(database_url, tmp_path, FolderStore(tmp_path / "objects")).close()
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection, pytest.raises(RuntimeError, match="in the object store only"):
            command.downgrade(alembic_config(connection), "0001")
    finally:
        engine.dispose()
