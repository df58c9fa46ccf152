"""Deployments through the API: the list's filters, sorts and pages with each deployment's progress; a deployment
with its versions and projects; the deployment status rows (the rows page's filters, a row, and the status update
a project lead makes on their own project's row, If-Match: a stale one is 412 with the row as it is); the standard
set."""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from tracker.api.models import Scope
from tracker.auth.roles import Role
from tracker.deployments.models import ProjectDeployment, RowStatus, StandardSetEntry
from tracker.evidence.models import Evidence
from tracker.history.models import AuditEvent


def _row(db, deployment, project) -> ProjectDeployment:
    return db.exec(select(ProjectDeployment).where(ProjectDeployment.deployment_id == deployment.id,
                                                   ProjectDeployment.project_id == project.id)).one()


def _history(db, row) -> list[tuple]:
    return db.exec(select(AuditEvent.user_id, AuditEvent.field, AuditEvent.old, AuditEvent.new)
                   .where(AuditEvent.entity == "project_deployment", AuditEvent.entity_id == row.id,
                          AuditEvent.action == "update").order_by(AuditEvent.id)).all()


def test_the_list_filters_sorts_pages_and_shows_progress_as_the_page_does(api, make_user, make_project,
                                                                          make_released, make_deployment):
    reader = api(make_user(Role.MEMBER))
    p1, p2, p3 = make_project(), make_project(), make_project()
    reviews, estimation = make_released(title="Peer reviews"), make_released(title="Estimation")
    first = make_deployment([p1, p2], [reviews], title="Roll out reviews")
    second = make_deployment([p1], [estimation], status=RowStatus.DEPLOYED, title="Estimation rollout")
    third = make_deployment([p3], [reviews], title="Reviews for P3")
    everything = reader.get("/api/v1/deployments")
    assert everything.status_code == 200
    # the page's order: the latest target date first, then the newest (all three have the same target date)
    assert [item["id"] for item in everything.json["items"]] == [third.id, second.id, first.id]
    assert [item["progress"] for item in everything.json["items"]] == [{"planned": 1}, {"deployed": 1},
                                                                       {"planned": 2}]
    of_reviews = reader.get(f"/api/v1/deployments?asset={reviews.asset_id}").json["items"]
    assert [item["id"] for item in of_reviews] == [third.id, first.id]
    by_title = reader.get("/api/v1/deployments?sort=title").json["items"]
    assert [item["title"] for item in by_title] == ["Estimation rollout", "Reviews for P3", "Roll out reviews"]
    assert [item["title"] for item in reader.get("/api/v1/deployments?q=rollout").json["items"]] == [
        "Estimation rollout"]
    paged = reader.get("/api/v1/deployments?per_page=2&sort=-title")
    assert paged.json["paging"] | {"next": None} == {"page": 1, "per_page": 2, "count": 3, "more": False,
                                                     "next": None, "previous": None}
    assert paged.headers["Link"] == f'<{paged.json["paging"]["next"]}>; rel="next"'
    assert [item["title"] for item in reader.get(paged.json["paging"]["next"]).json["items"]] == [
        "Estimation rollout"]
    assert reader.get("/api/v1/deployments?sort=progress").status_code == 422  # the page does not sort by it either
    assert reader.get("/api/v1/deployments?project=1").json["errors"] == {"project": "There is no such parameter."}


def test_a_page_of_deployments_reads_as_many_statements_however_many_deployments(
        api, make_user, make_project, make_released, make_deployment, make_plan, list_reads_flat):
    reader = api(make_user(Role.MEMBER))

    def deployments(n):
        for _ in range(n):
            make_deployment([make_project(), make_project()], [make_released(), make_released()],
                            plan_id=make_plan().id)

    list_reads_flat(reader, "/api/v1/deployments", deployments)


