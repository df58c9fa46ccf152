"""A record's status rows are a list of their own inside its page: the first page there, the rest a page away
(issue 14: a deployment to 500 projects rendered 1,000 rows with their forms on every view)."""

import re

from tracker.auth.roles import Role

PAGE = 10  # the tests' PAGE_SIZE


def row_count(html: str) -> int:
    return len(re.findall(r'<tr id="row-\d+"', html))


def test_a_deployment_shows_its_first_page_of_rows_and_pages_to_the_rest(client, login_as, make_project,
                                                                         make_released, make_deployment):
    projects = [make_project(code=f"R{n:02d}") for n in range(12)]
    deployment = make_deployment(projects, [make_released("1.0")])
    login_as(Role.PROCESS_GROUP)
    page = client.get(f"/deployments/{deployment.id}").get_data(as_text=True)
    assert row_count(page) == PAGE
    assert "12 rows" in page
    links = {link.replace("&amp;", "&") for link in re.findall(r'href="(/deployments/rows\?[^"]*)"', page)}
    assert f"/deployments/rows?page=2&deployment={deployment.id}" in links
    rest = client.get(f"/deployments/rows?deployment={deployment.id}&page=2", headers={"HX-Request": "true"})
    assert row_count(rest.get_data(as_text=True)) == 2


def test_a_projects_page_shows_only_its_own_rows(client, login_as, make_project, make_released, make_deployment):
    mine, other = make_project(code="MINE"), make_project(code="OTHER")
    make_deployment([mine, other], [make_released("1.0"), make_released("2.0")])
    login_as(Role.PROCESS_GROUP)
    page = client.get(f"/projects/{mine.id}").get_data(as_text=True)
    assert row_count(page) == 2
    assert "2 rows" in page


def test_a_superseded_row_is_off_the_projects_page_marked_elsewhere_and_owes_nothing(
        client, login, make_user, make_project, make_released, make_deployment):
    """A project deployed version 1 (left in progress, planned long ago) and then version 2 of the same asset: the
    row that counts is version 2's. A walk-through found version 1's row on the project page with its buttons,
    counted in the lead's "to progress" and overdue, beside the chart that rightly left it out."""
    from tracker.deployments.models import RowStatus

    project = make_project(code="SUP")
    lead = make_user(Role.PROJECT_LEAD, leads=[project])
    old = make_released("1.0", title="Review guide")
    new = make_released("2.0", asset=old.asset)
    make_deployment([project], [old], status=RowStatus.IN_PROGRESS)
    make_deployment([project], [new], status=RowStatus.DEPLOYED)
    login(lead)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert row_count(page) == 1 and "Review guide 2.0</a>" in page and "Review guide 1.0</a>" not in page
    assert f'href="/deployments/rows?project={project.id}">Every status row of SUP, superseded versions too' in page
    every = client.get(f"/deployments/rows?project={project.id}").get_data(as_text=True)
    assert row_count(every) == 2 and every.count("superseded: a newer row of the project for this asset counts") == 1
    assert row_count(client.get(f"/deployments/rows?project={project.id}&current=1").get_data(as_text=True)) == 1
    # Nothing is owed on it: not to progress, not overdue, not on the start page's tile
    assert row_count(client.get("/deployments/rows?mine=1&open=1").get_data(as_text=True)) == 0
    assert row_count(client.get("/deployments/rows?mine=1&overdue=1").get_data(as_text=True)) == 0
    home = client.get("/").get_data(as_text=True)
    assert re.search(r'<strong>0</strong> Deployments to progress on your projects</a>', home)
