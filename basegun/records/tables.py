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
    # The bytes are in the object store (`records/photos.py`); only a database from before it (revision 0001) has
    # them here, until `PhotoStore.move_blobs()` has copied them out at start-up.
    sa.Column("data", sa.LargeBinary, nullable=True),
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

# A batch of a station's seizure (`basegun/batch/`): its state here, its photos, thumbnails and reports in the object
# store under `batches/<id>/`. `rank` is how many batches its client had open when it came (fairness: lower first).
batches = sa.Table(
    "batches",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("ref", sa.String(12), nullable=False, unique=True),  # what jobs and logs name it by: the id is a secret
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("client", sa.String(16), nullable=False, index=True),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    sa.Column("rank", sa.Integer, nullable=False),
    sa.Column("created", sa.Float, nullable=False, index=True),
    sa.Column("expires", sa.Float, nullable=False),
    sa.Column("progress", sa.Text, nullable=False),
    sa.Column("error", sa.Text),
    sa.Column("cancel_requested", sa.Boolean, nullable=False),
    sa.Column("intake", sa.Text, nullable=False),
    sa.Column("skipped", sa.Text, nullable=False),
)

# One row per weapon answered: the primary key makes a weapon counted once, whichever worker answered it.
batch_weapons = sa.Table(
    "batch_weapons",
    metadata,
    sa.Column("batch_id", sa.String(32), sa.ForeignKey("batches.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("answer", sa.Text, nullable=False),  # the WeaponAnswer as analysed: its markings as read
    sa.Column("thumbnail", sa.Boolean, nullable=False),
    # WeaponMarkings JSON as the station confirmed them (each field read or typed); null until it does
    sa.Column("confirmed_markings", sa.Text),
)

# Random keys the whole fleet shares, made once by whichever process needs one first (the key of client references).
service_keys = sa.Table(
    "service_keys",
    metadata,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("value", sa.LargeBinary, nullable=False),
)
