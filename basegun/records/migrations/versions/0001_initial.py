"""Results, photos, expert requests, feedback and the mail outbox.

A results table made by the SQLite store that came before migrations has the same columns: it is kept as it is.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    if not sa.inspect(op.get_bind()).has_table("results"):
        op.create_table(
            "results",
            sa.Column("id", sa.String(36), primary_key=True),
            sa.Column("kind", sa.String(32), nullable=False),
            sa.Column("created", sa.Float, nullable=False),
            sa.Column("payload", sa.Text, nullable=False),
        )
        op.create_index("results_created", "results", ["created"])
    op.create_table(
        "photos",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("owner_id", sa.String(36), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("media_type", sa.String(32), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_index("ix_photos_owner_id", "photos", ["owner_id"])
    op.create_table(
        "expert_requests",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("created", sa.Float, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("agent_subject", sa.String(255), nullable=False),
        sa.Column("agent_name", sa.String(255), nullable=False),
        sa.Column("agent_email", sa.String(320)),
        sa.Column("identification_id", sa.String(36)),
        sa.Column("identification", sa.Text),
        sa.Column("service", sa.String(200), nullable=False),
        sa.Column("phone", sa.String(40), nullable=False),
        sa.Column("seizure_number", sa.String(100), nullable=False),
        sa.Column("procedure_number", sa.String(100), nullable=False),
        sa.Column("markings", sa.Text, nullable=False),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("answered", sa.Float),
        sa.Column("expert_subject", sa.String(255)),
        sa.Column("expert_name", sa.String(255)),
        sa.Column("answer_typology", sa.String(64)),
        sa.Column("answer_category", sa.String(32)),
        sa.Column("answer_text", sa.Text),
    )
    op.create_index("ix_expert_requests_status", "expert_requests", ["status"])
    op.create_index("ix_expert_requests_agent_subject", "expert_requests", ["agent_subject"])
    op.create_table(
        "feedback",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("created", sa.Float, nullable=False),
        sa.Column("result_id", sa.String(36), nullable=False),
        sa.Column("result_typology", sa.String(64)),
        sa.Column("correct", sa.Boolean, nullable=False),
        sa.Column("typology", sa.String(64)),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("consent", sa.Boolean, nullable=False),
        sa.Column("author_subject", sa.String(255)),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("created", sa.Float, nullable=False),
        sa.Column("about", sa.String(36), nullable=False),
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("attach_photos_of", sa.String(36)),
        sa.Column("sent", sa.Float),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("claimed_until", sa.Float),
    )
    op.create_index("ix_outbox_about", "outbox", ["about"])
    op.create_index("ix_outbox_sent", "outbox", ["sent"])


def downgrade() -> None:
    for table in ("outbox", "feedback", "expert_requests", "photos"):
        op.drop_table(table)