def test_a_deployment_shows_its_versions_projects_and_progress_with_its_version_as_etag(
        api, make_user, make_project, make_released, make_deployment, make_plan):
    reader = api(make_user(Role.MEMBER))
    pay, crm = make_project(code="PAY"), make_project(code="CRM")
    version = make_released("2.0", title="Peer review procedure")
    plan = make_plan(title="Earlier defect detection")
    deployment = make_deployment([pay, crm], [version], title="Roll out reviews", plan_id=plan.id)
    response = reader.get(f"/api/v1/deployments/{deployment.id}")
    assert response.status_code == 200 and response.headers["ETag"] == '"1"'
    body = response.json
    assert (body["title"], body["target_date"], body["progress"]) == ("Roll out reviews", "2026-06-01", {"planned": 2})
    assert body["plan"] == {"id": plan.id, "name": "Earlier defect detection", "url": f"/api/v1/plans/{plan.id}"}
    assert body["versions"] == [{"id": version.id, "name": "Peer review procedure 2.0",
                                 "url": f"/api/v1/assets/versions/{version.id}"}]
    assert body["projects"] == [{"id": crm.id, "name": "CRM", "url": f"/api/v1/projects/{crm.id}"},
                                {"id": pay.id, "name": "PAY", "url": f"/api/v1/projects/{pay.id}"}]  # by code
    assert body["rows"] == f"/api/v1/deployments/rows?deployment={deployment.id}"
    assert body["url"] == f"/api/v1/deployments/{deployment.id}"
    assert body["html_url"] == f"/deployments/{deployment.id}"
    missing = reader.get("/api/v1/deployments/2147483647")
    assert missing.status_code == 404 and missing.headers["Content-Type"] == "application/problem+json"


def test_the_status_rows_filter_sort_and_page_as_the_rows_page_does(api, make_user, make_project, make_released,
                                                                   make_deployment, db):
    aaa, bbb, ccc = make_project(code="AAA"), make_project(code="BBB"), make_project(code="CCC")
    lead = make_user(Role.PROJECT_LEAD, leads=[bbb])
    reader = api(lead)
    version = make_released()
    deployment = make_deployment([aaa, bbb, ccc], [version])
    other = make_deployment([aaa], [make_released()], status=RowStatus.DEPLOYED)
    everything = reader.get("/api/v1/deployments/rows")
    assert everything.status_code == 200
    assert [(item["project"]["name"], item["deployment"]["id"]) for item in everything.json["items"]] == [
        ("AAA", deployment.id), ("AAA", other.id), ("BBB", deployment.id), ("CCC", deployment.id)]  # by project
    its = reader.get(f"/api/v1/deployments/rows?deployment={deployment.id}&sort=-project").json["items"]
    assert [item["project"]["name"] for item in its] == ["CCC", "BBB", "AAA"]
    deployed = reader.get("/api/v1/deployments/rows?status=deployed").json["items"]
    assert [item["deployment"]["id"] for item in deployed] == [other.id]
    assert [item["project"]["name"] for item in reader.get("/api/v1/deployments/rows?mine=true").json["items"]] == [
        "BBB"]
    assert reader.get(f"/api/v1/deployments/rows?project={aaa.id}&open=true").json["paging"]["count"] == 1
    first = reader.get("/api/v1/deployments/rows?per_page=3")
    assert first.json["paging"] | {"next": None} == {"page": 1, "per_page": 3, "count": 4, "more": False,
                                                     "next": None, "previous": None}
    assert [item["project"]["name"] for item in reader.get(first.json["paging"]["next"]).json["items"]] == ["CCC"]
    row = _row(db, deployment, ccc)
    row.planned_date = date(2020, 1, 1)  # long past, and still planned: overdue
    db.add(row)
    db.commit()
    overdue = reader.get("/api/v1/deployments/rows?overdue=true").json["items"]
    assert [item["id"] for item in overdue] == [row.id]
    assert reader.get("/api/v1/deployments/rows?status=done").json["errors"] == {
        "status": "Choose one of the listed options."}


def test_a_page_of_status_rows_reads_as_many_statements_however_many_rows(api, make_user, make_project,
                                                                          make_released, make_deployment, db,
                                                                          list_reads_flat):
    reader = api(make_user(Role.MEMBER))

    def rows(n):
        for _ in range(n):
            project = make_project()
            make_user(Role.PROJECT_LEAD, leads=[project])
            deployment = make_deployment([project], [make_released()])
            db.add(Evidence(kind="adoption", row_id=_row(db, deployment, project).id, link="https://wiki.example/x",
                            added_by_id=deployment.created_by_id))
            db.commit()

    list_reads_flat(reader, "/api/v1/deployments/rows", rows)


