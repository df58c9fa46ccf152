"""Deployment pages: list, plan a deployment, its status rows, the organization's status matrix and export,
the standard set, and the one-step actions (standard set for a project, new release to drifted projects)."""


from flask import Blueprint, current_app, flash, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from tracker import content
from tracker.assets.models import ReviewOutcome
from tracker.assets.service import get_asset
from tracker.assets.views import asset_page
from tracker.auth.policy import led_projects_only, requires
from tracker.db import get_session, utcnow
from tracker.deployments import service, standard_set, status, training
from tracker.deployments.forms import (
    DeploymentCorrection,
    DeploymentInput,
    MaterialInput,
    OverrideInput,
    ReviewDateInput,
    RowMoveInput,
    SetReviewInput,
    StandardSetInput,
    TrainingInput,
)
from tracker.deployments.models import RowStatus
from tracker.deployments.workflow import row_moves_for
from tracker.errors import Conflict, ValidationError
from tracker.history.service import history
from tracker.lessons.service import drawn_from
from tracker.projects.models import Phase, ProjectStatus
from tracker.projects.service import get_project
from tracker.projects.views import project_page
from tracker.validation import parse
from tracker.web import (
    LookupFilters,
    RecordForm,
    csv_download,
    form_values,
    go_to,
    list_page,
    list_section,
    page_or_fragment,
    query_enum,
    query_id,
    query_lookups,
    query_page,
    query_text,
    says,
    section_forms,
    streamed,
    write_in_place,
)

bp = Blueprint("deployments", __name__, url_prefix="/deployments")


@bp.get("/")
@requires("read")
def index():
    session, chosen = get_session(), query_lookups({"asset": "asset"})
    where = service.DeploymentFilter(q=query_text("q"), asset_id=chosen.ids["asset"])
    return list_page(service.LISTING, service.deployments_matching(where), "deployments/index.html",
                     "deployments/_table.html", where=where, chosen=chosen, about_page=lambda found: {
                         "progress": service.progress(session, deployment_ids=[d.id for d in found])})


@bp.get("/<int:deployment_id>")
@requires("read")
def detail(deployment_id: int):
    session = get_session()
    return deployment_page(service.get_deployment(session, deployment_id=deployment_id))


def deployment_page(deployment, **forms: dict | None):
    """The deployment's page: its rows, training and support, lessons and history (a refused training or material
    form in `forms` makes it a 422 with what was typed)."""
    session = get_session()
    http_status, sections = section_forms(forms, "training", "material",
                                          defaults={"training": {"held_on": str(utcnow().date())}})
    return page_or_fragment("deployments/detail.html", "deployments/detail.html", http_status=http_status,
                            deployment=deployment, rows=list_section(
                                service.ROWS, service.rows_matching(service.RowFilter(deployment_id=deployment.id)),
                                deployment=deployment.id),
                            row_moves=row_moves_for(current_user),
                            history=history(session, entity="deployment", entity_ids=[deployment.id]),
                            drawn=drawn_from(session, field="deployment_id", record_id=deployment.id),
                            trainings=training.sessions_of(session, deployment_id=deployment.id),
                            projects=service.target_projects(session, deployment_id=deployment.id),
                            **sections)


@bp.post("/<int:deployment_id>/training")
@requires("deployment.train")
@says("Training session recorded.")
def record_training(deployment_id: int):
    session = get_session()
    deployment = service.get_deployment(session, deployment_id=deployment_id)
    return write_in_place(
        lambda: training.record_training(session, deployment=deployment, data=parse(TrainingInput, request.form),
                                         by=current_user),
        page=lambda refused: deployment_page(service.get_deployment(session, deployment_id=deployment_id),
                                             training=refused),
        url=url_for("deployments.detail", deployment_id=deployment_id, _anchor="training"))


@bp.post("/<int:deployment_id>/materials")
@requires("deployment.edit")
@says("Material added.")
def add_material(deployment_id: int):
    session = get_session()
    deployment = service.get_deployment(session, deployment_id=deployment_id)
    rules = content.rules()
    name, data_bytes = content.read_upload(request.files.get("file"), rules)
    return write_in_place(
        lambda: training.add_material(session, deployment=deployment, data=parse(MaterialInput, request.form),
                                      name=name, data_bytes=data_bytes, by=current_user, rules=rules),
        page=lambda refused: deployment_page(service.get_deployment(session, deployment_id=deployment_id),
                                             material=refused),
        url=url_for("deployments.detail", deployment_id=deployment_id, _anchor="training"))


