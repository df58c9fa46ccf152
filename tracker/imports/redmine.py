"""Redmine issues as proposals: Redmine's issue CSV export, or its REST JSON saved to a file (`/issues.json`, or
issues read one by one with `?include=journals`), read as a table of the columns below; the tracker, status and
priority translated to a source, a status and an expected benefit by tables the importer sees and may change;
the author, dates and journals kept as the proposal's submitter, dates and comments."""

import json
import re
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, time

from sqlmodel import Session, select

from tracker.auth.models import User
from tracker.errors import ValidationError
from tracker.history.service import apply_changes, bump_version, record_create
from tracker.imports.read import Table, read_table
from tracker.lookup import Unresolved, resolve
from tracker.proposals.models import Proposal, ProposalComment, ProposalSource, ProposalStatus

# The columns a JSON file becomes, named as Redmine's CSV export (in English) names them.
COLUMNS = ["#", "Tracker", "Status", "Priority", "Subject", "Description", "Author", "Created", "Closed", "Journals"]

# Redmine's default trackers, statuses and priorities, as a process group would read them; the importer may change
# each one on the mapping page (and a name not here is asked for there).
TRANSLATIONS: dict[str, dict[str, str]] = {
    "source": {"bug": ProposalSource.PROJECT_FEEDBACK, "feature": ProposalSource.OTHER,
               "support": ProposalSource.PROJECT_FEEDBACK},
    "status": {"new": ProposalStatus.SUBMITTED, "in progress": ProposalStatus.UNDER_REVIEW,
               "feedback": ProposalStatus.UNDER_REVIEW, "resolved": ProposalStatus.IMPLEMENTED,
               "closed": ProposalStatus.CLOSED, "rejected": ProposalStatus.REJECTED},
    "expected_benefit": {"low": "2", "normal": "3", "high": "4", "urgent": "5", "immediate": "5"},
}

NOT_GIVEN = "(Not in Redmine: see the problem.)"  # a proposal's proposed change, which Redmine does not have
NO_DESCRIPTION = "(No description in Redmine: see the title.)"  # an issue may have none; a proposal's problem not


def read_issues(content: bytes, *, field: str = "file") -> Table:
    """Redmine's CSV export as it is, or its JSON as the CSV's columns (the journals as JSON in theirs)."""
    if not content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")):
        return read_table(content, field=field)
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as error:
        raise ValidationError({field: "The file is not JSON Redmine wrote: save /issues.json again."}) from error
    issues = data
    if isinstance(data, dict):  # a list's page ({"issues": [...]}) or one issue read alone ({"issue": {...}})
        issues = data["issues"] if "issues" in data else [data.get("issue")]
    if not isinstance(issues, list) or not issues or not all(isinstance(issue, dict) and "id" in issue for issue in issues):
        raise ValidationError({field: "The file holds no Redmine issues (expected {\"issues\": [...]})."})
    return Table(header=COLUMNS, rows=[(n, _cells(issue)) for n, issue in enumerate(issues, 2)], encoding="json")


def _cells(issue: dict) -> list[str]:
    def name(key: str) -> str:
        value = issue.get(key)
        return str(value.get("name", "")) if isinstance(value, dict) else ""
    journals = [{"user": (journal.get("user") or {}).get("name", ""), "notes": journal.get("notes") or "",
                 "created_on": journal.get("created_on") or "", "private_notes": bool(journal.get("private_notes"))}
                for journal in issue.get("journals") or [] if isinstance(journal, dict) and journal.get("notes")]
    return [str(issue.get("id", "")), name("tracker"), name("status"), name("priority"), str(issue.get("subject") or ""),
            str(issue.get("description") or ""), name("author"), str(issue.get("created_on") or ""),
            str(issue.get("closed_on") or ""), json.dumps(journals) if journals else ""]


DATE_ORDERS = {"mdy": ("%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M", "%m/%d/%Y"),  # Redmine's default for English
               "dmy": ("%d/%m/%Y %H:%M", "%d/%m/%Y %I:%M %p", "%d/%m/%Y", "%d.%m.%Y %H:%M", "%d.%m.%Y")}
DATE_ORDER_LABELS = {"mdy": "month/day/year (Redmine's English default: 03/02/2026 10:15 AM)",
                     "dmy": "day/month/year (02/03/2026 10:15, or 02.03.2026)"}
SLASHED = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.]\d{4}")


