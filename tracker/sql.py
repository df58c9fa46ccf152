"""SQL that SQLite and PostgreSQL spell differently, each declared once: a function of its arguments' SQL, written
for each database ({0}, {1}: the arguments). The dashboards aggregate with them; the lists export with them."""

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


def dialect_function(name: str, kind: sa.types.TypeEngine, doc: str, *, sqlite: str, postgresql: str) -> type:
    """A SQL function used like `func.x(...)`, of type `kind`, rendered from the template of the database at hand."""
    function = type(name, (FunctionElement,), {"type": kind, "inherit_cache": True, "__doc__": doc})
    for dialect, template in (("sqlite", sqlite), ("postgresql", postgresql)):
        compiles(function, dialect)(lambda element, compiler, template=template, **kw: template.format(
            *(compiler.process(clause, **kw) for clause in element.clauses)))
    return function


month_of = dialect_function("month_of", sa.String(), "'YYYY-MM' of a date or timestamp.",
                            sqlite="strftime('%Y-%m', {0})", postgresql="to_char({0}, 'YYYY-MM')")
day_of = dialect_function("day_of", sa.Date(), "The calendar day of a timestamp (UTC, as stored).",
                          sqlite="date({0})", postgresql="CAST(({0} AT TIME ZONE 'UTC') AS DATE)")
days_between = dialect_function("days_between", sa.Integer(), "Whole days from the second date to the first.",
                                sqlite="CAST(julianday({0}) - julianday({1}) AS INTEGER)",
                                postgresql="(CAST({0} AS DATE) - CAST({1} AS DATE))")
joined = dialect_function("joined", sa.String(),
                          'The values of a group in one text, "; " between them (a record\'s leads, areas, objectives), '
                          'in the order of the second argument: PostgreSQL orders them itself; SQLite (before 3.44, no '
                          'ORDER BY in an aggregate) joins them as they come, so they must come in that order '
                          '(listing.Many.per_row).',
                          sqlite="group_concat({0}, '; ')",
                          postgresql="string_agg(CAST({0} AS TEXT), '; ' ORDER BY {1})")
# SQLite holds times and dates as text already ("2026-11-30 14:05:00.000000", in UTC; "2026-11-30"): their start.
minute_text = dialect_function("minute_text", sa.String(), 'A UTC time as a CSV cell\'s text: "2026-11-30 14:05".',
                               sqlite="substr({0}, 1, 16)",
                               postgresql="to_char({0} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')")
day_text = dialect_function("day_text", sa.String(), 'A date as a CSV cell\'s text: "2026-11-30".',
                            sqlite="substr({0}, 1, 10)", postgresql="to_char({0}, 'YYYY-MM-DD')")


unicode_lower = dialect_function("unicode_lower", sa.String(), "Text in lower case, beyond ASCII too.",
                                 sqlite="unicode_lower({0})", postgresql="lower({0})")  # db._lower on SQLite


def contains(typed: str, *columns):
    """SQL: one of the columns holds the typed text, whatever its case; a typed % or _ is itself, not a wildcard.
    What every list's search box and every lookup's suggestions match by. Typed ASCII is matched by SQLite's own
    lower() (ASCII letters are all it folds, all it need fold, and it is the fast one); other text by
    unicode_lower, so "über" finds "Über" on SQLite as on PostgreSQL."""
    escaped = typed.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    lower = sa.func.lower if typed.isascii() else unicode_lower
    return sa.or_(*(lower(column).like(f"%{escaped}%", escape="\\") for column in columns))
