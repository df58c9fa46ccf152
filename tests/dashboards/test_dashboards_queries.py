"""The boards' aggregations in SQL (issue 11), on small data worked out by hand, on SQLite and PostgreSQL."""

from datetime import UTC, date, datetime

import pytest

from tracker.action_plans.models import PlanStatus
from tracker.assets.models import AssetKind, AssetVersion, ProcessAsset, VersionStatus
from tracker.auth.roles import Role
from tracker.dashboards import service
from tracker.dashboards.service import DashboardFilter
from tracker.deployments.models import Deployment, ProjectDeployment, RowStatus
from tracker.deployments.reach import mark_first_deployed
from tracker.deployments.status import mark_current
from tracker.proposals.models import ProposalStatus

ALL = DashboardFilter()


@pytest.fixture
def owner(make_user):
    return make_user(Role.PROCESS_GROUP)


def asset_with(db, owner, title, *releases):
    """An asset with versions released on the given days (label 1.0, 2.0, ...)."""
    asset = ProcessAsset(title=title, kind=AssetKind.PROCEDURE, owner_id=owner.id)
    db.add(asset)
    db.flush()
    versions = [AssetVersion(asset_id=asset.id, label=f"{n + 1}.0", status=VersionStatus.RELEASED, release_date=day)
                for n, day in enumerate(releases)]
    db.add_all(versions)
    db.commit()
    return versions


def rows(db, owner, *specs, plan=None):
    """Rows (project, version, status, deployed_on, verified_on) in one deployment."""
    deployment = Deployment(title="Roll-out", target_date=date(2026, 6, 1), created_by_id=owner.id,
                            plan_id=plan.id if plan else None)
    db.add(deployment)
    db.flush()
    db.add_all(ProjectDeployment(deployment_id=deployment.id, project_id=project.id, asset_version_id=version.id,
                                 status=status, deployed_on=deployed, verified_on=verified)
               for project, version, status, deployed, verified in specs)
    db.flush()
    mark_current(db, project_ids=[project.id for project, *_ in specs])
    mark_first_deployed(db, everything=True)
    db.commit()


def test_drift_and_the_share_of_projects_on_current_versions(db, owner, make_project):
    old, new = asset_with(db, owner, "Peer review", date(2026, 1, 1), date(2026, 6, 1))
    pay, dw, hr = make_project(code="PAY"), make_project(code="DW"), make_project(code="HR")
    rows(db, owner, (pay, old, RowStatus.DEPLOYED, date(2026, 2, 1), None),  # PAY still on 1.0: drift
         (dw, new, RowStatus.VERIFIED, date(2026, 6, 10), date(2026, 7, 1)),
         (hr, new, RowStatus.PLANNED, None, None))  # HR uses nothing yet
    heat = service.heatmap(db, where=ALL, today=date(2026, 8, 1))
    assert heat.cells[(pay.id, old.asset_id)][:2] == (RowStatus.DEPLOYED, True)
    assert heat.cells[(dw.id, new.asset_id)][:2] == (RowStatus.VERIFIED, False)
    # least complete first (HR 0 %), then the complete ones by code
    assert [code for _, code in heat.projects] == ["HR", "DW", "PAY"] and heat.total == 3
    by_code = service.heatmap(db, where=DashboardFilter(sort="code"), today=date(2026, 8, 1))
    assert [code for _, code in by_code.projects] == ["DW", "HR", "PAY"]
    assert service.on_current_versions(db) == (1, 2)  # DW of the two projects using it


def test_adoption_counts_each_projects_first_deployment_and_the_median_wait(db, owner, make_project):
    [version] = asset_with(db, owner, "Peer review", date(2026, 1, 1))
    projects = [make_project() for _ in range(4)]
    rows(db, owner, (projects[0], version, RowStatus.VERIFIED, date(2026, 1, 11), date(2026, 2, 1)),  # 10 days
         (projects[1], version, RowStatus.DEPLOYED, date(2026, 1, 31), None),  # 30 days
         (projects[2], version, RowStatus.DEPLOYED, date(2026, 1, 31), None),  # 30 days, the same day
         (projects[3], version, RowStatus.NOT_APPLICABLE, None, None))
    [curve] = service.adoption(db, where=ALL)
    assert curve.applicable == 3
    assert curve.deployed == [(date(2026, 1, 11), 1), (date(2026, 1, 31), 3)]
    assert curve.verified == [(date(2026, 2, 1), 1)]
    assert curve.median_to_deployed == 30 and curve.median_to_verified == 31


