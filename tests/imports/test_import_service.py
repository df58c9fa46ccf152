"""An import's run: every row read as its form reads it and written by its kind's services, each row's errors
beside it; a preview writes nothing, an import writes all or nothing, with history; importing again updates."""

from sqlmodel import select

from tracker.auth.roles import Role
from tracker.db import get_session
from tracker.history.models import AuditEvent
from tracker.imports import service
from tracker.imports.models import ImportedRecord, ImportKind
from tracker.projects.models import Project

PROJECTS = (b"Code,Name,Phase,Start date,Leads\n"
            b"PX-1,Payroll,Planning,2026-01-05,Lead One\n"
            b"PX-2,Billing,execution,2026-02-01,\n")


def _run(app, user, content, *, keep, filename="projects.csv", mapping=None):
    with app.test_request_context():
        session = get_session()
        batch = service.upload(session, kind=ImportKind.PROJECTS, filename=filename, content=content, by=user)
        chosen = mapping or service.guess_mapping(session, ImportKind.PROJECTS, service.table_of(batch))
        return service.run(session, batch=batch, mapping=chosen, by=user, keep=keep)


def test_a_preview_reads_every_row_and_writes_nothing(app, make_user, db):
    make_user(Role.PROJECT_LEAD, name="Lead One")
    outcome = _run(app, make_user(Role.PROCESS_GROUP), PROJECTS, keep=False)
    assert (outcome.created, outcome.updated, outcome.failed, outcome.ok) == (2, 0, 0, True)
    assert [(row.number, row.action) for row in outcome.rows] == [(2, "create"), (3, "create")]
    assert db.exec(select(Project)).all() == []


def test_an_import_writes_each_row_with_its_history_and_again_updates_them(app, make_user, db):
    lead = make_user(Role.PROJECT_LEAD, name="Lead One")
    importer = make_user(Role.PROCESS_GROUP)
    assert _run(app, importer, PROJECTS, keep=True).created == 2
    projects = {p.code: p for p in db.exec(select(Project)).all()}
    assert set(projects) == {"PX-1", "PX-2"}
    assert (projects["PX-1"].phase.value, [u.id for u in projects["PX-1"].leads]) == ("planning", [lead.id])
    imported = db.exec(select(AuditEvent).where(AuditEvent.action == "import", AuditEvent.entity_id ==
                                                projects["PX-2"].id, AuditEvent.entity == "project")).one()
    assert (imported.user_id, imported.new) == (importer.id, "imported from projects.csv, row 3")
    again = _run(app, importer, PROJECTS.replace(b"Billing", b"Billing and invoicing"), keep=True)
    assert (again.created, again.updated) == (0, 2)
    db.expire_all()
    assert sorted(p.name for p in db.exec(select(Project)).all()) == ["Billing and invoicing", "Payroll"]
    assert len(db.exec(select(ImportedRecord)).all()) == 2


def test_one_bad_row_stops_the_whole_import_and_says_why_beside_it(app, make_user, db):
    make_user(Role.PROJECT_LEAD, name="Lead One")
    content = PROJECTS + b"PX-3,,someday,2026-13-01,Nobody Known\n"
    outcome = _run(app, make_user(Role.PROCESS_GROUP), content, keep=True)
    assert (outcome.failed, outcome.ok) == (1, False)
    bad = outcome.rows[0]
    assert bad.number == 4 and set(bad.errors) == {"name", "phase", "start_date", "lead_ids"}
    assert db.exec(select(Project)).all() == [] and db.exec(select(ImportedRecord)).all() == []


def test_a_key_column_matches_rows_whatever_the_file(app, make_user, db):
    importer = make_user(Role.PROCESS_GROUP)
    keyed = b"Key,Code,Name,Phase,Start date\nA1,PX-1,Payroll,planning,2026-01-05\n"
    _run(app, importer, keyed, keep=True, filename="first.csv")
    moved = b"Key,Code,Name,Phase,Start date\nB7,PX-9,Other,planning,2026-01-05\nA1,PX-1,Payroll 2,planning,2026-01-05\n"
    outcome = _run(app, importer, moved, keep=True, filename="second.xlsx.csv")
    assert (outcome.created, outcome.updated) == (1, 1)
    db.expire_all()
    assert sorted((p.code, p.name) for p in db.exec(select(Project)).all()) == [("PX-1", "Payroll 2"), ("PX-9", "Other")]


def test_projects_are_known_by_their_code_wherever_their_row_moves(app, make_user, db):
    importer = make_user(Role.PROCESS_GROUP)
    sheet = b"Code,Name,Phase,Start date\nPX-1,Payroll,planning,2026-01-05\nPX-2,Billing,planning,2026-02-01\n"
    _run(app, importer, sheet, keep=True)
    moved = b"Code,Name,Phase,Start date\nPX-2,Billing 2,planning,2026-02-01\nPX-1,Payroll,planning,2026-01-05\n"
    outcome = _run(app, importer, moved, keep=True)
    assert (outcome.created, outcome.updated, outcome.failed) == (0, 2, 0)
    assert outcome.rows[0].record_id == db.exec(select(Project.id).where(Project.code == "PX-2")).one()


def test_a_row_with_cells_past_the_header_is_refused_beside_it(app, make_user, db):
    outcome = _run(app, make_user(Role.PROCESS_GROUP), PROJECTS.replace(b"Lead One\n", b"Lead One,PPQA\n", 1),
                   keep=False)
    assert outcome.rows[0].number == 2 and outcome.rows[0].errors == {
        "__all__": "This row has more cells than the first row names columns: name the column or empty the cells."}


def test_a_check_remembers_its_mapping_for_the_next_file_even_when_rows_fail(app, make_user, db):
    importer = make_user(Role.PROCESS_GROUP)
    odd = b"Kennung,Name,Phase,Start date\nPX-1,,planning,2026-01-05\n"
    mapping = {"columns": {"Kennung": "code", "Name": "name", "Phase": "phase", "Start date": "start_date"},
               "values": {}, "dates": "mdy"}
    assert not _run(app, importer, odd, keep=False, mapping=mapping).ok
    with app.test_request_context():
        from tracker.imports.read import read_table
        guessed = service.guess_mapping(get_session(), ImportKind.PROJECTS, read_table(odd))
    assert guessed["columns"]["Kennung"] == "code"
