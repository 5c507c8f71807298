"""Alembic environment: migrations run on the connection `basegun.records.database` hands over (never a URL of its
own)."""

from __future__ import annotations

from alembic import context

from basegun.records.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
