"""Issue 12 part 5: the loop closes without duplicates — a noncompliance, an appraisal finding or a piece of asset
feedback can be attached to a proposal already raised (the process group), and the proposal shows every record
behind it. A closed or unknown proposal, or a second attachment, is refused beside the number; nothing is written."""

import pytest
from sqlmodel import select

from tests.conftest import count_rows
from tracker.appraisals.models import AppraisalStatus, Finding, FindingKind
from tracker.auth.roles import Role
from tracker.compliance.models import Noncompliance
from tracker.history.models import AuditEvent
from tracker.lessons.models import AssetFeedback
from tracker.process_areas.models import ProcessArea
from tracker.proposals.models import ProposalEvidence, ProposalStatus

HX = {"HX-Request": "true"}


@pytest.fixture
def records(db, make_user, make_project, make_audit, make_appraisal, make_released):
    """One of each kind of record that may be attached, and the page that shows it."""
    pay = make_project(code="PAY")
    audit = make_audit(pay, noncompliance_owner=make_user(Role.MEMBER))
    noncompliance = db.exec(select(Noncompliance).where(Noncompliance.audit_id == audit.id)).one()
    area = db.exec(select(ProcessArea).where(ProcessArea.code == "VER")).one()
    appraisal = make_appraisal(AppraisalStatus.REPORTING, areas=[area])
    finding = Finding(appraisal_id=appraisal.id, kind=FindingKind.WEAKNESS, area_id=area.id,
                      statement="Peer reviews are skipped under schedule pressure",
                      recorded_by_id=make_user(Role.PROCESS_GROUP).id)
    version = make_released("1.0", title="Peer review procedure")
    feedback = AssetFeedback(asset_id=version.asset_id, asset_version_id=version.id, rating=2,
                             comment="Too long for small changes", author_id=make_user(Role.PROJECT_LEAD).id)
    db.add_all([finding, feedback])
    db.commit()
    return {"noncompliance": (noncompliance.id, f"/compliance/{audit.id}", "No peer review records"),
            "finding": (finding.id, f"/appraisals/{appraisal.id}", "weakness in VER"),
            "asset_feedback": (feedback.id, f"/assets/{version.asset_id}", "Feedback on Peer review procedure")}


@pytest.mark.parametrize("kind", ["noncompliance", "finding", "asset_feedback"])
def test_a_record_is_attached_to_a_proposal_already_raised(client, login_as, db, make_proposal, records, kind):
    record_id, page_url, label = records[kind]
    proposal = make_proposal(ProposalStatus.UNDER_REVIEW, title="Lighter peer reviews")
    login_as(Role.PROCESS_GROUP)
    assert "Attach to a proposal already raised" in client.get(page_url).get_data(as_text=True)
    response = client.post(f"/proposals/attach/{kind}/{record_id}", data={"proposal_id": str(proposal.id)},
                           headers=HX)
    assert response.status_code == 200
    assert f"Proposal #{proposal.id}</a>" in response.get_data(as_text=True)  # the record's line, in place
    assert f'href="/proposals/{proposal.id}"' in client.get(page_url).get_data(as_text=True)
    behind = client.get(f"/proposals/{proposal.id}").get_data(as_text=True).split('id="proposal-behind"', 1)[1]
    assert label in behind.split("</dd>", 1)[0]
    fields = db.exec(select(AuditEvent.field).where(AuditEvent.entity == "proposal",
                                                    AuditEvent.entity_id == proposal.id)).all()
    assert fields == [f"{kind.replace('asset_', '').replace('_', ' ')} attached"]


def test_a_closed_unknown_or_repeated_proposal_is_refused_beside_the_number(client, login_as, db, make_proposal,
                                                                            records):
    record_id, _, _ = records["noncompliance"]
    rejected, proposal = make_proposal(ProposalStatus.REJECTED), make_proposal(ProposalStatus.SUBMITTED)
    login_as(Role.PROCESS_GROUP)
    url = f"/proposals/attach/noncompliance/{record_id}"
    for number, message in ((rejected.id, f"Proposal #{rejected.id} is rejected"),
                            (999999, "There is no proposal #999999."), ("", "This field is required.")):
        refused = client.post(url, data={"proposal_id": str(number)}, headers=HX)
        assert refused.status_code == 422 and message in refused.get_data(as_text=True), number
    assert count_rows(db, ProposalEvidence) == 0
    assert client.post(url, data={"proposal_id": str(proposal.id)}, headers=HX).status_code == 200
    again = client.post(url, data={"proposal_id": str(proposal.id)}, headers=HX)
    assert again.status_code == 422 and "already" in again.get_data(as_text=True)
    assert count_rows(db, ProposalEvidence) == 1


def test_only_the_process_group_attaches_and_unknown_kinds_or_records_are_not_found(client, login_as, make_proposal,
                                                                                    records):
    record_id, page_url, _ = records["finding"]
    proposal = make_proposal(ProposalStatus.SUBMITTED)
    for role in (Role.MEMBER, Role.PROJECT_LEAD, Role.STEERING):
        login_as(role)
        assert "Attach to a proposal already raised" not in client.get(page_url).get_data(as_text=True)
        assert client.post(f"/proposals/attach/finding/{record_id}",
                           data={"proposal_id": str(proposal.id)}).status_code == 403
    login_as(Role.PROCESS_GROUP)
    assert client.post(f"/proposals/attach/lesson/{record_id}", data={"proposal_id": "1"}).status_code == 404
    assert client.post("/proposals/attach/finding/999999", data={"proposal_id": "1"}).status_code == 404


def test_a_plain_post_goes_back_to_the_records_page(client, login_as, make_proposal, records):
    record_id, page_url, _ = records["asset_feedback"]
    login_as(Role.PROCESS_GROUP)
    response = client.post(f"/proposals/attach/asset_feedback/{record_id}",
                           data={"proposal_id": str(make_proposal(ProposalStatus.SUBMITTED).id)})
    assert response.status_code == 303 and response.headers["Location"].endswith(page_url)


def test_a_noncompliance_behind_a_proposal_is_not_removed(client, login_as, make_proposal, records):
    record_id, _, _ = records["noncompliance"]
    proposal = make_proposal(ProposalStatus.SUBMITTED)
    login_as(Role.PROCESS_GROUP)
    client.post(f"/proposals/attach/noncompliance/{record_id}", data={"proposal_id": str(proposal.id)})
    page = client.get(f"/remove/noncompliance/{record_id}").get_data(as_text=True)
    assert f"It is behind proposal #{proposal.id}." in page
