"""Choosing a person, a plan, a proposal, a project or a process asset among thousands: a text box that suggests
as one types, and one resolver that turns the text posted back into the record's id before a form is validated.

A select of every person, plan, proposal or project grew with the organization (issue 14: the plan page 51 KB ->
271 KB at ten times the data). A lookup field renders only what is chosen; suggestions are a fixed number of rows,
and the text people type or pick ("Ann Lee <ann@example.org>", "Peer reviews (#12)", "#40 Shorter reviews",
"PX-12 · Payroll") is resolved here, so a form, a list filter and a post without JavaScript (an email, an exact
name, a code) are read the same way.
"""

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Blueprint, render_template, request
from flask_login import current_user
from sqlmodel import Session, func, select
from werkzeug.datastructures import MultiDict

from tracker.action_plans.models import OPEN as PLAN_OPEN
from tracker.action_plans.models import ActionPlan, Commitment, CommitmentStatus
from tracker.assets.models import VERSION_NAME, AssetVersion, ProcessAsset, VersionStatus, with_asset
from tracker.auth.models import User, holding
from tracker.auth.policy import requires
from tracker.auth.roles import Role
from tracker.db import get_session
from tracker.objectives.models import BusinessObjective
from tracker.projects.models import Project, ProjectStatus, led_by
from tracker.proposals.models import Proposal, ProposalStatus
from tracker.sql import contains

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


PEOPLE_AMONG = {"leads": Role.PROJECT_LEAD}  # who may lead a project


def _person_suggestions(session: Session, typed: str, among: str) -> list[str]:
    # In name order (ix_user_name), so the scan stops at the fifteenth active match.
    statement = select(User.name, User.email).where(
        User.active, contains(typed, User.name, User.email))
    if among in PEOPLE_AMONG:
        statement = statement.where(holding(PEOPLE_AMONG[among]))
    rows = session.exec(statement.order_by(User.name, User.id).limit(SUGGESTIONS)).all()
    return [f"{name} <{email}>" for name, email in rows]


def _number(typed: str, pattern: str) -> int | None:
    found = re.search(pattern, typed)
    return int(found.group(1)) if found and len(found.group(1)) < 10 else None


def _numbered(name: str, model, *, label: str, numbered: tuple[str, ...], noun: str,
              among: dict[str, Callable] | None = None) -> Kind:
    """A record known by its number and a title (a plan, a proposal): read as `label` shows it ("{title} (#{id})"),
    as its number alone, or as its exact title; suggested newest first, a typed number also by that number.
    `numbered`: where the number stands in a picked text; `among`: the suggestions' narrowings, by name."""
    def labels(session: Session, ids: Collection[int]) -> dict[int, str]:
        rows = session.exec(select(model.id, model.title).where(model.id.in_(ids))).all()
        return {id_: label.format(id=id_, title=title) for id_, title in rows}

    def resolve(session: Session, typed: str) -> int:
        number = next(filter(None, (_number(typed, pattern) for pattern in numbered)), None)
        match = model.id == number if number else _same_text(model.title, typed)
        return _one(list(session.exec(select(model.id).where(match).limit(2)).all()),
                    unknown=f"No {noun} with that title or number: pick from the suggestions.",
                    ambiguous=f"Several {noun}s have that title: pick from the suggestions (they show each number).")

    def suggest(session: Session, typed: str, narrowed: str) -> list[str]:
        number = _number(typed, r"^#?\s*(\d+)$")
        statement = select(model.id, model.title).where(sa.or_(contains(typed, model.title), model.id == (number or 0)))
        if narrowed in (among or {}):
            statement = statement.where(among[narrowed]())
        rows = session.exec(statement.order_by(model.id.desc()).limit(SUGGESTIONS)).all()
        return [label.format(id=id_, title=title) for id_, title in rows]

    return Kind(name, labels, resolve, suggest, several=r"\n")


def _named(name: str, key, *, shown: tuple = (), noun: str, among: dict[str, Callable] | None = None) -> Kind:
    """A record known by a unique text, `key` (a project's code, an asset's title), shown with the `shown` columns
    after a middle dot ("PX-12 · Payroll"): read as shown, as the key alone, or as the exact text after the dot;
    suggested in key order. `among`: the suggestions' narrowings, by name."""
    model = key.class_
    columns = (model.id, key, *shown)

    def text(row) -> str:
        return " · ".join(str(value) for value in row[1:])

    def labels(session: Session, ids: Collection[int]) -> dict[int, str]:
        return {row[0]: text(row) for row in session.exec(select(*columns).where(model.id.in_(ids))).all()}

    def resolve(session: Session, typed: str) -> int:
        by_key = session.exec(select(model.id).where(_same_text(key, typed.split(" · ")[0].strip()))).first()
        if by_key is not None or not shown or " · " in typed:
            return _one([by_key] if by_key else [], unknown=f"No {noun} by that name: pick from the suggestions.",
                        ambiguous="")
        return _one(list(session.exec(select(model.id).where(_same_text(shown[0], typed)).limit(2)).all()),
                    unknown=f"No {noun} by that code or name: pick from the suggestions.",
                    ambiguous=f"Several {noun}s have that name: pick from the suggestions (they show each code).")

    def suggest(session: Session, typed: str, narrowed: str) -> list[str]:
        statement = select(*columns).where(contains(typed, key, *shown))
        if narrowed in (among or {}):
            statement = statement.where(among[narrowed]())
        return [text(row) for row in session.exec(statement.order_by(key).limit(SUGGESTIONS)).all()]

    return Kind(name, labels, resolve, suggest, several=r"\n")