def test_throughput_and_lead_time_follow_proposals_to_their_first_deployment(db, owner, make_proposal, make_plan,
                                                                             make_project):
    [version] = asset_with(db, owner, "Peer review", date(2026, 1, 1))
    early = make_proposal(ProposalStatus.PLANNED, created_at=datetime(2026, 1, 5, 9, tzinfo=UTC),
                          decided_on=date(2026, 1, 20))
    late = make_proposal(ProposalStatus.PLANNED, created_at=datetime(2026, 2, 1, 9, tzinfo=UTC),
                         decided_on=date(2026, 2, 10))
    make_proposal(created_at=datetime(2026, 2, 3, 9, tzinfo=UTC))  # waiting
    plan = make_plan(PlanStatus.IN_PROGRESS, proposals=[early, late])
    rows(db, owner, (make_project(), version, RowStatus.DEPLOYED, date(2026, 3, 6), None),
         (make_project(), version, RowStatus.DEPLOYED, date(2026, 4, 1), None), plan=plan)
    where = DashboardFilter(since=date(2026, 1, 1), until=date(2026, 3, 31))
    months = service.throughput(db, where=where, today=date(2026, 11, 1))
    assert months == {"2026-01": {"submitted": 1, "decided": 1, "deployed": 0},
                      "2026-02": {"submitted": 2, "decided": 1, "deployed": 0},
                      "2026-03": {"submitted": 0, "decided": 0, "deployed": 2}}  # both first deployed 6 March
    counts, median_days = service.lead_times(db, where=where)
    # 5 Jan -> 6 Mar = 60 days, 1 Feb -> 6 Mar = 33 days: both in "30 to 90 days"; median (33 + 60) / 2
    assert counts == [0, 2, 0, 0, 0] and median_days == 46.5


def test_the_timeline_shows_planned_against_actual_and_marks_late_plans(db, make_plan):
    make_plan(PlanStatus.COMPLETED, title="Done late", planned_start=date(2026, 1, 1), planned_end=date(2026, 3, 31),
              started_on=date(2026, 1, 5), completed_on=date(2026, 4, 20))
    make_plan(PlanStatus.IN_PROGRESS, title="Under way", planned_start=date(2026, 5, 1),
              planned_end=date(2026, 12, 31), started_on=date(2026, 5, 2))
    make_plan(PlanStatus.CANCELLED, title="Dropped")
    spans = {s.title: s for s in service.plan_timeline(db, where=ALL, today=date(2026, 6, 1))}
    assert set(spans) == {"Done late", "Under way"}
    assert spans["Done late"].actual == (date(2026, 1, 5), date(2026, 4, 20)) and spans["Done late"].late
    assert spans["Under way"].actual == (date(2026, 5, 2), date(2026, 6, 1)) and not spans["Under way"].late


def test_overdue_work_is_counted_per_owner(db, make_plan, make_commitment, make_user):
    mia = make_user(Role.MEMBER, name="Mia Member")
    plan = make_plan(PlanStatus.IN_PROGRESS)
    make_commitment(plan, owner=mia, due_date=date(2026, 1, 1))
    make_commitment(plan, owner=mia, due_date=date(2026, 1, 2))
    make_commitment(plan, owner=mia, due_date=date(2027, 1, 1))  # not due yet
    assert service.overdue_by_owner(db, today=date(2026, 6, 1)) == [("Mia Member", 2, 0)]


def test_the_deployment_charts_page_their_projects_and_count_every_one(db, owner, make_project):
    (version,) = asset_with(db, owner, "Peer review", date(2026, 1, 1))
    # 26 projects: P00 .. P24 have their one row planned (0 %), P25 has it verified (100 %)
    projects = [make_project(code=f"P{n:02d}") for n in range(26)]
    rows(db, owner, *[(p, version, RowStatus.VERIFIED if p.code == "P25" else RowStatus.PLANNED,
                       date(2026, 2, 1) if p.code == "P25" else None, date(2026, 3, 1) if p.code == "P25" else None)
                      for p in projects])
    first = service.deployment_progress(db, where=ALL)
    assert (first.total, first.complete, first.least, first.pages) == (26, 1, ("P00", 0.0), 2)
    assert [p.code for p in first.projects] == [f"P{n:02d}" for n in range(25)]
    second = service.deployment_progress(db, where=DashboardFilter(page=2))
    assert [p.code for p in second.projects] == ["P25"] and second.projects[0].counts == {RowStatus.VERIFIED: 1}
    assert second.total == 26 and second.page == 2
    past = service.deployment_progress(db, where=DashboardFilter(page=9))  # past the end: the first page
    assert past.page == 1 and past.projects[0].code == "P00"
    assert len(service.deployment_progress(db, where=ALL, everything=True).projects) == 26
