"""an index for each long list's default order (and pickers' by name): a page reads 25 rows in order, not all

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-30 14:10:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = [  # (table, index, columns)
    ('action_plan', 'ix_action_plan_planned', ['planned_start', 'planned_end', 'id']),
    ('commitment', 'ix_commitment_due', ['due_date', 'id']),
    ('plan_issue', 'ix_plan_issue_created', ['created_at', 'id']),
    ('compliance_audit', 'ix_compliance_audit_date', ['audit_date', 'id']),
    ('noncompliance', 'ix_noncompliance_due', ['due_date', 'id']),
    ('lesson', 'ix_lesson_created', ['created_at', 'id']),
    ('tailoring_record', 'ix_tailoring_record_tailored', ['tailored_on', 'id']),
    ('user', 'ix_user_name', ['name', 'id']),
]


def upgrade() -> None:
    for table, index, columns in INDEXES:
        op.create_index(index, table, columns, unique=False)


def downgrade() -> None:
    for table, index, _ in reversed(INDEXES):
        op.drop_index(index, table_name=table)