# Asset versions: "Peer review procedure 1.2", the asset's title and the version's label (VERSION_NAME).

def _version_labels(session: Session, ids: Collection[int]) -> dict[int, str]:
    return dict(session.exec(with_asset(select(AssetVersion.id, VERSION_NAME)).where(AssetVersion.id.in_(ids))).all())


def _version(session: Session, typed: str) -> int:
    return _one(list(session.exec(with_asset(select(AssetVersion.id)).where(_same_text(VERSION_NAME, typed))
                                  .limit(2)).all()),
                unknown="No asset version by that name: pick from the suggestions (the asset's title, then the "
                        "version).", ambiguous="")


VERSIONS_AMONG = {"released": (VersionStatus.RELEASED,),  # what is deployed and tailored
                  "trial": (VersionStatus.DRAFT, VersionStatus.RELEASED)}  # what a pilot tries


def _version_suggestions(session: Session, typed: str, among: str) -> list[str]:
    statement = with_asset(select(VERSION_NAME)).where(contains(typed, VERSION_NAME))
    if among in VERSIONS_AMONG:
        statement = statement.where(AssetVersion.status.in_(VERSIONS_AMONG[among]))
    return list(session.exec(statement.order_by(ProcessAsset.title, AssetVersion.id.desc()).limit(SUGGESTIONS)).all())


# Commitments of action plans: "Train the reviewers — Peer reviews (#40)", the description, its plan's title and
# its number; read by the number, or by the exact description when only one commitment has it.

def _commitments(statement):
    return statement.select_from(Commitment).join(ActionPlan, ActionPlan.id == Commitment.plan_id)


def _commitment_text(id_: int, description: str, plan: str) -> str:
    return f"{description[:120]} — {plan} (#{id_})"


def _commitment_labels(session: Session, ids: Collection[int]) -> dict[int, str]:
    rows = session.exec(_commitments(select(Commitment.id, Commitment.description, ActionPlan.title))
                        .where(Commitment.id.in_(ids))).all()
    return {row[0]: _commitment_text(*row) for row in rows}


def _commitment(session: Session, typed: str) -> int:
    number = _number(typed, r"\(#(\d+)\)\s*$") or _number(typed, r"^#\s*(\d+)$")
    match = Commitment.id == number if number else _same_text(Commitment.description, typed)
    return _one(list(session.exec(_commitments(select(Commitment.id)).where(match).limit(2)).all()),
                unknown="No commitment of an action plan with that number or description: pick from the suggestions.",
                ambiguous="Several commitments have that description: pick from the suggestions (they show each "
                          "number).")


COMMITMENTS_AMONG = {"to-do": (CommitmentStatus.PROPOSED, CommitmentStatus.OPEN, CommitmentStatus.IN_PROGRESS)}


def _commitment_suggestions(session: Session, typed: str, among: str) -> list[str]:
    """Soonest due first (what a commitment waits for is mostly what is due soon)."""
    number = _number(typed, r"^#?\s*(\d+)$")
    statement = _commitments(select(Commitment.id, Commitment.description, ActionPlan.title)).where(sa.or_(
        contains(typed, Commitment.description, ActionPlan.title), Commitment.id == (number or 0)))
    if among in COMMITMENTS_AMONG:
        statement = statement.where(Commitment.status.in_(COMMITMENTS_AMONG[among]))
    rows = session.exec(statement.order_by(Commitment.due_date, Commitment.id).limit(SUGGESTIONS)).all()
    return [_commitment_text(*row) for row in rows]


KINDS = {kind.name: kind for kind in (
    Kind("person", _person_labels, _person, _person_suggestions, several=r"[,;\n]"),
    _numbered("plan", ActionPlan, label="{title} (#{id})", numbered=(r"^#\s*(\d+)$", r"\(#(\d+)\)\s*$"),
              noun="action plan", among={"open": lambda: ActionPlan.status.in_(PLAN_OPEN)}),  # a pilot's, a deployment's
    _numbered("proposal", Proposal, label="#{id} {title}", numbered=(r"^#\s*(\d+)\b",), noun="proposal", among={
        "accepted": lambda: Proposal.status == ProposalStatus.ACCEPTED,  # what a plan may take up
        "open": lambda: Proposal.status != ProposalStatus.DUPLICATE}),  # what a proposal may duplicate
    _named("project", Project.code, shown=(Project.name,), noun="project",
           among={"active": lambda: Project.status == ProjectStatus.ACTIVE,
                  "led": lambda: Project.id.in_(led_by(current_user.id))}),  # what a lead logs tailoring for
    _named("asset", ProcessAsset.title, noun="process asset"),
    _named("objective", BusinessObjective.name, noun="business objective",
           among={"active": lambda: BusinessObjective.active}),  # what a proposal or a plan may serve
    Kind("version", _version_labels, _version, _version_suggestions, several=r"\n"),
    Kind("commitment", _commitment_labels, _commitment, _commitment_suggestions, several=r"\n"),
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


def _endpoint(kind: str, action: str):
    @requires(action)
    def answer():
        return _answer(kind)
    return answer


# The suggestions of each kind: GET /lookup/<plural>, endpoint lookup.<kind>, the policy's action lookup.<plural>.
for _kind, _plural in (("person", "people"), ("plan", "plans"), ("proposal", "proposals"), ("project", "projects"),
                       ("asset", "assets"), ("version", "versions"), ("commitment", "commitments"),
                       ("objective", "objectives")):
    bp.add_url_rule(f"/{_plural}", _kind, _endpoint(_kind, f"lookup.{_plural}"), methods=["GET"])
