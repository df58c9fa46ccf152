"""Deployments: planning one to several projects, each project's status rows, the pilot gate, the status
matrix and its export, drift after a release, and the standard set for a new project."""

import csv
import io
from datetime import date

import pytest
from sqlmodel import select

from tests.conftest import count_rows
from tracker.action_plans.models import PlanStatus
from tracker.assets.models import VersionStatus
from tracker.auth.roles import Role
from tracker.compliance.models import ComplianceAudit, Noncompliance, NoncomplianceStatus
from tracker.deployments.models import Deployment, ProjectDeployment, RowStatus, StandardSetEntry
from tracker.pilots.models import PilotDecision, PilotStatus
from tracker.projects.models import Phase


@pytest.fixture
def sepg(login_as):
    return login_as(Role.PROCESS_GROUP)


def deployment_form(versions, projects, **extra):
    return {"title": "Roll-out", "target_date": "2026-09-30", "version_ids": [str(v.id) for v in versions],
            "project_ids": [str(p.id) for p in projects]} | extra


def test_deployment_to_five_projects_plans_a_row_for_each(client, sepg, make_project, make_released, db):
    projects = [make_project() for _ in range(5)]
    version = make_released()
    response = client.post("/deployments/", data=deployment_form([version], projects), follow_redirects=True)
    assert response.status_code == 200
    rows = db.exec(select(ProjectDeployment)).all()
    assert len(rows) == 5 and {r.status for r in rows} == {RowStatus.PLANNED}
    assert response.get_data(as_text=True).count('class="badge planned"') == 5


def test_only_released_versions_are_deployed(client, sepg, make_project, make_released, db):
    draft = make_released("2.0", status=VersionStatus.DRAFT)
    response = client.post("/deployments/", data=deployment_form([draft], [make_project()]))
    assert response.status_code == 422 and "Only released versions are deployed." in response.get_data(as_text=True)
    assert count_rows(db, Deployment) == 0


def test_piloted_version_without_adopt_needs_an_override_reason(client, sepg, make_project, make_released,
                                                                make_plan, make_pilot, db):
    version = make_released()
    make_pilot(make_plan(PlanStatus.IN_PROGRESS), versions=[version], status=PilotStatus.DECIDED,
               decision=PilotDecision.REJECT)
    project = make_project()
    refused = client.post("/deployments/", data=deployment_form([version], [project]))
    assert refused.status_code == 422
    assert "was piloted without an adopt decision" in refused.get_data(as_text=True)
    assert count_rows(db, ProjectDeployment) == 0
    allowed = client.post("/deployments/", data=deployment_form([version], [project],
                                                                override_reason="Customer contract requires it"))
    assert allowed.status_code == 303
    assert db.exec(select(Deployment)).one().override_reason == "Customer contract requires it"


def test_standard_set_does_not_walk_around_the_pilot_gate(client, sepg, make_project, make_released, make_plan,
                                                           make_pilot, db):
    """The defect found: applying the standard set deployed a version under a pilot with no decision."""
    version = make_released(title="Design review checklist")
    make_pilot(make_plan(PlanStatus.IN_PROGRESS), versions=[version], status=PilotStatus.RUNNING)
    db.add(StandardSetEntry(asset_id=version.asset_id))
    db.commit()
    project = make_project(code="NEW")
    refused = client.post(f"/deployments/standard-set/apply/{project.id}")
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    # The project page again, with the reason beside its field (not an error page naming the field).
    assert '<p class="error" id="standard-override_reason-error">Design review checklist 1.0 was piloted without ' \
           'an adopt decision' in page and "<h1>NEW" in page
    assert count_rows(db, ProjectDeployment) == 0 and count_rows(db, Deployment) == 0
    allowed = client.post(f"/deployments/standard-set/apply/{project.id}",
                          data={"override_reason": "Kick-off cannot wait for the pilot"})
    assert allowed.status_code == 303
    assert db.exec(select(Deployment)).one().override_reason == "Kick-off cannot wait for the pilot"


