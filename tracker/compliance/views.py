"""Compliance audit pages: list, plan an audit, record results and noncompliances, complete it."""

from flask import Blueprint, redirect, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from tracker import content
from tracker.auth.policy import PUBLIC, can, requires
from tracker.compliance import service
from tracker.compliance.forms import (
    AuditCorrection,
    AuditInput,
    AuditMoveInput,
    EvidenceInput,
    NoncomplianceInput,
    NoncomplianceMoveInput,
    parse_results,
)
from tracker.compliance.models import AuditStatus, Compliance, ComplianceAudit, NoncomplianceStatus
from tracker.compliance.page import read_page
from tracker.compliance.workflow import AUDIT_TRANSITIONS, NONCOMPLIANCE_TRANSITIONS
from tracker.db import get_session
from tracker.history.service import history
from tracker.validation import parse
from tracker.web import (
    RecordForm,
    form_values,
    list_page,
    page_or_fragment,
    query_enum,
    query_id,
    query_lookups,
    query_text,
    says,
    section_forms,
    write_in_place,
)
from tracker.workflow import allowed_moves

bp = Blueprint("compliance", __name__, url_prefix="/compliance")
moved = Blueprint("audits_moved", __name__)  # the pages lived under /audits/ until the rename


@moved.get("/audits/", defaults={"rest": ""})
@moved.get("/audits/<path:rest>")
@requires(PUBLIC)  # only a redirect: the page it leads to checks who may see it
def audits_moved(rest: str):
    query = f"?{request.query_string.decode()}" if request.query_string else ""
    return redirect(f"{url_for('compliance.index')}{rest}{query}", code=308)


@bp.get("/")
@requires("read")
def index():
    mine = {"auditor": current_user.id} if request.args.get("mine") else {}  # ?mine=1: the signed-in auditor
    chosen = query_lookups({"project": "project", "asset": "asset", "auditor": "person"}, instead=mine)
    where = service.AuditFilter(project_id=chosen.ids["project"], asset_id=chosen.ids["asset"],
                                auditor_id=chosen.ids["auditor"],
                                status=query_enum(AuditStatus, "status"))
    return list_page(service.AUDITS, service.audits_matching(where), "compliance/index.html", "compliance/_table.html",
                     where=where, statuses=list(AuditStatus), chosen=chosen)


@bp.get("/noncompliances")
@requires("read")
def noncompliance_list():
    mine = bool(request.args.get("mine"))  # the owner filter is the signed-in person's, and not shown
    chosen = query_lookups({"project": "project", "asset": "asset"} | ({} if mine else {"owner": "person"}))
    where = service.NoncomplianceFilter(
        q=query_text("q"), owner_id=current_user.id if mine else chosen.ids["owner"],
        status=query_enum(NoncomplianceStatus, "status"), open_only=bool(request.args.get("open")),
        overdue_only=bool(request.args.get("overdue")), project_id=chosen.ids["project"], asset_id=chosen.ids["asset"],
        audit_id=query_id("audit"))
    return list_page(service.NONCOMPLIANCES, service.noncompliances_matching(where), "compliance/noncompliances.html",
                     "compliance/_noncompliances.html", where=where, statuses=list(NoncomplianceStatus),
                     chosen=chosen)


def _options(audit) -> dict:
    session = get_session()
    return {"history": history(session, entity="compliance_audit", entity_ids=[audit.id]) if audit else []}


def _values(audit) -> MultiDict:
    return form_values(audit, service.AUDIT_FIELDS)


FORM = RecordForm(AuditInput, "compliance/form.html", "compliance/_form.html", "audit", values_of=lambda a: MultiDict(),
                  options=_options)
CORRECTION = RecordForm(AuditCorrection, "compliance/form.html", "compliance/_form.html", "audit", values_of=_values,
                        options=_options)


@bp.get("/<int:audit_id>/edit")
@requires("audit.edit")
def edit(audit_id: int):
    return CORRECTION.edit(service.editable_audit(get_session(), audit_id=audit_id, by=current_user))


@bp.post("/<int:audit_id>")
@requires("audit.edit")
def update(audit_id: int):
    session = get_session()
    audit = service.editable_audit(session, audit_id=audit_id, by=current_user)
    return CORRECTION.post(lambda data: service.update_audit(session, audit=audit, data=data, by=current_user),
                           done=lambda saved: url_for("compliance.detail", audit_id=saved.id), record=audit,
                           reload=lambda: service.editable_audit(session, audit_id=audit_id, by=current_user))


@bp.get("/new")
@requires("audit.edit")
def new():
    return FORM.show(values=MultiDict({"project_id": request.args.get("project", ""),
                                       "auditor_id": str(current_user.id)}))


@bp.post("/")
@requires("audit.edit")
def create():
    return FORM.post(lambda data: service.plan_audit(get_session(), data=data, by=current_user),
                     done=lambda a: url_for("compliance.detail", audit_id=a.id))


@bp.get("/<int:audit_id>")
@requires("read")
def detail(audit_id: int):
    return audit_page(service.get_audit(get_session(), audit_id=audit_id))


