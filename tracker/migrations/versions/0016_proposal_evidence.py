"""the records behind a proposal besides the one it was raised from (a lesson attached to it later)

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 05:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401 - autogenerate writes sqlmodel.sql.sqltypes.AutoString
from alembic import op

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'proposal_evidence',
        sa.Column('proposal_id', sa.Integer(), nullable=False),
        sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('entity_id', sa.Integer(), nullable=False),
        sa.Column('linked_by_id', sa.Integer(), nullable=False),
        sa.Column('linked_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['linked_by_id'], ['user.id']),
        sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('proposal_id', 'entity', 'entity_id'))
    with op.batch_alter_table('proposal_evidence', schema=None) as batch_op:
        batch_op.create_index('ix_proposal_evidence_entity', ['entity', 'entity_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('proposal_evidence', schema=None) as batch_op:
        batch_op.drop_index('ix_proposal_evidence_entity')
    op.drop_table('proposal_evidence')
