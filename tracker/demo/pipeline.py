"""The demo's improvement pipeline (SG2): objectives, proposals in every state, the peer-review plan with its
commitments, issue, joint review and pilot, and an estimation plan waiting for the steering committee."""

from sqlmodel import select
from werkzeug.datastructures import MultiDict

from tracker.action_plans import commitments, issues, joint_reviews, team
from tracker.action_plans import service as plans
from tracker.action_plans.forms import (
    CommitmentMoveInput,
    IssueInput,
    IssueMoveInput,
    JointReviewInput,
    PlanInput,
    ReviewInput,
    TeamMemberInput,
)
from tracker.action_plans.models import Commitment
from tracker.demo.requirements_plan import requirements_plan_events
from tracker.demo.steps import (
    answer,
    commit_to,
    complete,
    counter,
    move_plan,
    move_proposal,
    offer,
    renegotiate,
)
from tracker.demo.story import Story, add_draft, release
from tracker.lessons import service as lessons
from tracker.objectives import service as objectives
from tracker.objectives.forms import MeasurementInput, ObjectiveInput
from tracker.pilots import service as pilots
from tracker.pilots.forms import PilotInput, PilotMoveInput
from tracker.proposals import service as proposals
from tracker.proposals.forms import CommentInput, ProposalInput
from tracker.validation import parse

# name, KPI, unit, baseline, target, target day, owner, measurements [(day, value, source)]: one objective on
# track, one at risk, one off track (tracker.objectives.progress).
OBJECTIVES = [
    ("Fewer escaped defects", "Escaped defects per release", "defects", "14", "5", 180, "steering",
     [(-270, 13, "Release 4.0 defect report"), (-90, 9, "Release 4.2 defect report"),
      (-20, 8, "Release 4.3 defect report")]),
    ("Predictable delivery", "Releases within ±10% of the planned date", "%", "55", "85", 120, "steering",
     [(-300, 57, "Quarterly delivery review"), (-200, 62, "Quarterly delivery review"),
      (-100, 68, "Quarterly delivery review"), (-10, 75, "Quarterly delivery review")]),
    ("Faster service restoration", "Median time to restore a P1 incident", "h", "6", "2", 90, "sepg",
     [(-200, 6.2, "Service desk report"), (-60, 5.8, "Service desk report")]),
]
# key, title, submitter, submitted on day, source, reference, objectives served, benefit, effort,
# problem, proposed change, moves [(day, to, by, rationale)]
PROPOSALS = [
    ("checklists", "Checklist-driven peer reviews", "member", -330, "appraisal_finding",
     "SCAMPI B of the engineering process areas: weakness in VER", [0], 5, 2,
     "Peer reviews are walkthroughs without a checklist. Each reviewer looks for what they happen to know, and "
     "the same kinds of design defect reach system test release after release (9 of the 14 escaped defects "
     "last year were interface or error-handling design defects).",
     "Give design and code reviews a short checklist built from our own escaped defects, train the reviewers, "
     "and record which checklist items found each defect so the list can be kept short and current.",
     [(-325, "under_review", "sepg", ""), (-310, "accepted", "sepg", "Addresses the appraisal weakness directly.")]),
    ("design-checklists", "Peer review checklists for designs", "lead2", -322, "lesson_learned",
     "DW design review retrospective", [0], 4, 2,
     "Our design reviews on DW keep missing the same error-handling gaps.",
     "Use a checklist in design reviews.", [(-320, "duplicate", "sepg", "")]),
    ("estimation", "Estimate with historical productivity data", "lead", -262, "lesson_learned",
     "PAY lesson: estimates ignored the historical data", [1], 4, 3,
     "Release estimates come from one expert's judgement. PAY release 3 slipped six weeks although the "
     "measurement repository holds five similar releases whose actual effort would have told us.",
     "Make the estimation guideline's method (size from the requirements, productivity from the repository, a "
     "range rather than a point) the standard for every release plan, with the process group reviewing the "
     "first estimates.",
     [(-256, "under_review", "sepg", ""), (-245, "accepted", "sepg", "Serves the delivery objective; the "
                                                                     "guideline is ready for it.")]),
    ("hotfix-review", "Mandatory code review for hotfixes", "member2", -200, "customer_satisfaction",
     "Customer survey, comment 41", [0], 3, 1,
     "A hotfix to the payment screens went out unreviewed and broke the confirmation page for a day.",
     "Require a second pair of eyes on every hotfix before it is deployed.",
     [(-196, "under_review", "sepg", ""),
      (-190, "rejected", "sepg", "Already required: the peer review procedure covers every change, hotfixes "
                                 "included. The gap is enforcement on PAY, which the PAY lead has taken up.")]),
    ("risk-review", "Weekly risk review in small projects", "member", -72, "compliance_audit",
     "PAY compliance audit", [1], 2, 2,
     "Small projects review their risks only at milestones, so a risk can go unwatched for two months.",
     "A fifteen-minute weekly risk review, recorded in the plan's risk section.",
     [(-68, "under_review", "sepg", ""),
      (-60, "deferred", "sepg", "Revisit when the estimation plan has landed: both change the planning "
                                "checklist, and one change at a time is what the projects asked for.")]),
    ("trunk", "Adopt trunk-based development", "member2", -40, "benchmarking", "Industry delivery survey",
     [1], 3, 5,
     "Long-lived feature branches make our integrations late and painful: PAY spent nine days merging "
     "before its last release.",
     "Move teams to short-lived branches merged daily, behind feature toggles, starting with one project.",
     [(-35, "under_review", "sepg", "")]),
    ("requirements-template", "Shorter requirements template", "lead", -12, "project_feedback",
     "CRM kick-off feedback", [], 2, 1,
     "The requirements template has 14 sections; on CRM half of them were marked 'not applicable' within "
     "the first week.",
     "Keep the five sections every project fills and move the rest to an optional annex.", []),
]


