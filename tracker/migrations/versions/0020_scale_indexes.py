"""indexes for an organization's worth of data: a status's proposals by priority, duplicates, a proposal's plans

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30 14:00:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.create_index('ix_proposal_status_priority', ['status', 'priority_score', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_duplicate_of_id'), ['duplicate_of_id'], unique=False)
    with op.batch_alter_table('plan_proposal', schema=None) as batch_op:
        batch_op.create_index('ix_plan_proposal_proposal_id', ['proposal_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('plan_proposal', schema=None) as batch_op:
        batch_op.drop_index('ix_plan_proposal_proposal_id')
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_duplicate_of_id'))
        batch_op.drop_index('ix_proposal_status_priority')
