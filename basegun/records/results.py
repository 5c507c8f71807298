"""Results storage: identification, measurement and check answers, kept in the database for a while.

Stores JSON results (never photo bytes) so that a result id can be looked up later (the final summary, a replica
check that cites an alarm check, feedback, an expert request). Each write is one transaction: a failed or hostile
request never damages what is already stored. Old results are deleted after the retention period. On SQLite the
deleted rows are overwritten (`secure_delete`) and the file is the service user's only (0600): see `database.py`.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import sqlalchemy as sa

from basegun.errors import NotFound
from basegun.records.database import Database
from basegun.records.tables import results


class ResultStore:
    """JSON results by id and kind; thread-safe and shared by every server process on one database."""

    def __init__(self, database: Database, retention_days: float) -> None:
        self.database = database
        self.retention_seconds = retention_days * 86400

    def put(self, kind: str, payload: dict[str, Any]) -> str:
        result_id = str(uuid.uuid4())
        text = json.dumps(payload, ensure_ascii=False)
        with self.database.transaction() as connection:
            connection.execute(results.insert().values(id=result_id, kind=kind, created=time.time(), payload=text))
        return result_id

    def get(self, result_id: str, kind: str) -> dict[str, Any]:
        query = sa.select(results.c.payload).where(
            results.c.id == result_id,
            results.c.kind == kind,
            results.c.created >= time.time() - self.retention_seconds,
        )
        with self.database.transaction() as connection:
            payload = connection.execute(query).scalar_one_or_none()
        if payload is None:
            raise NotFound(f"No {kind} result with id {result_id!r} (it may have expired).", code=f"unknown_{kind}")
        return json.loads(payload)

    def purge_expired(self) -> int:
        expired = results.c.created < time.time() - self.retention_seconds
        with self.database.transaction() as connection:
            deleted = connection.execute(results.delete().where(expired))
        return deleted.rowcount
