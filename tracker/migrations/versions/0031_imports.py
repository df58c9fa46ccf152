"""imports: files uploaded to import, the column mapping remembered per kind, the record each external key became

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-01 18:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0031'
down_revision: str | None = '0030'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = ('projects', 'assets', 'proposals', 'lessons', 'tailoring', 'redmine')


def upgrade() -> None:
    op.create_table(
        'import_batch',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum(*KINDS, name='importkind', native_enum=False, length=30), nullable=False),
        sa.Column('filename', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
        sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('mapping', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('state', sa.Enum('uploaded', 'imported', name='batchstate', native_enum=False, length=30),
                  nullable=False),
        sa.Column('imported_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created', sa.Integer(), nullable=False),
        sa.Column('updated', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'import_mapping',
        sa.Column('kind', sa.Enum(*KINDS, name='importkind', native_enum=False, length=30), nullable=False),
        sa.Column('mapping', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('kind'),
    )
    op.create_table(
        'imported_record',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum(*KINDS, name='importkind', native_enum=False, length=30), nullable=False),
        sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.Column('batch_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('kind', 'key', name='uq_imported_record_key'),
    )
    op.create_index('ix_imported_record_batch_id', 'imported_record', ['batch_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_imported_record_batch_id', table_name='imported_record')
    op.drop_table('imported_record')
    op.drop_table('import_mapping')
    op.drop_table('import_batch')
