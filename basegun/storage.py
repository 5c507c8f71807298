"""Results storage: one SQLite file under the configured data folder.

Stores JSON results (never photo bytes) so that a result id can be looked up later (the final summary, a replica
check that cites an alarm check). Writes are atomic transactions: a failed or hostile request never damages what is
already stored. Old results are deleted after the retention period, and overwritten as they are (`secure_delete`):
a deleted answer is not left readable in the file's free pages. The files are the service user's only (0600).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from basegun.errors import NotFound
from basegun.files import FILE_MODE, private_folder

_SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    created REAL NOT NULL,
    payload TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS results_created ON results (created);
"""


class ResultStore:
    """A small thread-safe key-value store of JSON results."""

    def __init__(self, path: Path, retention_days: float) -> None:
        private_folder(path.parent)
        path.touch(mode=FILE_MODE)  # sqlite would create it with the umask's mode
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA secure_delete=ON")
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        self.retention_seconds = retention_days * 86400

    def put(self, kind: str, payload: dict[str, Any], result_id: str | None = None) -> str:
        result_id = result_id or str(uuid.uuid4())
        text = json.dumps(payload, ensure_ascii=False)
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO results (id, kind, created, payload) VALUES (?, ?, ?, ?)",
                (result_id, kind, time.time(), text),
            )
        return result_id

    def get(self, result_id: str, kind: str) -> dict[str, Any]:
        with self._lock:
            row = self._db.execute(
                "SELECT payload FROM results WHERE id = ? AND kind = ? AND created >= ?",
                (result_id, kind, time.time() - self.retention_seconds),
            ).fetchone()
        if row is None:
            raise NotFound(f"No {kind} result with id {result_id!r} (it may have expired).", code=f"unknown_{kind}")
        return json.loads(row[0])

    def purge_expired(self) -> int:
        with self._lock:
            cursor = self._db.execute("DELETE FROM results WHERE created < ?", (time.time() - self.retention_seconds,))
        return cursor.rowcount

    def close(self) -> None:
        with self._lock:
            self._db.close()
