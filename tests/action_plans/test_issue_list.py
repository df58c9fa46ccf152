"""Issue 12 part 4: every plan issue in the organization in one list — by plan, owner, status, still open —
sorted by any column, paged, with a fixed number of queries whatever the number of rows."""

import re

from tracker.action_plans.models import IssueStatus, PlanStatus
from tracker.auth.roles import Role


def rows(html: str) -> list[str]:
    return re.findall(r'<tr id="issue-\d+"><td><a href="/plans/\d+#issue-\d+">([^<]+)</a>', html)


def test_the_list_filters_and_sorts(client, login, make_user, make_plan, make_issue):
    ana, ben = make_user(Role.MEMBER, name="Ana"), make_user(Role.MEMBER, name="Ben")
    reviews = make_plan(PlanStatus.IN_PROGRESS, title="Peer reviews")
    estimation = make_plan(PlanStatus.IN_PROGRESS, title="Estimation")
    make_issue(reviews, owner=ana, title="Tool licence")
    make_issue(estimation, owner=ben, title="No history data", status=IssueStatus.RESOLVED, resolution="Found it")
    make_issue(reviews, owner=ben, title="Checklist too long")
    login(make_user(Role.MEMBER))
    assert rows(client.get("/issues/").get_data(as_text=True)) == ["Checklist too long", "No history data",
                                                                  "Tool licence"]  # newest first
    assert rows(client.get(f"/issues/?plan={reviews.id}&sort=title").get_data(as_text=True)) == [
        "Checklist too long", "Tool licence"]
    assert rows(client.get(f"/issues/?owner={ben.id}&open=1").get_data(as_text=True)) == ["Checklist too long"]
    assert rows(client.get("/issues/?status=resolved").get_data(as_text=True)) == ["No history data"]
    by_owner = client.get("/issues/?sort=-owner").get_data(as_text=True)
    assert rows(by_owner)[-1] == "Tool licence" and 'aria-sort="descending"' in by_owner


def test_the_list_reads_a_fixed_number_of_statements(client, login, make_user, make_plan, make_issue,
                                                     query_counter):
    login(make_user(Role.PROCESS_GROUP))

    def statements_for(more: int) -> int:
        for _ in range(more):
            make_issue(make_plan(PlanStatus.IN_PROGRESS), owner=make_user(Role.MEMBER))
        query_counter.clear()
        assert client.get("/issues/").status_code == 200
        return len(query_counter)

    assert statements_for(2) == statements_for(18)
