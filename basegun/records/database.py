"""The database: one SQLAlchemy engine, migrated to the latest schema when it is opened.

SQLite under the data folder by default (nothing to install or run), PostgreSQL when `BASEGUN_DATABASE_URL` names
one; several server processes may share a PostgreSQL database. Migrations (Alembic, `basegun/records/migrations/`) run
under a lock, so that processes starting together never apply them twice.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from basegun.runtime.files import FILE_MODE, private_folder

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_MIGRATION_LOCK = 0x42617365  # PostgreSQL advisory lock key ("Base")


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


class Database:
    """An engine on `url`, its schema at the latest migration; repositories take it and open their own transactions."""

    def __init__(self, url: str) -> None:
        self.url = sa.make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        if self.is_sqlite:
            self._prepare_sqlite_file()
            self.engine = sa.create_engine(self.url, connect_args={"check_same_thread": False, "timeout": 30})
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        else:
            self.engine = sa.create_engine(self.url, pool_pre_ping=True)
        self.migrate()

    @property
    def sqlite_path(self) -> Path | None:
        database = self.url.database
        return Path(database) if self.is_sqlite and database and database != ":memory:" else None

    def _prepare_sqlite_file(self) -> None:
        """Results are personal data: the file (and its journal) readable by the service's user only."""
        path = self.sqlite_path
        if path is None:
            return
        private_folder(path.parent)
        os.close(os.open(path, os.O_CREAT | os.O_RDWR, FILE_MODE))  # SQLite would create it with the umask's mode
        path.chmod(FILE_MODE)

    def migrate(self) -> None:
        """Bring the schema to the latest revision; safe when several processes start at once."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self._migration_lock(), self.engine.connect() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            connection.commit()

    @contextlib.contextmanager
    def _migration_lock(self) -> Iterator[None]:
        path = self.sqlite_path
        if path is not None:
            descriptor = os.open(path.with_name(path.name + ".lock"), os.O_CREAT | os.O_RDWR, FILE_MODE)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX)
                yield
            finally:
                os.close(descriptor)  # the lock goes with it
            return
        if self.is_sqlite:
            yield
            return
        with self.engine.connect() as connection:
            connection.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": _MIGRATION_LOCK})
            try:
                yield
            finally:
                connection.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": _MIGRATION_LOCK})

    def transaction(self) -> contextlib.AbstractContextManager[sa.Connection]:
        """A connection inside one transaction: committed when the block ends, rolled back on an error."""
        return self.engine.begin()

    def close(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait on the writer
    cursor.execute("PRAGMA secure_delete=ON")  # deleted results are overwritten, not left in free pages
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
