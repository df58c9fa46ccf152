"""lists whose default order had no index (the pilots, by start date), and the proposals' priority index with the id
after it: a descending sort reverses ties too, so on PostgreSQL as on SQLite the whole order is read from an index

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-01 11:10:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0025'
down_revision: str | None = '0024'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_pilot_start', 'pilot', ['start_date', 'id'], unique=False)
    op.drop_index('ix_proposal_priority_score', table_name='proposal')
    op.create_index('ix_proposal_priority', 'proposal', ['priority_score', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_proposal_priority', table_name='proposal')
    op.create_index('ix_proposal_priority_score', 'proposal', ['priority_score'], unique=False)
    op.drop_index('ix_pilot_start', table_name='pilot')