def pipeline_events(story: Story) -> None:
    users = story.users
    for i, (*row, measurements) in enumerate(OBJECTIVES):
        story.on(-390, lambda i=i, row=row: story.made.__setitem__(f"objective{i}", _objective(story, *row)))
        for day, value, source in measurements:
            story.on(day, lambda i=i, day=day, value=value, source=source: objectives.add_measurement(
                story.session, objective=story.made[f"objective{i}"], by=story.users["steering"],
                data=MeasurementInput(measured_on=story.date(day), value=value, source=source)))
    for row in PROPOSALS:
        _proposal_events(story, *row)
    story.on(-328, lambda: proposals.add_comment(story.session, proposal=story.made["checklists"], data=CommentInput(
        body="We tried a checklist informally in two DW design reviews: it found the error-handling gaps we "
             "usually meet in test."), by=users["lead2"]))
    story.on(-100, lambda: _from_lesson(story))
    story.on(-95, lambda: move_proposal(story, "post-mortems", "under_review", "sepg"))
    story.on(-90, lambda: move_proposal(story, "post-mortems", "escalated", "sepg", "It needs a budget decision: "
                                        "keeping the incident timeline means a change to the service desk tool."))
    _checklist_plan(story)
    requirements_plan_events(story)
    story.on(-25, lambda: _estimation_plan(story))


def _objective(story: Story, name, kpi, unit, baseline, target, target_day, owner):
    form = MultiDict({"name": name, "kpi": kpi, "unit": unit, "baseline": baseline, "target": target,
                      "target_date": story.date(target_day), "active": "y", "owner_id": str(story.users[owner].id)})
    return objectives.create_objective(story.session, data=parse(ObjectiveInput, form), by=story.users["steering"])


def _proposal_events(story: Story, key, title, submitter, day, source, ref, served, benefit, effort, problem,
                     change, moves) -> None:
    def submit() -> None:
        form = MultiDict({"title": title, "problem": problem, "proposed_change": change, "source": source,
                          "source_ref": ref, "expected_benefit": str(benefit), "estimated_effort": str(effort)})
        if key == "estimation":  # the lesson it grew from, linked
            form |= {"source_entity": "lesson", "source_id": str(story.made["lesson-estimates"].id)}
        if key == "checklists":  # the appraisal weakness it answers, linked
            form |= {"source_entity": "finding", "source_id": str(story.made["finding-VER-weakness"].id)}
        form.setlist("objective_ids", [str(story.made[f"objective{i}"].id) for i in served])
        story.made[key] = proposals.submit(story.session, data=parse(ProposalInput, form), by=story.users[submitter])

    story.on(day, submit)
    for move_day, to, by, rationale in moves:
        story.on(move_day, lambda to=to, by=by, rationale=rationale: move_proposal(story, key, to, by, rationale))




