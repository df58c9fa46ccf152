"""Every home tile leads to a list of exactly what it counts, and overdue is shown as overdue."""

import re
from datetime import date, timedelta

from tracker.action_plans.models import CommitmentStatus, PlanStatus
from tracker.auth.roles import Role
from tracker.compliance.models import ComplianceAudit, Noncompliance, NoncomplianceStatus
from tracker.deployments.models import RowStatus

TODAY = date.today()
PAST, FUTURE = TODAY - timedelta(days=3), TODAY + timedelta(days=30)


def tile(page: str, label: str) -> tuple[int, str]:
    """The number a tile shows and the link it leads to."""
    found = re.search(rf'<a href="([^"]+)"><strong>(\d+)</strong> {label}</a>', page)
    assert found, f"no tile {label!r}"
    return int(found.group(2)), found.group(1).replace("&amp;", "&")


def rows(page: str, kind: str) -> int:
    return len(re.findall(rf'<tr id="{kind}-\d+"', page))


def test_commitment_tiles_count_what_my_commitments_lists(client, login_as, make_plan, make_commitment):
    mia = login_as(Role.MEMBER)
    plan = make_plan(PlanStatus.IN_PROGRESS)
    make_commitment(plan, mia, due_date=FUTURE)  # open, not yet due
    make_commitment(plan, mia, due_date=PAST, status=CommitmentStatus.IN_PROGRESS)  # overdue
    make_commitment(plan, mia, due_date=PAST, status=CommitmentStatus.DONE)  # done: neither
    make_commitment(plan, due_date=PAST)  # someone else's
    home = client.get("/").get_data(as_text=True)

    count, link = tile(home, "Your open commitments")
    assert count == 2 and rows(client.get(link).get_data(as_text=True), "commitment") == 2
    count, link = tile(home, "Your overdue commitments")
    listed = client.get(link).get_data(as_text=True)
    assert count == 1 and rows(listed, "commitment") == 1
    assert listed.count('<span class="badge overdue">Overdue</span>') == 1


def test_noncompliance_tile_leads_to_the_noncompliances_it_counts(client, login_as, make_project, make_user, db):
    """The defect found: the tile led to the audits list, which lists no noncompliances."""
    mia = login_as(Role.MEMBER)
    audit = ComplianceAudit(project_id=make_project().id, audit_date=TODAY - timedelta(days=40),
                            auditor_id=make_user(Role.PROCESS_GROUP).id)
    db.add(audit)
    db.flush()
    for owner, due, status in [(mia, PAST, NoncomplianceStatus.OPEN), (mia, FUTURE, NoncomplianceStatus.IN_PROGRESS),
                               (mia, PAST, NoncomplianceStatus.RESOLVED), (make_user(), PAST, NoncomplianceStatus.OPEN)]:
        db.add(Noncompliance(audit_id=audit.id, description="No review record", owner_id=owner.id, due_date=due,
                             status=status))
    db.commit()
    count, link = tile(client.get("/").get_data(as_text=True), "Noncompliances you own")
    listed = client.get(link).get_data(as_text=True)
    assert count == 2 and rows(listed, "noncompliance") == 2
    assert listed.count('<span class="badge overdue">Overdue</span>') == 1  # past due and still open
    audit_page = client.get(f"/compliance/{audit.id}").get_data(as_text=True)
    assert audit_page.count('<span class="badge overdue">Overdue</span>') == 2  # mia's and the other owner's


def test_leads_deployment_tile_leads_to_the_rows_it_counts(client, login, make_user, make_project, make_released,
                                                           make_deployment):
    mine, also_mine, theirs = make_project(code="MINE"), make_project(code="MINE2"), make_project(code="THEIRS")
    login(make_user(Role.PROJECT_LEAD, leads=[mine, also_mine]))
    make_deployment([mine, theirs], [make_released(title="Peer review procedure")], status=RowStatus.PLANNED)
    make_deployment([also_mine], [make_released(title="Estimation guideline")], status=RowStatus.IN_PROGRESS)
    make_deployment([mine], [make_released(title="CM procedure")], status=RowStatus.DEPLOYED)
    count, link = tile(client.get("/").get_data(as_text=True), "Deployments to progress on your projects")
    listed = client.get(link).get_data(as_text=True)
    assert count == 2 and rows(listed, "row") == 2
    assert "THEIRS" not in listed and "CM procedure" not in listed


def test_process_group_and_steering_tiles_count_what_their_lists_show(client, login_as, make_proposal):
    for status in ("submitted", "submitted", "accepted", "escalated"):
        make_proposal(status)
    login_as(Role.PROCESS_GROUP)
    home = client.get("/").get_data(as_text=True)
    for label, expected in [("Proposals to triage", 2), ("Proposals accepted, not yet planned", 1)]:
        count, link = tile(home, label)
        listed = client.get(link).get_data(as_text=True)
        assert count == expected and len(re.findall(r'href="/proposals/\d+"', listed)) == expected, label


def test_asset_tiles_count_assets_and_lead_to_them(client, login_as, make_released, db):
    """Two assets released (one of them twice), one with a draft: the tiles say 2 and 1 and list those assets."""
    from tracker.assets.models import AssetVersion, VersionStatus

    first = make_released(title="Peer review procedure")
    make_released("1.1", asset=first.asset)
    make_released(title="Estimation guideline")
    draft = make_released(title="Incident procedure")
    draft_row = db.get(AssetVersion, draft.id)
    draft_row.status, draft_row.release_date = VersionStatus.DRAFT, None
    db.commit()
    login_as(Role.STEERING)
    page = client.get("/").get_data(as_text=True)
    for label, shown, titles in (("Assets released", 2, {"Peer review procedure", "Estimation guideline"}),
                                 ("Assets with a draft", 1, {"Incident procedure"})):
        found = re.search(rf'<dt>{label}</dt><dd><a href="([^"]+)">(\d+)</a>', page)
        assert found and int(found.group(2)) == shown, label
        listed = client.get(found.group(1).replace("&amp;", "&")).get_data(as_text=True)
        assert {t for t in ("Peer review procedure", "Estimation guideline", "Incident procedure") if t in listed} \
            == titles
