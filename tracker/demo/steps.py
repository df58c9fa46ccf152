"""Steps the demo's stories share: moving proposals and plans, making and completing commitments."""

from werkzeug.datastructures import MultiDict

from tracker.action_plans import commitments, negotiation
from tracker.action_plans import service as plans
from tracker.action_plans.forms import (
    AnswerInput,
    CommitmentInput,
    CommitmentMoveInput,
    PlanMoveInput,
    TermsInput,
)
from tracker.demo.story import Story
from tracker.proposals import service as proposals
from tracker.proposals.forms import ProposalMoveInput
from tracker.validation import parse


def move_proposal(story: Story, key: str, to: str, by: str, rationale: str = "") -> None:
    proposal = story.made[key]
    data = {"to": to, "version": str(proposal.version), "rationale": rationale}
    if to == "duplicate":
        data["duplicate_of_id"] = str(story.made["checklists"].id)
    proposals.move_proposal(story.session, proposal=proposal, data=parse(ProposalMoveInput, MultiDict(data)),
                   by=story.users[by])


def move_plan(story: Story, key: str, to: str, by: str, **result) -> None:
    plan = story.made[key]
    plans.move_plan(story.session, plan=plan, data=parse(PlanMoveInput, MultiDict(
        {"to": to, "version": str(plan.version), **result})), by=story.users[by])


def commit_to(story: Story, key: str, description: str, owner: str, due: int, plan: str = "checklist-plan") -> None:
    story.made[key] = commitments.add_and_commit(story.session, plan=story.made[plan], data=CommitmentInput(
        description=description, owner_id=story.users[owner].id, due_date=story.date(due)), by=story.users["sepg"])


def complete(story: Story, key: str, by: str) -> None:
    commitment = story.made[key]
    commitments.move_commitment(story.session, commitment=commitment,
                     data=CommitmentMoveInput(to="done", version=commitment.version), by=story.users[by])


def offer(story: Story, key: str, description: str, owner: str, due: int, plan: str = "checklist-plan") -> None:
    """The process group proposes a commitment: its owner has yet to accept it (or counter)."""
    story.made[key] = negotiation.propose(story.session, plan=story.made[plan], data=CommitmentInput(
        description=description, owner_id=story.users[owner].id, due_date=story.date(due)), by=story.users["sepg"])


def counter(story: Story, key: str, by: str, due: int, reason: str) -> None:
    commitment = story.made[key]
    negotiation.counter(story.session, commitment=commitment, data=TermsInput(
        description=commitment.description, due_date=story.date(due), reason=reason, version=commitment.version),
        by=story.users[by])


def renegotiate(story: Story, key: str, by: str, due: int, reason: str) -> None:
    commitment = story.made[key]
    negotiation.renegotiate(story.session, commitment=commitment, data=TermsInput(
        description=commitment.description, due_date=story.date(due), reason=reason, version=commitment.version),
        by=story.users[by])


def answer(story: Story, key: str, by: str, answer: str, comment: str = "") -> None:
    commitment = story.made[key]
    negotiation.answer(story.session, commitment=commitment, data=AnswerInput(
        answer=answer, comment=comment, version=commitment.version), by=story.users[by])
