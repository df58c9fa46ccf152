"""the API's rate limit windows: requests counted per token in the database app servers share

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-01 17:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0030'
down_revision: str | None = '0029'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'api_rate_window',
        sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('hits', sa.Integer(), nullable=False),
        sa.Column('ends_at', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )


def downgrade() -> None:
    op.drop_table('api_rate_window')
