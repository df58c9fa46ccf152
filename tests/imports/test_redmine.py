"""Redmine issues become proposals: its CSV export (as Redmine 5 writes it: a BOM, its own column names, quoted line
breaks, the English date format) and its REST JSON; tracker, status and priority translated by tables the importer
may change; author, dates and journals kept; importing again adds nothing twice."""

import json
from datetime import date, datetime

from sqlmodel import select

from tracker.auth.roles import Role
from tracker.db import get_session
from tracker.history.models import AuditEvent
from tracker.imports import service
from tracker.imports.models import ImportKind
from tracker.proposals.models import Proposal, ProposalComment, ProposalSource, ProposalStatus

CSV = ("\ufeff#,Project,Tracker,Parent task,Status,Priority,Subject,Author,Assignee,Updated,Category,Target version,"
       "Start date,Due date,Estimated time,Spent time,% Done,Created,Closed,Related issues,Files,Description,"
       "Last notes\r\n"
       '412,SEPG,Feature,,New,High,Checklists for peer reviews,Ada Lovelace,,03/04/2026 09:12 AM,,,03/02/2026,,,,0,'
       '03/02/2026 10:15 AM,,,,"Reviews find defects late.\r\nChecklists would help.",Agreed in the SEPG meeting\r\n'
       "413,SEPG,Bug,,Rejected,Low,Template typo,Someone Gone,,03/05/2026 01:00 PM,,,,,,,0,03/03/2026 08:00 AM,"
       "03/05/2026 01:00 PM,,,A typo in the plan template,\r\n")

JSON = {"issues": [
    {"id": 7, "project": {"id": 1, "name": "SEPG"}, "tracker": {"id": 3, "name": "Support"},
     "status": {"id": 2, "name": "In Progress", "is_closed": False}, "priority": {"id": 5, "name": "Urgent"},
     "author": {"id": 9, "name": "Ada Lovelace"}, "subject": "Estimation guidance", "description": "Estimates vary",
     "created_on": "2026-01-10T08:30:00Z", "updated_on": "2026-01-12T08:30:00Z", "closed_on": None,
     "journals": [{"id": 1, "user": {"id": 9, "name": "Ada Lovelace"}, "notes": "Raised at the retrospective",
                   "created_on": "2026-01-11T09:00:00Z", "details": []},
                  {"id": 2, "user": {"id": 4, "name": "Not Here"}, "notes": "", "created_on": "2026-01-12T09:00:00Z",
                   "details": [{"property": "attr", "name": "status_id", "old_value": "1", "new_value": "2"}]}]}],
    "total_count": 1, "offset": 0, "limit": 25}


def _import(app, user, content: bytes, *, keep=True, filename="issues.csv", change=None):
    with app.test_request_context():
        session = get_session()
        batch = service.upload(session, kind=ImportKind.REDMINE, filename=filename, content=content, by=user)
        mapping = json.loads(batch.mapping)
        if change:
            change(mapping)
        return mapping, service.run(session, batch=batch, mapping=mapping, by=user, keep=keep)


def test_redmines_csv_export_is_mapped_before_anything_is_written(app, make_user, db):
    mapping, outcome = _import(app, make_user(Role.PROCESS_GROUP), CSV.encode(), keep=False)
    assert {column: field for column, field in mapping["columns"].items() if field} == {
        "#": "__key__", "Tracker": "source", "Status": "status", "Priority": "expected_benefit",
        "Subject": "title", "Author": "submitter", "Created": "submitted_on", "Closed": "decided_on",
        "Description": "problem", "Last notes": "comments"}
    assert mapping["values"]["status"]["rejected"] == "rejected" and mapping["values"]["source"]["bug"] == \
        "project_feedback"
    assert (outcome.created, outcome.failed) == (2, 0)
    assert db.exec(select(Proposal)).all() == []


