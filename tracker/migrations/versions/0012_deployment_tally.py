"""each project's current status rows counted per status (the deployment charts read the tally, not every row)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 03:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'deployment_tally',
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.Enum('not_started', 'planned', 'in_progress', 'deployed', 'verified', 'not_applicable',
                                    name='rowstatus', native_enum=False, length=30), nullable=False),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('project_id', 'status'))
    op.execute("INSERT INTO deployment_tally (project_id, status, rows) SELECT project_id, status, count(*) "
               "FROM project_deployment WHERE current GROUP BY project_id, status")


def downgrade() -> None:
    op.drop_table('deployment_tally')
