"""Expert requests keep the weapon's markings fields as the agent confirmed them (read or typed).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("expert_requests") as table:
        table.add_column(sa.Column("weapon_fields", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("expert_requests") as table:
        table.drop_column("weapon_fields")
