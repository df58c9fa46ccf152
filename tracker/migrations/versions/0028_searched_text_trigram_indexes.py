"""on PostgreSQL, a trigram index on the text each large list's search box and each lookup read (lower(column), as
sql.contains matches): a search for a word no proposal holds read all 200,000 proposals at ten times the
synthetic organization; the index finds the few that hold it (or none). SQLite keeps its scan: it serves the
smaller organizations (its names and numbers in bench/results), PostgreSQL the ones that outgrow it.

pg_trgm ships with PostgreSQL (Debian's postgresql package) and is a trusted extension: the database's owner may
create it.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-01 14:05:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0028'
down_revision: str | None = '0027'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEARCHED = {"proposal": ("title", "problem"), "lesson": ("title", "context", "what_happened", "recommendation"),
            "tailoring_record": ("element",), "action_plan": ("title",), "commitment": ("description",)}


def upgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, columns in SEARCHED.items():
        for column in columns:
            op.create_index(f"ix_{table}_{column}_trgm", table, [sa.text(f"lower({column}) gin_trgm_ops")],
                            postgresql_using="gin")


def downgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    for table, columns in SEARCHED.items():
        for column in columns:
            op.drop_index(f"ix_{table}_{column}_trgm", table_name=table)
