"""The imports pages: a file refused beside its field with nothing kept; its columns guessed (by name, then as the
kind's last import mapped them); a check that shows each row's errors and writes nothing; an import that writes."""

import io
import json

from sqlmodel import select

from tracker.auth.roles import Role
from tracker.imports.models import BatchState, ImportBatch, ImportMapping
from tracker.projects.models import Project

SHEET = b"Code,Name,Phase,Start date\nPX-1,Payroll,planning,2026-01-05\nPX-2,Billing,execution,2026-02-01\n"
MAPPED = {"column-0": "code", "column-1": "name", "column-2": "phase", "column-3": "start_date"}


def _upload(client, content: bytes, *, kind="projects", name="projects.csv"):
    return client.post("/imports/", data={"kind": kind, "file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def test_a_file_that_cannot_be_imported_is_refused_beside_its_field(client, login_as, db):
    login_as(Role.PROCESS_GROUP)
    missing = client.post("/imports/", data={"kind": "projects"}, content_type="multipart/form-data")
    assert missing.status_code == 422 and "Choose the file to import." in missing.get_data(as_text=True)
    picture = _upload(client, b"\x89PNG\r\n\x1a\n" + bytes(64), name="chart.png")
    assert picture.status_code == 422
    assert "Send a CSV file or an Excel workbook (.xlsx)." in picture.get_data(as_text=True)
    empty = _upload(client, b"", name="empty.csv")
    assert empty.status_code == 422 and "The file is empty." in empty.get_data(as_text=True)
    wrong_kind = _upload(client, SHEET, kind="invoices")
    assert wrong_kind.status_code == 422 and "Choose one of the listed options." in wrong_kind.get_data(as_text=True)
    assert db.exec(select(ImportBatch)).all() == []


def test_a_check_shows_each_rows_errors_and_writes_nothing(client, login_as, db):
    login_as(Role.PROCESS_GROUP)
    address = _upload(client, SHEET + b"PX-3,,someday,2026-02-30\n").headers["Location"]
    checked = client.post(f"{address}/preview", data=MAPPED)
    assert checked.status_code == 422
    page = checked.get_data(as_text=True)
    assert "1 row to fix before importing" in page
    assert "Name: This field is required." in page and "Phase: Choose one of: Initiation, Planning, Execution, Transition, Operation." in page
    assert "Start date: Enter a real date as YYYY-MM-DD." in page
    refused = client.post(f"{address}/import", data=MAPPED)  # all or nothing
    assert refused.status_code == 422 and "Nothing was imported: 1 row to fix" in refused.get_data(as_text=True)
    assert db.exec(select(Project)).all() == []


def test_a_mapping_without_a_required_field_or_with_a_field_twice_is_refused(client, login_as):
    login_as(Role.PROCESS_GROUP)
    address = _upload(client, SHEET).headers["Location"]
    short = client.post(f"{address}/preview", data=MAPPED | {"column-3": ""})
    assert short.status_code == 422 and "Map a column to each required field: Start date." in short.get_data(as_text=True)
    twice = client.post(f"{address}/preview", data=MAPPED | {"column-1": "code"})
    assert twice.get_data(as_text=True).count("Another column fills this field too.") == 2


def test_an_import_writes_the_rows_and_its_mapping_is_offered_next_time(client, login_as, db):
    login_as(Role.PROCESS_GROUP)
    odd = b"Projektcode,Name,Phase,Start date\nPX-1,Payroll,planning,2026-01-05\n"
    address = _upload(client, odd).headers["Location"]
    imported = client.post(f"{address}/import", data=MAPPED)
    assert imported.status_code == 303 and imported.headers["Location"] == address
    assert "Imported projects.csv: 1 new, 0 updated." in client.get(address).get_data(as_text=True)
    assert [p.code for p in db.exec(select(Project)).all()] == ["PX-1"]
    batch = db.exec(select(ImportBatch)).one()
    assert (batch.state, batch.created, batch.updated) == (BatchState.IMPORTED, 1, 0)
    assert json.loads(db.exec(select(ImportMapping)).one().mapping)["columns"]["Projektcode"] == "code"
    again = _upload(client, odd, name="next.csv").headers["Location"]
    assert '<option value="code" selected>' in client.get(again).get_data(as_text=True)  # remembered for the kind
    checked = client.post(f"{again}/preview", data=MAPPED).get_data(as_text=True)  # the same project, by its code
    project = db.exec(select(Project)).one()
    assert f'Update of <a href="/projects/{project.id}">#{project.id}</a>' in checked