def test_a_status_row_shows_its_deployment_project_and_version_with_its_version_as_etag(
        api, make_user, make_project, make_released, make_deployment, db):
    reader = api(make_user(Role.MEMBER))
    pay = make_project(code="PAY")
    version = make_released("1.2", title="Estimation guide")
    deployment = make_deployment([pay], [version], title="Estimation rollout")
    row = _row(db, deployment, pay)
    response = reader.get(f"/api/v1/deployments/rows/{row.id}")
    assert response.status_code == 200 and response.headers["ETag"] == '"1"'
    body = response.json
    assert body["deployment"] == {"id": deployment.id, "name": "Estimation rollout",
                                  "url": f"/api/v1/deployments/{deployment.id}"}
    assert body["project"] == {"id": pay.id, "name": "PAY", "url": f"/api/v1/projects/{pay.id}"}
    assert (body["asset_version"]["id"], body["asset_version"]["name"]) == (version.id, "Estimation guide 1.2")
    assert (body["status"], body["current"], body["evidence"]) == ("planned", True, [])
    assert body["url"] == f"/api/v1/deployments/rows/{row.id}"
    assert body["html_url"] == f"/deployments/rows?deployment={deployment.id}&project={pay.id}"
    assert reader.get("/api/v1/deployments/rows/2147483647").status_code == 404


@pytest.fixture
def two_rows(make_user, make_project, make_released, make_deployment, db):
    """A deployment to a lead's project (MINE) and to another (THEIRS): each a planned row; the lead."""
    mine, theirs = make_project(code="MINE"), make_project(code="THEIRS")
    deployment = make_deployment([mine, theirs], [make_released()])
    lead = make_user(Role.PROJECT_LEAD, leads=[mine])
    return _row(db, deployment, mine), _row(db, deployment, theirs), lead


def test_a_lead_updates_their_own_projects_row_with_evidence_and_its_history_says_who(api, two_rows, db):
    mine, _, lead = two_rows
    moved = api(lead).post(f"/api/v1/deployments/rows/{mine.id}/moves", headers={"If-Match": '"1"'},
                           json={"to": "in_progress", "notes": "Kick-off held",
                                 "evidence_link": "https://wiki.example/kickoff"})
    assert moved.status_code == 200
    assert (moved.json["status"], moved.json["notes"], moved.json["version"]) == ("in_progress", "Kick-off held", 2)
    assert moved.json["started_on"] == datetime.now(UTC).date().isoformat() and moved.headers["ETag"] == '"2"'
    assert [(e["kind"], e["link"], e["added_by"]["id"]) for e in moved.json["evidence"]] == [
        ("adoption", "https://wiki.example/kickoff", lead.id)]
    db.refresh(mine)
    assert mine.status == RowStatus.IN_PROGRESS
    assert (lead.id, "status", "Planned", "In progress") in _history(db, mine)


def test_a_lead_cannot_update_another_projects_row_nor_verify_their_own(api, two_rows, make_user, db):
    mine, theirs, lead = two_rows
    caller = api(lead)
    refused = caller.post(f"/api/v1/deployments/rows/{theirs.id}/moves", json={"to": "in_progress"},
                          headers={"If-Match": '"1"'})
    assert refused.status_code == 403 and refused.headers["Content-Type"] == "application/problem+json"
    assert caller.post(f"/api/v1/deployments/rows/{theirs.id}/moves", json={}).status_code == 403  # whatever it sends
    assert caller.post(f"/api/v1/deployments/rows/{mine.id}/moves", json={"to": "deployed"},
                       headers={"If-Match": '"1"'}).status_code == 200
    assert caller.post(f"/api/v1/deployments/rows/{mine.id}/moves", json={"to": "verified"},
                       headers={"If-Match": '"2"'}).status_code == 403  # the process group verifies
    assert api(make_user(Role.MEMBER)).post(f"/api/v1/deployments/rows/{mine.id}/moves", json={"to": "in_progress"},
                                            headers={"If-Match": '"2"'}).status_code == 403
    db.refresh(theirs), db.refresh(mine)
    assert (theirs.status, theirs.version, _history(db, theirs)) == (RowStatus.PLANNED, 1, [])
    assert (mine.status, mine.version) == (RowStatus.DEPLOYED, 2)
    assert api(make_user(Role.PROCESS_GROUP)).post(f"/api/v1/deployments/rows/{mine.id}/moves",
                                                   json={"to": "verified"},
                                                   headers={"If-Match": '"2"'}).json["status"] == "verified"