def test_drift_redeploy_does_not_walk_around_the_pilot_gate(client, sepg, make_project, make_released,
                                                            make_deployment, make_plan, make_pilot, db):
    old = make_released("1.0", title="Peer review procedure")
    make_deployment([make_project(code="OLD")], [old], status=RowStatus.DEPLOYED)
    new = make_released("1.1", asset=old.asset)
    make_pilot(make_plan(PlanStatus.IN_PROGRESS), versions=[new], status=PilotStatus.DECIDED,
               decision=PilotDecision.EXTEND)
    rows_before = count_rows(db, ProjectDeployment)
    refused = client.post(f"/deployments/drift/{old.asset_id}")
    assert refused.status_code == 422
    assert '<p class="error" id="drift-override_reason-error">Peer review procedure 1.1 was piloted without an ' \
           'adopt decision' in refused.get_data(as_text=True)
    assert count_rows(db, ProjectDeployment) == rows_before
    allowed = client.post(f"/deployments/drift/{old.asset_id}", data={"override_reason": "Audit finding"})
    assert allowed.status_code == 303 and count_rows(db, ProjectDeployment) == rows_before + 1


def test_every_path_that_creates_rows_passes_the_gate():
    """A new way to create deployment rows must go through add_rows, which checks the gate."""
    import inspect

    from tracker.deployments import service, standard_set
    sources = [inspect.getsource(m) for m in (service, standard_set)]
    assert sum(src.count("ProjectDeployment(") for src in sources) == 1  # only in add_rows
    assert "check_gate(" in inspect.getsource(service.add_rows)


def test_lead_updates_own_projects_row_but_not_anothers(client, login, make_user, make_project, make_released,
                                                        make_deployment, db):
    mine, theirs = make_project(code="MINE"), make_project(code="THEIRS")
    make_deployment([mine, theirs], [make_released()])
    my_row, their_row = (db.exec(select(ProjectDeployment).where(ProjectDeployment.project_id == p.id)).one()
                         for p in (mine, theirs))
    login(make_user(Role.PROJECT_LEAD, leads=[mine]))
    started = client.post(f"/deployments/rows/{my_row.id}/move", data={"to": "in_progress", "version": "1"},
                          headers={"HX-Request": "true"})
    assert started.status_code == 200 and started.get_data(as_text=True).lstrip().startswith("<tr")
    refused = client.post(f"/deployments/rows/{their_row.id}/move", data={"to": "in_progress", "version": "1"})
    assert refused.status_code == 403
    db.expire_all()
    assert db.get(ProjectDeployment, my_row.id).status == RowStatus.IN_PROGRESS
    assert db.get(ProjectDeployment, my_row.id).started_on is not None
    assert db.get(ProjectDeployment, their_row.id).status == RowStatus.PLANNED
    # only the process group verifies
    client.post(f"/deployments/rows/{my_row.id}/move", data={"to": "deployed", "version": "2"})
    assert client.post(f"/deployments/rows/{my_row.id}/move", data={"to": "verified", "version": "3"}).status_code == 403


