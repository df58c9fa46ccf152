"""Demo content for the improvement pipeline: objectives, proposals in every state, plans, pilots."""

from sqlmodel import Session, select
from werkzeug.datastructures import MultiDict

from tracker.action_plans import commitments, issues, joint_reviews, team
from tracker.action_plans import service as plans
from tracker.action_plans.forms import (
    CommitmentInput,
    CommitmentMoveInput,
    IssueInput,
    JointReviewInput,
    PlanInput,
    PlanMoveInput,
    ReviewInput,
    TeamMemberInput,
)
from tracker.assets.models import AssetVersion, ProcessAsset
from tracker.auth.models import User
from tracker.objectives import service as objectives
from tracker.objectives.forms import ObjectiveInput
from tracker.pilots import service as pilots
from tracker.pilots.forms import PilotInput, PilotMoveInput
from tracker.projects.models import Project
from tracker.proposals import service as proposals
from tracker.proposals.forms import CommentInput, ProposalInput, ProposalMoveInput
from tracker.validation import parse

OBJECTIVES = [
    ("Fewer escaped defects", "Escaped defects per release", "14", "≤ 5", "steering@demo.example"),
    ("Predictable delivery", "Releases within ±10% of the planned date", "55%", "85%", "steering@demo.example"),
    ("Faster service restoration", "Median time to restore a P1 incident", "6 h", "2 h", "sepg@demo.example"),
]
# title, submitter, source, ref, objectives (indexes), benefit, effort, moves [(to, by, rationale)]
PROPOSALS = [
    ("Checklist-driven peer reviews", "member@demo.example", "appraisal_finding", "SCAMPI B 2026, weakness VER-2",
     [0], 5, 2, [("under_review", "sepg"), ("accepted", "sepg")]),
    ("Estimate with historical productivity data", "lead@demo.example", "measurement", "Estimation error report Q2",
     [1], 4, 3, [("under_review", "sepg"), ("accepted", "sepg")]),
    ("Blameless incident post-mortems", "lead2@demo.example", "lesson_learned", "OPS retrospective, March",
     [2], 4, 2, [("under_review", "sepg"), ("escalated", "sepg")]),
    ("Adopt trunk-based development", "member2@demo.example", "benchmarking", "Industry survey 2026",
     [1], 3, 5, [("under_review", "sepg")]),
    ("Shorter requirements template", "lead@demo.example", "project_feedback", "CRM kick-off feedback",
     [], 2, 1, []),
    ("Weekly risk review in small projects", "member@demo.example", "compliance_audit", "Audit PAY 2026-05",
     [1], 2, 2, [("under_review", "sepg"), ("deferred", "sepg", "Revisit after the estimation plan lands.")]),
    ("Mandatory code review for hotfixes", "member2@demo.example", "customer_satisfaction", "Survey comment #41",
     [0], 3, 1, [("under_review", "sepg"), ("rejected", "sepg", "Already required by the CM procedure 1.0.")]),
    ("Peer review checklists for designs", "lead2@demo.example", "lesson_learned", "DW design review",
     [0], 4, 2, [("duplicate", "sepg")]),
]


def load_pipeline(session: Session) -> None:
    """Add the pipeline's demo records through the services, so their history reads like real use."""
    users = {u.email.split("@")[0]: u for u in session.exec(select(User)).all()}
    objective_ids = [_objective(session, users, *row).id for row in OBJECTIVES]
    made = [_proposal(session, users, objective_ids, *row) for row in PROPOSALS]
    proposals.add_comment(session, proposal=made[0], data=CommentInput(body="We piloted this on DW informally: it "
                          "halved review rework."), by=users["lead2"])
    _plans(session, users, made, objective_ids)


def _objective(session, users, name, kpi, baseline, target, owner):
    form = MultiDict({"name": name, "kpi": kpi, "baseline": baseline, "target": target, "active": "y",
                      "owner_id": str(users[owner.split("@")[0]].id)})
    return objectives.create_objective(session, data=parse(ObjectiveInput, form), by=users["steering"])


def _proposal(session, users, objective_ids, title, submitter, source, ref, served, benefit, effort, moves):
    form = MultiDict({"title": title, "problem": f"{title}: the problem as the submitter saw it.",
                      "proposed_change": f"{title}.", "source": source, "source_ref": ref,
                      "expected_benefit": str(benefit), "estimated_effort": str(effort)})
    form.setlist("objective_ids", [str(objective_ids[i]) for i in served])
    proposal = proposals.submit(session, data=parse(ProposalInput, form), by=users[submitter.split("@")[0]])
    for to, by, *why in moves:
        data = {"to": to, "version": str(proposal.version), "rationale": why[0] if why else ""}
        if to == "duplicate":
            data["duplicate_of_id"] = "1"
        proposals.move(session, proposal=proposal, data=parse(ProposalMoveInput, MultiDict(data)), by=users[by])
    return proposal


