"""Issue 12 part 7: people wear more than one hat. The head of the process group sits on the steering committee; a
project lead is on an action team. A user holds a set of roles; the policy allows an action when any of them allows
it (object rules still apply per role); the admin assigns the set; pages, lists and home tiles show what each of the
user's roles needs. Expected values written from the policy table as the issue states it."""

import pytest
from sqlmodel import select

from tests.test_expected_permissions import Record
from tracker.auth.models import User
from tracker.auth.policy import can
from tracker.auth.roles import Role
from tracker.history.models import AuditEvent
from tracker.proposals.models import ProposalStatus
from tracker.proposals.workflow import PROPOSAL_TRANSITIONS
from tracker.workflow import allowed_moves

SG, ST, LD, MB = Role.PROCESS_GROUP, Role.STEERING, Role.PROJECT_LEAD, Role.MEMBER


class Wearing:
    """A signed-in person holding these roles."""

    def __init__(self, *roles: Role, user_id: int = 7):
        self.roles, self.id, self.is_authenticated = frozenset(roles), user_id, True


@pytest.mark.parametrize("who, action, record, expected", [
    # The head of the process group on the committee: both roles' actions.
    (Wearing(SG, ST), "asset.edit", None, True),  # the process group's
    (Wearing(SG, ST), "objective.edit", None, True),  # the committee's (and the process group's)
    (Wearing(SG, ST), "review.manage", None, True),  # the committee's steering reviews
    (Wearing(SG, ST), "user.manage", None, False),  # neither is an admin
    # A lead who is also a member: a lead's rows only for their own projects (the lead's object rule), and
    # the member role does not move rows at all.
    (Wearing(LD, MB), "deployment.update", Record(project=Record(leads=[Record(id=7)])), True),
    (Wearing(LD, MB), "deployment.update", Record(project=Record(leads=[Record(id=8)])), False),
    # A lead who also sits in the process group: the process group's rule (any project) allows it.
    (Wearing(LD, SG), "deployment.update", Record(project=Record(leads=[Record(id=8)])), True),
    # A member who owns an asset reviews it (the owner's rule); as steering too, still only their own.
    (Wearing(MB, ST), "asset.review", Record(owner_id=7), True),
    (Wearing(MB, ST), "asset.review", Record(owner_id=9), False),
])
def test_any_role_may_allow_each_under_its_own_object_rule(who, action, record, expected):
    assert can(who, action, record) is expected


def test_the_buttons_are_every_move_any_of_the_roles_may_make():
    """From escalated, the committee accepts or rejects; the process group alone cannot."""
    head = {to for to, _ in allowed_moves(PROPOSAL_TRANSITIONS, ProposalStatus.ESCALATED, frozenset({SG, ST}))}
    assert head == ({to for to, _ in allowed_moves(PROPOSAL_TRANSITIONS, ProposalStatus.ESCALATED, ST)}
                    | {to for to, _ in allowed_moves(PROPOSAL_TRANSITIONS, ProposalStatus.ESCALATED, SG)})
    assert ProposalStatus.ACCEPTED in head


def test_the_admin_assigns_roles_as_a_set(client, login_as, db, make_user):
    login_as(Role.ADMIN)
    hana = make_user(SG, email="hana@example.org", name="Hana Head")
    form = {"email": "hana@example.org", "name": "Hana Head", "roles": ["process_group", "steering"],
            "version": "1", "active": "y"}
    assert client.post(f"/admin/users/{hana.id}", data=form).status_code == 303
    db.expire_all()
    assert db.get(User, hana.id).roles == {SG, ST}
    assert "Process group, Steering committee" in client.get("/admin/users").get_data(as_text=True)
    changed = db.exec(select(AuditEvent.old, AuditEvent.new).where(AuditEvent.entity == "user",
                                                                   AuditEvent.field == "roles")).all()
    assert changed == [("Process group", "Process group, Steering committee")]
    none = client.post(f"/admin/users/{hana.id}", data=form | {"roles": [], "version": "2"})
    assert none.status_code == 422 and "Choose at least one role." in none.get_data(as_text=True)


def test_an_admin_does_not_take_their_own_admin_role(client, login_as):
    admin = login_as(Role.ADMIN, email="root@example.org", name="Root")
    form = {"email": "root@example.org", "name": "Root", "roles": ["process_group"], "version": "1", "active": "y"}
    refused = client.post(f"/admin/users/{admin.id}", data=form)
    assert refused.status_code == 422 and "admin role from your own account" in refused.get_data(as_text=True)
    kept = client.post(f"/admin/users/{admin.id}", data=form | {"roles": ["admin", "process_group"]})
    assert kept.status_code == 303


def test_the_home_page_and_my_work_show_what_each_role_needs(client, login, make_user, make_lesson, make_proposal):
    from tracker.lessons.models import LessonStatus
    make_lesson(status=LessonStatus.NEW)  # the process group reviews lessons
    make_proposal(ProposalStatus.ESCALATED)  # the committee decides escalated proposals
    for roles, lessons, escalated in (((SG,), True, False), ((ST,), False, True), ((SG, ST), True, True)):
        login(make_user(roles[0], also=roles[1:]))
        home = client.get("/").get_data(as_text=True)
        work = client.get("/my-work").get_data(as_text=True)
        assert ("Lessons to review" in home, "Lessons to review" in work) == (lessons, lessons), roles
        assert ("Escalated proposals to decide" in work) is escalated, roles


def test_the_header_names_every_role(client, login_as):
    login_as(SG, also=(ST,))
    assert "Process group, Steering committee" in client.get("/").get_data(as_text=True)


def test_a_lead_with_another_role_sees_every_project(client, login, make_user, make_project):
    mine = make_project(code="MINE")
    login(make_user(LD, leads=[mine]))
    only = client.get("/deployments/status").get_data(as_text=True)
    assert "Showing the projects you lead." in only
    login(make_user(LD, leads=[mine], also=(SG,)))
    assert "Showing the projects you lead." not in client.get("/deployments/status").get_data(as_text=True)
