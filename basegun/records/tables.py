"""The database tables, in SQLAlchemy Core: one definition that every repository and the migrations share.

Times are seconds since the epoch (floats) and payloads are JSON text, so that SQLite and PostgreSQL store the same.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

results = sa.Table(
    "results",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("created", sa.Float, nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Index("results_created", "created"),
)

photos = sa.Table(
    "photos",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("owner_id", sa.String(36), nullable=False, index=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("media_type", sa.String(32), nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
)

expert_requests = sa.Table(
    "expert_requests",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("created", sa.Float, nullable=False),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    sa.Column("agent_subject", sa.String(255), nullable=False, index=True),
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
    sa.Column("weapon_fields", sa.Text),  # WeaponFields JSON: maker, model, calibre, serial number, read or typed
    sa.Column("answered", sa.Float),
    sa.Column("expert_subject", sa.String(255)),
    sa.Column("expert_name", sa.String(255)),
    sa.Column("answer_typology", sa.String(64)),
    sa.Column("answer_category", sa.String(32)),
    sa.Column("answer_text", sa.Text),
)

feedback = sa.Table(
    "feedback",
    metadata,
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

outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("created", sa.Float, nullable=False),
    sa.Column("about", sa.String(36), nullable=False, index=True),
    sa.Column("purpose", sa.String(32), nullable=False),
    sa.Column("recipient", sa.String(320), nullable=False),
    sa.Column("subject", sa.String(300), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("attach_photos_of", sa.String(36)),
    sa.Column("sent", sa.Float, index=True),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("last_error", sa.Text),
    sa.Column("claimed_until", sa.Float),
)
