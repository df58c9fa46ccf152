"""Deployments (SP 3.1, 3.2): taking released asset versions to projects, and each row's progress."""

from dataclasses import dataclass

from sqlalchemy.engine import Row
from sqlalchemy.orm import joinedload, selectinload
from sqlmodel import Session, func, select

from tracker import content
from tracker.action_plans.models import ActionPlan
from tracker.assets.models import VERSION_NAME, AssetVersion, ProcessAsset, VersionStatus
from tracker.auth.models import User
from tracker.auth.policy import authorize
from tracker.db import commit, flush, get_or_not_found, utcnow
from tracker.deployments.forms import DeploymentCorrection, DeploymentFields, DeploymentInput, RowMoveInput
from tracker.deployments.models import Deployment, DeploymentVersion, ProjectDeployment, RowStatus
from tracker.deployments.reach import mark_first_deployed
from tracker.deployments.status import lock_projects, mark_current, recount
from tracker.deployments.workflow import ROW_TRANSITIONS, dates_on_moving
from tracker.due import overdue_clause, owed_clause
from tracker.editing import editing
from tracker.errors import ValidationError
from tracker.evidence import service as evidence
from tracker.evidence.models import Evidence, EvidenceKind
from tracker.history.service import apply_changes, bump_version, record_create, record_delete, record_values
from tracker.listing import Column, Listing, many
from tracker.pilots.service import deployment_gate
from tracker.projects.models import Project, ProjectStatus, led_by
from tracker.sql import contains
from tracker.validation import chosen_records
from tracker.workflow import make_move

ROW_LOADED = (joinedload(ProjectDeployment.project).selectinload(Project.leads),
              joinedload(ProjectDeployment.asset_version).joinedload(AssetVersion.asset),
              selectinload(ProjectDeployment.evidence).joinedload(Evidence.added_by))
# A project's own rows, on its page: their project is the page's (the session holds it, with its leads, so each row
# reaches it without a query); loading it again with every row cost the page 0.75 ms.
PROJECT_ROW_LOADED = ROW_LOADED[1:]


def _versions(session: Session, data: DeploymentInput) -> list[AssetVersion]:
    versions = chosen_records(session, AssetVersion, data.version_ids, field="version_ids")
    if any(v.status != VersionStatus.RELEASED for v in versions):
        raise ValidationError({"version_ids": "Only released versions are deployed."})
    check_gate(session, versions=versions, override_reason=data.override_reason)
    return versions


def check_gate(session: Session, *, versions: list[AssetVersion], override_reason: str) -> None:
    """The pilot gate: a version piloted without an adopt decision deploys only with a written reason.

    Every path that creates deployment rows passes here (add_rows calls it), so no path walks around it.
    """
    gate = deployment_gate(session, version_ids=[v.id for v in versions])
    if not gate.open and not override_reason.strip():
        names = ", ".join(v.name for v in gate.blocked)
        raise ValidationError({"override_reason": f"{names} was piloted without an adopt decision: give the "
                                                  "reason to deploy it anyway."})


def _projects(session: Session, data: DeploymentFields, *, targeted: frozenset[int] = frozenset()) -> list[Project]:
    """The target projects chosen: closed ones only if the deployment targets them already."""
    projects = chosen_records(session, Project, data.project_ids, field="project_ids")
    if any(p.status != ProjectStatus.ACTIVE and p.id not in targeted for p in projects):
        raise ValidationError({"project_ids": "Closed projects get no new deployments."})
    return projects


def _nothing_new(session: Session, projects: list[Project], versions: list[AssetVersion]) -> None:
    """Refuse target projects that already have a status row for every one of these versions (another
    deployment planned them): the deployment would name them and give them nothing."""
    have = set(session.exec(select(ProjectDeployment.project_id, ProjectDeployment.asset_version_id).where(
        ProjectDeployment.project_id.in_([p.id for p in projects]),
        ProjectDeployment.asset_version_id.in_([v.id for v in versions]))).all())
    covered = sorted(p.code for p in projects if all((p.id, v.id) in have for v in versions))
    if covered:
        raise ValidationError({"project_ids": f"{', '.join(covered)} already {'has' if len(covered) == 1 else 'have'} "
                                              "a status row for each of these versions (another deployment): "
                                              "leave them out."})


def _check_plan(session: Session, data: DeploymentFields) -> None:
    if data.plan_id is not None and session.get(ActionPlan, data.plan_id) is None:
        raise ValidationError({"plan_id": "Choose an action plan from the list."})


