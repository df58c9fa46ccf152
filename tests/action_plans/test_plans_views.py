"""Action plans through the UI: written for accepted proposals, reviewed, approved with revisions,
implemented through commitments, issues and joint reviews, completed against the success criterion."""

import re
from datetime import date, timedelta

import pytest
from sqlmodel import select

from tests.conftest import count_rows
from tracker.action_plans.models import (
    ActionPlan,
    Commitment,
    CommitmentStatus,
    PlanIssue,
    PlanRevision,
    PlanStatus,
)
from tracker.auth.roles import Role
from tracker.proposals.models import Proposal, ProposalStatus


def plan_form(proposals, owner, **overrides):
    return {"title": "Checklist reviews", "goal": "Catch defects in review", "success_measure": "Escaped defects",
            "success_target": "<= 5", "owner_id": str(owner.id), "planned_start": "2026-04-01",
            "planned_end": "2026-12-31", "proposal_ids": [str(p.id) for p in proposals]} | overrides


def move(client, plan, to, **extra):
    return client.post(f"/plans/{plan.id}/move", data={"to": to, **extra})


@pytest.fixture
def sepg(login_as):
    return login_as(Role.PROCESS_GROUP, name="Sam Process")


def test_writing_a_plan_plans_its_accepted_proposals(client, sepg, make_proposal, db):
    proposal = make_proposal(ProposalStatus.ACCEPTED)
    response = client.post("/plans/", data=plan_form([proposal], sepg), follow_redirects=True)
    assert response.status_code == 200
    db.expire_all()
    assert db.get(Proposal, proposal.id).status == ProposalStatus.PLANNED
    plan = db.exec(select(ActionPlan)).one()
    assert f"/proposals/{proposal.id}" in response.get_data(as_text=True)
    assert f"/plans/{plan.id}" in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)


@pytest.mark.parametrize("status", [ProposalStatus.SUBMITTED, ProposalStatus.REJECTED, ProposalStatus.PLANNED])
def test_only_accepted_proposals_can_be_planned(client, sepg, make_proposal, db, status):
    proposal = make_proposal(status)
    response = client.post("/plans/", data=plan_form([proposal], sepg))
    assert response.status_code == 422 and "Only accepted proposals can be planned." in response.get_data(as_text=True)
    assert count_rows(db, ActionPlan) == 0


def test_plan_needs_a_proposal_and_ordered_dates(client, sepg, make_proposal):
    proposal = make_proposal(ProposalStatus.ACCEPTED)
    assert "at least one accepted proposal" in client.post("/plans/", data=plan_form([], sepg)).get_data(as_text=True)
    page = client.post("/plans/", data=plan_form([proposal], sepg, planned_end="2026-01-01")).get_data(as_text=True)
    assert "The planned end cannot be before the planned start." in page


def test_steering_approves_and_each_approval_keeps_a_revision_with_its_differences(
        client, sepg, login, make_user, make_plan, db):
    plan = make_plan(PlanStatus.DRAFT, title="First title")
    steering = make_user(Role.STEERING, name="Stella")
    assert move(client, plan, "in_review", version="1").status_code == 303
    assert move(client, plan, "approved", version="2").status_code == 403  # approval is the committee's
    login(steering)
    assert move(client, plan, "approved", version="2").status_code == 303
    login(sepg)
    assert move(client, plan, "draft", version="3").status_code == 422  # revising needs a reason
    assert move(client, plan, "draft", version="3", rationale="Scope grows").status_code == 303
    form = plan_form(db.get(ActionPlan, plan.id).proposals, sepg, title="Second title", version="4")
    assert client.post(f"/plans/{plan.id}", data=form).status_code == 303
    assert move(client, plan, "in_review", version="5").status_code == 303
    login(steering)
    assert move(client, plan, "approved", version="6").status_code == 303
    assert [r.number for r in db.exec(select(PlanRevision).order_by(PlanRevision.number))] == [1, 2]
    page = client.get(f"/plans/{plan.id}/revisions/2").get_data(as_text=True)
    assert '<td>title</td><td class="old">First title</td><td class="new">Second title</td>' in page
    assert client.get(f"/plans/{plan.id}/revisions/3").status_code == 404