def date_order(table: Table) -> str:
    """How the file writes its days: day first when some date could only be read so (13/03/2026), else month
    first, as Redmine's English default (ISO dates read either way)."""
    for _, cells in table.rows:
        for cell in cells:
            if (found := SLASHED.match(cell.strip())) and int(found.group(1)) > 12:
                return "dmy"
    return "mdy"


@dataclass(frozen=True)
class Row:
    """A Redmine issue's values as mapped, its key (Redmine's number when "#" is the key), whether it is new here,
    and how its file writes dates."""
    values: dict[str, str]
    key: str
    new: bool
    dates: str = "mdy"


def moment(text: str, field: str, dates: str = "mdy") -> datetime | None:
    """A Redmine time: ISO (its JSON, and a CSV when ISO is the chosen format) or as the file writes dates
    (`dates`), read as UTC; else a ValidationError on `field`."""
    text = text.strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
        for layout in DATE_ORDERS[dates]:
            with suppress(ValueError):
                parsed = datetime.strptime(text, layout)
                break
    if parsed is None:
        written = "DD/MM/YYYY" if dates == "dmy" else "MM/DD/YYYY"
        raise ValidationError({field: f"Enter a real date as YYYY-MM-DD or {written} (with its time, if any)."})
    if len(text) <= 10 and parsed.time() == time(0):
        parsed = datetime.combine(parsed.date(), time(12))  # a day alone: its middle, so no zone moves its date
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def person(session: Session, text: str) -> User | None:
    """The person a Redmine name (or email) names here, if any (Redmine's people need not be ours)."""
    try:
        return session.get(User, resolve(session, "person", text)) if text.strip() else None
    except Unresolved:
        return None


def settle(session: Session, proposal: Proposal, row: Row, *, by: User) -> None:
    """What Redmine says beyond the form's fields, each change in the proposal's history and its version: when it
    first comes, the status it reached and who wrote it (someone not here: the importer, the author's name kept in
    the source reference, with Redmine's number); its dates; its journals as comments, private notes left out and
    a note by someone not here signed with their name."""
    values, errors, changes = row.values, {}, {}
    if row.new and values.get("status", "").strip():  # after that, the tracker's workflow moves it
        try:
            changes["status"] = ProposalStatus(values["status"].strip())
        except ValueError:
            errors["status"] = "Choose one of the listed options."
    for name, column in (("created_at", "submitted_on"), ("decided_on", "decided_on")):
        try:
            found = moment(values.get(column, ""), column, row.dates)
        except ValidationError as error:
            errors |= error.errors
            continue
        if found is not None:
            changes[name] = found if name == "created_at" else found.date()
    if errors:
        raise ValidationError(errors)
    if row.new:
        author = values.get("submitter", "").strip()
        known = person(session, author)
        changes["submitter_id"] = (known or by).id
        number = f"Redmine #{row.key}" if row.key.isdigit() else "Redmine"
        changes["source_ref"] = (number if known or not author else f"{number}, by {author}")[:200]
    changed = apply_changes(session, proposal, by=by, changes=changes, shown={"submitter_id": _name(session)})
    bump_version(session, proposal, changed)
    notes = [note for note in _journals(values.get("comments", "")) if not note.get("private_notes")]
    had = set(session.exec(select(ProposalComment.body).where(ProposalComment.proposal_id == proposal.id))) if (
        notes) else set()
    for note in notes:
        writer = person(session, note["user"])
        body = (note["notes"] if writer or not note["user"] else f"{note['user']} (in Redmine): {note['notes']}")[:4000]
        if body in had:  # imported before
            continue
        comment = ProposalComment(proposal_id=proposal.id, author_id=(writer or by).id, body=body,
                                  created_at=moment(note["created_on"], "comments", row.dates) or proposal.created_at)
        session.add(comment)
        session.flush()
        record_create(session, comment, by=by, fields={"author": (writer or by).name, "body": comment.body})


def _name(session: Session):
    return lambda user_id: (session.get(User, user_id) or User(name=f"#{user_id}")).name


def _journals(text: str) -> list[dict]:
    """The journals of a JSON file's issue, or the CSV's "Last notes" as one note by nobody named."""
    text = text.strip()
    if not text:
        return []
    if text.startswith("["):
        try:
            return [note for note in json.loads(text) if isinstance(note, dict) and note.get("notes")]
        except ValueError:
            pass
    return [{"user": "", "notes": text, "created_on": ""}]
