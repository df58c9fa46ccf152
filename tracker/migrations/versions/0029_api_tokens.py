"""personal access tokens for the JSON API: named, scoped, expiring, revocable; only their SHA-256 kept

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-01 16:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0029'
down_revision: str | None = '0028'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'api_token',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column('scope', sa.Enum('read', 'write', name='scope', native_enum=False, length=30), nullable=False),
        sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('shown', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('expires_on', sa.Date(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_index('ix_api_token_user', 'api_token', ['user_id', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_api_token_user', table_name='api_token')
    op.drop_table('api_token')
