"""The demo's first plan, finished: acceptance criteria in every requirement, from an appraisal weakness to a
measured result (the steering committee sees one improvement that reached its target, and how)."""

from werkzeug.datastructures import MultiDict

from tracker.action_plans import service as plans
from tracker.action_plans.forms import PlanInput
from tracker.demo.steps import commit_to, complete, move_plan, move_proposal
from tracker.demo.story import Story
from tracker.objectives import service as objectives
from tracker.objectives.forms import MeasurementInput
from tracker.proposals import service as proposals
from tracker.proposals.forms import ProposalInput
from tracker.validation import parse


def requirements_plan_events(story: Story) -> None:
    on = story.on
    on(-388, lambda: _propose(story))
    on(-386, lambda: move_proposal(story, "acceptance", "under_review", "sepg"))
    on(-385, lambda: move_proposal(story, "acceptance", "accepted", "sepg", "The appraisal's first weakness; the "
                                   "requirements course can carry it."))
    on(-380, lambda: _plan(story))
    on(-378, lambda: move_plan(story, "requirements-plan", "in_review", "sepg"))
    on(-376, lambda: move_plan(story, "requirements-plan", "approved", "steering"))
    on(-375, lambda: move_plan(story, "requirements-plan", "in_progress", "sepg"))
    on(-375, lambda: commit_to(story, "c-course", "Add acceptance-criteria exercises to the requirements course",
                               "quality", -300, plan="requirements-plan"))
    on(-375, lambda: commit_to(story, "c-analysts", "Coach the HR and OPS analysts on their next requirements",
                               "lead2", -240, plan="requirements-plan"))
    on(-300, lambda: complete(story, "c-course", "quality"))  # the day the course 1.2 was released: on time
    on(-235, lambda: complete(story, "c-analysts", "lead2"))  # five days late
    on(-210, lambda: move_plan(story, "requirements-plan", "completed", "sepg", success_actual="93%", result_notes=(
        "Sampled 120 requirements on HR and OPS: 93% had testable acceptance criteria, up from 41%.")))
    on(-180, lambda: objectives.record_plan_result(
        story.session, plan=story.made["requirements-plan"], by=story.users["sepg"],
        data=MeasurementInput(objective_id=story.made["objective0"].id, measured_on=story.date(-180), value=11,
                              source="Release 4.1, the first after the requirements plan")))


def _propose(story: Story) -> None:
    form = MultiDict({
        "title": "Acceptance criteria in every requirement", "source": "appraisal_finding",
        "source_ref": "SCAMPI B appraisal, weakness REQM-1", "expected_benefit": "4", "estimated_effort": "2",
        "problem": "Fewer than half of our requirements say how we will know they are met, so testers guess and "
                   "defects are argued about instead of fixed.",
        "proposed_change": "Every requirement gets testable acceptance criteria before it is planned; the "
                           "requirements course teaches how, with our own examples."})
    form.setlist("objective_ids", [str(story.made["objective0"].id)])
    story.made["acceptance"] = proposals.submit(story.session, data=parse(ProposalInput, form),
                                                by=story.users["lead2"])


def _plan(story: Story) -> None:
    form = MultiDict({
        "title": "Acceptance criteria in every requirement", "goal": "Every requirement can be tested as written.",
        "success_measure": "Requirements with testable acceptance criteria", "success_target": "90%",
        "strategy": "Teach it in the requirements course, then coach the analysts of the projects in operation.",
        "owner_id": str(story.users["quality"].id), "planned_start": story.date(-375),
        "planned_end": story.date(-200)})
    form.setlist("proposal_ids", [str(story.made["acceptance"].id)])
    form.setlist("objective_ids", [str(story.made["objective0"].id)])
    story.made["requirements-plan"] = plans.create_plan(story.session, data=parse(PlanInput, form),
                                                        by=story.users["sepg"])