def test_approved_plan_is_not_edited_in_place(client, sepg, make_plan):
    plan = make_plan(PlanStatus.APPROVED)
    assert client.get(f"/plans/{plan.id}/edit").status_code == 409


def test_completing_records_the_actual_result_and_implements_the_proposals(client, sepg, make_plan, make_proposal,
                                                                           db):
    proposal = make_proposal(ProposalStatus.PLANNED)
    plan = make_plan(PlanStatus.IN_PROGRESS, proposals=[proposal])
    refused = move(client, plan, "completed", version="1")
    assert refused.status_code == 422 and "Record the actual result" in refused.get_data(as_text=True)
    assert move(client, plan, "completed", version="1", success_actual="3", result_notes="Met").status_code == 303
    db.expire_all()
    assert db.get(ActionPlan, plan.id).success_actual == "3"
    assert db.get(Proposal, proposal.id).status == ProposalStatus.IMPLEMENTED
    assert "actual 3" in client.get(f"/plans/{plan.id}").get_data(as_text=True)


def test_cancelling_hands_the_proposals_back(client, sepg, make_plan, make_proposal, db):
    proposal = make_proposal(ProposalStatus.PLANNED)
    plan = make_plan(PlanStatus.DRAFT, proposals=[proposal])
    assert move(client, plan, "cancelled", version="1", rationale="Superseded").status_code == 303
    db.expire_all()
    assert db.get(Proposal, proposal.id).status == ProposalStatus.ACCEPTED


def test_stakeholder_review_is_recorded_while_in_review(client, login_as, make_plan):
    plan = make_plan(PlanStatus.IN_REVIEW)
    login_as(Role.PROJECT_LEAD, name="Leo")
    needs_comment = client.post(f"/plans/{plan.id}/reviews", data={"verdict": "request_changes"})
    assert needs_comment.status_code == 422
    ok = client.post(f"/plans/{plan.id}/reviews", data={"verdict": "approve", "comment": "Fine"},
                     headers={"HX-Request": "true"})
    assert ok.status_code == 200 and "Leo" in ok.get_data(as_text=True)


