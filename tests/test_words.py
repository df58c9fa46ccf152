"""Issue 13, part 6: words for people. A refusal says who may do the thing; an unknown address gets the app's own
words, not Werkzeug's; an error page's title names the error."""

import html
import re

from tracker.auth.roles import Role


def title(html: str) -> str:
    return re.search(r"<title>([^<]+)</title>", html).group(1)


def test_a_refusal_says_who_may(client, login_as):
    login_as(Role.MEMBER)
    response = client.get("/plans/new")
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "Only the process group may do that." in page
    assert title(page) == "Not allowed (403) · Tracker"


def test_a_refusal_for_someone_elses_record_says_whose_it_is(client, login, make_user, make_project):
    mine, theirs = make_project(code="MINE"), make_project(code="THEIRS")
    lead = make_user(Role.PROJECT_LEAD, leads=[mine])
    login(lead)
    response = client.get(f"/projects/{theirs.id}/edit")
    assert response.status_code == 403
    assert ("This one is not yours: only the process group, or its project's lead, may do that."
            in html.unescape(response.get_data(as_text=True)))
    assert client.get(f"/projects/{mine.id}/edit").status_code == 200


def test_every_object_rule_says_whose_the_record_is():
    from tracker.auth.policy import OBJECT_RULES, WHOSE
    assert set(OBJECT_RULES.values()) <= set(WHOSE)


def test_an_unknown_address_gets_the_apps_own_words(client, login_as):
    login_as(Role.MEMBER)
    response = client.get("/no-such-page")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "There is no such page: it may have been removed, or the address is mistyped." in page
    assert "requested URL was not found" not in page
    assert title(page) == "Not found (404) · Tracker"
    assert "No such project." in client.get("/projects/2147483647").get_data(as_text=True)  # the app's own 404


def test_the_board_and_the_list_have_their_own_titles(client, login_as):
    login_as(Role.MEMBER)
    assert title(client.get("/proposals/").get_data(as_text=True)) == "Improvement proposals · Tracker"
    assert title(client.get("/proposals/?view=board").get_data(as_text=True)) == "Improvement proposals: board · Tracker"


def test_an_edit_refused_by_the_records_state_says_so_and_leads_back(client, login_as, make_plan):
    from tracker.action_plans.models import PlanStatus
    plan = make_plan(PlanStatus.IN_PROGRESS)
    login_as(Role.PROCESS_GROUP)
    response = client.get(f"/plans/{plan.id}/edit")
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and title(page) == "Not possible now (409) · Tracker"
    assert f'<a href="/plans/{plan.id}">Back to the record</a>' in page


def test_two_enums_with_one_value_keep_their_own_labels():
    """Labels are worked out once per member; members of two enums with one value are equal strings, so the
    cache must tell them apart (a rating read 'Partially' after an audit result had been labelled)."""
    from tracker.appraisals.models import RatingValue
    from tracker.compliance.models import Compliance

    assert (Compliance.PARTIALLY.label, RatingValue.PARTIALLY.label) == ("Partially", "Partially satisfied")
    assert (RatingValue.PARTIALLY.label, Compliance.PARTIALLY.label) == ("Partially satisfied", "Partially")
