"""Accounts: signing in (throttled), changing passwords, creating and editing users, ending sessions."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload
from sqlmodel import Session, func, select

from tracker.auth import security_log, throttle
from tracker.auth.forms import PasswordChangeInput, UserInput
from tracker.auth.models import User, UserRole, holding
from tracker.auth.passwords import hash_password, needs_rehash, verify_password
from tracker.auth.policy import authorize
from tracker.auth.roles import Role
from tracker.db import commit, get_or_not_found, utcnow
from tracker.editing import editing
from tracker.errors import NotFound, ValidationError
from tracker.history.service import as_text, bump_version, record_create, record_values
from tracker.listing import Column, Listing, labelled, many
from tracker.projects.models import Project, ProjectLead
from tracker.sql import contains
from tracker.validation import digits

LOGIN_FAILED = "Email or password is wrong."


class LoginFailed(Exception):
    pass


class Throttled(LoginFailed):
    """Too many failed attempts from this address: try again after `seconds`."""

    def __init__(self, seconds: int):
        super().__init__(f"Too many failed attempts from here. Try again in {_duration(seconds)}.")
        self.seconds = seconds


def _duration(seconds: int) -> str:
    return f"{seconds} second{'s' if seconds != 1 else ''}" if seconds < 120 else f"{-(-seconds // 60)} minutes"


def authenticate(session: Session, *, email: str, password: str, address: str, address_limit: int) -> User:
    """The active user with these credentials; failures slow down this address (see throttle.py)."""
    email, now = email.strip().lower(), utcnow()
    wait = throttle.seconds_to_wait(session, email=email, address=address, now=now, address_limit=address_limit)
    if wait:
        security_log.event("sign_in.throttled", email=security_log.attempted(email), retry_after=wait)
        raise Throttled(wait)  # before any hashing: a throttled attempt costs next to nothing
    user = session.exec(select(User).where(User.email == email)).first()
    verified = verify_password(user.password_hash if user else None, password)
    if not verified or not user.active:
        throttle.record_failure(session, email=email, address=address, now=now)
        session.commit()
        reason = "unknown_account" if user is None else "wrong_password" if not verified else "deactivated"
        security_log.event("sign_in.failure", email=security_log.attempted(email), reason=reason)
        raise LoginFailed(LOGIN_FAILED)
    throttle.clear(session, email=email, address=address)
    if needs_rehash(user.password_hash):  # hashed with older parameters: store it at today's
        user.password_hash = hash_password(password)
        session.add(user)
    session.commit()
    security_log.event("sign_in.success", **security_log.who(user))
    return user


def change_own_password(session: Session, *, user: User, data: PasswordChangeInput, address: str,
                        address_limit: int) -> User:
    """A user's new password, given their current one; their other sessions end, this one goes on."""
    wait = throttle.seconds_to_wait(session, email=user.email, address=address, now=utcnow(),
                                    address_limit=address_limit)
    if wait:
        security_log.event("password_change.failure", **security_log.who(user), reason="throttled")
        raise ValidationError({"current_password": Throttled(wait).args[0]})
    if not verify_password(user.password_hash, data.current_password):
        throttle.record_failure(session, email=user.email, address=address, now=utcnow())
        session.commit()
        security_log.event("password_change.failure", **security_log.who(user), reason="wrong_password")
        raise ValidationError({"current_password": "That is not your current password."})
    user.password_hash = hash_password(data.new_password)
    user.session_generation += 1
    changed = {"password": ("(hidden)", "(changed by the user)")}
    record_values(session, user, by=user, changed=changed)
    bump_version(session, user, changed)
    commit(session)
    security_log.event("password_change", **security_log.who(user), sessions_ended="others")
    return user


def allow_sign_in(session: Session, *, user: User, by: User) -> None:
    """An admin lifts the sign-in delays on an account (failures from every address are forgotten)."""
    authorize(by, "user.manage")
    throttle.clear(session, email=user.email)
    record_values(session, user, by=by, changed={"sign-in": ("slowed down after failed attempts", "allowed")})
    commit(session)
    security_log.event("account.unlocked", **security_log.who(user), **security_log.actor(by))


