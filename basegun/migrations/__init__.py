"""Alembic migrations of the Basegun database; `basegun.database.Database` applies them on start-up."""