def test_a_bad_update_is_422_beside_its_field_and_nothing_written(api, two_rows, db):
    mine, _, lead = two_rows
    caller = api(lead)
    url = f"/api/v1/deployments/rows/{mine.id}/moves"
    no_reason = caller.post(url, json={"to": "not_applicable"}, headers={"If-Match": '"1"'})
    assert no_reason.status_code == 422 and list(no_reason.json["errors"]) == ["rationale"]
    assert caller.post(url, json={"to": "in_progress", "notes": "n" * 2001}, headers={"If-Match": '"1"'}
                       ).json["errors"] == {"notes": "Use at most 2000 characters."}
    assert caller.post(url, json={"notes": "No status"}, headers={"If-Match": '"1"'}).json["errors"] == {
        "to": "This field is required."}
    assert "evidence_link" in caller.post(url, json={"to": "in_progress", "evidence_link": "ftp://x"},
                                          headers={"If-Match": '"1"'}).json["errors"]
    assert caller.post(url, json={"to": "verified", "notes": 3}, headers={"If-Match": '"1"'}).status_code == 422
    db.refresh(mine)
    assert (mine.status, mine.version, mine.notes, mine.reason) == (RowStatus.PLANNED, 1, "", "")
    assert _history(db, mine) == [] and db.exec(select(Evidence)).all() == []
    ok = caller.post(url, json={"to": "not_applicable", "rationale": "No design phase"}, headers={"If-Match": '"1"'})
    assert (ok.status_code, ok.json["reason"]) == (200, "No design phase")


def test_an_update_needs_the_etag_it_was_made_from(api, two_rows, db):
    mine, _, lead = two_rows
    caller = api(lead)
    url = f"/api/v1/deployments/rows/{mine.id}/moves"
    assert caller.post(url, json={"to": "in_progress"}).status_code == 428
    assert caller.post(url, json={"to": "in_progress"}, headers={"If-Match": '"1"'}).status_code == 200
    stale = caller.post(url, json={"to": "deployed"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412 and stale.headers["Content-Type"] == "application/problem+json"
    assert stale.json["current"]["status"] == "in_progress" and stale.headers["ETag"] == '"2"'
    db.refresh(mine)
    assert (mine.status, mine.version) == (RowStatus.IN_PROGRESS, 2)


def test_a_read_only_token_cannot_update_a_row(api, two_rows, db):
    mine, _, lead = two_rows
    reader = api(lead, scope=Scope.READ)
    assert reader.post(f"/api/v1/deployments/rows/{mine.id}/moves", json={"to": "in_progress"},
                       headers={"If-Match": '"1"'}).status_code == 403
    assert reader.get(f"/api/v1/deployments/rows/{mine.id}").status_code == 200
    db.refresh(mine)
    assert mine.status == RowStatus.PLANNED and _history(db, mine) == []


def test_the_standard_set_lists_each_asset_its_phases_guideline_and_current_release(api, make_user, make_released,
                                                                                    db):
    older = make_released("1.0", title="Project planning guide", release_date=date(2026, 1, 1))
    current = make_released("2.0", asset=older.asset, release_date=date(2026, 3, 1))
    checklist = make_released("1.0", title="Code review checklist")
    db.add_all([StandardSetEntry(asset_id=older.asset_id, phases="planning,execution", guidance="Plan in week 1"),
                StandardSetEntry(asset_id=checklist.asset_id)])
    db.commit()
    response = api(make_user(Role.MEMBER)).get("/api/v1/standard-set")
    assert response.status_code == 200
    items = response.json["items"]
    assert [item["asset"]["name"] for item in items] == ["Code review checklist", "Project planning guide"]  # by title
    assert items[1]["asset"]["url"] == f"/api/v1/assets/{older.asset_id}"
    assert (items[1]["phases"], items[1]["guidance"]) == (["planning", "execution"], "Plan in week 1")
    assert (items[1]["current_release"]["id"], items[1]["current_release"]["name"]) == (
        current.id, "Project planning guide 2.0")
    assert items[0]["phases"] == [] and response.json["html_url"] == "/deployments/standard-set"