def test_a_too_long_note_is_reported_beside_the_row_and_kept(client, sepg, make_project, make_released,
                                                             make_deployment, db):
    """Found by a new user: a 3000-character note got a 422 and nothing visible happened."""
    make_deployment([make_project()], [make_released()])
    row = db.exec(select(ProjectDeployment)).one()
    note = "n" * 3000
    refused = client.post(f"/deployments/rows/{row.id}/move", data={"to": "in_progress", "version": "1", "notes": note},
                          headers={"HX-Request": "true"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Use at most 2000 characters." in page and f'value="{note}"' in page
    db.expire_all()
    assert db.get(ProjectDeployment, row.id).status == RowStatus.PLANNED


def test_not_applicable_needs_a_reason(client, sepg, make_project, make_released, make_deployment, db):
    make_deployment([make_project()], [make_released()])
    row = db.exec(select(ProjectDeployment)).one()
    refused = client.post(f"/deployments/rows/{row.id}/move", data={"to": "not_applicable", "version": "1"},
                          headers={"HX-Request": "true"})
    assert refused.status_code == 422 and "rationale is required" in refused.get_data(as_text=True)
    ok = client.post(f"/deployments/rows/{row.id}/move", data={"to": "not_applicable", "version": "1",
                                                               "rationale": "No design phase"})
    assert ok.status_code == 200
    db.expire_all()
    assert db.get(ProjectDeployment, row.id).reason == "No design phase"


def test_drift_after_a_release_and_one_step_deployment(client, sepg, make_project, make_released, make_deployment,
                                                       db, signed_off):
    old = make_released("1.0")
    asset_id = old.asset_id
    on_old, on_new, closed = make_project(code="OLD"), make_project(code="NEW"), make_project(code="GONE")
    make_deployment([on_old, closed], [old], status=RowStatus.VERIFIED)
    closed.status = "closed"
    db.add(closed)
    db.commit()
    draft = make_released("1.1", asset=old.asset, status=VersionStatus.DRAFT)
    make_deployment([on_new], [old], status=RowStatus.DEPLOYED)
    draft = signed_off(draft)
    client.post(f"/assets/versions/{draft.id}/move", data={"to": "released", "version": str(draft.version)})
    make_deployment([on_new], [draft])  # NEW already has a row for the new release: not drifting
    page = client.get(f"/assets/{asset_id}").get_data(as_text=True)
    drift = page.split('id="drift"')[1].split("</section>")[0]
    assert ">OLD</a> runs 1.0" in drift and "NEW" not in drift and "GONE" not in drift
    assert client.post(f"/deployments/drift/{asset_id}").status_code == 303
    row = db.exec(select(ProjectDeployment).where(ProjectDeployment.project_id == on_old.id,
                                                  ProjectDeployment.asset_version_id == draft.id)).one()
    assert row.status == RowStatus.PLANNED
    assert "Every project using this asset has 1.1" in client.get(f"/assets/{asset_id}").get_data(as_text=True)


def test_new_project_gets_the_standard_set_for_its_phase(client, sepg, make_project, make_released, db):
    everyone, planning_only = make_released("2.0", title="Standard process"), make_released("1.0", title="Estimation")
    db.add_all([StandardSetEntry(asset_id=everyone.asset_id),
                StandardSetEntry(asset_id=planning_only.asset_id, phases="planning")])
    db.commit()
    project = make_project(code="NEW", phase=Phase.EXECUTION)
    assert client.post(f"/deployments/standard-set/apply/{project.id}").status_code == 303
    rows = db.exec(select(ProjectDeployment).where(ProjectDeployment.project_id == project.id)).all()
    assert [r.asset_version_id for r in rows] == [everyone.id]


def test_status_matrix_counts_filters_and_scopes_leads(client, login, login_as, make_user, make_project,
                                                       make_released, make_deployment):
    version = make_released(title="Standard process")
    mine, other = make_project(code="MINE"), make_project(code="OTHER", phase=Phase.PLANNING)
    make_deployment([mine], [version], status=RowStatus.DEPLOYED)
    make_deployment([other], [version], status=RowStatus.PLANNED)
    login_as(Role.STEERING)
    page = client.get("/deployments/status").get_data(as_text=True)
    assert "Deployed: 1" in page and "Planned: 1" in page and ">MINE<" in page and ">OTHER<" in page
    planned = client.get("/deployments/status?status=planned", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert ">OTHER<" in planned and ">MINE<" not in planned
    login(make_user(Role.PROJECT_LEAD, leads=[mine]))
    page = client.get("/deployments/status").get_data(as_text=True)
    assert ">MINE<" in page and ">OTHER<" not in page
    exported = list(csv.reader(io.StringIO(client.get("/deployments/status.csv").get_data(as_text=True))))
    assert [line[0] for line in exported[1:]] == ["MINE"]


def test_csv_export_has_every_row_and_defuses_formulas(client, login_as, make_project, make_released,
                                                       make_deployment, db):
    version = make_released(title="=HYPERLINK(evil)")
    make_deployment([make_project(code="A"), make_project(code="B")], [version])
    login_as(Role.STEERING)
    response = client.get("/deployments/status.csv")
    assert response.mimetype == "text/csv"
    lines = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert lines[0][:3] == ["Project code", "Project", "Phase"]
    assert lines[1][5] == "Planned"  # the status as people read it
    assert [line[0] for line in lines[1:]] == ["A", "B"]
    assert lines[1][3] == "'=HYPERLINK(evil)"


def test_matrix_query_count_does_not_grow(client, login_as, make_project, make_released, make_deployment,
                                          query_counter):
    login_as(Role.STEERING)
    versions = [make_released(title=f"Asset {i}") for i in range(3)]

    def queries():
        query_counter.clear()
        assert client.get("/deployments/status").status_code == 200
        return len(query_counter)

    make_deployment([make_project()], versions[:1])
    small = queries()
    make_deployment([make_project() for _ in range(6)], versions)
    assert queries() == small


def test_a_status_change_can_carry_a_note(client, sepg, make_project, make_released, make_deployment, db):
    make_deployment([make_project()], [make_released()])
    row = db.exec(select(ProjectDeployment)).one()
    response = client.post(f"/deployments/rows/{row.id}/move",
                           data={"to": "in_progress", "version": "1", "notes": "Coaching booked"},
                           headers={"HX-Request": "true"})
    assert "<td>Coaching booked</td>" in response.get_data(as_text=True)


def test_project_and_asset_pages_queries_do_not_grow(client, login, make_user, make_project, make_released,
                                                     make_deployment, make_tailoring, make_audit, make_lesson,
                                                     query_counter):
    project = make_project()
    login(make_user(Role.PROJECT_LEAD, leads=[project]))
    first = make_released(title="Asset 0")

    def queries():
        counts = []
        for path in (f"/projects/{project.id}", f"/assets/{first.asset_id}"):
            query_counter.clear()
            assert client.get(path).status_code == 200
            counts.append(len(query_counter))
        return counts

    make_deployment([project], [first])
    make_tailoring(project, first)
    make_audit(project, noncompliance_owner=make_user(Role.MEMBER))
    make_lesson(project_id=project.id, asset_id=first.asset_id)
    small = queries()
    versions = [make_released(title=f"Asset {i}") for i in range(1, 5)] + [make_released("2.0", asset=first.asset)]
    make_deployment([project, make_project()], versions)
    for version in versions:
        make_tailoring(project, version)
        make_audit(project, noncompliance_owner=make_user(Role.MEMBER))
        make_lesson(project_id=project.id, asset_id=first.asset_id)
    assert queries() == small


def test_stale_row_button_shows_the_row_as_it_is_now(client, sepg, make_project, make_released, make_deployment,
                                                     db):
    make_deployment([make_project()], [make_released()])
    row = db.exec(select(ProjectDeployment)).one()
    assert client.post(f"/deployments/rows/{row.id}/move", data={"to": "in_progress", "version": "1"}).status_code == 200
    stale = client.post(f"/deployments/rows/{row.id}/move", data={"to": "not_applicable", "version": "1",
                                                                  "rationale": "Tool not licensed",
                                                                  "notes": "Asked the vendor"},
                        headers={"HX-Request": "true"})
    assert stale.status_code == 409
    page = stale.get_data(as_text=True)
    assert "Someone else changed this record" in page and 'class="badge in_progress"' in page
    # what was typed stays in its fields (a walk-through lost the note)
    assert 'value="Tool not licensed"' in page and 'value="Asked the vendor"' in page
    db.expire_all()
    assert db.get(ProjectDeployment, row.id).status == RowStatus.IN_PROGRESS


def test_a_reopened_row_loses_its_deployed_date_and_keeps_its_start(client, sepg, make_project, make_released,
                                                                     make_deployment, db):
    """The defect found: a reopened row still showed its old Deployed date."""
    make_deployment([make_project()], [make_released()], status=RowStatus.DEPLOYED)
    row = db.exec(select(ProjectDeployment)).one()
    row.started_on, row.deployed_on = date(2026, 9, 1), date(2026, 9, 20)
    db.add(row)
    db.commit()
    reopened = client.post(f"/deployments/rows/{row.id}/move", data={"to": "in_progress", "version": "1"})
    assert reopened.status_code == 200
    db.expire_all()
    row = db.get(ProjectDeployment, row.id)
    assert (row.status, row.started_on, row.deployed_on) == (RowStatus.IN_PROGRESS, date(2026, 9, 1), None)
    client.post(f"/deployments/rows/{row.id}/move", data={"to": "planned", "version": "2"})
    db.expire_all()
    assert db.get(ProjectDeployment, row.id).started_on is None  # back to planned: it has not started


def test_a_reopened_noncompliance_drops_its_old_resolution(client, login_as, make_project, db):
    sepg = login_as(Role.PROCESS_GROUP)
    audit = ComplianceAudit(project_id=make_project().id, audit_date=date(2026, 10, 1), auditor_id=sepg.id)
    db.add(audit)
    db.flush()
    item = Noncompliance(audit_id=audit.id, description="No review record", owner_id=sepg.id,
                         due_date=date(2026, 10, 31), status=NoncomplianceStatus.RESOLVED, resolution="Record added")
    db.add(item)
    db.commit()
    assert client.post(f"/compliance/noncompliances/{item.id}/move",
                       data={"to": "open", "version": "1"}).status_code in (200, 303)
    db.expire_all()
    assert db.get(Noncompliance, item.id).resolution == ""


def test_status_counts_count_the_cells_the_matrix_shows(client, sepg, make_project, make_released, make_deployment):
    """Found by a new user: 'Deployed: 7' above a matrix showing 3 deployed cells; rows of replaced versions counted.
    Two projects: A verified 1.0 and now plans 1.1 (its cell is 1.1, planned); B deployed 1.0 and nothing newer."""
    old = make_released("1.0", title="Peer review procedure")
    new = make_released("1.1", asset=old.asset)
    a, b = make_project(code="A"), make_project(code="B")
    make_deployment([a], [old], status=RowStatus.VERIFIED)
    make_deployment([b], [old], status=RowStatus.DEPLOYED)
    make_deployment([a], [new], status=RowStatus.PLANNED)
    page = client.get("/deployments/status").get_data(as_text=True)
    counts = page[page.index('id="status-counts"'):].split("</p>")[0]
    assert "Planned: 1" in counts and "Deployed: 1" in counts and "Verified" not in counts


def test_the_matrix_is_twelve_assets_wide_and_the_later_ones_are_a_link_away(client, login_as, make_project,
                                                                             make_released, make_deployment):
    """567 assets were deployed at ten times the synthetic organization: a page of 50 projects x every one of them
    was 878 KB. Twelve columns a page, in title order; the project page kept when the columns move."""
    versions = [make_released(title=f"Asset {n:02}") for n in range(1, 14)]  # thirteen deployed assets
    make_deployment([make_project(code="PX-1")], versions)
    login_as(Role.STEERING)
    first = client.get("/deployments/status").get_data(as_text=True)
    assert [f"Asset {n:02}" in first for n in (1, 12, 13)] == [True, True, False]
    assert "Assets 1–12 of 13" in first and "columns=2" in first and "Earlier assets" not in first
    second = client.get("/deployments/status?columns=2", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert ">Asset 13<" in second and ">Asset 12<" not in second and "Assets 13–13 of 13" in second
    assert "Earlier assets" in second and "Later assets" not in second


def test_an_asset_typed_in_the_filter_is_the_only_column_its_rows_counted_and_exported(
        client, login_as, make_project, make_released, make_deployment):
    review, testing = make_released(title="Peer review procedure"), make_released(title="Test procedure")
    a, b = make_project(code="A"), make_project(code="B")
    make_deployment([a, b], [review], status=RowStatus.DEPLOYED)
    make_deployment([a], [testing], status=RowStatus.PLANNED)
    make_deployment([b], [testing], status=RowStatus.IN_PROGRESS)
    login_as(Role.STEERING)
    page = client.get("/deployments/status?asset=test+procedure").get_data(as_text=True)
    counts = page[page.index('id="status-counts"'):].split("</p>")[0]
    assert ">Test procedure<" in page and ">Peer review procedure<" not in page
    assert "Planned: 1" in counts and "In progress: 1" in counts and "Deployed" not in counts
    assert 'value="test procedure"' in page  # the filter keeps the asset as typed
    planned = client.get("/deployments/status?asset=Test+procedure&status=planned").get_data(as_text=True)
    assert ">A<" in planned and ">B<" not in planned  # B has a planned row of nothing: its test row is under way
    exported = list(csv.reader(io.StringIO(client.get("/deployments/status.csv?asset=Test+procedure")
                                           .get_data(as_text=True))))
    assert [(line[0], line[3], line[5]) for line in exported[1:]] == [("A", "Test procedure", "Planned"),
                                                                     ("B", "Test procedure", "In progress")]
    nothing = client.get("/deployments/status?asset=No+such+thing", headers={"HX-Request": "true"})
    assert nothing.status_code == 200 and "No process asset by that name" in nothing.get_data(as_text=True)


def test_the_status_filter_selects_projects_by_the_cells_the_matrix_shows(client, sepg, make_project, make_released,
                                                                          make_deployment):
    """A verified the old version and now plans the new one: its cell says planned, so "verified" does not find it."""
    old = make_released("1.0", title="Peer review procedure")
    new = make_released("1.1", asset=old.asset)
    a, b = make_project(code="A"), make_project(code="B")
    make_deployment([a, b], [old], status=RowStatus.VERIFIED)
    make_deployment([a], [new], status=RowStatus.PLANNED)
    verified = client.get("/deployments/status?status=verified").get_data(as_text=True)
    assert ">B<" in verified and ">A<" not in verified
    planned = client.get("/deployments/status?status=planned").get_data(as_text=True)
    assert ">A<" in planned and ">B<" not in planned
