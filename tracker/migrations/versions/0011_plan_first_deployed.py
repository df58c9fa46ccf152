"""each action plan's first deployment kept on the plan; the current status rows indexed

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 02:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The first day a project deployed a version the plan deployed or piloted: the rule deployments.reach keeps.
DEPLOYED = ("(SELECT min(pd.deployed_on) FROM project_deployment pd JOIN deployment d ON d.id = pd.deployment_id "
            "WHERE d.plan_id = action_plan.id)")
PILOTED = ("(SELECT min(pd.deployed_on) FROM project_deployment pd "
           "JOIN pilot_asset_version pav ON pav.asset_version_id = pd.asset_version_id "
           "JOIN pilot p ON p.id = pav.pilot_id WHERE p.plan_id = action_plan.id)")


def upgrade() -> None:
    with op.batch_alter_table('action_plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_deployed_on', sa.Date(), nullable=True))
    op.execute(f"UPDATE action_plan SET first_deployed_on = CASE WHEN {DEPLOYED} IS NULL THEN {PILOTED} "
               f"WHEN {PILOTED} IS NULL THEN {DEPLOYED} WHEN {DEPLOYED} < {PILOTED} THEN {DEPLOYED} "
               f"ELSE {PILOTED} END")
    with op.batch_alter_table('project_deployment', schema=None) as batch_op:
        batch_op.create_index('ix_project_deployment_current', ['current', 'project_id', 'status', 'asset_version_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('project_deployment', schema=None) as batch_op:
        batch_op.drop_index('ix_project_deployment_current')
    with op.batch_alter_table('action_plan', schema=None) as batch_op:
        batch_op.drop_column('first_deployed_on')