def create_deployment(session: Session, *, data: DeploymentInput, by: User) -> Deployment:
    """Plan a deployment: one planned row per target project and version it does not already have."""
    authorize(by, "deployment.create")
    versions, projects = _versions(session, data), _projects(session, data)
    _check_plan(session, data)
    _nothing_new(session, projects, versions)
    deployment = Deployment(title=data.title, approach=data.approach, training_required=data.training_required,
                            training_material=data.training_material, support_material=data.support_material,
                            target_date=data.target_date, plan_id=data.plan_id, override_reason=data.override_reason,
                            created_by_id=by.id, asset_versions=versions)
    session.add(deployment)
    flush(session)
    record_create(session, deployment, by=by, fields=data.model_dump(exclude={"version_ids", "project_ids", "plan_id"}) | {
        "plan": f"#{data.plan_id}" if data.plan_id else None,
        "asset_versions": [v.name for v in versions],
        "projects": [p.code for p in projects]})
    add_rows(session, deployment=deployment, projects=projects, versions=versions, by=by)
    commit(session)
    return deployment


def add_rows(session: Session, *, deployment: Deployment, projects: list[Project], versions: list[AssetVersion],
             by: User) -> int:
    """Planned rows for each (project, version) pair that has none yet; returns how many were added."""
    lock_projects(session, project_ids=[p.id for p in projects])
    check_gate(session, versions=versions, override_reason=deployment.override_reason)
    have = set(session.exec(select(ProjectDeployment.project_id, ProjectDeployment.asset_version_id).where(
        ProjectDeployment.project_id.in_([p.id for p in projects]),
        ProjectDeployment.asset_version_id.in_([v.id for v in versions]))).all())
    pairs = [(p, v) for p in projects for v in versions if (p.id, v.id) not in have]
    rows = [ProjectDeployment(deployment_id=deployment.id, project_id=p.id, asset_version_id=v.id,
                              planned_date=deployment.target_date) for p, v in pairs]
    session.add_all(rows)
    flush(session)
    mark_current(session, project_ids=[p.id for p in projects])
    for row, (project, version) in zip(rows, pairs, strict=True):
        record_create(session, row, by=by, fields={"deployment": f"#{deployment.id}", "project": project.code,
                                                   "asset_version": version.name,
                                                   "status": row.status})
    return len(rows)


FIELDS = ("title", "target_date", "approach", "training_required", "training_material", "support_material",
          "plan_id", "override_reason")  # with its target projects: what correcting a deployment changes
NOT_STARTED = frozenset({RowStatus.NOT_STARTED, RowStatus.PLANNED})  # a row nobody has worked on yet


def editable_deployment(session: Session, *, deployment_id: int, by: User) -> Deployment:
    """The deployment, if this user may correct it (the process group)."""
    deployment = get_deployment(session, deployment_id=deployment_id)
    authorize(by, "deployment.edit", deployment)
    return deployment


def target_projects(session: Session, *, deployment_id: int) -> list[Row]:
    """The projects a deployment targets: those it has status rows for, by code; their id and code (what a choice of
    them shows: loaded whole, a deployment's 250 projects cost its page 2 ms)."""
    return list(session.exec(select(Project.id, Project.code).where(Project.id.in_(
        select(ProjectDeployment.project_id).where(ProjectDeployment.deployment_id == deployment_id)))
        .order_by(Project.code)).all())


