"""Choosing a person, a plan or a proposal among thousands: a text box that suggests as one types, and one resolver
that turns the text posted back into the record's id before a form is validated.

A select of every person, plan or proposal grew with the organization (issue 14: the plan page 51 KB -> 271 KB at
ten times the data). A lookup field renders only what is chosen; suggestions are a fixed number of rows, and the
text people type or pick ("Ann Lee <ann@example.org>", "Peer reviews (#12)", "#40 Shorter reviews") is resolved
here, so a form, a list filter and a post without JavaScript (an email, an exact name) are read the same way.
"""

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Blueprint, render_template, request
from sqlmodel import Session, func, select
from werkzeug.datastructures import MultiDict

from tracker.action_plans.models import OPEN as PLAN_OPEN
from tracker.action_plans.models import ActionPlan
from tracker.auth.models import User
from tracker.auth.policy import requires
from tracker.db import get_session
from tracker.proposals.models import Proposal, ProposalStatus

SUGGESTIONS = 15  # options per answer: a few more keystrokes narrow any organization


class Unresolved(ValueError):
    """Text that names no record, or several: said beside the field it was typed in."""


@dataclass(frozen=True)
class Kind:
    """One kind of record chosen by typing: how it reads, how text finds it, what its suggestions are."""
    name: str  # the lookup macro's `kind`, and the suggestions' endpoint: lookup.<name>
    labels: Callable[[Session, Collection[int]], dict[int, str]]  # the ids' texts, in one statement
    resolve: Callable[[Session, str], int]  # the id the text names, or Unresolved
    suggest: Callable[[Session, str, str], list[str]]  # (typed text, among) -> at most SUGGESTIONS texts
    several: str  # what separates several in one text box (people: commas or lines; titles may hold commas)


def _contains(column, typed: str):
    """A case-insensitive contains-match, the typed % and _ taken literally."""
    escaped = typed.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(column).like(f"%{escaped}%", escape="\\")


def _same_text(column, typed: str):
    """Equal ignoring case, both sides lowered by the database (SQLite's lower() and Python's differ)."""
    return func.lower(column) == func.lower(typed)


def _one(ids: list[int], *, unknown: str, ambiguous: str) -> int:
    if not ids:
        raise Unresolved(unknown)
    if len(ids) > 1:
        raise Unresolved(ambiguous)
    return ids[0]


# People: "Name <email>", a bare email, or an exact name; active people only (work is given to them).

PERSON_UNKNOWN = "No one with that name or email: pick from the suggestions."


def _person_labels(session: Session, ids: Collection[int]) -> dict[int, str]:
    rows = session.exec(select(User.id, User.name, User.email).where(User.id.in_(ids))).all()
    return {id_: f"{name} <{email}>" for id_, name, email in rows}


def _person(session: Session, typed: str) -> int:
    email = re.search(r"<\s*([^<>\s]+@[^<>\s]+)\s*>\s*$", typed)
    if email or re.fullmatch(r"[^<>\s]+@[^<>\s]+", typed):
        match = User.email == (email.group(1) if email else typed).lower()
    else:
        match = _same_text(User.name, typed)
    rows = session.exec(select(User.id, User.active).where(match).limit(10)).all()
    active = [id_ for id_, on in rows if on]
    if not active and rows:
        raise Unresolved("That person's account is closed: choose someone else.")
    return _one(active, unknown=PERSON_UNKNOWN,
                ambiguous="Several people have that name: pick from the suggestions (they show each email).")


def _person_suggestions(session: Session, typed: str, among: str) -> list[str]:
    # In name order (ix_user_name), so the scan stops at the fifteenth active match.
    rows = session.exec(select(User.name, User.email).where(
        User.active, sa.or_(_contains(User.name, typed), _contains(User.email, typed)))
        .order_by(User.name, User.id).limit(SUGGESTIONS)).all()
    return [f"{name} <{email}>" for name, email in rows]


# Plans: "Title (#id)", "#id", or an exact title.

def _number(typed: str, pattern: str) -> int | None:
    found = re.search(pattern, typed)
    return int(found.group(1)) if found and len(found.group(1)) < 10 else None


def _plan_labels(session: Session, ids: Collection[int]) -> dict[int, str]:
    rows = session.exec(select(ActionPlan.id, ActionPlan.title).where(ActionPlan.id.in_(ids))).all()
    return {id_: f"{title} (#{id_})" for id_, title in rows}


def _plan(session: Session, typed: str) -> int:
    number = _number(typed, r"^#\s*(\d+)$") or _number(typed, r"\(#(\d+)\)\s*$")
    match = ActionPlan.id == number if number else _same_text(ActionPlan.title, typed)
    return _one(list(session.exec(select(ActionPlan.id).where(match).limit(2)).all()),
                unknown="No action plan with that title or number: pick from the suggestions.",
                ambiguous="Several plans have that title: pick from the suggestions (they show each number).")


