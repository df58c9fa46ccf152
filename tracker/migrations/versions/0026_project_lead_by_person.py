"""a person's projects found by the person: the key (project_id, user_id) served only a project's leads, so "the
projects these people lead, by code" scanned every project

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-01 12:00:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0026'
down_revision: str | None = '0025'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f('ix_project_lead_user_id'), 'project_lead', ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_project_lead_user_id'), table_name='project_lead')
