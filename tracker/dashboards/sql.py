"""Medians in plain SQL, which both databases run alike (SQLite has no percentile function). The date expressions
the two spell differently are in tracker/sql.py."""

import sqlalchemy as sa


def median(value, *, partition) -> tuple:
    """Window columns for a median in plain SQL (SQLite has no percentile function): select them, keep the rows
    whose `position` is in the middle of `total`, and average their `value` (see `middle`)."""
    return (sa.func.row_number().over(partition_by=partition, order_by=value).label("position"),
            sa.func.count().over(partition_by=partition).label("total"))


def middle(ranked) -> sa.ColumnElement:
    """The middle row (odd count) or the two middle rows (even count) of a subquery with `median`'s columns."""
    return sa.or_(ranked.c.position == (ranked.c.total + 1) // 2, ranked.c.position == ranked.c.total // 2 + 1)
