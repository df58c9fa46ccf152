"""The few date expressions SQLite and PostgreSQL spell differently, so the dashboards aggregate in SQL on both:
the month of a date, the day of a timestamp, and the days between two dates."""

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class month_of(FunctionElement):  # noqa: N801 - used like a SQL function
    """'YYYY-MM' of a date or timestamp."""
    type = sa.String()
    inherit_cache = True


@compiles(month_of, "sqlite")
def _month_sqlite(element, compiler, **kw):
    return f"strftime('%Y-%m', {compiler.process(element.clauses, **kw)})"


@compiles(month_of, "postgresql")
def _month_postgresql(element, compiler, **kw):
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM')"


class day_of(FunctionElement):  # noqa: N801
    """The calendar day of a timestamp (UTC, as stored)."""
    type = sa.Date()
    inherit_cache = True


@compiles(day_of, "sqlite")
def _day_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)})"


@compiles(day_of, "postgresql")
def _day_postgresql(element, compiler, **kw):
    return f"CAST(({compiler.process(element.clauses, **kw)} AT TIME ZONE 'UTC') AS DATE)"


class days_between(FunctionElement):  # noqa: N801
    """Whole days from the second date to the first (later, earlier)."""
    type = sa.Integer()
    inherit_cache = True


@compiles(days_between, "sqlite")
def _days_sqlite(element, compiler, **kw):
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


@compiles(days_between, "postgresql")
def _days_postgresql(element, compiler, **kw):
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"(CAST({later} AS DATE) - CAST({earlier} AS DATE))"


def median(value, *, partition) -> tuple:
    """Window columns for a median in plain SQL (SQLite has no percentile function): select them, keep the rows
    whose `position` is in the middle of `total`, and average their `value` (see `middle`)."""
    return (sa.func.row_number().over(partition_by=partition, order_by=value).label("position"),
            sa.func.count().over(partition_by=partition).label("total"))


def middle(ranked) -> sa.ColumnElement:
    """The middle row (odd count) or the two middle rows (even count) of a subquery with `median`'s columns."""
    return sa.or_(ranked.c.position == (ranked.c.total + 1) // 2, ranked.c.position == ranked.c.total // 2 + 1)