def _move(session, plan, to, by, **extra):
    data = MultiDict({"to": to, "version": str(plan.version), **extra})
    plans.move_plan(session, plan=plan, data=parse(PlanMoveInput, data), by=by)


def _plans(session, users, made, objective_ids):
    sepg, steering = users["sepg"], users["steering"]
    form = MultiDict({"title": "Checklist-driven peer reviews", "goal": "Find design and code defects in review, "
                      "not in test or production.", "success_measure": "Escaped defects per release",
                      "success_target": "≤ 5", "strategy": "Write checklists, train reviewers, pilot on PAY and DW.",
                      "owner_id": str(sepg.id), "planned_start": "2026-04-01", "planned_end": "2026-12-18"})
    form.setlist("proposal_ids", [str(made[0].id)])
    form.setlist("objective_ids", [str(objective_ids[0])])
    plan = plans.create_plan(session, data=parse(PlanInput, form), by=sepg)
    for who, role in (("member", "checklist author"), ("lead", "pilot project lead"), ("quality", "reviewer")):
        team.add_member(session, plan=plan, data=TeamMemberInput(user_id=users[who].id, team_role=role), by=sepg)
    _move(session, plan, "in_review", sepg)
    team.add_review(session, plan=plan, data=ReviewInput(verdict="approve", comment="Good scope."), by=users["lead"])
    _move(session, plan, "approved", steering)
    _move(session, plan, "in_progress", sepg)
    done = commitments.add_and_commit(session, plan=plan, data=CommitmentInput(
        description="Draft the design review checklist", owner_id=users["member"].id, due_date="2026-05-15"), by=sepg)
    commitments.move(session, commitment=done, data=CommitmentMoveInput(to="done", version=done.version),
                     by=users["member"])
    commitments.add_and_commit(session, plan=plan, data=CommitmentInput(
        description="Train PAY reviewers", owner_id=users["lead"].id, due_date="2026-09-30"), by=sepg)
    commitments.add_and_commit(session, plan=plan, data=CommitmentInput(
        description="Draft the code review checklist", owner_id=users["member"].id, due_date="2027-01-15"), by=sepg)
    issues.raise_issue(session, plan=plan, data=IssueInput(title="Review tool has no checklist support",
                       owner_id=users["quality"].id), by=users["member"])
    review = MultiDict({
        "held_on": "2026-07-02", "summary": "Design checklist in use on PAY; reviewers find it long.",
        "decisions": "Trim to 20 items.", "f1_description": "Trim the checklist to 20 items",
        "f1_owner_id": str(users["member"].id), "f1_due": "2026-07-31"})
    review.setlist("attendee_ids", [str(users[who].id) for who in ("sepg", "member", "lead", "quality")])
    joint_reviews.record(session, plan=plan, data=parse(JointReviewInput, review), by=sepg)
    _pilot(session, users, plan)

    form = MultiDict({"title": "Estimation with historical data", "goal": "Estimates within 10% of actuals.",
                      "success_measure": "Releases within ±10% of plan", "success_target": "85%",
                      "owner_id": str(users["quality"].id), "planned_start": "2026-09-01",
                      "planned_end": "2027-03-31"})
    form.setlist("proposal_ids", [str(made[1].id)])
    form.setlist("objective_ids", [str(objective_ids[1])])
    second = plans.create_plan(session, data=parse(PlanInput, form), by=sepg)
    team.add_member(session, plan=second, data=TeamMemberInput(user_id=users["lead"].id, team_role="estimator"),
                    by=sepg)
    _move(session, second, "in_review", sepg)


def _pilot(session, users, plan):
    asset = session.exec(select(ProcessAsset).where(ProcessAsset.title == "Peer review procedure")).one()
    version = session.exec(select(AssetVersion).where(AssetVersion.asset_id == asset.id,
                                                      AssetVersion.label == "1.1")).one()
    projects = session.exec(select(Project).where(Project.code.in_(["PAY", "DW"]))).all()
    form = MultiDict({"plan_id": str(plan.id), "title": "Checklist reviews on PAY and DW",
                      "measure": "Defects found in review per KLOC", "baseline": "2.1", "target": "≥ 3.0",
                      "actual": "3.4", "results": "Review yield up 60%; effort per review up 15%.",
                      "start_date": "2026-05-18", "end_date": "2026-08-28"})
    form.setlist("version_ids", [str(version.id)])
    form.setlist("project_ids", [str(p.id) for p in projects])
    pilot = pilots.create_pilot(session, data=parse(PilotInput, form), by=users["sepg"])
    for to, by in (("running", "sepg"), ("evaluating", "sepg")):
        pilots.move_pilot(session, pilot=pilot, data=PilotMoveInput(to=to, version=pilot.version), by=users[by])
    pilots.move_pilot(session, pilot=pilot, data=PilotMoveInput(
        to="decided", decision="adopt", rationale="Target met on both projects.", version=pilot.version),
        by=users["steering"])
