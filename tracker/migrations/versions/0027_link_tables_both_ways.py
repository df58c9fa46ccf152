"""every link table found from its second side too: its key leads with the first (a proposal's objectives), so the
other way round (an objective's proposals, an area's appraisals, a person's teams, a version's pilots) scanned the
whole table; at ten times the synthetic organization an objective's page read all 300,000 proposal_objective rows

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-01 12:05:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0027'
down_revision: str | None = '0026'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SECOND_SIDE = (("appraisal_area", "area_id"), ("appraisal_project", "project_id"),
               ("appraisal_team_member", "user_id"), ("asset_area", "area_id"), ("plan_objective", "objective_id"),
               ("proposal_area", "area_id"), ("proposal_objective", "objective_id"), ("review_attendee", "user_id"),
               ("team_member", "user_id"), ("deployment_version", "asset_version_id"),
               ("joint_review_attendee", "user_id"), ("pilot_asset_version", "asset_version_id"),
               ("pilot_project", "project_id"), ("training_attendee", "user_id"))


def upgrade() -> None:
    for table, column in SECOND_SIDE:
        op.create_index(op.f(f'ix_{table}_{column}'), table, [column], unique=False)


def downgrade() -> None:
    for table, column in SECOND_SIDE:
        op.drop_index(op.f(f'ix_{table}_{column}'), table_name=table)
