"""Alembic migrations of the Basegun database; `basegun.records.database.Database` applies them on start-up."""