def test_team_members_are_added_with_their_role(client, sepg, make_plan, make_user):
    plan = make_plan()
    mia = make_user(Role.MEMBER, name="Mia")
    response = client.post(f"/plans/{plan.id}/team", data={"user_id": str(mia.id), "team_role": "author"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200 and "Mia — author" in response.get_data(as_text=True)
    assert client.post(f"/plans/{plan.id}/team", data={"user_id": str(mia.id)}).status_code == 422
    again = client.post(f"/plans/{plan.id}/team", data={"user_id": str(mia.id), "team_role": "reviewer"},
                        headers={"HX-Request": "true"})
    assert again.status_code == 422 and "Mia is already on the team as author" in again.get_data(as_text=True)


def test_member_completes_own_commitment_but_not_anothers(client, login, make_user, make_plan, make_commitment, db):
    mia, max_ = make_user(Role.MEMBER, name="Mia"), make_user(Role.MEMBER, name="Max")
    plan = make_plan(PlanStatus.IN_PROGRESS, team=[mia, max_])
    hers, his = make_commitment(plan, owner=mia), make_commitment(plan, owner=max_)
    login(mia)
    page = client.get("/commitments/mine").get_data(as_text=True)
    assert f'id="commitment-{hers.id}"' in page and f'id="commitment-{his.id}"' not in page
    done = client.post(f"/commitments/{hers.id}/move", data={"to": "done", "version": "1", "from": "mine"},
                       headers={"HX-Request": "true"})
    assert done.status_code == 200 and "Nothing on your list" in done.get_data(as_text=True)
    assert client.post(f"/commitments/{his.id}/move", data={"to": "done", "version": "1"}).status_code == 403
    db.expire_all()
    assert db.get(Commitment, hers.id).completed_on == date.today()
    assert db.get(Commitment, his.id).status == CommitmentStatus.OPEN


def test_plan_shows_done_total_overdue_and_on_time_rate(client, login_as, make_plan, make_commitment):
    plan = make_plan(PlanStatus.IN_PROGRESS)
    today = date.today()
    make_commitment(plan, status=CommitmentStatus.DONE, due_date=today, completed_on=today - timedelta(days=1))
    make_commitment(plan, status=CommitmentStatus.DONE, due_date=today - timedelta(days=5), completed_on=today)
    make_commitment(plan, due_date=today - timedelta(days=1))
    make_commitment(plan, due_date=today + timedelta(days=10))
    make_commitment(plan, status=CommitmentStatus.CANCELLED)
    login_as(Role.STEERING)
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "2/4 done, <span class=\"warn\">1 overdue</span>, 50% on time" in page


def test_issues_are_raised_by_the_team_and_resolved_with_a_resolution(client, login, make_user, make_plan, db):
    mia, outsider = make_user(Role.MEMBER, name="Mia"), make_user(Role.MEMBER)
    plan = make_plan(PlanStatus.IN_PROGRESS, team=[mia])
    login(outsider)
    assert client.post(f"/plans/{plan.id}/issues", data={"title": "x", "owner_id": str(mia.id)}).status_code == 403
    login(mia)
    response = client.post(f"/plans/{plan.id}/issues", data={"title": "No licence", "owner_id": str(mia.id)},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    issue = db.exec(select(PlanIssue)).one()
    unresolved = client.post(f"/issues/{issue.id}/move", data={"to": "resolved", "version": "1"})
    assert unresolved.status_code == 422
    assert client.post(f"/issues/{issue.id}/move",  # a plain post is redirected to the plan, as every move is
                       data={"to": "resolved", "version": "1", "rationale": "Bought it"}).status_code == 303
    db.expire_all()
    assert db.get(PlanIssue, issue.id).resolution == "Bought it"


def test_joint_review_creates_its_follow_up_commitments_in_one_go(client, sepg, make_plan, make_user, db):
    plan = make_plan(PlanStatus.IN_PROGRESS)
    mia = make_user(Role.MEMBER, name="Mia")
    form = {"held_on": "2026-07-02", "summary": "On track", "attendee_ids": [str(mia.id)],
            "f1_description": "Trim the checklist", "f1_owner_id": str(mia.id), "f1_due": "2026-07-31",
            "f2_description": "Half a follow-up"}
    refused = client.post(f"/plans/{plan.id}/joint-reviews", data=form, headers={"HX-Request": "true"})
    assert refused.status_code == 422
    assert 'id="joint-f2_owner_id-error"' in refused.get_data(as_text=True)
    assert count_rows(db, Commitment) == 0
    del form["f2_description"]
    assert client.post(f"/plans/{plan.id}/joint-reviews", data=form).status_code == 303
    commitment = db.exec(select(Commitment)).one()
    assert commitment.owner_id == mia.id and commitment.joint_review_id is not None


def test_stale_plan_edit_is_a_conflict(client, sepg, make_plan, db):
    plan = make_plan()
    proposals = db.get(ActionPlan, plan.id).proposals
    assert client.post(f"/plans/{plan.id}", data=plan_form(proposals, sepg, version="1")).status_code == 303
    stale = client.post(f"/plans/{plan.id}", data=plan_form(proposals, sepg, title="Mine", version="1"))
    assert stale.status_code == 409 and 'value="Mine"' in stale.get_data(as_text=True)


def test_plan_page_queries_do_not_grow_with_its_work(client, login_as, make_plan, make_commitment, make_issue,
                                                    make_user, query_counter):
    login_as(Role.MEMBER)
    plan = make_plan(PlanStatus.IN_PROGRESS, team=[make_user(Role.MEMBER)])

    def queries():
        query_counter.clear()
        assert client.get(f"/plans/{plan.id}").status_code == 200
        return len(query_counter)

    make_commitment(plan)
    make_issue(plan)
    small = queries()
    for _ in range(5):
        make_commitment(plan)
        make_issue(plan)
    assert queries() == small


def reads_of(statements: list[str], *tables: str) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith("SELECT")
            and any(f"FROM {t} " in s + " " or f"FROM {t}\n" in s or f'FROM "{t}"' in s for t in tables)]


def test_a_section_post_reads_only_that_section(client, sepg, make_plan, make_user, query_counter):
    """Issue 9.3: adding a commitment re-renders the commitments (and the facts' progress), reading neither the
    history, the revisions, the stakeholder reviews nor the joint reviews the rest of the page shows."""
    plan = make_plan(PlanStatus.IN_PROGRESS)
    owner = make_user(Role.MEMBER)
    query_counter.clear()
    added = client.post(f"/plans/{plan.id}/commitments", headers={"HX-Request": "true"},
                        data={"description": "Train the reviewers", "owner_id": str(owner.id), "due_date": "2026-12-31"})
    assert added.status_code == 200 and "Train the reviewers" in added.get_data(as_text=True)
    assert reads_of(query_counter, "audit_event", "plan_revision", "plan_review", "joint_review") == []
    query_counter.clear()
    whole = client.get(f"/plans/{plan.id}")  # the page itself reads them all
    assert whole.status_code == 200
    assert len(reads_of(query_counter, "audit_event", "plan_revision", "plan_review", "joint_review")) == 4


def test_a_reason_typed_for_resolve_never_travels_with_start(client, sepg, make_plan, make_issue):
    """Found by a walk-through: a 5,000-character resolution refused for Resolve also refused Start, which takes no
    reason. The moves that need a reason have their own form with the field; the others carry none."""
    import re

    issue = make_issue(make_plan(PlanStatus.IN_PROGRESS))
    page = client.get(f"/plans/{issue.plan_id}").get_data(as_text=True)
    row = page[page.index(f'id="issue-{issue.id}"'):]
    forms = re.findall(r"<form.*?</form>", row[:row.index("</tr>")], re.S)
    with_reason = [f for f in forms if 'name="rationale"' in f]
    assert len(with_reason) == 1 and 'value="resolved"' in with_reason[0] and 'value="in_progress"' not in with_reason[0]
    assert any('value="in_progress"' in f and 'name="rationale"' not in f for f in forms)


def test_my_commitments_come_a_page_at_a_time_and_a_move_keeps_the_page(client, login, make_user, make_plan,
                                                                         make_commitment):
    """Issue 14: My commitments was one page of everything (247 KB for a busy person). Ten to a page (the tests'
    PAGE_SIZE), soonest due first; a move made on page 2 shows page 2 again."""
    mia = make_user(Role.MEMBER, name="Mia")
    plan = make_plan(PlanStatus.IN_PROGRESS, team=[mia])
    mine = [make_commitment(plan, owner=mia, description=f"Task due day {day:02d}", due_date=date(2027, 1, day))
            for day in range(1, 13)]
    login(mia)
    first = client.get("/commitments/mine").get_data(as_text=True)
    assert re.findall(r"Task due day (\d\d)", first) == [f"{day:02d}" for day in range(1, 11)]
    assert "12 commitments" in first and "Page 1 of 2" in first
    second = client.get("/commitments/mine?page=2", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert re.findall(r"Task due day (\d\d)", second) == ["11", "12"]
    moved = client.post(f"/commitments/{mine[10].id}/move", data={"to": "done", "version": "1", "from": "mine",
                                                                   "page": "2"}, headers={"HX-Request": "true"})
    assert re.findall(r"Task due day (\d\d)", moved.get_data(as_text=True)) == ["12"]
