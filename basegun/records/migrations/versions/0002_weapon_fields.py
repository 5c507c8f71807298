"""Expert requests keep the weapon's markings fields as the agent confirmed them (read or typed).

Revision ID: 0002_weapon_fields
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_weapon_fields"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("expert_requests") as table:
        table.add_column(sa.Column("weapon_fields", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("expert_requests") as table:
        table.drop_column("weapon_fields")
