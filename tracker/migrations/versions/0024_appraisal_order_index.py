"""the appraisals list's default order (completed, or planned to be, newest first) from an index on that expression:
at ten times the synthetic organization the list sorted every appraisal on every page

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-01 11:05:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0024'
down_revision: str | None = '0023'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_appraisal_when', 'appraisal', [sa.text('coalesce(completed_on, completion_on)'), 'id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_appraisal_when', table_name='appraisal')