def _plan_suggestions(session: Session, typed: str, among: str) -> list[str]:
    number = _number(typed, r"^#?\s*(\d+)$")
    match = sa.or_(_contains(ActionPlan.title, typed), ActionPlan.id == (number or 0))
    statement = select(ActionPlan.id, ActionPlan.title).where(match)
    if among == "open":  # a pilot or a deployment belongs to a plan still under way
        statement = statement.where(ActionPlan.status.in_(PLAN_OPEN))
    rows = session.exec(statement.order_by(ActionPlan.id.desc()).limit(SUGGESTIONS)).all()
    return [f"{title} (#{id_})" for id_, title in rows]


# Proposals: "#id Title", "#id", or an exact title.

def _proposal_labels(session: Session, ids: Collection[int]) -> dict[int, str]:
    rows = session.exec(select(Proposal.id, Proposal.title).where(Proposal.id.in_(ids))).all()
    return {id_: f"#{id_} {title}" for id_, title in rows}


def _proposal(session: Session, typed: str) -> int:
    number = _number(typed, r"^#\s*(\d+)\b")
    match = Proposal.id == number if number else _same_text(Proposal.title, typed)
    return _one(list(session.exec(select(Proposal.id).where(match).limit(2)).all()),
                unknown="No proposal with that title or number: pick from the suggestions.",
                ambiguous="Several proposals have that title: pick from the suggestions (they show each number).")


def _proposal_suggestions(session: Session, typed: str, among: str) -> list[str]:
    number = _number(typed, r"^#?\s*(\d+)$")
    statement = select(Proposal.id, Proposal.title).where(
        sa.or_(_contains(Proposal.title, typed), Proposal.id == (number or 0)))
    if among == "accepted":  # what a plan may take up
        statement = statement.where(Proposal.status == ProposalStatus.ACCEPTED)
    elif among == "open":  # what a proposal may duplicate: not itself a duplicate
        statement = statement.where(Proposal.status != ProposalStatus.DUPLICATE)
    rows = session.exec(statement.order_by(Proposal.id.desc()).limit(SUGGESTIONS)).all()
    return [f"#{id_} {title}" for id_, title in rows]


KINDS = {kind.name: kind for kind in (
    Kind("person", _person_labels, _person, _person_suggestions, several=r"[,;\n]"),
    Kind("plan", _plan_labels, _plan, _plan_suggestions, several=r"\n"),
    Kind("proposal", _proposal_labels, _proposal, _proposal_suggestions, several=r"\n"),
)}


@dataclass(frozen=True)
class Lookup:
    """The mark of a form field chosen by typing: `Annotated[int, Lookup("person")]` (see validation.Person)."""
    kind: str


def _as_id(text: str) -> int | None:
    """A plain number a database id can be (PostgreSQL's integer), else None."""
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) < 2**31 else None


def resolve(session: Session, kind: str, typed: str) -> int:
    """The id a typed or picked text names; a plain number is taken as an id (the service checks it as before)."""
    typed = typed.strip()
    if typed.isascii() and typed.isdigit():
        if _as_id(typed) is None:
            raise Unresolved("No record has that number: pick from the suggestions.")
        return int(typed)
    return KINDS[kind].resolve(session, typed)


def resolve_all(session: Session, kind: str, values: Iterable[str]) -> list[int]:
    """The ids of several: each value may hold several, one per line (people also by commas)."""
    ids = []
    for value in values:
        for part in re.split(KINDS[kind].several, value):
            if part.strip():
                try:
                    ids.append(resolve(session, kind, part))
                except Unresolved as refused:
                    raise Unresolved(f"“{part.strip()[:80]}”: {refused}") from None
    return ids


def shown(session: Session, fields: dict[str, str], *forms: MultiDict | None) -> list[MultiDict | None]:
    """Forms whose lookup fields hold ids (a saved record, a link's filter), with each id as its text: one
    statement a kind, however many fields and forms."""
    wanted: dict[str, set[int]] = {}
    for form in filter(None, forms):
        for name, kind in fields.items():
            wanted.setdefault(kind, set()).update(filter(None, map(_as_id, form.getlist(name))))
    labels = {kind: KINDS[kind].labels(session, ids) for kind, ids in wanted.items() if ids}
    result = []
    for form in forms:
        if form is not None:
            form = MultiDict(form)
            for name, kind in fields.items():
                if name in form:
                    form.setlist(name, [labels.get(kind, {}).get(_as_id(v), v) for v in form.getlist(name)])
        result.append(form)
    return result


bp = Blueprint("lookup", __name__, url_prefix="/lookup")


def _answer(kind: str) -> str:
    """The suggestions for the text typed in the field named by ?field= (htmx sends the field under its name)."""
    typed = request.args.get(request.args.get("field", ""), "").replace("\x00", "").strip()[:100]
    texts = KINDS[kind].suggest(get_session(), typed, request.args.get("among", "")) if typed else []
    return render_template("_suggestions.html", texts=texts)


@bp.get("/people")
@requires("lookup.people")
def person():
    return _answer("person")


@bp.get("/plans")
@requires("lookup.plans")
def plan():
    return _answer("plan")


@bp.get("/proposals")
@requires("lookup.proposals")
def proposal():
    return _answer("proposal")