def test_redmines_csv_issues_become_proposals_with_their_author_dates_and_notes(app, make_user, db):
    ada = make_user(Role.MEMBER, name="Ada Lovelace")
    sepg = make_user(Role.PROCESS_GROUP)
    _, outcome = _import(app, sepg, CSV.encode())
    assert outcome.ok and outcome.created == 2
    checklists, typo = db.exec(select(Proposal).order_by(Proposal.id)).all()
    assert (checklists.title, checklists.status, checklists.source, checklists.expected_benefit) == (
        "Checklists for peer reviews", ProposalStatus.SUBMITTED, ProposalSource.OTHER, 4)
    assert checklists.problem == "Reviews find defects late.\nChecklists would help."
    assert checklists.submitter_id == ada.id
    assert checklists.created_at == datetime.fromisoformat("2026-03-02T10:15:00+00:00")
    assert (typo.status, typo.source, typo.expected_benefit, typo.decided_on) == (
        ProposalStatus.REJECTED, ProposalSource.PROJECT_FEEDBACK, 2, date(2026, 3, 5))
    assert typo.submitter_id == sepg.id  # Redmine's author is nobody here: the importer
    note = db.exec(select(ProposalComment)).one()
    assert (note.proposal_id, note.body) == (checklists.id, "Agreed in the SEPG meeting")
    imported = db.exec(select(AuditEvent.new).where(AuditEvent.action == "import", AuditEvent.entity == "proposal",
                                                    AuditEvent.entity_id == typo.id)).one()
    assert imported == "imported from issues.csv, row 3"


def test_a_translation_changed_by_the_importer_is_used_and_an_unknown_status_is_refused(app, make_user, db):
    sepg = make_user(Role.PROCESS_GROUP)
    _, outcome = _import(app, sepg, CSV.encode(), change=lambda m: m["values"]["source"].update(
        {"feature": "benchmarking"}))
    assert outcome.ok
    assert db.exec(select(Proposal.source).where(Proposal.title == "Checklists for peer reviews")).one() == \
        ProposalSource.BENCHMARKING
    parked = CSV.replace(",Rejected,", ",Parked,").replace("\r\n413,", "\r\n513,")  # a new issue
    _, odd = _import(app, sepg, parked.encode(), filename="other.csv")
    assert odd.failed == 1 and odd.rows[0].errors == {"status": "Choose one of: Submitted, Under review, Escalated, "
                                                                "Accepted, Rejected, Deferred, Planned, Implemented, "
                                                                "Closed, Duplicate."}


def test_redmines_json_with_journals_and_importing_it_again_adds_nothing(app, make_user, db):
    ada = make_user(Role.MEMBER, name="Ada Lovelace")
    sepg = make_user(Role.PROCESS_GROUP)
    content = json.dumps(JSON).encode()
    _, first = _import(app, sepg, content, filename="issues.json")
    assert first.ok and first.created == 1
    proposal = db.exec(select(Proposal)).one()
    assert (proposal.title, proposal.status, proposal.source, proposal.expected_benefit, proposal.submitter_id) == (
        "Estimation guidance", ProposalStatus.UNDER_REVIEW, ProposalSource.PROJECT_FEEDBACK, 5, ada.id)
    comment = db.exec(select(ProposalComment)).one()  # the journal without notes was a status change: no comment
    assert (comment.body, comment.author_id, comment.created_at) == (
        "Raised at the retrospective", ada.id, datetime.fromisoformat("2026-01-11T09:00:00+00:00"))
    _, again = _import(app, sepg, content, filename="issues.json")
    assert (again.created, again.updated) == (0, 1)
    assert len(db.exec(select(Proposal)).all()) == 1 and len(db.exec(select(ProposalComment)).all()) == 1


def test_a_file_that_is_not_redmines_is_refused(app, make_user):
    import pytest

    from tracker.errors import ValidationError
    for content in (b'{"projects": []}', b"[1, 2]", b"{not json"):
        with pytest.raises(ValidationError) as refused, app.test_request_context():
            service.upload(get_session(), kind=ImportKind.REDMINE, filename="x.json", content=content,
                           by=make_user(Role.PROCESS_GROUP))
        assert "file" in refused.value.errors


