"""A version under document control: its draft corrected, its content (a kept file and/or a link), and its sign-off
by the asset's owner and a process-group member other than its author, before it may be released."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload
from sqlmodel import Session, select

from tracker import content
from tracker.assets.forms import ApprovalInput, VersionCorrection
from tracker.assets.models import AssetVersion, Capacity, ProcessAsset, VersionApproval, VersionStatus
from tracker.auth.models import User, UserRole
from tracker.auth.policy import authorize
from tracker.auth.roles import Role
from tracker.db import flush, get_or_not_found
from tracker.editing import editing
from tracker.errors import InvalidTransition, ValidationError
from tracker.history.models import AuditEvent
from tracker.history.service import record_values

LABEL_TAKEN = {"label": "This asset already has a version with this label."}
FIELDS = ("label", "change_notes", "link")
DRAFTS_ONLY = "A {status} version is not changed any more: draft a new version instead."


def get_version(session: Session, *, version_id: int) -> AssetVersion:
    """The version with its asset, author and sign-offs (their approvers), or NotFound."""
    approvers = selectinload(AssetVersion.approvals).joinedload(VersionApproval.approver)
    return get_or_not_found(session, AssetVersion, version_id, joinedload(AssetVersion.asset),
                            joinedload(AssetVersion.author), approvers.selectinload(User.role_rows),
                            missing="No such asset version.")


# What a draft's authors wrote: whoever set one of these is an author, and does not sign off for the process group.
CONTENT_FIELDS = ("label", "change_notes", "link", "file_name")


def contributors(session: Session, version: AssetVersion) -> frozenset[int]:
    """Everyone who wrote the draft's content: who drafted it, and who changed its label, notes, link or file."""
    changed = session.exec(select(AuditEvent.user_id).where(
        AuditEvent.entity == "asset_version", AuditEvent.entity_id == version.id,
        AuditEvent.field.in_(CONTENT_FIELDS), AuditEvent.user_id.is_not(None)).distinct()).all()
    return frozenset(changed) | frozenset({version.author_id} - {None})


def editable_version(session: Session, *, version_id: int) -> AssetVersion:
    """A draft version, for its correction form; a released or retired one is not corrected."""
    version = get_version(session, version_id=version_id)
    _draft(version)
    return version


def signable_version(session: Session, *, version_id: int, by: User) -> AssetVersion:
    """The version, if this user may sign versions of its asset off (its owner, or the process group)."""
    version = get_version(session, version_id=version_id)
    authorize(by, "version.approve", version)
    return version


def _draft(version: AssetVersion) -> None:
    if version.status != VersionStatus.DRAFT:
        raise InvalidTransition(DRAFTS_ONLY.format(status=version.status.label.lower()))


def update_version(session: Session, *, version: AssetVersion, data: VersionCorrection, by: User) -> AssetVersion:
    """Correct a draft's label, change notes and link (a sign-off given before no longer counts for it)."""
    _draft(version)
    with editing(session, version, action="asset.edit", seen=data.version, by=by, unique=LABEL_TAKEN) as edit:
        if session.exec(select(AssetVersion.id).where(AssetVersion.asset_id == version.asset_id,
                                                      AssetVersion.label == data.label,
                                                      AssetVersion.id != version.id)).first():
            raise ValidationError(LABEL_TAKEN)
        edit.fields(data.model_dump(include=set(FIELDS)))
    return version


def attach_file(session: Session, *, version: AssetVersion, name: str, data: bytes, seen: int, by: User,
                rules: content.Rules) -> AssetVersion:
    """Keep a file as the draft's content (replacing the one it had): checked against the allowed types and size,
    scanned, kept by its checksum; its name, type, size and checksum in the history."""
    _draft(version)
    with editing(session, version, action="asset.edit", seen=seen, by=by) as edit:
        upload = content.accept(session, name, data, rules)
        before = version.file_sha256
        edit.fields(content.as_fields(upload))
        flush(session)
        content.forget(session, before)
    return version


def remove_file(session: Session, *, version: AssetVersion, seen: int, by: User) -> AssetVersion:
    """Take the file off a draft (a link may remain its content)."""
    _draft(version)
    with editing(session, version, action="asset.edit", seen=seen, by=by) as edit:
        before = version.file_sha256
        edit.fields({"file_name": "", "file_type": "", "file_size": None, "file_sha256": ""})
        flush(session)
        content.forget(session, before)
    return version


