"""Issue 13, part 2: every list people work with sorts by its columns (aria-sort, the sort in the URL), pages, and
exports as CSV exactly what its filters select, in its order; an empty list says what to do next, or offers to
clear the filters that hide everything.

The expected CSV lines are written from what each list shows (its columns, the labels people read), for a small
organization built here with known names and dates."""

import csv
import io
import re
from collections.abc import Iterator

import pytest

from tracker.auth.roles import Role

# The list, the filter that selects the organization's one record (or its few), the CSV's header and lines.
LISTS = {
    "objectives": ("/objectives/?q=escaped", [
        "Objective,KPI,Unit,Baseline,Baseline measured on,Latest,Target,Target date,Owner,Status",
        "Fewer escaped defects,Escaped defects,,10.0,,,5.0,2027-06-30,Pia Group,Active"]),
    "proposals": ("/proposals/?q=checklist", [
        "#,Title,Status,Priority,Source,Process areas,Objectives served,Submitted by,Submitted on",
        re.compile(r"\d+,Checklist reviews,Submitted,[\d.]+,Lesson learned,,,Leo Lead,\d{4}-\d\d-\d\d \d\d:\d\d")]),
    "action plans": ("/plans/?q=peer", [
        "Plan,Status,Owner,Addresses,Planned start,Planned end,Success measure",
        re.compile(r"Peer reviews everywhere,In progress,Pia Group,#\d+,2026-02-01,2026-09-30,Escaped defects")]),
    "commitments": ("/commitments/?q=checklist", [
        "Commitment,Plan or review,Steering review,Owner,Due,Status,Completed on",
        "Write the checklist,Peer reviews everywhere,,Leo Lead,2026-04-01,Open,"]),
    "issues": ("/issues/?q=licence", [
        "Issue,Action plan,Owner,Raised,Raised by,Status,Resolution",
        re.compile(r"Tool licence missing,Peer reviews everywhere,Pia Group,\d{4}-\d\d-\d\d \d\d:\d\d,User \d+,Open,")]),
    "pilots": ("/pilots/?project={crm}", [
        "Pilot,Plan,Versions on trial,Projects,Start,End,Status,Decision",
        "Checklist pilot,Peer reviews everywhere,Review checklist 1.0,CRM,2026-03-01,2026-05-31,Planned,"]),
    "deployments": ("/deployments/?q=rollout", [
        "Deployment,Versions,Target date",
        "Checklist rollout,Review checklist 1.0,2026-06-01"]),
    "status rows": ("/deployments/rows?mine=1", [
        "Project,Asset version,Status,Planned,Deployed,Verified,Reason,Notes",
        "CRM,Review checklist 1.0,Planned,,,,,"]),
    "tailoring": ("/tailoring/?project={crm}", [
        "Project,Asset version,Element,Type,Rationale,Status,Logged,Review by,Review comment",
        "CRM,Review checklist 1.0,Design review,Omit,Small project,Requested,2026-03-01,,"]),
    "audits": ("/compliance/?project={crm}", [
        "Date,Project,Auditor,Status,Results,Summary",
        re.compile(r"2026-09-01,CRM,User \d+,Planned,,")]),
    "noncompliances": ("/compliance/noncompliances?q=peer+review", [
        "Noncompliance,Against,Audit,Audited on,Owner,Due,Status",
        "No peer review records,,CRM,2026-09-01,Leo Lead,2026-10-01,Open"]),
    "lessons": ("/lessons/?project={crm}", [
        "Lesson,Kind,Project,Process area,Asset,What happened,Recommendation,Status,By,Logged",
        re.compile(r"Reviews were skipped,Negative,CRM,,,Reviews were skipped,Plan reviews in the schedule,New,"
                   r"Leo Lead,\d{4}-\d\d-\d\d \d\d:\d\d")]),
    "projects": ("/projects/?q=crm", [
        "Code,Name,Phase,Status,Lead(s),Start,End",
        "CRM,Customer portal,Execution,Active,Leo Lead,2026-01-01,"]),
    "assets": ("/assets/?q=review+checklist", [
        "Title,Kind,Process areas,Owner,Current version,Released on,Review due",
        "Review checklist,Procedure,,Pia Group,1.0,2026-03-01,"]),
    "users": ("/admin/users?q=leo", [
        "Name,Email,Roles,Projects led,Status",
        "Leo Lead,leo@example.org,Project lead,CRM,Active"]),
    "process areas": ("/process-areas/?q=focus&model=CMMI-DEV+1.3", [
        "Code,Name,Model,Maturity level,Category",
        "OPF,Organizational Process Focus,CMMI-DEV 1.3,3,Process Management"]),
    "appraisals": ("/appraisals/?q=scampi+2026", [
        "Appraisal,Model,Method,Scope,Projects,Lead appraiser,Completed (or planned),Status",
        "SCAMPI 2026,CMMI-DEV,SCAMPI A,,,Pia Group,2026-06-30,Planned"]),
    "steering reviews": ("/reviews/?q=q3", [
        "Review,Date,Period from,Period to,Chair,Status",
        "Q3 review,2026-09-20,2026-07-01,2026-09-20,Pia Group,Planned"]),
}


