"""Who may do what, written down by hand from OPF and the users' table in DESIGN.md, and compared with the
code's transition tables and permission policy in both directions.

These expectations are not derived from the tables they check: change a cell in a workflow.py or in
auth/policy.py and a test here fails until this file is changed too, on purpose, after review.

Reviewed against OPF: the process group (SEPG) triages proposals, writes and runs action plans, runs pilots,
deploys assets, reviews tailoring, audits and folds lessons back in (SP 2.1-2.4, 3.1-3.4); the steering
committee decides what is escalated to it, approves action plans and decides pilots (GP 2.10: higher-level
management reviews and decides); project leads move their own projects' deployment rows and log tailoring;
everyone proposes, comments, logs lessons and works the commitments, issues and noncompliances they own;
only an admin manages accounts and settings. Appraisals (SP 1.2) are planned and run by the process group, which
keeps the reappraisal cadences; the appraisal team (whatever their role) records findings and ratings for their
appraisal.
"""

import pytest

from tracker.action_plans.workflow import COMMITMENT_TRANSITIONS, ISSUE_TRANSITIONS, PLAN_TRANSITIONS
from tracker.appraisals.workflow import APPRAISAL_TRANSITIONS
from tracker.assets.workflow import VERSION_TRANSITIONS
from tracker.auth.policy import POLICY, can
from tracker.auth.roles import Role
from tracker.compliance.workflow import AUDIT_TRANSITIONS, NONCOMPLIANCE_TRANSITIONS
from tracker.deployments.workflow import ROW_TRANSITIONS
from tracker.lessons.workflow import LESSON_TRANSITIONS
from tracker.pilots.workflow import PILOT_TRANSITIONS
from tracker.proposals.workflow import PROPOSAL_TRANSITIONS
from tracker.reviews.workflow import MEETING_TRANSITIONS
from tracker.tailoring.workflow import TAILORING_TRANSITIONS

SG, ST, LD, MB, AD = "process_group", "steering", "project_lead", "member", "admin"
ALL = f"{SG} {ST} {LD} {MB} {AD}"

