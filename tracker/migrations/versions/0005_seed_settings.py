"""the organization's settings rows exist from the start (GET pages no longer create them)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 16:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The defaults as they were when this migration was written (the models' defaults may move on).
SINGLETONS = {
    "priority_weights": {"benefit": 5, "alignment": 3, "effort": 2, "version": 1},
    "tailoring_settings": {"pattern_threshold": 3, "version": 1},
}


def upgrade() -> None:
    connection = op.get_bind()
    for table, values in SINGLETONS.items():
        if connection.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar() == 0:
            columns = ", ".join(values)
            connection.execute(sa.text(f"INSERT INTO {table} ({columns}) VALUES "
                                       f"({', '.join(':' + c for c in values)})"), values)


def downgrade() -> None:
    pass  # the rows stay: they are data the organization may have changed
