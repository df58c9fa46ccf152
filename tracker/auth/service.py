"""Accounts: signing in (with lockout), creating and editing users, ending sessions."""

from datetime import timedelta

from sqlmodel import Session, func, select

from tracker.audit.service import apply_changes, as_text, bump_version, record_create, record_values
from tracker.auth.forms import UserInput
from tracker.auth.models import ProjectLead, User
from tracker.auth.passwords import hash_password, verify_password
from tracker.auth.policy import authorize
from tracker.auth.roles import Role
from tracker.db import commit, utcnow
from tracker.errors import Conflict, NotFound, ValidationError
from tracker.projects.models import Project

LOGIN_FAILED = "Email or password is wrong, or the account is locked after too many attempts."


class LoginFailed(Exception):
    pass


def authenticate(session: Session, *, email: str, password: str, attempts: int, lock_minutes: int) -> User:
    """The active user with these credentials; counts failures and locks the account after `attempts`."""
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    now = utcnow()
    locked = user is not None and user.locked_until is not None and user.locked_until > now
    if not verify_password(user.password_hash if user else None, password) or locked or not user.active:
        if user is not None and not locked:
            user.failed_logins += 1
            if user.failed_logins >= attempts:
                user.locked_until, user.failed_logins = now + timedelta(minutes=lock_minutes), 0
            session.add(user)
            session.commit()
        raise LoginFailed(LOGIN_FAILED)
    user.failed_logins, user.locked_until = 0, None
    session.add(user)
    session.commit()
    return user


def load_session_user(session: Session, token: str) -> User | None:
    """The user a session cookie names, if that session has not been ended on the server."""
    user_id, _, generation = token.partition(":")
    if not user_id.isdigit() or not generation.isdigit() or int(user_id) > 2**31 - 1:
        return None
    user = session.get(User, int(user_id))
    if user is None or not user.active or user.session_generation != int(generation):
        return None
    return user


def end_sessions(session: Session, *, user: User) -> None:
    """Sign the user out everywhere: cookies issued before now stop working."""
    user.session_generation += 1
    session.add(user)
    session.commit()


def get_user(session: Session, *, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    return user


def list_users(session: Session) -> list[User]:
    """Every account, by name."""
    return list(session.exec(select(User).order_by(User.name)).all())


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


def _check_projects(session: Session, project_ids: list[int], role: Role) -> list[Project]:
    if project_ids and role != Role.PROJECT_LEAD:
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
    projects = _check_projects(session, data.project_ids, data.role)
    user = User(email=data.email, name=data.name, role=data.role, active=True,
                password_hash=hash_password(data.password))
    session.add(user)
    session.flush()
    session.add_all(ProjectLead(project_id=p.id, user_id=user.id) for p in projects)
    record_create(session, user, by=by, fields={"email": user.email, "name": user.name, "role": user.role,
                                                 "projects led": [p.code for p in projects]})
    commit(session)
    return user


def update_user(session: Session, *, user: User, data: UserInput, by: User) -> User:
    """Change an account; deactivating it or changing its password ends its sessions."""
    authorize(by, "user.manage")
    if data.version != user.version:
        raise Conflict(current=user)
    if user.id == by.id and (not data.active or data.role != user.role):
        raise ValidationError({"role": "You cannot demote or deactivate your own account."})
    _check_email_free(session, data.email, user.id)
    projects = _check_projects(session, data.project_ids, data.role)
    changes = {"email": data.email, "name": data.name, "role": data.role, "active": data.active}
    changed = apply_changes(session, user, by=by, changes=changes)
    changed |= _set_projects_led(session, user=user, projects=projects, by=by)
    if data.password:
        user.password_hash = hash_password(data.password)
        changed["password"] = ("(hidden)", "(changed)")
        record_values(session, user, by=by, changed={"password": changed["password"]})
    if data.password or "active" in changed:
        user.session_generation += 1
    bump_version(session, user, changed)
    commit(session)
    return user


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