def update_deployment(session: Session, *, deployment: Deployment, data: DeploymentCorrection,
                      by: User) -> Deployment:
    """Correct a planned deployment, every change in the history: projects gained get planned rows, projects
    lost lose theirs unless work on them has started (those rows keep their state: the project is refused);
    a new target date moves the planned date of the rows not started that still had the old one."""
    with editing(session, deployment, action="deployment.edit", seen=data.version, by=by) as edit:
        targeted = frozenset(session.exec(select(ProjectDeployment.project_id)
                                          .where(ProjectDeployment.deployment_id == deployment.id)).all())
        lock_projects(session, project_ids=targeted | set(data.project_ids))
        rows = list(session.exec(select(ProjectDeployment).where(ProjectDeployment.deployment_id == deployment.id)
                                 .options(joinedload(ProjectDeployment.project))).all())
        projects = _projects(session, data, targeted=targeted)
        _check_plan(session, data)
        kept = {p.id for p in projects}
        with_evidence = set(session.exec(select(Evidence.row_id).where(
            Evidence.row_id.in_([row.id for row in rows]))).all())
        started = sorted({row.project.code for row in rows if row.project_id not in kept
                          and (row.status not in NOT_STARTED or row.id in with_evidence)})  # evidence: work shown
        if started:
            raise ValidationError({"project_ids": f"Work has started on {', '.join(started)} (or evidence is "
                                                  "attached): their status rows stay (mark them not applicable if "
                                                  "the deployment is off there)."})
        if any(p.id not in targeted for p in projects) and any(
                v.status != VersionStatus.RELEASED for v in deployment.asset_versions):
            raise ValidationError({"project_ids": "A version it deploys is no longer released: new projects get "
                                                  "another deployment, of the current release."})
        _nothing_new(session, [p for p in projects if p.id not in targeted], deployment.asset_versions)
        old_plan = deployment.plan_id  # a deployed deployment moved to another plan moves its first deployment
        check_gate(session, versions=deployment.asset_versions, override_reason=data.override_reason)
        before = deployment.target_date
        edit.fields(data.model_dump(include=set(FIELDS)),
                    shown={"plan_id": lambda plan_id: session.get(ActionPlan, plan_id).title})
        for row in rows:
            if row.project_id not in kept:
                record_delete(session, row, by=by, fields={"deployment": f"#{deployment.id}",
                                                           "project": row.project.code, "status": row.status})
                session.delete(row)
            elif row.status in NOT_STARTED and row.planned_date == before != data.target_date:
                bump_version(session, row, apply_changes(session, row, by=by,
                                                         changes={"planned_date": data.target_date}))
        flush(session)
        lost = sorted(targeted - kept)
        if lost:
            mark_current(session, project_ids=lost)  # an older row of the same asset counts again
        gained = [p for p in projects if p.id not in targeted]
        if gained:
            add_rows(session, deployment=deployment, projects=gained, versions=deployment.asset_versions, by=by)
        if deployment.plan_id != old_plan:
            flush(session)
            mark_first_deployed(session, plan_ids={old_plan, deployment.plan_id} - {None})
        codes = {row.project_id: row.project.code for row in rows} | {p.id: p.code for p in projects}
        if kept != targeted:
            changed = {"projects": (", ".join(sorted(codes[i] for i in targeted)),
                                    ", ".join(sorted(codes[i] for i in kept)))}
            record_values(session, deployment, by=by, changed=changed)
            edit.also(changed)
    return deployment


@dataclass(frozen=True)
class DeploymentFilter:
    q: str = ""  # in the title
    asset_id: int | None = None  # deploying a version of this asset


LISTING = Listing("deployments", Deployment.id, {
    "title": Column("Deployment", (Deployment.title,), Deployment.title),
    "versions": Column("Versions", csv=many(
        VERSION_NAME, DeploymentVersion.deployment_id == Deployment.id,
        AssetVersion.id == DeploymentVersion.asset_version_id, ProcessAsset.id == AssetVersion.asset_id)),
    "target": Column("Target date", (Deployment.target_date,), Deployment.target_date),
    "progress": Column("Progress"),
}, default="-target", load=(selectinload(Deployment.asset_versions).joinedload(AssetVersion.asset),))


def deployments_matching(where: DeploymentFilter):
    """The deployments the filter selects (LISTING orders and pages them)."""
    statement = select(Deployment)
    if where.q:
        statement = statement.where(contains(where.q, Deployment.title))
    if where.asset_id is not None:
        statement = statement.where(Deployment.id.in_(
            select(DeploymentVersion.deployment_id).join(AssetVersion, AssetVersion.id == DeploymentVersion.asset_version_id)
            .where(AssetVersion.asset_id == where.asset_id)))
    return statement


def progress(session: Session, *, deployment_ids: list[int]) -> dict[int, dict[RowStatus, int]]:
    """Rows per status for each deployment, in one grouped query."""
    rows = session.exec(select(ProjectDeployment.deployment_id, ProjectDeployment.status, func.count())
                        .where(ProjectDeployment.deployment_id.in_(deployment_ids))
                        .group_by(ProjectDeployment.deployment_id, ProjectDeployment.status)).all()
    counts: dict[int, dict[RowStatus, int]] = {i: {} for i in deployment_ids}
    for deployment_id, status, n in rows:
        counts[deployment_id][status] = n
    return counts


def get_deployment(session: Session, *, deployment_id: int) -> Deployment:
    return get_or_not_found(session, Deployment, deployment_id,
                            selectinload(Deployment.asset_versions).joinedload(AssetVersion.asset),
                            joinedload(Deployment.plan), joinedload(Deployment.created_by),
                            selectinload(Deployment.materials).joinedload(Evidence.added_by),
                            missing="No such deployment.")


def rows_of(session: Session, *, deployment_id: int) -> list[ProjectDeployment]:
    """A deployment's status rows, with project and asset loaded (pages show them through `ROWS`, a page at a time)."""
    return list(session.exec(select(ProjectDeployment).options(*ROW_LOADED)
                             .where(ProjectDeployment.deployment_id == deployment_id)
                             .order_by(ProjectDeployment.project_id, ProjectDeployment.asset_version_id)).all())


