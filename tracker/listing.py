"""A list people work with: its columns (what each shows, how it sorts, what its CSV cell is), one page of it in the
order asked, and every row the filters select as CSV cells, streamed.

A domain declares its list once (a `Listing` beside its service) and builds the filtered select (`<records>_matching`,
no order, no loader options); `web.list_page` answers the page, its fragment or the CSV from the two."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum

import sqlalchemy as sa
from sqlmodel import Session

from tracker.db import Page, UTCDateTime, paginate
from tracker.sql import day_text, joined, minute_text

EXPORT_BATCH = 1000  # rows fetched at a time while a CSV streams


@dataclass(frozen=True)
class Column:
    """One column: its header; the SQL it sorts by (none: not sortable); its CSV cell as SQL (none: not exported)."""
    label: str
    sort: tuple = ()
    csv: object = None
    shown: bool = True  # False: in the CSV only
    csv_label: str = ""  # the CSV's header, where the table's says less ("Period" over "from – to": "Period from")
    joins: tuple = ()  # (entity, on) its sort and cell need, in order, joined only when the list sorts or exports by it;
    # (entity, on, OUTER) where the reference may be empty (a lesson's project), so the join keeps every row


@dataclass(frozen=True)
class Listing:
    name: str  # the CSV's file name, and the id of the list's sort field
    key: object  # the record's id: last in every order, so paging never repeats or skips a row
    columns: dict[str, Column]
    default: str  # the sort when none is asked: a key of `columns`, "-" before it for descending
    load: tuple = ()  # loader options for the records a page shows
    shown: list[tuple[str, Column]] = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "shown", [(key, column) for key, column in self.columns.items() if column.shown])

    def sort_of(self, raw: str | None) -> str:
        """The sort asked for, when it is a sortable column ("-" before it: descending); the default otherwise."""
        raw = raw or ""
        column = self.columns.get(raw.removeprefix("-"))
        return raw if column is not None and column.sort else self.default

    def ordered(self, statement, sort: str, shown: list[Column] = ()):
        """The select in the order asked, joined to what that order and the `shown` columns need."""
        column = self.columns[sort.removeprefix("-")]
        descending = sort.startswith("-")
        # The key the same way as the column: ties come in id order reversed too, so an index on the column (which
        # holds the id after it: SQLite's rowid; (column, id) on PostgreSQL) gives the whole order read backwards,
        # where a mixed order sorted every row of the leading ties (the proposals by priority: 6.4 ms at scale 10).
        return with_joins(statement, [*shown, column]).order_by(
            *(part.desc() if descending else part for part in (*column.sort, self.key)))

    def page(self, session: Session, statement, *, sort: str, page: int, size: int, load: tuple | None = None) -> Page:
        """One page of the records, in the order asked (then by id), with what the list shows loaded (`load`: less,
        where the page holds some of it already)."""
        return paginate(session, self.ordered(statement, sort).options(*(self.load if load is None else load)),
                        page=page, size=size)

    def header(self) -> list[str]:
        return [column.csv_label or column.label for column in self.columns.values() if column.csv is not None]

    def rows(self, session: Session, statement, *, sort: str) -> Iterator[list]:
        """Every record the statement selects, in the list's order, as CSV cells: plain columns fetched a batch at a
        time (no records built, nothing held but the batch)."""
        exported = [column for column in self.columns.values() if column.csv is not None]
        matching = statement.with_only_columns(self.key)  # the records exported, for the cells of several values
        ordered, cells = self.ordered(statement, sort, exported), []
        row_by_row = session.get_bind().dialect.name == "sqlite"  # Many: which way each database reads them fastest
        for n, column in enumerate(exported):
            if isinstance(column.csv, Many) and not row_by_row:
                group = column.csv.grouped(matching)
                ordered = ordered.outerjoin(group, group.c.key == self.key)
                cells.append(group.c.value.label(f"c{n}"))
            elif isinstance(column.csv, Many):
                cells.append(column.csv.per_row().label(f"c{n}"))
            else:
                cells.append(column.csv.label(f"c{n}"))  # labelled: one each, even alike
        yield from stream(session, ordered.with_only_columns(*cells, maintain_column_froms=True))


def with_joins(statement, columns: list[Column]):
    """The select with the joins these columns need, each once. A list joins a table only to sort or export by it
    (a join the page does not need can lead SQLite's planner away from the index that gives the order), so a
    `<records>_matching` select never joins a table a column joins: its filters reach such tables by subquery.
    (Asking the select which tables it already joins costs 1.5 ms a call: more than the page's queries.)"""
    joined: set = set()
    for column in columns:
        for entity, on, *outer in column.joins:
            if entity not in joined:
                joined.add(entity)
                statement = statement.join(entity, on, isouter=OUTER in outer)
    return statement


OUTER = "outer"  # a Column's join that keeps the rows whose reference is empty


def stream(session: Session, plain) -> Iterator[list]:
    """A select of plain columns as CSV cells, fetched a batch at a time (nothing held but the batch). Each column is
    read as its cell's text where the database can say it (`in_words`: labels, dates), so no enum, date or datetime
    is built per row only to be written out again."""
    plain = plain.with_only_columns(*(in_words(column.element).label(column.name) if isinstance(column, sa.Label)
                                      else in_words(column) for column in plain.selected_columns),
                                    maintain_column_froms=True)
    result = session.connection().execute(plain.execution_options(yield_per=EXPORT_BATCH))  # rows, not the ORM's
    try:
        for batch in result.partitions():
            for row in batch:  # most cells are written as they come (csv writes None as empty): no call for them
                yield [value if type(value) in AS_THEY_ARE else cell(value) for value in row]
    finally:
        result.close()


AS_THEY_ARE = frozenset({str, int, float, type(None)})


def cell(value: object) -> object:
    """A value that is not written as it is (AS_THEY_ARE) as a spreadsheet cell: a status by its label, a date in
    ISO form, yes or no."""
    if isinstance(value, Enum):
        return getattr(value, "label", value.value)
    if isinstance(value, datetime):
        return value.isoformat(" ", "minutes")[:16]  # "2026-11-30 14:05", half strftime's cost
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def in_words(expression):
    """A CSV cell's SQL: a status column read as its label, a date as "2026-11-30" and a time as "2026-11-30 14:05"
    (UTC) by the database, as `cell` would write them (no enum, date or datetime built per row)."""
    kind = getattr(expression, "type", None)
    members = getattr(kind, "enum_class", None)
    if isinstance(kind, sa.Enum) and members is not None and all(hasattr(m, "label") for m in members):
        return labelled(expression, members)
    if isinstance(kind, sa.DateTime | UTCDateTime):
        return minute_text(expression)
    if isinstance(kind, sa.Date):
        return day_text(expression)
    return expression


def one(column, *where):
    """A related record's value as a column of this one (a correlated subquery: one value or none)."""
    return sa.select(column).where(*where).limit(1).scalar_subquery()


@dataclass(frozen=True)
class Many:
    """Several related records' values as one CSV cell ("; " between them): `value` over the link rows that `on`
    says are the listed record's (`ProposalArea.proposal_id == Proposal.id`), reached through `where`, in `order`
    (the same on both databases, and as the record's page lists them).

    Each database reads them its fastest way: PostgreSQL a grouped join over the records exported (a subquery per
    row cost it 4.5 µs a row and a cell: the proposals CSV streamed 67,000 rows/s); SQLite a subquery per row (it
    runs one in its own loop for well under a µs, where the grouped join sorted every link row first: 88,000 rows/s
    at ten times the synthetic organization)."""
    value: object
    on: object
    where: tuple  # the joins from the link to what `value` reads
    order: object

    def grouped(self, matching):
        """SQL: the cells of the `matching` records (a select of their ids), one row a record that has any, as
        (key, value); joined on `key` to the list."""
        key = self.on.left  # the link's reference to the listed record
        values = (sa.select(key.label("key"), self.value.label("value"), self.order.label("position"))
                  .where(*self.where, key.in_(matching)).subquery())
        return (sa.select(values.c.key, joined(values.c.value, values.c.position).label("value"))
                .group_by(values.c.key).subquery())

    def per_row(self):
        """SQL: the listed record's cell, as a subquery of it; the values come to group_concat in their order."""
        values = (sa.select(self.value.label("value")).where(self.on, *self.where).order_by(self.order)
                  .correlate(self.on.right.table).subquery())
        return sa.select(joined(values.c.value, values.c.value)).scalar_subquery()


def many(column, on, *where, order=None) -> Many:
    """Several related records' values as one CSV cell: `on` says which link rows are the record's, `where` joins
    them to what `column` reads; in the order of `order` (by default the values themselves)."""
    return Many(column, on, where, column if order is None else order)


def labelled(column, enum: type[Enum]):
    """SQL: a status column as people read it (its label), for a cell built in SQL (a group's values joined)."""
    return sa.case({member.value: member.label for member in enum}, value=sa.cast(column, sa.String))
