"""A batch weapon keeps its markings as the station confirmed them (each field read or typed), apart from its answer,
which keeps what was read.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("batch_weapons") as table:
        table.add_column(sa.Column("confirmed_markings", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("batch_weapons") as table:
        table.drop_column("confirmed_markings")
