"""Imports (/imports/): upload a file of one kind, map its columns to the kind's fields, preview every row with its
errors beside it, then import all or nothing (tracker/imports/service.py)."""

from flask import Blueprint, flash, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from tracker.auth.policy import requires
from tracker.content import rules
from tracker.db import get_session
from tracker.errors import ValidationError
from tracker.imports import service
from tracker.imports.forms import UploadInput
from tracker.imports.kinds import PAGES, TARGETS
from tracker.imports.models import ImportKind
from tracker.imports.redmine import DATE_ORDER_LABELS
from tracker.validation import parse
from tracker.web import go_to

bp = Blueprint("imports", __name__, url_prefix="/imports")

SAMPLES = 3  # values shown under each column's name


@bp.get("/")
@requires("import.run")
def index(refused: dict | None = None):
    form = refused or {"values": MultiDict({"kind": ImportKind.PROJECTS.value}), "errors": {}}
    return render_template("imports/index.html", batches=service.recent_batches(get_session()), form=form,
                           kinds=[kind for kind in ImportKind if kind in TARGETS]), 422 if refused else 200


@bp.post("/")
@requires("import.run")
def upload():
    """Keep the file, then map its columns (the mapping last used for its kind already chosen)."""
    sent = request.files.get("file")
    try:
        data = parse(UploadInput, request.form)
        if sent is None or not sent.filename:
            raise ValidationError({"file": "Choose the file to import."})
        content = sent.read()
        if len(content) > rules().max_bytes:
            raise ValidationError({"file": f"The file is larger than the {rules().max_text} allowed."})
        batch = service.upload(get_session(), kind=data.kind, filename=sent.filename, content=content, by=current_user)
    except ValidationError as error:
        return index(refused={"values": request.form, "errors": error.errors})
    return go_to(url_for("imports.detail", batch_id=batch.id))


@bp.get("/<int:batch_id>")
@requires("import.run")
def detail(batch_id: int, *, mapping: dict | None = None, outcome: service.Outcome | None = None,
           errors: dict | None = None, kept: bool = False, status: int = 200):
    batch = service.get_batch(get_session(), batch_id=batch_id)
    table = service.table_of(batch)
    chosen = mapping if mapping is not None else service.mapping_of(batch)
    target = TARGETS[batch.kind]
    return render_template("imports/detail.html", batch=batch, table=table, target=target,
                           samples=[[cells[i] for _, cells in table.rows[:SAMPLES]] for i in range(len(table.header))],
                           chosen=chosen["columns"], values=chosen["values"], dates=chosen["dates"], kept=kept,
                           date_orders=DATE_ORDER_LABELS, pages=PAGES, key=service.KEY,
                           texts=service.translated_texts(target, table, chosen["columns"]), outcome=outcome,
                           errors=errors or {}), status


def _mapping(header: list[str], before: dict) -> dict:
    """The mapping as the form chose it: each column's field by its position (names may repeat or be odd), each
    translated text's value (`value-<field>-<n>`, the text itself beside it in `…-text`) over the translations
    the batch had (a column mapped just now has its kind's own), and how its dates are written."""
    values = {field: dict(table) for field, table in before["values"].items()}
    for name in request.form:
        if name.startswith("value-") and not name.endswith("-text") and request.form[name]:
            field = name.removeprefix("value-").rsplit("-", 1)[0]
            values.setdefault(field, {})[request.form.get(f"{name}-text", "").casefold()] = request.form[name]
    return {"columns": {column: request.form.get(f"column-{n}", "") for n, column in enumerate(header)},
            "values": values, "dates": request.form.get("dates", before["dates"])}


def _run(batch_id: int, *, keep: bool):
    session = get_session()
    batch = service.get_batch(session, batch_id=batch_id)
    mapping = _mapping(service.table_of(batch).header, service.mapping_of(batch))
    try:
        outcome = service.run(session, batch=batch, mapping=mapping, by=current_user, keep=keep)
    except ValidationError as error:
        return detail(batch_id, mapping=mapping, errors=error.errors, status=422)
    if keep and outcome.ok:
        flash(f"Imported {batch.filename}: {outcome.created} new, {outcome.updated} updated.", "success")
        return go_to(url_for("imports.detail", batch_id=batch_id))
    return detail(batch_id, mapping=mapping, outcome=outcome, kept=keep, status=200 if outcome.ok else 422)


@bp.post("/<int:batch_id>/preview")
@requires("import.run")
def preview(batch_id: int):
    """Every row read and written as the import would, then undone: what it would do, and each row's errors."""
    return _run(batch_id, keep=False)


@bp.post("/<int:batch_id>/import")
@requires("import.run")
def run(batch_id: int):
    """Import every row, or none when any fails (the rows' errors shown as in the preview)."""
    return _run(batch_id, keep=True)
