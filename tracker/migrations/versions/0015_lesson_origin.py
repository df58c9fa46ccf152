"""a lesson names the pilot, deployment or compliance audit it was learned from

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 04:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ORIGINS = (('pilot_id', 'pilot'), ('deployment_id', 'deployment'), ('audit_id', 'compliance_audit'))


def upgrade() -> None:
    with op.batch_alter_table('lesson', schema=None) as batch_op:
        for column, table in ORIGINS:
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_lesson_{column}'), [column], unique=False)
            batch_op.create_foreign_key(batch_op.f(f'fk_lesson_{column}_{table}'), table, [column], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('lesson', schema=None) as batch_op:
        for column, table in ORIGINS:
            batch_op.drop_constraint(batch_op.f(f'fk_lesson_{column}_{table}'), type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_lesson_{column}'))
            batch_op.drop_column(column)
