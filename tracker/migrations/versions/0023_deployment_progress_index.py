"""a deployment's rows counted per status from the index alone (the deployments list's progress): the index on
deployment_id becomes one on (deployment_id, status); the unique constraint still leads with deployment_id

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-30 23:20:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0023'
down_revision: str | None = '0022'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index('ix_project_deployment_deployment_id', table_name='project_deployment')
    op.create_index('ix_project_deployment_deployment_status', 'project_deployment', ['deployment_id', 'status'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_project_deployment_deployment_status', table_name='project_deployment')
    op.create_index('ix_project_deployment_deployment_id', 'project_deployment', ['deployment_id'], unique=False)
