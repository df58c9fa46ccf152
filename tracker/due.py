"""When a record with a due date is overdue: one rule for the pages that show it and the counts that count it.

A record is overdue once its date has passed while its status still owes the work; the same definition feeds
the badge beside a date (the `due` macro) and the SQL of every count and filter of overdue records.
"""

import calendar
from datetime import date

import sqlalchemy as sa

from tracker.action_plans.models import Commitment, CommitmentStatus
from tracker.compliance.models import Noncompliance, NoncomplianceStatus
from tracker.deployments.models import ProjectDeployment, RowStatus
from tracker.tailoring.models import TailoringRecord, TailoringStatus

# model -> (its date column, the statuses in which that date is still owed)
DUE: dict[type, tuple[str, frozenset]] = {
    Commitment: ("due_date", frozenset({CommitmentStatus.OPEN, CommitmentStatus.IN_PROGRESS})),
    Noncompliance: ("due_date", frozenset({NoncomplianceStatus.OPEN, NoncomplianceStatus.IN_PROGRESS})),
    ProjectDeployment: ("planned_date", frozenset({RowStatus.NOT_STARTED, RowStatus.PLANNED, RowStatus.IN_PROGRESS})),
    TailoringRecord: ("review_by", frozenset({TailoringStatus.REQUESTED})),
}


# model -> the flag a record must hold to owe anything: a superseded status row (its project has a newer version of
# the asset to deploy) owes nothing, whatever its status (a walk-through found them counted as work to do).
COUNTS: dict[type, str] = {ProjectDeployment: "current"}


def is_owed(record: object) -> bool:
    """Whether this record still owes the work (owed_clause, for one record: a reminder of it is done otherwise)."""
    counts = COUNTS.get(type(record))
    return record.status in DUE[type(record)][1] and (counts is None or getattr(record, counts))


def is_overdue(record: object, today: date) -> bool:
    """Whether this record's date has passed while it still owes the work."""
    due = getattr(record, DUE[type(record)][0])
    return due is not None and due < today and is_owed(record)


def owed_clause(model: type) -> sa.ColumnElement[bool]:
    """SQL: the records whose status still owes the work (a home tile's, My work's and a list's "to do")."""
    owing = model.status.in_(DUE[model][1])
    return sa.and_(owing, getattr(model, COUNTS[model])) if model in COUNTS else owing


def overdue_clause(model: type, today: date) -> sa.ColumnElement[bool]:
    """The same rule as a WHERE clause, for counts and list filters."""
    return sa.and_(getattr(model, DUE[model][0]) < today, owed_clause(model))


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter: 31 January + 1 = 28/29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