def audit_page(audit: ComplianceAudit, **forms: dict | None):
    """The audit's page (its parts: tracker/compliance/page.py); a refused form's values and errors in `forms`
    (by form name) make it a 422."""
    parts = read_page(get_session(), audit)
    status, section_context = section_forms(forms, "results", "move", "nc", "evidence")
    return page_or_fragment(
        "compliance/detail.html", "compliance/detail.html", http_status=status, **vars(parts),
        version_options=[(str(v.id), v.name) for v in parts.scope], compliance=list(Compliance),
        result_options=[(str(r.id), r.asset_version.name) for r in audit.results],
        nc_moves=lambda item: allowed_moves(NONCOMPLIANCE_TRANSITIONS, item.status, current_user.roles)
        if can(current_user, "noncompliance.update", item) else [],
        moves=allowed_moves(AUDIT_TRANSITIONS, audit.status, current_user.roles),
        **section_context)


@bp.post("/<int:audit_id>/results")
@requires("audit.edit")
@says("Audit results recorded.")
def record_results(audit_id: int):
    session = get_session()
    audit = service.get_audit(session, audit_id=audit_id)
    return write_in_place(
        lambda: service.record_results(session, audit=audit, results=parse_results(request.form), by=current_user),
        url=url_for("compliance.detail", audit_id=audit_id),
        page=lambda refused: audit_page(service.get_audit(session, audit_id=audit_id), results=refused))


@bp.post("/<int:audit_id>/evidence")
@requires("audit.edit")
@says("Evidence attached.")
def add_evidence(audit_id: int):
    session = get_session()
    audit = service.get_audit(session, audit_id=audit_id)
    rules = content.rules()
    name, data_bytes = content.read_upload(request.files.get("file"), rules)
    return write_in_place(
        lambda: service.add_evidence(session, audit=audit, data=parse(EvidenceInput, request.form), name=name,
                                     data_bytes=data_bytes, by=current_user, rules=rules),
        url=url_for("compliance.detail", audit_id=audit_id, _anchor="results"),
        page=lambda refused: audit_page(service.get_audit(session, audit_id=audit_id), evidence=refused))


@bp.post("/<int:audit_id>/move")
@requires("audit.edit")
def move(audit_id: int):
    session = get_session()
    audit = service.get_audit(session, audit_id=audit_id)
    return write_in_place(
        lambda: service.move_audit(session, audit=audit, data=parse(AuditMoveInput, request.form), by=current_user),
        url=url_for("compliance.detail", audit_id=audit_id),
        page=lambda refused: audit_page(audit, move=refused))


@bp.post("/<int:audit_id>/noncompliances")
@requires("audit.edit")
@says("Noncompliance recorded.")
def add_noncompliance(audit_id: int):
    session = get_session()
    audit = service.get_audit(session, audit_id=audit_id)
    return write_in_place(
        lambda: service.add_noncompliance(session, audit=audit, data=parse(NoncomplianceInput, request.form),
                                          by=current_user),
        url=url_for("compliance.detail", audit_id=audit_id), page=lambda refused: audit_page(audit, nc=refused))


def _nc_values(item) -> MultiDict:
    return form_values(item, service.NONCOMPLIANCE_FIELDS)


def _nc_options(item) -> dict:
    session = get_session()
    versions = service.scope(session, project_id=item.audit.project_id)  # what the audit could find it in
    if item.asset_version is not None and item.asset_version not in versions:
        versions.append(item.asset_version)  # recorded against a version no longer in scope: still offered
    return {"version_options": [(str(v.id), v.name) for v in versions],
            "history": history(session, entity="noncompliance", entity_ids=[item.id])}


NC_FORM = RecordForm(NoncomplianceInput, "compliance/noncompliance_form.html", "compliance/_noncompliance_form.html",
                     "item", _nc_values, options=_nc_options)


@bp.get("/noncompliances/<int:item_id>/edit")
@requires("audit.edit")
def edit_noncompliance(item_id: int):
    return NC_FORM.edit(service.editable_noncompliance(get_session(), item_id=item_id, by=current_user))


@bp.post("/noncompliances/<int:item_id>")
@requires("audit.edit")
def update_noncompliance(item_id: int):
    session = get_session()
    item = service.editable_noncompliance(session, item_id=item_id, by=current_user)
    return NC_FORM.post(
        lambda data: service.update_noncompliance(session, item=item, data=data, by=current_user),
        done=lambda saved: url_for("compliance.detail", audit_id=saved.audit_id, _anchor=f"nc-{saved.id}"),
        record=item, reload=lambda: service.editable_noncompliance(session, item_id=item_id, by=current_user))


@bp.post("/noncompliances/<int:item_id>/move")
@requires("noncompliance.update")
def move_noncompliance(item_id: int):
    session = get_session()
    item = service.updatable_noncompliance(session, item_id=item_id, by=current_user)
    audit = service.get_audit(session, audit_id=item.audit_id)
    return write_in_place(
        lambda: service.move_noncompliance(session, item=item, data=parse(NoncomplianceMoveInput, request.form),
                                           by=current_user),
        url=url_for("compliance.detail", audit_id=audit.id),
        page=lambda refused: audit_page(audit, nc=refused and refused | {"item": item.id}))