def throttled_accounts(session: Session, *, users: list[User]) -> set[str]:
    """The emails of these users that some address is being slowed down on."""
    return throttle.throttled(session, emails=[u.email for u in users], now=utcnow())


def load_session_user(session: Session, token: str) -> User | None:
    """The user a session cookie names, if that session has not been ended on the server."""
    user_id, _, generation = token.partition(":")
    if not digits(user_id) or not digits(generation) or int(user_id) > 2**31 - 1:
        return None
    user = session.get(User, int(user_id), options=[joinedload(User.role_rows)])  # with its roles: one statement
    if user is None or not user.active or user.session_generation != int(generation):
        return None
    return user


def end_sessions(session: Session, *, user: User) -> None:
    """Sign the user out everywhere: cookies issued before now stop working."""
    user.session_generation += 1
    session.add(user)
    session.commit()


def get_user(session: Session, *, user_id: int) -> User:
    return get_or_not_found(session, User, user_id, missing="No such user.")


def user_by_email(session: Session, *, email: str) -> User:
    """The account with this email (as typed, any case), or NotFound."""
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    if user is None:
        raise NotFound(f"No account has the email {email.strip()}.")
    return user


def all_users(session: Session) -> list[User]:
    """Every account, by email, with its roles loaded."""
    return list(session.exec(select(User).options(selectinload(User.role_rows)).order_by(User.email)).all())


@dataclass(frozen=True)
class UserFilter:
    q: str = ""  # in the name or email
    role: Role | None = None
    active: bool | None = None  # active, deactivated, or both


STATE = sa.case((User.active, "Active"), else_="Deactivated")
LISTING = Listing("users", User.id, {
    "name": Column("Name", (User.name,), User.name),
    "email": Column("Email", (User.email,), User.email),
    "roles": Column("Roles", csv=many(labelled(UserRole.role, Role), UserRole.user_id == User.id)),
    "led": Column("Projects led", csv=many(Project.code, ProjectLead.user_id == User.id,
                                           Project.id == ProjectLead.project_id)),
    "status": Column("Status", (STATE,), STATE),
}, default="name", load=(selectinload(User.role_rows),))


def users_matching(where: UserFilter):
    """The accounts the filter selects (LISTING orders and pages them)."""
    statement = select(User)
    if where.q:
        statement = statement.where(contains(where.q, User.name, User.email))
    if where.role is not None:
        statement = statement.where(holding(where.role))
    if where.active is not None:
        statement = statement.where(User.active == where.active)
    return statement


def projects_led(session: Session, *, user_ids: list[int]) -> dict[int, list[Project]]:
    """The projects each of these users leads, in one query."""
    rows = session.exec(
        select(ProjectLead.user_id, Project).join(Project, Project.id == ProjectLead.project_id)
        .where(ProjectLead.user_id.in_(user_ids)).order_by(Project.code)
    ).all()
    led: dict[int, list[Project]] = {uid: [] for uid in user_ids}
    for user_id, project in rows:
        led[user_id].append(project)
    return led


def _check_email_free(session: Session, email: str, user_id: int | None) -> None:
    taken = session.exec(select(func.count()).select_from(User).where(User.email == email, User.id != user_id))
    if taken.one():
        raise ValidationError({"email": "Another account uses this email."})


def _check_projects(session: Session, project_ids: list[int], roles: list[Role]) -> list[Project]:
    if project_ids and Role.PROJECT_LEAD not in roles:
        raise ValidationError({"project_ids": "Only project leads lead projects."})
    projects = list(session.exec(select(Project).where(Project.id.in_(project_ids))).all())
    if len(projects) != len(set(project_ids)):
        raise ValidationError({"project_ids": "Choose projects from the list."})
    return projects