# table: "from -> to: roles" (automatic moves, made by the system only, are listed with no roles)
EXPECTED_MOVES = {
    "proposal": (PROPOSAL_TRANSITIONS, f"""
        submitted -> under_review: {SG}
        submitted -> duplicate: {SG}
        under_review -> accepted: {SG}
        under_review -> rejected: {SG}
        under_review -> deferred: {SG}
        under_review -> escalated: {SG}
        under_review -> duplicate: {SG}
        escalated -> accepted: {ST}
        escalated -> rejected: {ST}
        escalated -> deferred: {ST}
        deferred -> under_review: {SG}
        accepted -> planned:
        planned -> accepted:
        planned -> implemented:
        implemented -> closed: {SG}
    """),
    "action plan": (PLAN_TRANSITIONS, f"""
        draft -> in_review: {SG}
        in_review -> approved: {ST}
        in_review -> draft: {SG} {ST}
        approved -> in_progress: {SG}
        approved -> draft: {SG}
        in_progress -> draft: {SG}
        in_progress -> completed: {SG}
        draft -> cancelled: {SG}
        in_review -> cancelled: {SG}
        approved -> cancelled: {SG}
        in_progress -> cancelled: {SG}
    """),
    "commitment": (COMMITMENT_TRANSITIONS, f"""
        open -> in_progress: {ALL}
        open -> done: {ALL}
        in_progress -> done: {ALL}
        done -> open: {ALL}
        open -> cancelled: {SG}
        in_progress -> cancelled: {SG}
    """),
    "plan issue": (ISSUE_TRANSITIONS, f"""
        open -> in_progress: {ALL}
        open -> resolved: {ALL}
        in_progress -> resolved: {ALL}
        resolved -> closed: {SG}
        resolved -> open: {ALL}
    """),
    "asset version": (VERSION_TRANSITIONS, f"""
        draft -> released: {SG}
        released -> retired: {SG}
    """),
    "steering review": (MEETING_TRANSITIONS, f"""
        planned -> held: {SG} {ST}
        held -> closed: {SG} {ST}
        planned -> cancelled: {SG} {ST}
    """),
    "pilot": (PILOT_TRANSITIONS, f"""
        planned -> running: {SG}
        running -> evaluating: {SG}
        evaluating -> decided: {ST}
        evaluating -> running: {ST}
    """),
    "deployment row": (ROW_TRANSITIONS, f"""
        not_started -> planned: {SG} {LD}
        planned -> in_progress: {SG} {LD}
        in_progress -> deployed: {SG} {LD}
        planned -> deployed: {SG} {LD}
        in_progress -> planned: {SG} {LD}
        deployed -> verified: {SG}
        deployed -> in_progress: {SG} {LD}
        not_started -> not_applicable: {SG} {LD}
        planned -> not_applicable: {SG} {LD}
        in_progress -> not_applicable: {SG} {LD}
        not_applicable -> planned: {SG} {LD}
    """),
    "tailoring record": (TAILORING_TRANSITIONS, f"""
        requested -> approved: {SG}
        requested -> rejected: {SG}
        approved -> requested: {SG}
        rejected -> requested: {SG}
    """),
    "compliance audit": (AUDIT_TRANSITIONS, f"""
        planned -> completed: {SG}
        completed -> planned: {SG}
    """),
    "noncompliance": (NONCOMPLIANCE_TRANSITIONS, f"""
        open -> in_progress: {ALL}
        open -> resolved: {ALL}
        in_progress -> resolved: {ALL}
        resolved -> closed: {SG}
        resolved -> open: {ALL}
    """),
    "lesson": (LESSON_TRANSITIONS, f"""
        new -> reviewed: {SG}
        new -> archived: {SG}
        reviewed -> incorporated: {SG}
        reviewed -> archived: {SG}
        archived -> reviewed: {SG}
        new -> converted:
        reviewed -> converted:
    """),
    "appraisal": (APPRAISAL_TRANSITIONS, f"""
        planned -> preparation: {SG}
        preparation -> execution: {SG}
        execution -> reporting: {SG}
        reporting -> aftercare: {SG}
        aftercare -> completed: {SG}
        planned -> cancelled: {SG}
        preparation -> cancelled: {SG}
        execution -> cancelled: {SG}
        reporting -> cancelled: {SG}
    """),
}

# action: roles (before any rule about whose record it is)
EXPECTED_POLICY = f"""
    read: {ALL}
    lookup.people: {ALL}
    lookup.plans: {ALL}
    lookup.proposals: {SG} {ST}
    lookup.projects: {ALL}
    lookup.assets: {ALL}
    lookup.versions: {ALL}
    lookup.commitments: {ALL}
    lookup.objectives: {ALL}
    session.end: {ALL}
    account.password: {ALL}
    token.manage: {ALL}
    import.run: {SG}
    organization.export: {AD}
    project.create: {SG}
    project.edit: {SG} {LD}
    project.assign_leads: {SG} {AD}
    asset.edit: {SG}
    asset.review: {ALL}
    version.approve: {ALL}
    user.manage: {AD}
    settings.manage: {AD}
    objective.edit: {SG} {ST}
    objective.measure: {ALL}
    review.edit: {SG} {ST}
    review.manage: {SG} {ST}
    review.decide: {SG} {ST}
    proposal.submit: {ALL}
    proposal.comment: {ALL}
    proposal.edit: {ALL}
    proposal.move: {SG} {ST}
    proposal.attach: {SG}
    plan.edit: {SG}
    plan.move: {SG} {ST}
    plan.review: {SG} {ST} {LD}
    commitment.add: {SG}
    commitment.propose: {ALL}
    commitment.answer: {ALL}
    commitment.renegotiate: {ALL}
    commitment.link: {ALL}
    commitment.update: {ALL}
    commitment.edit: {SG} {ST}
    issue.raise: {ALL}
    issue.update: {ALL}
    issue.edit: {ALL}
    joint_review.record: {SG}
    joint_review.edit: {SG}
    pilot.edit: {SG}
    pilot.move: {SG} {ST}
    deployment.create: {SG}
    deployment.edit: {SG}
    deployment.update: {SG} {LD}
    deployment.train: {SG}
    standard_set.edit: {SG}
    tailoring.log: {SG} {LD}
    tailoring.edit: {SG} {LD}
    tailoring.review: {SG}
    tailoring.configure: {SG}
    audit.edit: {SG}
    noncompliance.update: {ALL}
    lesson.log: {ALL}
    lesson.edit: {ALL}
    lesson.review: {SG}
    feedback.give: {ALL}
    appraisal.edit: {SG}
    appraisal.move: {SG}
    appraisal.record: {ALL}
    appraisal.cadence: {SG}
    appraisal.questions: {SG}
    appraisal.answer: {ALL}
    record.remove: {SG}
    notification.read: {ALL}
    reminders.manage: {AD}
"""