def _from_lesson(story: Story) -> None:
    """The OPS incident lesson becomes a proposal, which the process group words as a change and links to the
    objective it serves, then escalates to the committee."""
    proposal = lessons.convert(story.session, lesson=story.made["lesson-incidents"], by=story.users["sepg"])
    story.made["post-mortems"] = proposals.update_proposal(story.session, proposal=proposal, data=ProposalInput(
        title="Blameless incident reviews within three working days", problem=proposal.problem,
        proposed_change=proposal.proposed_change, source=proposal.source, source_ref=proposal.source_ref,
        objective_ids=[story.made["objective2"].id], asset_ids=[asset.id for asset in proposal.assets],
        expected_benefit=4, estimated_effort=3, version=proposal.version), by=story.users["sepg"])


def _checklist_plan(story: Story) -> None:
    users, on = story.users, story.on
    on(-305, lambda: _create_checklist_plan(story))
    on(-300, lambda: move_plan(story, "checklist-plan", "in_review", "sepg"))
    on(-299, lambda: team.add_review(story.session, plan=story.made["checklist-plan"], data=ReviewInput(
        verdict="approve", comment="Scope is right; PAY can pilot from May."), by=users["lead"]))
    on(-296, lambda: move_plan(story, "checklist-plan", "approved", "steering"))
    on(-295, lambda: move_plan(story, "checklist-plan", "in_progress", "sepg"))
    for key, description, owner, due in (
            ("c-design", "Draft the design review checklist from last year's escaped defects", "member", -250),
            ("c-train", "Train the PAY and DW reviewers on the checklist", "lead", -160),
            ("c-release", "Release the peer review procedure 1.1 with the design checklist", "quality", -105),
            ("c-code", "Draft the code review checklist", "member", -20)):
        on(-295, lambda key=key, d=description, o=owner, due=due: commit_to(story, key, d, o, due))
    # Negotiated: offered to the lead, who counters with a later date; the plan's owner agrees
    on(-60, lambda: offer(story, "c-coach", "Coach the CRM reviewers through their first checklist reviews",
                          "lead", 25))
    on(-59, lambda: counter(story, "c-coach", "lead", 40, "The CRM release freeze takes the reviewers until then"))
    on(-58, lambda: answer(story, "c-coach", "sepg", "agree", "Fine: after the freeze"))
    on(-255, lambda: complete(story, "c-design", "member"))  # on time
    on(-235, lambda: add_draft(story, "Peer review procedure", "1.1", "Adds the design review checklist."))
    on(-230, lambda: _create_pilot(story))
    on(-220, lambda: move_pilot(story, "running"))
    on(-200, lambda: _raise_issue(story))
    on(-185, lambda: _resolve_issue(story))
    on(-150, lambda: complete(story, "c-train", "lead"))  # ten days late
    on(-130, lambda: _joint_review(story))
    on(-130, lambda: move_pilot(story, "evaluating"))
    # -120: the steering committee adopts the pilot in its third-quarter review (tracker/demo/reviews.py)
    on(-115, lambda: complete(story, "c-trim", "member"))
    on(-110, lambda: release(story, "Peer review procedure", "1.1"))
    on(-110, lambda: complete(story, "c-release", "quality"))  # the day it was released: on time
    on(-30, lambda: commitments.move_commitment(story.session, commitment=story.made["c-code"], data=CommitmentMoveInput(
        to="in_progress", version=story.made["c-code"].version), by=users["member"]))  # and overdue today
    # ... for which its owner asks for more time: the plan's owner has yet to answer (his My commitments says so)
    on(-3, lambda: renegotiate(story, "c-code", "member", 21, "The code review tool arrived late"))
    # and a commitment offered to a member who has yet to accept it
    on(-2, lambda: offer(story, "c-review", "Review the code checklist draft with two other developers",
                         "member2", 30))