def create_user(session: Session, *, data: UserInput, by: User | None) -> User:
    """Create an account (admins only; the CLI passes by=None)."""
    if by is not None:
        authorize(by, "user.manage")
    if not data.password:
        raise ValidationError({"password": "This field is required."})
    _check_email_free(session, data.email, None)
    projects = _check_projects(session, data.project_ids, data.roles)
    user = User(email=data.email, name=data.name, active=True, password_hash=hash_password(data.password))
    user.roles = data.roles
    session.add(user)
    session.flush()
    session.add_all(ProjectLead(project_id=p.id, user_id=user.id) for p in projects)
    record_create(session, user, by=by, fields={"email": user.email, "name": user.name, "roles": user.roles_label,
                                                 "projects led": [p.code for p in projects]})
    commit(session)
    security_log.event("account.created", **security_log.who(user), roles=user.roles_label, **security_log.actor(by))
    return user


def update_user(session: Session, *, user: User, data: UserInput, by: User) -> User:
    """Change an account; deactivating it or changing its password ends its sessions."""
    generation = user.session_generation
    with editing(session, user, action="user.manage", seen=data.version, by=by) as edit:
        if user.id == by.id and not data.active:  # each said beside the field that would do it
            raise ValidationError({"active": "You cannot deactivate your own account."})
        if user.id == by.id and Role.ADMIN not in data.roles:
            raise ValidationError({"roles": "You cannot take the admin role from your own account."})
        _check_an_admin_stays(session, user=user, data=data)
        _check_email_free(session, data.email, user.id)
        projects = _check_projects(session, data.project_ids, data.roles)
        edit.fields({"email": data.email, "name": data.name, "active": data.active})
        edit.also(_set_roles(session, user=user, roles=data.roles, by=by))
        edit.also(_set_projects_led(session, user=user, projects=projects, by=by))
        if data.password:
            user.password_hash = hash_password(data.password)
            throttle.clear(session, email=user.email)  # a reset lets the owner straight back in
            password = {"password": ("(hidden)", "(changed)")}
            record_values(session, user, by=by, changed=password)
            edit.also(password)
        if data.password or "active" in edit.changed:
            user.session_generation += 1
    security_log.account_changed(user, edit.changed, by=by, sessions_ended=user.session_generation != generation)
    return user


def _check_an_admin_stays(session: Session, *, user: User, data: UserInput) -> None:
    """Someone must still be able to manage accounts: the last active administrator stays one, and active."""
    if not (user.active and Role.ADMIN in user.roles) or (data.active and Role.ADMIN in data.roles):
        return
    others = select(func.count()).select_from(User).where(User.active, holding(Role.ADMIN), User.id != user.id)
    if not session.exec(others).one():  # said beside what would take it away: the active box, or the roles
        raise ValidationError({"active" if not data.active else "roles": "This is the last active administrator: "
                               "make another account an administrator first."})


def _set_roles(session: Session, *, user: User, roles: list[Role], by: User) -> dict:
    """Hold exactly these roles, the change in the history as one field."""
    before = user.roles_label
    user.roles = roles
    if user.roles_label == before:
        return {}
    change = {"roles": (before, user.roles_label)}
    record_values(session, user, by=by, changed=change)
    return change


def _set_projects_led(session: Session, *, user: User, projects: list[Project], by: User) -> dict:
    current = session.exec(select(ProjectLead).where(ProjectLead.user_id == user.id)).all()
    old_ids, new_ids = {link.project_id for link in current}, {p.id for p in projects}
    if old_ids == new_ids:
        return {}
    old_codes = session.exec(select(Project.code).where(Project.id.in_(old_ids))).all()
    for link in current:
        if link.project_id not in new_ids:
            session.delete(link)
    session.add_all(ProjectLead(project_id=pid, user_id=user.id) for pid in new_ids - old_ids)
    change = {"projects led": (as_text(old_codes), as_text([p.code for p in projects]))}
    record_values(session, user, by=by, changed=change)
    # The projects' own histories say who started or stopped leading them.
    for project in session.exec(select(Project).where(Project.id.in_(old_ids ^ new_ids))).all():
        added = project.id in new_ids
        lead_change = {"leads": (None if added else user.name, user.name if added else None)}
        record_values(session, project, by=by, changed=lead_change)
        bump_version(session, project, lead_change)  # an open project form with the old leads is now stale
    return change