def parse_moves(text: str) -> dict[tuple[str, str], set[str]]:
    moves = {}
    for line in filter(None, (line.strip() for line in text.splitlines())):
        pair, _, roles = line.partition(":")
        start, _, to = (part.strip() for part in pair.partition("->"))
        moves[(start, to)] = set(roles.split())
    return moves


def actual_moves(table) -> dict[tuple[str, str], set[str]]:
    return {(start.value, to.value): set() if move.automatic else {role.value for role in move.roles}
            for (start, to), move in table.items()}


@pytest.mark.parametrize("kind", EXPECTED_MOVES)
def test_each_workflow_lets_exactly_the_expected_roles_make_each_move(kind):
    table, expected = EXPECTED_MOVES[kind]
    assert actual_moves(table) == parse_moves(expected)


def test_the_policy_gives_each_action_to_exactly_the_expected_roles():
    expected = {action: set(roles.split()) for action, _, roles in
                (line.strip().partition(":") for line in EXPECTED_POLICY.strip().splitlines())}
    actual = {action: {role.value for role in roles} for action, roles in POLICY.items()}
    assert actual == expected


class Someone:
    def __init__(self, role: str, user_id: int = 1):
        self.roles, self.id, self.is_authenticated = frozenset({Role(role)}), user_id, True


class Record:
    def __init__(self, **fields):
        self.__dict__.update(fields)