def _options(deployment) -> dict:
    """When correcting, its history. Its versions and projects are typed (released and active ones suggested)."""
    return {"history": history(get_session(), entity="deployment", entity_ids=[deployment.id])} if deployment else {}


def _values(deployment) -> MultiDict:
    values = form_values(deployment, service.FIELDS)
    values["training_required"] = "y" if deployment.training_required else ""
    values.setlist("project_ids", [str(p.id) for p in service.target_projects(get_session(),
                                                                             deployment_id=deployment.id)])
    return values


FORM = RecordForm(DeploymentInput, "deployments/form.html", "deployments/_form.html", "deployment",
                  values_of=lambda d: MultiDict(), options=_options)
CORRECTION = RecordForm(DeploymentCorrection, "deployments/form.html", "deployments/_form.html", "deployment",
                        values_of=_values, options=_options)


@bp.get("/<int:deployment_id>/edit")
@requires("deployment.edit")
def edit(deployment_id: int):
    return CORRECTION.edit(service.editable_deployment(get_session(), deployment_id=deployment_id, by=current_user))


@bp.post("/<int:deployment_id>")
@requires("deployment.edit")
def update(deployment_id: int):
    session = get_session()
    deployment = service.editable_deployment(session, deployment_id=deployment_id, by=current_user)
    return CORRECTION.post(
        lambda data: service.update_deployment(session, deployment=deployment, data=data, by=current_user),
        done=lambda saved: url_for("deployments.detail", deployment_id=saved.id), record=deployment,
        reload=lambda: service.editable_deployment(session, deployment_id=deployment_id, by=current_user))


@bp.get("/new")
@requires("deployment.create")
def new():
    values = MultiDict()
    values.setlist("version_ids", request.args.getlist("version"))
    return FORM.show(values=values)


@bp.post("/")
@requires("deployment.create")
def create():
    return FORM.post(lambda data: service.create_deployment(get_session(), data=data, by=current_user),
                     done=lambda d: url_for("deployments.detail", deployment_id=d.id))


@bp.post("/rows/<int:row_id>/move")
@requires("deployment.update")
def move_row(row_id: int):
    session = get_session()
    row = service.updatable_row(session, row_id=row_id, by=current_user)
    rules = content.rules()
    try:
        service.move_row(session, row=row, data=parse(RowMoveInput, request.form), by=current_user, rules=rules,
                         evidence_file=content.read_upload(request.files.get("evidence_file"), rules))
    except ValidationError as error:
        return _row(row, status=422, errors=error.errors, values=request.form)
    except Conflict as error:
        # Someone moved this row meanwhile: show it as it is now, with the buttons that apply to that, and what
        # the person typed kept in its fields (a walk-through lost a note here).
        return _row(service.updatable_row(session, row_id=row_id, by=current_user), status=409,
                    errors={"__all__": error.message}, values=request.form)
    return _row(row)


def _row(row, *, status: int = 200, errors: dict | None = None, values: MultiDict | None = None):
    """The row as it is now; after a refused move, with the message and what the user typed."""
    return page_or_fragment("deployments/_row_page.html", "deployments/_row.html", http_status=status, row=row,
                            row_moves=row_moves_for(current_user), row_errors=errors or {}, row_values=values or {})


@bp.get("/rows")
@requires("read")
def rows():
    where = service.RowFilter(deployment_id=query_id("deployment"), project_id=query_id("project"),
                              lead_id=current_user.id if request.args.get("mine") else None,
                              status=query_enum(RowStatus, "status"), to_progress=bool(request.args.get("open")),
                              overdue_only=bool(request.args.get("overdue")),
                              current_only=bool(request.args.get("current")))
    return list_page(service.ROWS, service.rows_matching(where), "deployments/rows.html", "deployments/_rows_page.html",
                     where=where, statuses=list(RowStatus), row_moves=row_moves_for(current_user))


