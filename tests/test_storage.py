"""The database and the result store, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from basegun.errors import NotFound
from basegun.records.database import MIGRATIONS, Database
from basegun.records.results import ResultStore
from basegun.records.tables import results
from basegun.settings import REPO_ROOT, Settings


@pytest.fixture
def database(database_url: str):
    db = Database(database_url)
    yield db
    db.close()


def test_store_put_then_get_returns_the_payload(database: Database) -> None:
    store = ResultStore(database, retention_days=1)
    result_id = store.put("identification", {"typology": {"key": "revolver"}, "label": "Révolver à poudre noire"})
    assert store.get(result_id, "identification") == {
        "typology": {"key": "revolver"},
        "label": "Révolver à poudre noire",
    }


def test_store_get_unknown_or_other_kind_is_not_found(database: Database) -> None:
    store = ResultStore(database, retention_days=1)
    result_id = store.put("alarm_check", {"status": "no_text"})
    with pytest.raises(NotFound) as error:
        store.get(result_id, "identification")
    assert error.value.code == "unknown_identification"
    with pytest.raises(NotFound):
        store.get("no-such-id", "alarm_check")


def test_store_purges_and_hides_expired_results(database: Database) -> None:
    store = ResultStore(database, retention_days=1)
    old, fresh = store.put("identification", {"n": 1}), store.put("identification", {"n": 2})
    with database.transaction() as connection:
        connection.execute(results.update().where(results.c.id == old).values(created=time.time() - 2 * 86400))
    with pytest.raises(NotFound):
        store.get(old, "identification")
    assert store.purge_expired() == 1
    assert store.get(fresh, "identification") == {"n": 2}
    with database.transaction() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(results)).scalar_one() == 1


def test_two_engines_on_one_database_share_the_results(database_url: str) -> None:
    first, second = Database(database_url), Database(database_url)  # the second finds the schema migrated
    try:
        result_id = ResultStore(first, 1).put("measurement", {"overall_length_cm": 98.5})
        assert ResultStore(second, 1).get(result_id, "measurement") == {"overall_length_cm": 98.5}
    finally:
        first.close()
        second.close()


def test_migrations_from_several_processes_at_once_apply_once(database_url: str) -> None:
    script = "import sys; from basegun.records.database import Database; Database(sys.argv[1]).close()"
    processes = [
        subprocess.Popen([sys.executable, "-c", script, database_url], cwd=REPO_ROOT, stderr=subprocess.PIPE)
        for _ in range(3)
    ]
    for process in processes:
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr.decode()
    database = Database(database_url)
    try:
        with database.transaction() as connection:
            applied = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all()
        assert applied == [ScriptDirectory(str(MIGRATIONS)).get_current_head()]  # the latest, once
    finally:
        database.close()


def test_sqlite_file_is_private_and_deletes_securely(tmp_path: Path) -> None:
    database = Database(Settings(data_dir=tmp_path / "data").database)
    try:
        for path in (tmp_path / "data").rglob("*"):  # the database, its journal, its migration lock
            assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path
        with database.transaction() as connection:
            assert connection.exec_driver_sql("PRAGMA secure_delete").scalar_one() == 1
    finally:
        database.close()


def test_sqlite_results_from_before_migrations_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "basegun.sqlite3"
    with sqlite3.connect(path) as old:  # the schema of the store that came before migrations
        old.executescript(
            "CREATE TABLE results (id TEXT PRIMARY KEY, kind TEXT NOT NULL, created REAL NOT NULL,"
            " payload TEXT NOT NULL);"
            "CREATE INDEX results_created ON results (created);"
        )
        old.execute("INSERT INTO results VALUES ('kept', 'identification', ?, '{\"n\": 7}')", (time.time(),))
    old.close()
    database = Database(f"sqlite:///{path}")
    try:
        assert ResultStore(database, 1).get("kept", "identification") == {"n": 7}
    finally:
        database.close()


def test_default_database_is_sqlite_in_the_data_folder(tmp_path: Path) -> None:
    assert Settings(data_dir=tmp_path).database == f"sqlite:///{tmp_path / 'basegun.sqlite3'}"
    url = "postgresql+psycopg://basegun@db/basegun"
    assert Settings(data_dir=tmp_path, database_url=url).database == url