@pytest.mark.parametrize(("who", "action", "record", "expected"), [
    # A lead edits and deploys to their own projects only.
    (Someone(LD, 7), "project.edit", Record(leads=[Record(id=7)]), True),
    (Someone(LD, 7), "project.edit", Record(leads=[Record(id=8)]), False),
    (Someone(LD, 7), "deployment.update", Record(project=Record(leads=[Record(id=7)])), True),
    (Someone(LD, 7), "deployment.update", Record(project=Record(leads=[Record(id=8)])), False),
    (Someone(LD, 7), "tailoring.log", Record(leads=[Record(id=8)]), False),
    (Someone(LD, 7), "tailoring.edit", Record(project=Record(leads=[Record(id=7)])), True),
    (Someone(LD, 7), "tailoring.edit", Record(project=Record(leads=[Record(id=8)])), False),
    # Members work what they own; the process group works anything.
    (Someone(MB, 3), "commitment.update", Record(owner_id=3), True),
    (Someone(MB, 3), "commitment.update", Record(owner_id=4), False),
    (Someone(SG, 9), "commitment.update", Record(owner_id=4), True),
    (Someone(MB, 3), "noncompliance.update", Record(owner_id=4), False),
    (Someone(ST, 3), "issue.update", Record(owner_id=4), False),
    # A plan's commitment is corrected by the process group; a steering review's action item by the committee too.
    (Someone(SG, 9), "commitment.edit", Record(owner_id=4, meeting_id=None), True),
    (Someone(ST, 5), "commitment.edit", Record(owner_id=4, meeting_id=None), False),
    (Someone(ST, 5), "commitment.edit", Record(owner_id=4, meeting_id=2), True),
    # An issue is corrected by whoever raised it, its owner, or the process group.
    (Someone(MB, 3), "issue.edit", Record(raised_by_id=3, owner_id=4), True),
    (Someone(LD, 3), "issue.edit", Record(raised_by_id=4, owner_id=3), True),
    (Someone(ST, 3), "issue.edit", Record(raised_by_id=4, owner_id=5), False),
    (Someone(SG, 9), "issue.edit", Record(raised_by_id=4, owner_id=5), True),
    # A lesson is corrected by whoever logged it, a lead of its project, or the process group.
    (Someone(MB, 3), "lesson.edit", Record(author_id=3, project=None), True),
    (Someone(MB, 3), "lesson.edit", Record(author_id=4, project=None), False),
    (Someone(LD, 7), "lesson.edit", Record(author_id=4, project=Record(leads=[Record(id=7)])), True),
    (Someone(LD, 7), "lesson.edit", Record(author_id=4, project=Record(leads=[Record(id=8)])), False),
    (Someone(ST, 5), "lesson.edit", Record(author_id=4, project=None), False),
    (Someone(SG, 9), "lesson.edit", Record(author_id=4, project=None), True),
    # The appraisal team records findings for its own appraisal; the process group for any.
    (Someone(MB, 3), "asset.review", Record(owner_id=3), True),  # the asset's owner reviews it
    (Someone(LD, 3), "asset.review", Record(owner_id=4), False),
    (Someone(SG, 9), "asset.review", Record(owner_id=4), True),
    # A draft is signed off by its asset's owner (whatever their role) and by the process group (the service says
    # which member: not the version's author).
    (Someone(MB, 3), "version.approve", Record(asset=Record(owner_id=3)), True),
    (Someone(LD, 3), "version.approve", Record(asset=Record(owner_id=4)), False),
    (Someone(ST, 3), "version.approve", Record(asset=Record(owner_id=4)), False),
    (Someone(SG, 9), "version.approve", Record(asset=Record(owner_id=4)), True),
    (Someone(MB, 3), "appraisal.record", Record(lead_appraiser_id=5, team=[Record(id=3)]), True),
    (Someone(ST, 5), "appraisal.record", Record(lead_appraiser_id=5, team=[]), True),
    (Someone(LD, 3), "appraisal.record", Record(lead_appraiser_id=5, team=[Record(id=4)]), False),
    (Someone(SG, 9), "appraisal.record", Record(lead_appraiser_id=5, team=[]), True),
    # An objective's owner measures it; the process group and the steering committee measure any.
    (Someone(LD, 3), "objective.measure", Record(owner_id=3), True),
    (Someone(MB, 3), "objective.measure", Record(owner_id=4), False),
    (Someone(ST, 3), "objective.measure", Record(owner_id=4), True),
    (Someone(SG, 9), "objective.measure", Record(owner_id=4), True),
    # Only the participants answer a questionnaire, each their own: the process group too.
    (Someone(MB, 3), "appraisal.answer", Record(participants=[Record(user_id=3)]), True),
    (Someone(SG, 9), "appraisal.answer", Record(participants=[Record(user_id=3)]), False),
])
def test_whose_record_it_is(who, action, record, expected):
    assert can(who, action, record) is expected


@pytest.mark.parametrize(("role", "path", "allowed"), [
    (SG, "/plans/new", True), (MB, "/plans/new", False), (ST, "/plans/new", False),  # members cannot edit plans
    (AD, "/admin/users", True), (SG, "/admin/users", False),
    (SG, "/deployments/new", True), (LD, "/deployments/new", False),
])
def test_the_pages_agree(client, login_as, role, path, allowed):
    login_as(role)
    assert (client.get(path).status_code == 200) is allowed


def test_only_steering_approves_a_plan_through_the_app(client, login_as, make_plan):
    from tracker.action_plans.models import PlanStatus

    plan = make_plan(PlanStatus.IN_REVIEW)
    login_as(SG)
    assert client.post(f"/plans/{plan.id}/move", data={"to": "approved", "version": "1"}).status_code == 403
    login_as(ST)
    assert client.post(f"/plans/{plan.id}/move", data={"to": "approved", "version": "1"}).status_code in (200, 303)