def _status_filter() -> tuple[status.StatusFilter, LookupFilters]:
    project_status = request.args.get("project_status", "active")
    chosen = query_lookups({"asset": "asset"})
    return status.StatusFilter(
        q=query_text("q"), phase=query_enum(Phase, "phase"),
        project_status=None if project_status == "any" else query_enum(ProjectStatus, "project_status")
        or ProjectStatus.ACTIVE,
        status=query_enum(RowStatus, "status"),
        lead_id=led_projects_only(current_user), asset_id=chosen.ids["asset"]), chosen


@bp.get("/status")
@requires("read")
def status_matrix():
    where, chosen = _status_filter()
    result = status.matrix(get_session(), where=where, page=query_page(), size=int(current_app.config["PAGE_SIZE"]),
                           columns=query_page(name="columns"))
    return page_or_fragment("deployments/status.html", "deployments/_matrix.html", matrix=result, where=where,
                            chosen=chosen, phases=list(Phase), statuses=list(RowStatus),
                            project_status=request.args.get("project_status", "active"))


@bp.get("/status.csv")
@requires("read")
def status_csv():
    where, _ = _status_filter()
    return csv_download("deployment-status.csv", status.EXPORT_HEADER,
                        streamed(lambda session: status.export(session, where=where)))


@bp.get("/standard-set")
@requires("read")
def standard_set_page(**forms: dict | None):
    """The standard set, its review and its entries; a refused form (`entry`, `review`, `review_date`) is a 422."""
    session = get_session()
    http_status, sections = section_forms(forms, "entry", "review", "review_date",
                                          defaults={"review": {"reviewed_on": str(utcnow().date())}})
    return page_or_fragment("deployments/standard_set.html", "deployments/standard_set.html", http_status=http_status,
                            entries=standard_set.entries(session), phases=list(Phase),
                            schedule=standard_set.schedule(session), reviews=standard_set.reviews(session),
                            outcomes=list(ReviewOutcome), **sections)


def _set_write(write, form: str):
    return write_in_place(write, page=lambda refused: standard_set_page(**{form: refused}),
                          url=url_for("deployments.standard_set_page"))


@bp.post("/standard-set")
@requires("standard_set.edit")
def save_standard_entry():
    return _set_write(lambda: standard_set.set_entry(get_session(), data=parse(StandardSetInput, request.form),
                                                     by=current_user), "entry")


@bp.post("/standard-set/reviews")
@requires("standard_set.edit")
def review_standard_set():
    return _set_write(lambda: standard_set.record_review(get_session(), data=parse(SetReviewInput, request.form),
                                                         by=current_user), "review")


@bp.post("/standard-set/review-date")
@requires("standard_set.edit")
def set_standard_set_review_date():
    return _set_write(lambda: standard_set.set_review_date(
        get_session(), data=parse(ReviewDateInput, request.form), by=current_user), "review_date")


@bp.post("/standard-set/<int:entry_id>/remove")
@requires("standard_set.edit")
@says("Taken out of the standard set.")
def remove_standard_entry(entry_id: int):
    standard_set.remove_entry(get_session(), entry_id=entry_id, by=current_user)
    return go_to(url_for("deployments.standard_set_page"))


@bp.post("/standard-set/apply/<int:project_id>")
@requires("deployment.create")
def apply_standard_set(project_id: int):
    session = get_session()
    project = get_project(session, project_id=project_id)
    try:
        deployment = standard_set.apply_to_project(session, project=project, by=current_user,
                                                   override_reason=_override_reason())
    except ValidationError as error:  # the pilot gate: the reason goes beside its field, the page stays
        return project_page(project, status=422, standard={"values": request.form, "errors": error.errors})
    flash(f"Planned the standard set for {project.code}.", "info")
    return go_to(url_for("deployments.detail", deployment_id=deployment.id))


@bp.post("/drift/<int:asset_id>")
@requires("deployment.create")
def deploy_drift(asset_id: int):
    session = get_session()
    asset = get_asset(session, asset_id=asset_id)
    try:
        deployment = standard_set.deploy_to_drifted(session, asset=asset, by=current_user,
                                                    override_reason=_override_reason())
    except ValidationError as error:
        return asset_page(asset, drift={"values": request.form, "errors": error.errors})
    return go_to(url_for("deployments.detail", deployment_id=deployment.id))


def _override_reason() -> str:
    """The reason given on a one-step deployment button for deploying a version piloted without adoption."""
    return parse(OverrideInput, request.form).override_reason