def lines_of(response) -> list[str]:
    return response.get_data(as_text=True).splitlines()


@pytest.mark.parametrize("name", LISTS)
def test_the_csv_holds_what_the_filters_select(name, client, login, organization, make_user):
    url, expected = LISTS[name]
    url = url.format(**{key: record.id for key, record in organization.items() if key in ("crm", "pia", "leo")})
    login(organization["leo"] if "mine=1" in url else make_user(Role.ADMIN, also=(Role.PROCESS_GROUP,)))
    response = client.get(url + "&format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    lines = lines_of(response)
    assert len(lines) == len(expected), lines
    for line, wanted in zip(lines, expected, strict=True):
        assert wanted.fullmatch(line) if isinstance(wanted, re.Pattern) else line == wanted, (line, wanted)


SEARCHED = [url.split("?")[0] for url, _ in LISTS.values() if "?q=" in url]


@pytest.mark.parametrize("typed", ["%", "_", "\\"])
def test_a_wildcard_typed_in_a_search_box_is_itself(typed, client, login, organization, make_user):
    """A search for "100%" found every record holding "100": the typed % and _ were wildcards. Nothing in the
    organization holds these characters, so each searched list exports its header alone."""
    login(make_user(Role.ADMIN, also=(Role.PROCESS_GROUP,)))
    assert len(SEARCHED) == 13
    for url in SEARCHED:
        lines = lines_of(client.get(url, query_string={"q": typed, "format": "csv"}))
        assert len(lines) == 1, (url, lines)
    lines = lines_of(client.get("/projects/", query_string={"q": "tomer", "format": "csv"}))
    assert lines[1].startswith("CRM,Customer portal,")  # a word's middle is still found


def test_a_search_beyond_ascii_finds_its_capitals_and_small_letters_alike(client, login, make_user, make_project):
    """On SQLite, "über", "Über" and "ÉLAN" found nothing where PostgreSQL found the record: SQLite's lower() folds
    ASCII alone. Both databases answer the same now."""
    make_project(code="QS-1", name="Überprüfung der Qualität, Élan")
    make_project(code="QS-2", name="Ordinary review")
    login(make_user(Role.ADMIN, also=(Role.PROCESS_GROUP,)))
    for typed in ("über", "Über", "ÜBER", "élan", "ÉLAN", "qualität", "QUALITÄT", "prüfung"):
        lines = lines_of(client.get("/projects/", query_string={"q": typed, "format": "csv"}))
        assert [line.split(",")[0] for line in lines[1:]] == ["QS-1"], typed
    assert len(lines_of(client.get("/projects/", query_string={"q": "ordinary", "format": "csv"}))) == 2
    suggested = client.get("/lookup/projects", query_string={"field": "project", "project": "ÜBERPRÜ"}).get_data(
        as_text=True)
    assert "QS-1" in suggested and "QS-2" not in suggested


def test_a_cell_of_several_values_lists_them_in_one_order_on_both_databases(client, login, make_user, make_plan,
                                                                            make_proposal, db):
    """A walk-through compared the CSVs of SQLite and PostgreSQL: a cell's values came in insertion order on one and
    sorted as text on the other ("#10656; #1499"). A plan's proposals come by number, a proposal's process areas
    by code, on both."""
    from sqlmodel import select

    from tracker.process_areas.models import ProcessArea
    from tracker.proposals.models import ProposalArea, ProposalStatus

    first, second, third = (make_proposal(ProposalStatus.PLANNED, title=f"Addressed {n}") for n in range(3))
    for proposal, number in ((first, 90009), (second, 100010), (third, 100011)):  # by text: 100010, 100011, 90009
        proposal.id = number
    db.commit()
    make_plan(title="Numbered plan", proposals=[third, first, second])
    codes = {area.code: area.id for area in db.exec(select(ProcessArea).where(
        ProcessArea.code.in_(["REQM", "CAR", "OPF"]), ProcessArea.model == "CMMI-DEV 1.3")).all()}
    db.add_all(ProposalArea(proposal_id=first.id, area_id=codes[code]) for code in ("REQM", "OPF", "CAR"))
    db.commit()
    login(make_user(Role.ADMIN, also=(Role.PROCESS_GROUP,)))
    plans = lines_of(client.get("/plans/", query_string={"q": "numbered", "format": "csv"}))
    assert f",#{first.id}; #{second.id}; #{third.id}," in plans[1]
    proposals = lines_of(client.get("/proposals/", query_string={"q": "addressed 0", "format": "csv"}))
    assert ",CAR; OPF; REQM," in proposals[1]


SORTABLE = {  # a list and the columns it sorts by (its headers' keys)
    "/objectives/": ("name", "kpi", "target", "owner", "active"),
    "/proposals/": ("id", "title", "status", "priority", "source", "submitter"),
    "/plans/": ("title", "status", "owner", "planned"),
    "/commitments/": ("description", "plan", "owner", "due", "status"),
    "/issues/": ("title", "plan", "owner", "raised", "status"),
    "/pilots/": ("title", "plan", "start", "end", "status", "decision"),
    "/deployments/": ("title", "target"),
    "/deployments/rows": ("project", "version", "status", "planned", "deployed", "verified"),
    "/tailoring/": ("project", "version", "element", "type", "status", "logged", "review_by"),
    "/compliance/": ("date", "project", "auditor", "status"),
    "/compliance/noncompliances": ("description", "audit", "owner", "due", "status"),
    "/lessons/": ("title", "kind", "project", "status", "author", "logged"),
    "/projects/": ("code", "name", "phase", "status", "start", "end"),
    "/assets/": ("title", "kind", "owner"),
    "/admin/users": ("name", "email", "status"),
    "/process-areas/": ("code", "name", "model", "level", "category"),
    "/appraisals/": ("title", "model", "method", "completed", "status"),
    "/reviews/": ("title", "date", "period", "chair", "status"),
}


@pytest.mark.parametrize("url", SORTABLE)
def test_every_column_sorts_both_ways_with_aria_sort(url, client, login, organization, make_user):
    login(make_user(Role.ADMIN, also=(Role.PROCESS_GROUP,)))
    for key in SORTABLE[url]:
        ascending = client.get(f"{url}?sort={key}").get_data(as_text=True)
        assert re.search(rf'aria-sort="ascending"><a href="[^"]*sort=-{key}\b', ascending), (url, key)
        descending = client.get(f"{url}?sort=-{key}", headers={"HX-Request": "true"}).get_data(as_text=True)
        assert re.search(rf'aria-sort="descending"><a href="[^"]*sort={key}\b', descending), (url, key)
    assert client.get(f"{url}?sort=nonsense&page=abc").status_code == 200


def test_a_list_filtered_to_nothing_offers_to_clear_the_filters_and_an_empty_one_says_what_next(
        client, login, make_user):
    login(make_user(Role.PROCESS_GROUP))
    filtered = client.get("/projects/?q=nothing-like-this&sort=-name").get_data(as_text=True)
    assert "No projects match" in filtered
    assert '<a href="/projects/?sort=-name">clear the filters</a>' in filtered
    assert "Download CSV" not in filtered
    empty = client.get("/deployments/").get_data(as_text=True)
    assert "No deployments yet." in empty and ">Plan one</a>" in empty


def test_the_csv_is_not_built_in_memory(client, login, make_user, make_project):
    """The export streams: the response is a generator of lines, read from the database a batch at a time."""
    for n in range(3):
        make_project(code=f"X{n}", name=f"Project {n}")
    login(make_user(Role.STEERING))
    response = client.get("/projects/?sort=-code&format=csv", buffered=False)
    assert response.is_streamed
    assert [row[0] for row in csv.reader(io.StringIO(response.get_data(as_text=True)))] == ["Code", "X2", "X1", "X0"]


def test_the_status_matrix_csv_streams_too(client, db, login, make_user, make_project, make_released,
                                           make_deployment):
    """Issue 14: the status CSV was built in memory (36 µs a row, 6 MB at ten times the data)."""
    projects = [make_project(code=f"S{n}") for n in range(2)]
    make_deployment(projects, [make_released("1.0")])
    login(make_user(Role.STEERING))
    response = client.get("/deployments/status.csv", buffered=False)
    assert response.is_streamed
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert [(row[0], row[5]) for row in rows[1:]] == [("S0", "Planned"), ("S1", "Planned")]
    from tracker.deployments.status import StatusFilter, export
    assert isinstance(export(db, where=StatusFilter()), Iterator) and not isinstance(
        export(db, where=StatusFilter()), list | tuple), "rows are read as they are sent, not gathered first"


def short_lists(monkeypatch, client, *, count_to: int, deep: int | None = None) -> None:
    """Lists of 2 a page that count `count_to` rows (and page `deep` rows deep), so a few records make a long list."""
    import tracker.db
    monkeypatch.setattr(tracker.db, "COUNT_LIMIT", count_to)
    if deep is not None:
        monkeypatch.setattr(tracker.db, "PAGE_DEPTH", deep)
    monkeypatch.setitem(client.application.config, "PAGE_SIZE", 2)


def projects(make_project, numbers) -> None:
    for n in numbers:
        make_project(code=f"P{n}", name=f"Project {n}")


def test_a_long_list_counts_to_the_limit_and_still_pages_on(client, login, make_user, make_project, monkeypatch):
    """Issue 14: counting every row of a long list grew with the organization; a list counts up to a limit (1,000),
    then says "1,000+" and keeps offering the next page while pages come back full. Here the limit is 3."""
    short_lists(monkeypatch, client, count_to=3)
    projects(make_project, range(7))
    login(make_user(Role.STEERING))
    first = client.get("/projects/?sort=code").get_data(as_text=True)
    assert "3+ projects" in first and "Page 1 of 2+" in first and ">Next</a>" in first
    third = client.get("/projects/?sort=code&page=3").get_data(as_text=True)  # past the counted pages
    assert ">P4<" in third and ">P5<" in third and ">Next</a>" in third
    last = client.get("/projects/?sort=code&page=4").get_data(as_text=True)  # one row: the end
    assert ">P6<" in last and ">Next</a>" not in last and ">Previous</a>" in last
    monkeypatch.setattr("tracker.db.COUNT_LIMIT", 1000)
    exact = client.get("/projects/?sort=code").get_data(as_text=True)
    assert "7 projects" in exact and "Page 1 of 4<" in exact


A1 = ["A1", "Zeta guide 1.0"]
B2 = ["B2", "Alpha guide 1.0"]


@pytest.mark.parametrize("sort, expected", [("project", [A1, B2]), ("-project", [B2, A1]),
                                            ("version", [B2, A1]), ("-version", [A1, B2])])
def test_a_list_joins_what_it_sorts_by_only_then(sort, expected, client, login, make_user, make_project,
                                                 make_released, make_deployment):
    """The status rows join the project and asset only to sort (or export) by them; sorted so, the order is theirs:
    project A1 deploys "Zeta guide", B2 "Alpha guide"."""
    a1, b2 = make_project(code="A1"), make_project(code="B2")
    make_deployment([a1], [make_released("1.0", title="Zeta guide")])
    make_deployment([b2], [make_released("1.0", title="Alpha guide")])
    login(make_user(Role.STEERING))
    rows = list(csv.reader(io.StringIO(client.get(f"/deployments/rows?sort={sort}&format=csv").get_data(as_text=True))))
    assert [row[:2] for row in rows[1:]] == expected
    page = client.get(f"/deployments/rows?sort={sort}").get_data(as_text=True)
    assert page.index(f">{expected[0][0]}<") < page.index(f">{expected[1][0]}<")


@pytest.mark.parametrize("sort, expected", [("priority", ["Tie one", "Tie two", "Top"]),
                                            ("-priority", ["Top", "Tie two", "Tie one"])])
def test_ties_come_in_the_order_of_the_sort_reversed_too(sort, expected, client, login, make_user, make_proposal, db):
    """Ties of a sorted column come in the order they were made, and the other click reverses the whole list: ties
    too (so an index on the column, which holds the id after it, gives the order read either way). "Tie one" was
    made before "Tie two"; both rank below "Top"."""
    from tracker.proposals.models import Proposal
    for title, score in (("Tie one", 10), ("Tie two", 10), ("Top", 90)):
        proposal = make_proposal(title=title)
        db.get(Proposal, proposal.id).priority_score = score
    db.commit()
    login(make_user(Role.STEERING))
    page = client.get(f"/proposals/?sort={sort}").get_data(as_text=True)
    assert sorted(expected, key=page.index) == expected


@pytest.mark.parametrize("path", ["/proposals/", "/lessons/", "/assets/", "/appraisals/"])
def test_a_lists_next_page_reads_no_filter_options(path, client, login, make_user, query_counter):
    """The filters' options (the process areas; the appraisals' reappraisal schedule above the list) are the whole
    page's: the table alone, swapped in for the next page or a sort, reads neither."""
    login(make_user(Role.PROCESS_GROUP))
    query_counter.clear()
    page = client.get(path).get_data(as_text=True)
    assert any("FROM process_area" in s for s in query_counter) and 'name="area"' in page
    query_counter.clear()
    assert client.get(f"{path}?page=2", headers={"HX-Request": "true"}).status_code == 200
    assert not any("FROM process_area" in s or "reappraisal_cadence" in s for s in query_counter)


@pytest.mark.parametrize("path", ["/proposals/?submitter=Nobody+Atall", "/objectives/?owner=Nobody+Atall"])
def test_a_filter_typed_naming_no_one_selects_nothing(path, client, login, make_user, make_proposal,
                                                       make_objective):
    """Found by a walk-through: a submitter typed that names no one was said to name no one, yet every proposal was
    listed (and exported). Text naming nothing selects nothing, as the other typed filters do."""
    make_proposal(title="Someone's idea")
    make_objective(name="Someone's objective")
    login(make_user(Role.PROCESS_GROUP))
    page = client.get(path).get_data(as_text=True)
    assert "Someone's" not in page.replace("&#39;", "'")
    assert "Nobody" in page  # the typed text stays in its field, with the error beside it
    csv_text = client.get(path + "&format=csv").get_data(as_text=True)
    assert len(csv_text.strip().splitlines()) == 1  # the header alone


def test_a_page_asked_past_the_end_or_past_the_depth_a_list_pages_is_its_last(client, login, make_user, make_project,
                                                                            monkeypatch):
    """Found by a walk-through: past "1,000+", any page number was taken (page=99999: an empty page, seconds of the
    server's time reading rows only to skip them). A page past the end is the last page; a list pages as deep as
    PAGE_DEPTH rows, and its deepest page offers no next. Here the list counts to 3, pages 6 deep, 2 a page."""
    short_lists(monkeypatch, client, count_to=3, deep=6)
    projects(make_project, range(5))
    login(make_user(Role.STEERING))
    past_end = client.get("/projects/?sort=code&page=99").get_data(as_text=True)
    assert ">P4<" in past_end and ">P3<" not in past_end and ">Next</a>" not in past_end  # 5 rows: page 3 of 3
    projects(make_project, range(5, 9))
    deepest = client.get("/projects/?sort=code&page=99").get_data(as_text=True)  # 9 rows, 6 paged: page 3
    assert ">P4<" in deepest and ">P5<" in deepest and ">P6<" not in deepest and ">Next</a>" not in deepest
    assert ">Previous</a>" in deepest
