"""an asset version's content (a kept file and/or a link), its author, and its sign-offs

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30 07:00:00
"""
import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401 - autogenerate writes sqlmodel.sql.sqltypes.AutoString
from alembic import op

revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

String = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table('asset_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('author_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('link', String(length=1000), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('file_name', String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('file_type', String(length=120), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('file_size', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('file_sha256', String(length=64), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('fingerprint', String(length=64), nullable=False, server_default=''))
        batch_op.create_foreign_key('fk_asset_version_author_id_user', 'user', ['author_id'], ['id'])
        batch_op.create_index('ix_asset_version_file_sha256', ['file_sha256'], unique=False)
    # The author of a version drafted before: whoever the history says created it.
    op.execute("UPDATE asset_version SET author_id = (SELECT MIN(e.user_id) FROM audit_event e "
               "WHERE e.entity = 'asset_version' AND e.entity_id = asset_version.id AND e.action = 'create')")
    # What a sign-off approves (tracker.assets.models.fingerprint_of, written out: a migration does not change
    # with the code).
    versions = sa.table('asset_version', sa.column('id'), sa.column('label'), sa.column('change_notes'),
                        sa.column('fingerprint'))
    connection = op.get_bind()
    for id_, label, notes in connection.execute(sa.select(versions.c.id, versions.c.label, versions.c.change_notes)):
        fingerprint = hashlib.sha256("\0".join((label, notes, "", "")).encode()).hexdigest()
        connection.execute(versions.update().where(versions.c.id == id_).values(fingerprint=fingerprint))
    op.create_table(
        'version_approval',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('asset_version_id', sa.Integer(), nullable=False),
        sa.Column('capacity', sa.Enum('owner', 'process_group', name='capacity', native_enum=False, length=30),
                  nullable=False),
        sa.Column('approver_id', sa.Integer(), nullable=False),
        sa.Column('comment', String(length=2000), nullable=False),
        sa.Column('fingerprint', String(length=64), nullable=False),
        sa.Column('approved_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['approver_id'], ['user.id']),
        sa.ForeignKeyConstraint(['asset_version_id'], ['asset_version.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('version_approval', schema=None) as batch_op:
        batch_op.create_index('ix_version_approval_asset_version_id', ['asset_version_id'], unique=False)
    op.create_table(
        'content_blob',
        sa.Column('sha256', String(length=64), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint('sha256'))


def downgrade() -> None:
    op.drop_table('content_blob')
    with op.batch_alter_table('version_approval', schema=None) as batch_op:
        batch_op.drop_index('ix_version_approval_asset_version_id')
    op.drop_table('version_approval')
    with op.batch_alter_table('asset_version', schema=None) as batch_op:
        batch_op.drop_index('ix_asset_version_file_sha256')
        batch_op.drop_constraint('fk_asset_version_author_id_user', type_='foreignkey')
        for column in ('fingerprint', 'file_sha256', 'file_size', 'file_type', 'file_name', 'link', 'author_id'):
            batch_op.drop_column(column)
