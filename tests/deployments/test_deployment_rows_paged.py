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