def capacity_of(version: AssetVersion, user: User, authors: frozenset[int] = frozenset()) -> tuple[Capacity | None, str]:
    """In which capacity this user would sign the version off now, or (None) why they cannot, in a sentence."""
    if version.status != VersionStatus.DRAFT:
        return None, "Only a draft is signed off."
    if not version.change_notes or not version.has_content:
        return None, "Nothing to sign off yet: the draft needs its change notes and its content (a file or a link)."
    signed = {capacity: approval.approver_id for capacity in Capacity  # the sign-offs that still count
              if (approval := version.approval_as(capacity)) is not None}
    if user.id in signed.values():
        return None, "You have signed this draft off; the other sign-off must come from someone else."
    if Capacity.OWNER not in signed and user.id == version.asset.owner_id:
        return Capacity.OWNER, ""
    if Capacity.PROCESS_GROUP not in signed and Role.PROCESS_GROUP in user.roles:
        if user.id == version.author_id or user.id in authors:
            return None, "You drafted this version or changed its content: another process-group member signs it off."
        return Capacity.PROCESS_GROUP, ""
    if Capacity.OWNER not in signed:
        return None, f"It waits for the asset owner, {version.asset.owner.name}."
    return None, "It waits for a process-group member other than its author."


def approve(session: Session, *, version: AssetVersion, data: ApprovalInput, by: User) -> VersionApproval:
    """Sign the draft off as it is now (who, when, in which capacity, with the comment)."""
    with editing(session, version, action="version.approve", seen=data.version, by=by) as edit:
        capacity, why_not = capacity_of(version, by, contributors(session, version))
        if capacity is None:
            raise InvalidTransition(why_not)
        approval = VersionApproval(asset_version_id=version.id, capacity=capacity, approver_id=by.id,
                                   comment=data.comment, fingerprint=version.content_fingerprint(), approver=by)
        version.approvals.append(approval)
        said = f"{by.name} as {capacity.label.lower()}" + (f": {data.comment}" if data.comment else "")
        changed = {"sign-off": (None, said)}
        record_values(session, version, by=by, changed=changed)
        edit.also(changed)
    return approval


def release_refusal(version: AssetVersion) -> str | None:
    """Why the draft may not be released yet (None: it may): change notes, content and both sign-offs."""
    missing = []
    if not version.change_notes:
        missing.append("its change notes")
    if not version.has_content:
        missing.append("its content (a file or a link)")
    if not version.approval_as(Capacity.OWNER):
        missing.append("the asset owner's sign-off")
    if not version.approval_as(Capacity.PROCESS_GROUP):
        missing.append("a process-group member's sign-off (not its author's)")
    if not missing:
        return None
    listed = missing[0] if len(missing) == 1 else f"{', '.join(missing[:-1])} and {missing[-1]}"
    return f"Version {version.label} cannot be released yet: it needs {listed}."


def holding_approver(role: Role) -> sa.ColumnElement:
    return VersionApproval.approver_id.in_(select(UserRole.user_id).where(UserRole.role == role))


def awaiting_signoff(user: User) -> list:
    """SQL (asset joined): drafts ready to sign off (change notes and content) that wait for this user, as the
    asset's owner or as a process-group member who did not draft it; never one they have signed off already
    (capacity_of, as SQL: the sign-offs that count are those given to the draft's current fingerprint)."""
    def signed(*clauses) -> sa.ColumnElement:
        return sa.exists().where(VersionApproval.asset_version_id == AssetVersion.id,
                                 VersionApproval.fingerprint == AssetVersion.fingerprint, *clauses)

    wanted = sa.and_(ProcessAsset.owner_id == user.id, ~signed(VersionApproval.capacity == Capacity.OWNER,
                                                                VersionApproval.approver_id == ProcessAsset.owner_id))
    if Role.PROCESS_GROUP in user.roles:
        wrote = sa.exists().where(AuditEvent.entity == "asset_version", AuditEvent.entity_id == AssetVersion.id,
                                  AuditEvent.user_id == user.id, AuditEvent.field.in_(CONTENT_FIELDS))
        wanted = sa.or_(wanted, sa.and_(sa.or_(AssetVersion.author_id.is_(None), AssetVersion.author_id != user.id),
                                        ~wrote, ~signed(VersionApproval.capacity == Capacity.PROCESS_GROUP,
                                                        holding_approver(Role.PROCESS_GROUP))))
    return [AssetVersion.status == VersionStatus.DRAFT, AssetVersion.change_notes != "",
            sa.or_(AssetVersion.file_sha256 != "", AssetVersion.link != ""),
            ~signed(VersionApproval.approver_id == user.id), wanted]