def _create_checklist_plan(story: Story) -> None:
    users = story.users
    form = MultiDict({
        "title": "Checklist-driven peer reviews",
        "goal": "Find design and code defects in review, not in test or production.",
        "success_measure": "Escaped defects per release", "success_target": "≤ 5",
        "strategy": "Build the checklists from our own escaped defects, pilot them on PAY and DW, then release "
                    "them in the peer review procedure and deploy it to every project in execution.",
        "owner_id": str(users["sepg"].id), "planned_start": story.date(-300), "planned_end": story.date(40),
        "joint_review_weeks": "8"})
    form.setlist("proposal_ids", [str(story.made["checklists"].id)])
    form.setlist("objective_ids", [str(story.made["objective0"].id)])
    plan = story.made["checklist-plan"] = plans.create_plan(story.session, data=parse(PlanInput, form),
                                                            by=users["sepg"])
    for who, role in (("member", "checklist author"), ("lead", "pilot project lead"), ("quality", "reviewer")):
        team.add_member(story.session, plan=plan, data=TeamMemberInput(user_id=users[who].id, team_role=role),
                        by=users["sepg"])


def _estimation_plan(story: Story) -> None:
    users = story.users
    form = MultiDict({
        "title": "Estimation with historical data", "goal": "Release estimates within 10% of the actual effort.",
        "success_measure": "Releases within ±10% of the planned date", "success_target": "85%",
        "strategy": "Coach each lead through one release estimate with the guideline, then make it the standard.",
        "owner_id": str(users["quality"].id), "planned_start": story.date(14), "planned_end": story.date(180)})
    form.setlist("proposal_ids", [str(story.made["estimation"].id)])
    form.setlist("objective_ids", [str(story.made["objective1"].id)])
    plan = story.made["estimation-plan"] = plans.create_plan(story.session, data=parse(PlanInput, form),
                                                             by=users["sepg"])
    team.add_member(story.session, plan=plan, data=TeamMemberInput(user_id=users["lead"].id,
                                                                   team_role="estimator"), by=users["sepg"])
    move_plan(story, "estimation-plan", "in_review", "sepg")  # waiting for the steering committee








def _raise_issue(story: Story) -> None:
    story.made["issue"] = issues.raise_issue(story.session, plan=story.made["checklist-plan"], data=IssueInput(
        title="The review tool cannot attach a checklist", owner_id=story.users["quality"].id),
        by=story.users["member"])


def _resolve_issue(story: Story) -> None:
    issue = story.made["issue"]
    issues.move_issue(story.session, issue=issue, data=IssueMoveInput(
        to="resolved", rationale="The checklist is a page linked from every review record; reviewers tick it "
                                 "there.", version=issue.version), by=story.users["quality"])


def _joint_review(story: Story) -> None:
    users = story.users
    review = MultiDict({
        "held_on": story.date(-130),
        "summary": "The design checklist has been in use on PAY and DW for three months. Reviewers find 28 "
                   "items too long; the pilot's numbers are in.",
        "decisions": "Trim the checklist to 20 items before release. The pilot goes to evaluation.",
        "f1_description": "Trim the design checklist to 20 items", "f1_owner_id": str(users["member"].id),
        "f1_due": story.date(-112)})
    review.setlist("attendee_ids", [str(users[who].id) for who in ("sepg", "member", "lead", "quality")])
    joint_reviews.record(story.session, plan=story.made["checklist-plan"], data=parse(JointReviewInput, review),
                         by=users["sepg"])
    story.made["c-trim"] = story.session.exec(select(Commitment).where(
        Commitment.description == "Trim the design checklist to 20 items")).one()


def _create_pilot(story: Story) -> None:
    form = MultiDict({"plan_id": str(story.made["checklist-plan"].id), "title": "Checklist reviews on PAY and DW",
                      "measure": "Defects found in review per KLOC", "baseline": "2.1", "target": "≥ 3.0",
                      "actual": "3.4", "results": "Review yield up 60% on both projects; effort per review up 15%; "
                                                  "no design defect of a checklist kind reached system test.",
                      "start_date": story.date(-220), "end_date": story.date(-130)})
    form.setlist("version_ids", [str(story.made[("Peer review procedure", "1.1")].id)])
    form.setlist("project_ids", [str(story.made["PAY"].id), str(story.made["DW"].id)])
    story.made["pilot"] = pilots.create_pilot(story.session, data=parse(PilotInput, form), by=story.users["sepg"])


def move_pilot(story: Story, to: str, *, by: str = "sepg", **decision) -> None:
    pilot = story.made["pilot"]
    pilots.move_pilot(story.session, pilot=pilot, data=PilotMoveInput(to=to, version=pilot.version, **decision),
                      by=story.users[by])
