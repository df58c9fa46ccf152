"""A proposal drafted from a record in the tracker (a noncompliance, asset feedback) links to it both ways."""

import re

from sqlmodel import select

from tests.conftest import count_rows
from tracker.auth.roles import Role
from tracker.compliance.models import Noncompliance
from tracker.lessons.models import AssetFeedback
from tracker.proposals.models import Proposal, ProposalSource, SourceEntity

CHANGE = {"title": "Record milestone reviews", "proposed_change": "Add the review step to the plan template.",
          "expected_benefit": "4", "estimated_effort": "2"}


def drafted_form(client, entity: str, record_id: int) -> dict[str, str]:
    """The new-proposal form as drafted from a record: the values its fields start with."""
    page = client.get(f"/proposals/new?from={entity}&from_id={record_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'name="source_entity" value="{entity}"' in html and f'name="source_id" value="{record_id}"' in html
    return {"source_entity": entity, "source_id": str(record_id), "html": html}


def test_member_proposes_from_a_noncompliance_and_each_links_to_the_other(client, login_as, make_user,
                                                                          make_project, make_audit, db):
    audit = make_audit(make_project(code="PAY"), noncompliance_owner=make_user(Role.PROJECT_LEAD))
    item = db.exec(select(Noncompliance)).one()
    login_as(Role.MEMBER)
    audit_page = client.get(f"/compliance/{audit.id}").get_data(as_text=True)
    assert f"/proposals/new?from=noncompliance&amp;from_id={item.id}" in audit_page

    form = drafted_form(client, "noncompliance", item.id)
    assert '<option value="compliance_audit" selected' in form["html"]
    assert item.description in form["html"]  # the problem starts as the noncompliance
    response = client.post("/proposals/", data=CHANGE | {
        "problem": item.description, "source": "compliance_audit", "source_ref": "PAY audit",
        "source_entity": form["source_entity"], "source_id": form["source_id"]}, follow_redirects=True)
    assert response.status_code == 200
    proposal = db.exec(select(Proposal)).one()
    assert (proposal.source, proposal.source_entity, proposal.source_id) == (
        ProposalSource.COMPLIANCE_AUDIT, SourceEntity.NONCOMPLIANCE, item.id)
    assert f'href="/compliance/{audit.id}">PAY audit {audit.audit_date}: {item.description}</a>' in response.get_data(
        as_text=True)
    assert f'href="/proposals/{proposal.id}">Proposal #{proposal.id}</a>' in client.get(
        f"/compliance/{audit.id}").get_data(as_text=True)


def test_feedback_on_an_asset_leads_to_a_proposal_shown_under_it(client, login_as, make_released, db):
    version = make_released(title="Peer review procedure")
    login_as(Role.PROJECT_LEAD)
    client.post(f"/assets/{version.asset_id}/feedback", data={"rating": "2", "comment": "Checklist far too long"})
    feedback = db.exec(select(AssetFeedback)).one()
    form = drafted_form(client, "asset_feedback", feedback.id)
    assert "Checklist far too long" in form["html"]
    assert re.search(r'name="asset_ids"[^>]*>Peer review procedure</textarea>', form["html"])  # the asset is affected
    client.post("/proposals/", data=CHANGE | {"problem": "Too long", "source": "project_feedback",
                                              "source_entity": "asset_feedback", "source_id": str(feedback.id)})
    proposal = db.exec(select(Proposal)).one()
    assert f'href="/proposals/{proposal.id}">Proposal #{proposal.id}</a>' in client.get(
        f"/assets/{version.asset_id}").get_data(as_text=True)


def test_drafting_from_an_unknown_record_is_404(client, login_as):
    login_as(Role.MEMBER)
    assert client.get("/proposals/new?from=noncompliance&from_id=999").status_code == 404


def test_a_source_record_that_is_gone_is_a_field_error_and_nothing_is_written(client, login_as, db):
    login_as(Role.MEMBER)
    response = client.post("/proposals/", data=CHANGE | {"problem": "x", "source": "compliance_audit",
                                                         "source_entity": "noncompliance", "source_id": "999"})
    assert response.status_code == 422
    assert "no longer exists" in response.get_data(as_text=True)
    assert count_rows(db, Proposal) == 0
    half_named = client.post("/proposals/", data=CHANGE | {"problem": "x", "source": "other",
                                                           "source_entity": "noncompliance"})
    assert half_named.status_code == 422 and count_rows(db, Proposal) == 0
