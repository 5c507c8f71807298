"""Photo bytes leave the database for the object store: `photos.data` may be empty.

Alembic sees only the database, so the bytes themselves are moved by `PhotoStore.move_blobs()`, which `Records` runs
right after this upgrade (and at every start, until no blob is left): it copies each blob into the store, then clears
it. The column stays, empty, for a later revision to drop once every deployment has moved its photos.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("photos") as batch:
        batch.alter_column("data", existing_type=sa.LargeBinary, nullable=True)


def downgrade() -> None:
    moved = op.get_bind().execute(sa.text("SELECT count(*) FROM photos WHERE data IS NULL")).scalar_one()
    if moved:
        raise RuntimeError(f"{moved} photos are in the object store only: copy them back before downgrading")
    with op.batch_alter_table("photos") as batch:
        batch.alter_column("data", existing_type=sa.LargeBinary, nullable=False)