@dataclass(frozen=True)
class RowFilter:
    deployment_id: int | None = None
    project_id: int | None = None
    lead_id: int | None = None  # only the projects this user leads
    status: RowStatus | None = None
    to_progress: bool = False  # not started, planned or in progress: the deployment is still owed
    overdue_only: bool = False
    current_only: bool = False  # each project's row that counts for an asset (its newest version's), not those it
    # superseded: what a project's page shows (a walk-through found older rows there with their buttons)


TO_PROJECT = ((Project, Project.id == ProjectDeployment.project_id),)
TO_ASSET = ((AssetVersion, AssetVersion.id == ProjectDeployment.asset_version_id),
            (ProcessAsset, ProcessAsset.id == AssetVersion.asset_id))
ROWS = Listing("deployment-status-rows", ProjectDeployment.id, {
    "project": Column("Project", (Project.code,), Project.code, joins=TO_PROJECT),
    "version": Column("Asset version", (ProcessAsset.title, AssetVersion.id), VERSION_NAME,
                      joins=TO_ASSET),
    "status": Column("Status", (ProjectDeployment.status,), ProjectDeployment.status),
    "planned": Column("Planned", (ProjectDeployment.planned_date.is_(None), ProjectDeployment.planned_date),
                      ProjectDeployment.planned_date),
    "deployed": Column("Deployed", (ProjectDeployment.deployed_on,), ProjectDeployment.deployed_on),
    "verified": Column("Verified", (ProjectDeployment.verified_on,), ProjectDeployment.verified_on),
    "reason": Column("Reason", csv=ProjectDeployment.reason, shown=False),
    "notes": Column("Notes", csv=ProjectDeployment.notes),
}, default="project", load=ROW_LOADED)


def rows_matching(where: RowFilter):
    """Status rows across deployments that the filter selects (ROWS orders and pages them)."""
    statement = select(ProjectDeployment)  # the project and asset are joined to sort or export by them (ROWS)
    if where.deployment_id is not None:
        statement = statement.where(ProjectDeployment.deployment_id == where.deployment_id)
    if where.project_id is not None:
        statement = statement.where(ProjectDeployment.project_id == where.project_id)
    if where.lead_id is not None:
        statement = statement.where(ProjectDeployment.project_id.in_(
            led_by(where.lead_id)))
    if where.status is not None:
        statement = statement.where(ProjectDeployment.status == where.status)
    if where.to_progress:
        statement = statement.where(owed_clause(ProjectDeployment))
    if where.overdue_only:
        statement = statement.where(overdue_clause(ProjectDeployment, utcnow().date()))
    if where.current_only:
        statement = statement.where(ProjectDeployment.current)
    return statement


def get_row(session: Session, *, row_id: int) -> ProjectDeployment:
    """A deployment status row, with its project (and leads), version and evidence loaded."""
    return get_or_not_found(session, ProjectDeployment, row_id, *ROW_LOADED, missing="No such deployment status row.")


def updatable_row(session: Session, *, row_id: int, by: User) -> ProjectDeployment:
    """The row, if this user may update it: the process group any, a lead their own projects'."""
    row = get_row(session, row_id=row_id)
    authorize(by, "deployment.update", row)
    return row


def move_row(session: Session, *, row: ProjectDeployment, data: RowMoveInput, by: User,
             evidence_file: tuple[str, bytes] = ("", b""), rules: content.Rules | None = None) -> ProjectDeployment:
    """Move a project's deployment status along the table, stamping the date each status is reached; the move may
    carry evidence of adoption (a link and/or a file, the move's note with them)."""
    lock_projects(session, project_ids=[row.project_id])
    carried: list[content.Upload | None] = []

    def effects() -> dict[str, object]:
        name, data_bytes = evidence_file
        if name or data.evidence_link:
            carried.append(evidence.check_upload(name, data_bytes, data.evidence_link, rules or content.rules(),
                                                 required=False, field="evidence_file"))
        changes = dates_on_moving(row.status, data.to, utcnow().date())
        if data.to == RowStatus.NOT_APPLICABLE:
            changes["reason"] = data.rationale
        if data.notes:
            changes["notes"] = data.notes
        return changes

    def then() -> None:
        row.updated_at = utcnow()
        if carried:
            evidence.attach(session, to=row, kind=EvidenceKind.ADOPTION, note=data.notes, link=data.evidence_link,
                            upload=carried[0], by=by, rules=rules or content.rules())
        flush(session)
        recount(session, project_ids=[row.project_id])
        mark_first_deployed(session, rows=[row])

    make_move(session, row, table=ROW_TRANSITIONS, to=data.to, seen=data.version, by=by, action="deployment.update",
              rationale=data.rationale, effects=effects, then=then)
    return row
