"""indexes found missing at ten times the data: who must answer a commitment's pending terms, a person's open
issues, the proposals raised from a record (a finding, feedback), an asset's proposals; a page reads its few rows

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-30 16:20:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0022'
down_revision: str | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


INDEXES = [  # (table, index, columns)
    ('commitment', 'ix_commitment_awaiting', ['awaiting']),
    ('plan_issue', 'ix_plan_issue_owner', ['owner_id', 'status']),
    ('proposal', 'ix_proposal_source_record', ['source_entity', 'source_id']),
    ('proposal_asset', 'ix_proposal_asset_asset', ['asset_id']),
]


def upgrade() -> None:
    for table, index, columns in INDEXES:
        op.create_index(index, table, columns, unique=False)


def downgrade() -> None:
    for table, index, _ in reversed(INDEXES):
        op.drop_index(index, table_name=table)
