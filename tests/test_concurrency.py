"""Several people saving one record at once: each save is either taken or refused as a conflict, never a 500."""

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from html.parser import HTMLParser

from sqlmodel import select
from werkzeug.datastructures import MultiDict

from tracker.auth.roles import Role
from tracker.process_areas.models import ProcessArea
from tracker.proposals.models import ProposalStatus

THREADS, EDITS = 8, 10


class FormValues(HTMLParser):
    """The values a browser would submit from the form with this id: inputs, textareas, chosen options."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.values = form_id, False, MultiDict()
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        elif not self.inside:
            return
        elif tag == "input" and attrs.get("name") and attrs.get("type") not in ("checkbox", "submit"):
            self.values.add(attrs["name"], attrs.get("value") or "")
        elif tag == "select":
            self._select = attrs.get("name")
        elif tag == "option" and self._select and "selected" in attrs:
            self.values.add(self._select, attrs.get("value") or "")
        elif tag == "textarea":
            self._textarea = attrs.get("name")
            self.values.add(self._textarea, "")

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def edit_concurrently(app, login_user, *, edit_url: str, save_url: str, form_id: str, change) -> Counter:
    """THREADS people each load the form and save a change EDITS times, all at once; the statuses they get."""

    def person(n: int) -> list[int]:
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = login_user.get_id()
            session["seen"] = datetime.now(UTC).timestamp()
        statuses = []
        for i in range(EDITS):
            parser = FormValues(form_id)
            parser.feed(client.get(edit_url).get_data(as_text=True))
            values = change(parser.values, n, i)
            statuses.append(client.post(save_url, data=values).status_code)
        return statuses

    with ThreadPoolExecutor(THREADS) as pool:
        return Counter(code for codes in pool.map(person, range(THREADS)) for code in codes)


def assert_taken_or_conflict(statuses: Counter) -> None:
    attempts = THREADS * EDITS
    print(f"{attempts} attempts: {dict(statuses)}")
    assert sum(statuses.values()) == attempts
    assert statuses[303] + statuses[409] == attempts, statuses  # 303: saved; 409: the conflict view
    assert statuses[303] >= 1


def test_people_saving_one_project_at_once_get_saved_or_conflict(app, make_user, make_project):
    sepg = make_user(Role.PROCESS_GROUP)
    leads = [make_user(Role.PROJECT_LEAD) for _ in range(3)]
    project = make_project()

    def change(values: MultiDict, n: int, i: int) -> MultiDict:
        values["name"] = f"Renamed by {n} ({i})"
        values.setlist("lead_ids", [str(leads[(n + i) % 3].id)])  # the lead links change too
        return values

    statuses = edit_concurrently(app, sepg, edit_url=f"/projects/{project.id}/edit",
                                 save_url=f"/projects/{project.id}", form_id="project-form", change=change)
    assert_taken_or_conflict(statuses)


def test_people_saving_one_proposal_at_once_get_saved_or_conflict(app, db, make_user, make_proposal):
    sepg = make_user(Role.PROCESS_GROUP)
    proposal = make_proposal(ProposalStatus.SUBMITTED)
    areas = [str(a) for a in db.exec(select(ProcessArea.id).limit(3)).all()]

    def change(values: MultiDict, n: int, i: int) -> MultiDict:
        values["title"] = f"Shorter peer reviews, take {n}.{i}"
        values.setlist("area_ids", [areas[(n + i) % 3]])  # the area links change too
        return values

    statuses = edit_concurrently(app, sepg, edit_url=f"/proposals/{proposal.id}/edit",
                                 save_url=f"/proposals/{proposal.id}", form_id="proposal-form", change=change)
    assert_taken_or_conflict(statuses)


def test_moves_on_one_project_at_once_leave_its_tally_right(app, engine, db, make_user, make_project, make_released,
                                                            make_deployment):
    """Eight people move eight different rows of one project at the same moment: each recounts the project's tally,
    and none may leave a count that misses another's move (the project's row is locked before counting)."""
    from sqlmodel import Session

    from tracker.auth.models import User
    from tracker.deployments.forms import RowMoveInput
    from tracker.deployments.models import DeploymentTally, ProjectDeployment, RowStatus
    from tracker.deployments.service import move_row

    sepg, project = make_user(Role.PROCESS_GROUP), make_project()
    make_deployment([project], [make_released() for _ in range(THREADS)])
    row_ids = db.exec(select(ProjectDeployment.id).where(ProjectDeployment.project_id == project.id)).all()

    def person(row_id: int) -> None:
        with Session(engine) as session:
            row = session.get(ProjectDeployment, row_id)
            move_row(session, row=row, data=RowMoveInput(to=RowStatus.IN_PROGRESS, version=row.version),
                     by=session.get(User, sepg.id))

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(person, row_ids))
    db.expire_all()
    assert {status.value: n for status, n in db.exec(select(DeploymentTally.status, DeploymentTally.rows)
                                                   .where(DeploymentTally.project_id == project.id)).all()} == {
        "in_progress": 8}


def test_moving_rows_and_adding_deployments_on_one_project_at_once_neither_deadlocks_nor_miscounts(
        app, engine, db, make_user, make_project, make_released):
    """Leads move rows while the process group plans more deployments to the same project: every writer of status
    rows locks the project first, so they queue (on PostgreSQL a row moved and rows added could deadlock when the
    lock came after the row writes); the tally equals the rows afterwards."""
    from sqlmodel import Session, func

    from tracker.auth.models import User
    from tracker.deployments.forms import DeploymentInput, RowMoveInput
    from tracker.deployments.models import DeploymentTally, ProjectDeployment, RowStatus
    from tracker.deployments.service import create_deployment, move_row

    sepg, project = make_user(Role.PROCESS_GROUP), make_project()
    first = [make_released() for _ in range(4)]
    later = [make_released() for _ in range(4)]
    with Session(engine) as session:
        create_deployment(session, data=DeploymentInput(title="First", version_ids=[v.id for v in first],
                                                        project_ids=[project.id], target_date="2026-12-01"),
                          by=session.get(User, sepg.id))
    row_ids = db.exec(select(ProjectDeployment.id).where(ProjectDeployment.project_id == project.id)).all()

    def move(row_id: int) -> None:
        with Session(engine) as session:
            row = session.get(ProjectDeployment, row_id)
            move_row(session, row=row, data=RowMoveInput(to=RowStatus.IN_PROGRESS, version=row.version),
                     by=session.get(User, sepg.id))

    def deploy(version_id: int) -> None:
        with Session(engine) as session:
            create_deployment(session, data=DeploymentInput(title="More", version_ids=[version_id],
                                                            project_ids=[project.id], target_date="2026-12-01"),
                              by=session.get(User, sepg.id))

    with ThreadPoolExecutor(THREADS) as pool:
        futures = [pool.submit(move, row_id) for row_id in row_ids] + [pool.submit(deploy, v.id) for v in later]
        for future in futures:
            future.result()  # a deadlock or any other error fails here
    db.expire_all()
    counted = dict(db.exec(select(ProjectDeployment.status, func.count()).where(
        ProjectDeployment.project_id == project.id, ProjectDeployment.current).group_by(ProjectDeployment.status)).all())
    assert counted == {RowStatus.IN_PROGRESS: 4, RowStatus.PLANNED: 4}
    assert dict(db.exec(select(DeploymentTally.status, DeploymentTally.rows)
                        .where(DeploymentTally.project_id == project.id)).all()) == counted
