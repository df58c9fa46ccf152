"""users hold a set of roles: each user's one role becomes their first row in user_role

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30 09:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401 - autogenerate writes sqlmodel.sql.sqltypes.AutoString
from alembic import op

revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = ('admin', 'process_group', 'steering', 'project_lead', 'member')


def upgrade() -> None:
    op.create_table(
        'user_role',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.Enum(*ROLES, name='role', native_enum=False, length=30), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'role'))
    op.execute('INSERT INTO user_role (user_id, role) SELECT id, role FROM "user"')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('role')


def downgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role', sa.Enum(*ROLES, name='role', native_enum=False, length=30),
                                      nullable=True))
    # One role each again: the first a user holds, in the order of ROLES (the widest first).
    order = " ".join(f"WHEN '{role}' THEN {n}" for n, role in enumerate(ROLES))
    op.execute(f'UPDATE "user" SET role = (SELECT r.role FROM user_role r WHERE r.user_id = "user".id '
               f'ORDER BY CASE r.role {order} END LIMIT 1)')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('role', nullable=False)
    op.drop_table('user_role')
