"""Batches on the database (their bytes in the object store), the fleet's shared keys, and procrastinate's job
queue on PostgreSQL.

procrastinate's schema is applied here, under the migration lock, so that processes starting together never apply it
twice; a later procrastinate whose schema changes brings an Alembic revision with its migration script.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "batches",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("ref", sa.String(12), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("client", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("rank", sa.Integer, nullable=False),
        sa.Column("created", sa.Float, nullable=False),
        sa.Column("expires", sa.Float, nullable=False),
        sa.Column("progress", sa.Text, nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("cancel_requested", sa.Boolean, nullable=False),
        sa.Column("intake", sa.Text, nullable=False),
        sa.Column("skipped", sa.Text, nullable=False),
    )
    op.create_index("ix_batches_client", "batches", ["client"])
    op.create_index("ix_batches_status", "batches", ["status"])
    op.create_index("ix_batches_created", "batches", ["created"])
    op.create_table(
        "batch_weapons",
        sa.Column("batch_id", sa.String(32), sa.ForeignKey("batches.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("thumbnail", sa.Boolean, nullable=False),
    )
    op.create_table(
        "service_keys",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("value", sa.LargeBinary, nullable=False),
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql" and not sa.inspect(bind).has_table("procrastinate_jobs"):
        from procrastinate.schema import SchemaManager  # PostgreSQL only: SQLite services never load procrastinate

        bind.connection.driver_connection.execute(SchemaManager.get_schema())  # type: ignore[union-attr]


def downgrade() -> None:
    op.drop_table("service_keys")
    op.drop_table("batch_weapons")
    op.drop_table("batches")
