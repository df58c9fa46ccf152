"""commitments are negotiated: their terms (proposed, countered, agreed), who is awaited, renegotiations, and the
commitments of other plans they wait for

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 04:10:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401 - autogenerate writes sqlmodel.sql.sqltypes.AutoString
from alembic import op

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('awaiting', sa.Enum('owner', 'plan', name='party', native_enum=False, length=30),
                                      nullable=True))
        batch_op.add_column(sa.Column('renegotiations', sa.Integer(), nullable=False, server_default='0'))
    op.create_table(
        'commitment_terms',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('commitment_id', sa.Integer(), nullable=False),
        sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column('due_date', sa.Date(), nullable=False),
        sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column('proposed_by_id', sa.Integer(), nullable=False),
        sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('state', sa.Enum('pending', 'agreed', 'countered', 'declined', name='termsstate', native_enum=False,
                                   length=30), nullable=False),
        sa.Column('answered_by_id', sa.Integer(), nullable=True),
        sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('answer', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.ForeignKeyConstraint(['answered_by_id'], ['user.id']),
        sa.ForeignKeyConstraint(['commitment_id'], ['commitment.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['proposed_by_id'], ['user.id']),
        sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('commitment_terms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commitment_terms_commitment_id'), ['commitment_id'], unique=False)
    op.create_table(
        'commitment_dependency',
        sa.Column('commitment_id', sa.Integer(), nullable=False),
        sa.Column('depends_on_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['commitment_id'], ['commitment.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['depends_on_id'], ['commitment.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('commitment_id', 'depends_on_id'))
    with op.batch_alter_table('commitment_dependency', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commitment_dependency_depends_on_id'), ['depends_on_id'], unique=False)
    # What each commitment logged so far was given with: its first agreed terms (its owner's, as assigned then).
    op.execute("INSERT INTO commitment_terms (commitment_id, description, due_date, reason, proposed_by_id, "
               "proposed_at, state, answered_by_id, answered_at, answer) "
               "SELECT id, description, due_date, 'As given when it was logged', owner_id, created_at, 'agreed', "
               "owner_id, created_at, '' FROM commitment")


def downgrade() -> None:
    with op.batch_alter_table('commitment_dependency', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commitment_dependency_depends_on_id'))
    op.drop_table('commitment_dependency')
    with op.batch_alter_table('commitment_terms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commitment_terms_commitment_id'))
    op.drop_table('commitment_terms')
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.drop_column('renegotiations')
        batch_op.drop_column('awaiting')
