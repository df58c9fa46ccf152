"""People wear more than one hat, in the browser (issue 12, part 7): the admin gives the head of the process group
a seat on the steering committee too; signed in, she sees both roles and the work each of them brings."""

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tracker.auth.roles import Role
from tracker.lessons.models import LessonStatus
from tracker.proposals.models import ProposalStatus

pytestmark = pytest.mark.browser


def test_the_admin_assigns_roles_as_a_set_and_the_person_sees_each_roles_work(page, live_server, sign_in, make_user,
                                                                              make_lesson, make_proposal):
    make_user(Role.ADMIN, email="ada@example.org", name="Ada Admin")
    make_user(Role.PROCESS_GROUP, email="hana@example.org", name="Hana Head")
    make_lesson(status=LessonStatus.NEW, title="Reviews run long")
    make_proposal(ProposalStatus.ESCALATED, title="Buy a review tool")
    sign_in("ada@example.org", PASSWORD)
    page.goto(f"{live_server}/admin/users")
    page.get_by_role("row", name="Hana Head").get_by_role("link").first.click()
    roles = page.get_by_role("group", name="Roles")
    expect(roles.get_by_role("checkbox", name="Process group")).to_be_checked()
    roles.get_by_role("checkbox", name="Steering committee").check()
    expect(roles.get_by_role("list", name="Chosen")).to_contain_text("Process group ×Steering committee ×")  # chips
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("main")).to_contain_text("Process group, Steering committee")

    sign_in("hana@example.org", PASSWORD)
    expect(page.locator("header")).to_contain_text("Process group, Steering committee")
    page.goto(f"{live_server}/my-work")
    expect(page.locator("main")).to_contain_text("Lessons to review")  # the process group's
    expect(page.locator("main")).to_contain_text("Escalated proposals to decide")  # the committee's
