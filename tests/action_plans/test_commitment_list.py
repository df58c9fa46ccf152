"""Issue 12 part 4: every commitment in the organization in one list — by plan, owner, status, still owed,
overdue, waiting for an answer — sorted by any column (the sort in the URL, aria-sort on the header), paged, with
a fixed number of queries whatever the number of rows."""

import re
from datetime import UTC, date, datetime

from tracker.action_plans.models import CommitmentStatus, Party, PlanStatus
from tracker.auth.roles import Role
from tracker.db import clock_at


def rows(html: str) -> list[str]:
    """The commitments the list shows, in its order."""
    return re.findall(r'<tr id="commitment-\d+"><td><a href="/commitments/\d+">([^<]+)</a>', html)


def test_the_list_filters_and_sorts(client, login, make_user, make_plan, make_commitment):
    ana, ben = make_user(Role.MEMBER, name="Ana"), make_user(Role.MEMBER, name="Ben")
    reviews = make_plan(PlanStatus.IN_PROGRESS, title="Peer reviews")
    estimation = make_plan(PlanStatus.IN_PROGRESS, title="Estimation")
    make_commitment(reviews, owner=ana, description="Checklist", due_date=date(2026, 3, 1))
    make_commitment(reviews, owner=ben, description="Training", due_date=date(2026, 5, 1),
                    status=CommitmentStatus.DONE, completed_on=date(2026, 4, 1))
    make_commitment(estimation, owner=ana, description="Guideline", due_date=date(2026, 4, 1))
    make_commitment(estimation, owner=ben, description="Pilot", due_date=date(2026, 6, 1),
                    status=CommitmentStatus.PROPOSED, awaiting=Party.OWNER)
    login(make_user(Role.STEERING))
    with clock_at(datetime(2026, 4, 15, 12, tzinfo=UTC)):
        assert rows(client.get("/commitments/").get_data(as_text=True)) == ["Checklist", "Guideline", "Training",
                                                                            "Pilot"]
        assert rows(client.get(f"/commitments/?plan={reviews.id}").get_data(as_text=True)) == ["Checklist",
                                                                                              "Training"]
        assert rows(client.get(f"/commitments/?owner={ana.id}&sort=-due").get_data(as_text=True)) == [
            "Guideline", "Checklist"]
        assert rows(client.get("/commitments/?overdue=1").get_data(as_text=True)) == ["Checklist", "Guideline"]
        assert rows(client.get("/commitments/?awaiting=1").get_data(as_text=True)) == ["Pilot"]
        assert rows(client.get("/commitments/?status=done").get_data(as_text=True)) == ["Training"]
        by_plan = client.get("/commitments/?sort=plan").get_data(as_text=True)
        assert rows(by_plan)[:2] == ["Guideline", "Pilot"]  # Estimation before Peer reviews
        assert 'aria-sort="ascending"' in by_plan and "sort=-plan" in by_plan  # again: the other way
        assert rows(client.get("/commitments/?sort=nonsense&page=abc").get_data(as_text=True))[0] == "Checklist"
        empty = client.get(f"/commitments/?plan={reviews.id}&awaiting=1").get_data(as_text=True)
        assert "No commitments match" in empty and "clear the filters" in empty


def test_the_list_reads_a_fixed_number_of_statements(client, login, make_user, make_plan, make_commitment,
                                                     query_counter):
    login(make_user(Role.PROCESS_GROUP))

    def statements_for(more: int) -> int:
        """After `more` commitments, each on its own plan with its own owner."""
        for _ in range(more):
            make_commitment(make_plan(PlanStatus.IN_PROGRESS), owner=make_user(Role.MEMBER))
        query_counter.clear()
        assert client.get("/commitments/").status_code == 200
        return len(query_counter)

    assert statements_for(2) == statements_for(18)


def test_the_overdue_tile_leads_to_exactly_what_it_counts(client, login, make_user, make_plan, make_commitment):
    plan = make_plan(PlanStatus.IN_PROGRESS)
    for due in (date(2026, 3, 1), date(2026, 3, 2), date(2026, 12, 1)):  # two overdue on 1 April, one not
        make_commitment(plan, due_date=due)
    login(make_user(Role.STEERING))
    with clock_at(datetime(2026, 4, 1, 12, tzinfo=UTC)):
        overview = client.get("/dashboards/").get_data(as_text=True)
        href, shown = re.search(r'<dt>Overdue commitments</dt><dd><a href="([^"]+)">(\d+)</a>', overview).groups()
        listed = client.get(href.replace("&amp;", "&")).get_data(as_text=True)
    assert (shown, len(rows(listed))) == ("2", 2) and "2 commitments" in listed


def test_the_csv_holds_exactly_what_the_filters_select_in_the_same_order(client, login, make_user, make_plan,
                                                                          make_commitment):
    ana, ben = make_user(Role.MEMBER, name="Ana"), make_user(Role.MEMBER, name="Ben")
    reviews = make_plan(PlanStatus.IN_PROGRESS, title="Peer reviews")
    make_commitment(reviews, owner=ana, description="Checklist", due_date=date(2026, 3, 1))
    make_commitment(reviews, owner=ben, description="=HYPERLINK(\"x\")", due_date=date(2026, 5, 1),
                    status=CommitmentStatus.DONE, completed_on=date(2026, 4, 1))
    make_commitment(reviews, owner=ana, description="Guideline", due_date=date(2026, 4, 1))
    login(make_user(Role.STEERING))
    response = client.get(f"/commitments/?owner={ana.id}&sort=-due&format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.get_data(as_text=True).splitlines() == [
        "Commitment,Plan or review,Steering review,Owner,Due,Status,Completed on",
        "Guideline,Peer reviews,,Ana,2026-04-01,Open,",
        "Checklist,Peer reviews,,Ana,2026-03-01,Open,"]
    done = client.get("/commitments/?status=done&format=csv").get_data(as_text=True).splitlines()
    assert done[1] == '"\'=HYPERLINK(""x"")",Peer reviews,,Ben,2026-05-01,Done,2026-04-01'  # not run as a formula


def test_my_commitments_links_to_the_whole_list_filtered_to_me_for_sorting_and_export(client, login_as):
    """My commitments is a to-do list (due first); the organization's list, filtered to the person, sorts, searches
    and exports them (a walk-through looked for those on My commitments)."""
    me = login_as(Role.MEMBER)
    page = client.get("/commitments/mine").get_data(as_text=True)
    assert 'href="/commitments/?mine=1">all commitments, filtered to you</a>' in page
    listed = client.get("/commitments/?mine=1").get_data(as_text=True)
    assert f'value="{me.name}"' in listed or me.name in listed
