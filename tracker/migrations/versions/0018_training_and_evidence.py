"""a deployment's training sessions (who attended) and materials; evidence on status rows and audit results

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30 08:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401 - autogenerate writes sqlmodel.sql.sqltypes.AutoString
from alembic import op

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

String = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        'evidence',
        sa.Column('file_name', String(length=200), nullable=False),
        sa.Column('file_type', String(length=120), nullable=False),
        sa.Column('file_size', sa.Integer(), nullable=True),
        sa.Column('file_sha256', String(length=64), nullable=False),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('training_material', 'support_material', 'adoption', 'audit', name='evidencekind',
                                  native_enum=False, length=30), nullable=False),
        sa.Column('deployment_id', sa.Integer(), nullable=True),
        sa.Column('row_id', sa.Integer(), nullable=True),
        sa.Column('audit_result_id', sa.Integer(), nullable=True),
        sa.Column('note', String(length=2000), nullable=False),
        sa.Column('link', String(length=1000), nullable=False),
        sa.Column('added_by_id', sa.Integer(), nullable=False),
        sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['added_by_id'], ['user.id']),
        sa.ForeignKeyConstraint(['audit_result_id'], ['audit_result.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['deployment_id'], ['deployment.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['row_id'], ['project_deployment.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.create_index('ix_evidence_audit_result_id', ['audit_result_id'], unique=False)
        batch_op.create_index('ix_evidence_deployment_id', ['deployment_id'], unique=False)
        batch_op.create_index('ix_evidence_file_sha256', ['file_sha256'], unique=False)
        batch_op.create_index('ix_evidence_row_id', ['row_id'], unique=False)
    op.create_table(
        'training_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('deployment_id', sa.Integer(), nullable=False),
        sa.Column('asset_version_id', sa.Integer(), nullable=False),
        sa.Column('held_on', sa.Date(), nullable=False),
        sa.Column('notes', String(length=2000), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['asset_version_id'], ['asset_version.id']),
        sa.ForeignKeyConstraint(['deployment_id'], ['deployment.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id']),
        sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('training_session', schema=None) as batch_op:
        batch_op.create_index('ix_training_session_asset_version_id', ['asset_version_id'], unique=False)
        batch_op.create_index('ix_training_session_deployment_id', ['deployment_id'], unique=False)
    op.create_table(
        'training_project',
        sa.Column('training_id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['training_id'], ['training_session.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('training_id', 'project_id'))
    with op.batch_alter_table('training_project', schema=None) as batch_op:
        batch_op.create_index('ix_training_project_project_id', ['project_id'], unique=False)
    op.create_table(
        'training_attendee',
        sa.Column('training_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['training_id'], ['training_session.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('training_id', 'user_id'))


def downgrade() -> None:
    op.drop_table('training_attendee')
    with op.batch_alter_table('training_project', schema=None) as batch_op:
        batch_op.drop_index('ix_training_project_project_id')
    op.drop_table('training_project')
    with op.batch_alter_table('training_session', schema=None) as batch_op:
        batch_op.drop_index('ix_training_session_deployment_id')
        batch_op.drop_index('ix_training_session_asset_version_id')
    op.drop_table('training_session')
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_index('ix_evidence_row_id')
        batch_op.drop_index('ix_evidence_file_sha256')
        batch_op.drop_index('ix_evidence_deployment_id')
        batch_op.drop_index('ix_evidence_audit_result_id')
    op.drop_table('evidence')
