"""Tailoring: leads log it for their own projects only, the process group reviews it, approved tailorings
are in the next audit's scope, and patterns become proposals in one click."""

import pytest
from sqlmodel import select

from tests.conftest import count_rows
from tracker.auth.roles import Role
from tracker.proposals.models import Proposal, ProposalSource
from tracker.tailoring.models import TailoringRecord, TailoringStatus


def tailoring_form(project, version, **extra):
    return {"project_id": str(project.id), "asset_version_id": str(version.id), "element": "Design review",
            "type": "omit", "rationale": "Design is bought in", "tailored_on": "2026-04-01"} | extra


def test_lead_logs_for_own_project_and_is_refused_for_another(client, login, make_user, make_project, make_released,
                                                              db):
    mine, theirs = make_project(code="MINE"), make_project(code="THEIRS")
    version = make_released()
    login(make_user(Role.PROJECT_LEAD, leads=[mine]))
    form_page = client.get("/tailoring/new").get_data(as_text=True)
    assert f'value="MINE · {mine.name}"' in form_page  # the one project they lead: the form starts with it
    suggested = client.get("/lookup/projects?field=p&p=i&among=led").get_data(as_text=True)  # both codes hold an i
    assert 'value="MINE · ' in suggested and "THEIRS" not in suggested
    assert client.post("/tailoring/", data=tailoring_form(mine, version)).status_code == 303
    refused = client.post("/tailoring/", data=tailoring_form(theirs, version))
    assert refused.status_code == 403
    assert [r.project_id for r in db.exec(select(TailoringRecord))] == [mine.id]


def test_the_project_is_typed_a_lead_of_two_chooses_and_the_process_group_is_offered_the_active_ones(
        client, login, login_as, make_user, make_project, make_released):
    first, second = make_project(code="PX-1"), make_project(code="PX-2")
    login(make_user(Role.PROJECT_LEAD, leads=[first, second]))
    form_page = client.get("/tailoring/new").get_data(as_text=True)
    assert 'name="project_id" type="text" value=""' in form_page and "among=led" in form_page
    assert client.post("/tailoring/", data=tailoring_form(second, make_released()) | {
        "project_id": f"PX-2 · {second.name}"}).status_code == 303  # as its suggestion reads
    login_as(Role.PROCESS_GROUP)
    assert "among=active" in client.get("/tailoring/new").get_data(as_text=True)
    refused = client.post("/tailoring/", data=tailoring_form(first, make_released("2.0")) | {"project_id": "PX-9"})
    assert refused.status_code == 422 and "No project by that code or name" in refused.get_data(as_text=True)


@pytest.mark.parametrize("field, value, message", [
    ("element", "", "This field is required."),
    ("type", "ignore", "Choose one of the listed options."),
    ("tailored_on", "2026-02-31", "Enter a real date as YYYY-MM-DD."),
    ("asset_version_id", "4242", "Choose a released asset version."),
])
def test_bad_tailoring_is_422_and_writes_nothing(client, login_as, make_project, make_released, db, field, value,
                                                 message):
    login_as(Role.PROCESS_GROUP)
    response = client.post("/tailoring/", data=tailoring_form(make_project(), make_released(), **{field: value}))
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert count_rows(db, TailoringRecord) == 0


def test_process_group_approves_and_rejects_with_a_comment(client, login_as, make_project, make_released,
                                                           make_tailoring, db):
    first, second = (make_tailoring(make_project(), make_released()) for _ in range(2))
    login_as(Role.PROCESS_GROUP, name="Sam")
    approved = client.post(f"/tailoring/{first.id}/review", data={"to": "approved", "version": "1"},
                           headers={"HX-Request": "true"})
    assert approved.status_code == 200 and 'id="tailoring-status">Approved<' in approved.get_data(as_text=True)
    assert client.post(f"/tailoring/{second.id}/review", data={"to": "rejected", "version": "1"}).status_code == 422
    assert client.post(f"/tailoring/{second.id}/review",
                       data={"to": "rejected", "version": "1", "rationale": "Reviews are mandatory"}).status_code == 303
    db.expire_all()
    assert db.get(TailoringRecord, second.id).review_comment == "Reviews are mandatory"


def test_leads_cannot_review_tailoring(client, login, make_user, make_project, make_released, make_tailoring, db):
    project = make_project()
    record = make_tailoring(project, make_released())
    login(make_user(Role.PROJECT_LEAD, leads=[project]))
    assert client.post(f"/tailoring/{record.id}/review", data={"to": "approved", "version": "1"}).status_code == 403
    db.expire_all()
    assert db.get(TailoringRecord, record.id).status == TailoringStatus.REQUESTED


def test_approved_tailorings_are_in_the_audits_scope(client, login_as, make_project, make_released, make_tailoring,
                                                     make_audit):
    project = make_project()
    version = make_released(title="Peer review procedure")
    make_tailoring(project, version, element="Design review", status=TailoringStatus.APPROVED)
    make_tailoring(project, version, element="Code review", status=TailoringStatus.REJECTED)
    audit = make_audit(project)
    login_as(Role.MEMBER)
    page = client.get(f"/compliance/{audit.id}").get_data(as_text=True)
    assert '"Design review"' in page and '"Code review"' not in page


def test_pattern_at_the_threshold_becomes_one_proposal(client, login_as, make_project, make_released,
                                                       make_tailoring, db):
    version = make_released(title="Peer review procedure")
    for code in ("A", "B"):
        make_tailoring(make_project(code=code), version, element="Design review")
    login_as(Role.PROCESS_GROUP)
    assert "No element is tailored out by 3" in client.get("/tailoring/patterns").get_data(as_text=True)
    make_tailoring(make_project(code="C"), version, element=" design REVIEW ")
    make_tailoring(make_project(code="D"), version, element="Design review", status=TailoringStatus.REJECTED)
    page = client.get("/tailoring/patterns").get_data(as_text=True)
    assert "3: A, B, C" in page
    form = {"asset_id": str(version.asset_id), "element": "design review"}
    response = client.post("/tailoring/patterns/propose", data=form)
    assert response.status_code == 303
    proposal = db.exec(select(Proposal)).one()
    assert proposal.source == ProposalSource.TAILORING_PATTERN and proposal.assets[0].id == version.asset_id
    assert client.post("/tailoring/patterns/propose", data=form).headers["Location"].endswith(f"/{proposal.id}")
    assert count_rows(db, Proposal) == 1
    assert f"/proposals/{proposal.id}" in client.get("/tailoring/patterns").get_data(as_text=True)


def test_threshold_is_configurable(client, login_as, make_project, make_released, make_tailoring):
    version = make_released()
    for code in ("A", "B"):
        make_tailoring(make_project(code=code), version)
    login_as(Role.PROCESS_GROUP)
    client.get("/tailoring/patterns")
    assert client.post("/tailoring/patterns/threshold", data={"pattern_threshold": "1", "version": "1"}).status_code == 422
    assert client.post("/tailoring/patterns/threshold", data={"pattern_threshold": "2", "version": "1"}).status_code == 303
    assert "2: A, B" in client.get("/tailoring/patterns").get_data(as_text=True)


def test_leads_see_only_their_projects_tailoring(client, login, make_user, make_project, make_released,
                                                 make_tailoring):
    mine, theirs = make_project(code="MINE"), make_project(code="THEIRS")
    version = make_released()
    make_tailoring(mine, version, element="Mine element")
    make_tailoring(theirs, version, element="Their element")
    login(make_user(Role.PROJECT_LEAD, leads=[mine]))
    page = client.get("/tailoring/").get_data(as_text=True)
    assert "Mine element" in page and "Their element" not in page