def test_importing_again_leaves_the_status_to_the_workflow_and_a_change_bumps_the_version(app, make_user, db):
    sepg = make_user(Role.PROCESS_GROUP)
    _import(app, sepg, CSV.encode())
    checklists = db.exec(select(Proposal).where(Proposal.title == "Checklists for peer reviews")).one()
    checklists.status, checklists.version = ProposalStatus.UNDER_REVIEW, checklists.version + 1  # moved meanwhile
    db.add(checklists)
    db.commit()
    before = checklists.version
    _, again = _import(app, sepg, CSV.encode())
    assert again.ok and again.updated == 2
    db.expire_all()
    checklists = db.get(Proposal, checklists.id)
    assert (checklists.status, checklists.version) == (ProposalStatus.UNDER_REVIEW, before)  # nothing to change
    _, edited = _import(app, sepg, CSV.replace("Checklists for peer reviews", "Peer review checklists").encode())
    assert edited.ok
    db.expire_all()
    checklists = db.get(Proposal, checklists.id)
    assert (checklists.title, checklists.status, checklists.version) == (
        "Peer review checklists", ProposalStatus.UNDER_REVIEW, before + 1)


def test_private_notes_stay_out_and_people_not_here_keep_their_names(app, make_user, db):
    sepg = make_user(Role.PROCESS_GROUP)
    issue = JSON["issues"][0] | {"id": 8, "author": {"id": 3, "name": "Someone Unknown"}, "description": "",
                                  "journals": [{"id": 5, "user": {"id": 4, "name": "Ghost User"}, "notes": "Seen twice",
                                                "created_on": "2026-01-11T09:00:00Z", "private_notes": False},
                                               {"id": 6, "user": {"id": 9, "name": "Ada Lovelace"},
                                                "notes": "Only for managers", "created_on": "2026-01-12T09:00:00Z",
                                                "private_notes": True}]}
    _, outcome = _import(app, sepg, json.dumps({"issues": [issue]}).encode(), filename="issues.json")
    assert outcome.ok
    proposal = db.exec(select(Proposal)).one()
    assert (proposal.submitter_id, proposal.source_ref) == (sepg.id, "Redmine #8, by Someone Unknown")
    assert proposal.problem == "(No description in Redmine: see the title.)"  # Redmine needs none; a proposal does
    assert [(c.author_id, c.body) for c in db.exec(select(ProposalComment)).all()] == [
        (sepg.id, "Ghost User (in Redmine): Seen twice")]


def test_day_first_dates_are_read_day_first_when_the_file_shows_it(app, make_user, db):
    sepg = make_user(Role.PROCESS_GROUP)
    day_first = CSV.replace("03/02/2026 10:15 AM", "01/03/2026 10:15").replace("03/03/2026 08:00 AM",
                                                                               "13/03/2026 08:00").replace(
        "03/05/2026 01:00 PM,,,A typo", "14/03/2026 13:00,,,A typo")
    mapping, outcome = _import(app, sepg, day_first.encode())
    assert mapping["dates"] == "dmy" and outcome.ok
    checklists = db.exec(select(Proposal).where(Proposal.title == "Checklists for peer reviews")).one()
    assert checklists.created_at == datetime.fromisoformat("2026-03-01T10:15:00+00:00")  # 1 March, not 3 January
    _, month_first = _import(app, sepg, day_first.encode(), keep=False, filename="again.csv",
                             change=lambda m: m.update(dates="mdy"))
    unreadable = "Enter a real date as YYYY-MM-DD or MM/DD/YYYY (with its time, if any)."
    assert (month_first.rows[0].number, month_first.rows[0].errors) == (
        3, {"submitted_on": unreadable, "decided_on": unreadable})  # 13/03 and 14/03 are no months
