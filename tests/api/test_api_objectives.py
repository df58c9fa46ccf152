"""Business objectives through the API: the list's filters, sorts and pages with each objective's state; an
objective with its measurements; recording a measurement, by whom the page lets (its owner, the process group, the
committee)."""

from datetime import date

from sqlmodel import select

from tracker.api.models import Scope
from tracker.auth.roles import Role
from tracker.history.models import AuditEvent
from tracker.objectives.models import Measurement


def _measure(db, objective, on: date, value: float, by) -> None:
    db.add(Measurement(objective_id=objective.id, measured_on=on, value=value, source="Monthly report",
                       recorded_by_id=by.id))
    db.commit()


def test_the_list_filters_sorts_and_pages_as_the_page_does(api, db, make_user, make_objective):
    owner = make_user(Role.STEERING, name="Stella Steering")
    reader = api(make_user(Role.MEMBER))
    defects = make_objective(name="Fewer escaped defects", kpi="Escaped defects", owner_id=owner.id, baseline=10,
                             target=5)
    cycle = make_objective(name="Shorter cycle time", kpi="Lead time")
    retired = make_objective(name="Audit findings down", active=False)
    _measure(db, defects, date(2026, 6, 1), 4, owner)  # below the target of 5: reached
    everything = reader.get("/api/v1/objectives")
    assert [item["name"] for item in everything.json["items"]] == [
        "Audit findings down", "Fewer escaped defects", "Shorter cycle time"]  # by name
    first = everything.json["items"][1]
    assert (first["state"], first["latest"], first["owner"]["name"]) == ("on_track", 4.0, "Stella Steering")
    assert everything.json["items"][2]["state"] == "not_measured"
    assert [item["id"] for item in reader.get("/api/v1/objectives?sort=-name").json["items"]] == [
        cycle.id, defects.id, retired.id]
    assert [item["name"] for item in reader.get("/api/v1/objectives?state=retired").json["items"]] == [
        "Audit findings down"]
    assert [item["name"] for item in reader.get("/api/v1/objectives?state=active").json["items"]] == [
        "Fewer escaped defects", "Shorter cycle time"]
    assert [item["name"] for item in reader.get(f"/api/v1/objectives?owner={owner.id}").json["items"]] == [
        "Fewer escaped defects"]
    assert reader.get("/api/v1/objectives?q=lead%20TIME").json["paging"]["count"] == 1  # the KPI too
    page = reader.get("/api/v1/objectives?per_page=2&page=2")
    assert [item["name"] for item in page.json["items"]] == ["Shorter cycle time"]
    assert page.json["paging"]["previous"] and page.json["paging"]["next"] is None
    assert reader.get("/api/v1/objectives?state=gone").json["errors"] == {"state": "Choose one of the listed options."}


def test_the_list_makes_as_many_queries_for_many_objectives_as_for_few(api, db, make_user, make_objective,
                                                                       list_reads_flat):
    reader = api(make_user(Role.MEMBER))
    recorder = make_user(Role.PROCESS_GROUP)

    def add(n: int) -> None:
        for _ in range(n):
            objective = make_objective()
            _measure(db, objective, date(2026, 5, 1), 8, recorder)
            _measure(db, objective, date(2026, 6, 1), 7, recorder)

    list_reads_flat(reader, "/api/v1/objectives", add)


def test_an_objective_has_its_measurements_and_its_version_as_etag(api, db, make_user, make_objective):
    reader = api(make_user(Role.MEMBER))
    recorder = make_user(Role.PROCESS_GROUP, name="Pia Group")
    objective = make_objective(name="Fewer escaped defects", unit="%")
    _measure(db, objective, date(2026, 6, 1), 7.5, recorder)
    _measure(db, objective, date(2026, 3, 1), 9, recorder)
    response = reader.get(f"/api/v1/objectives/{objective.id}")
    assert response.status_code == 200 and response.headers["ETag"] == '"1"'
    assert (response.json["name"], response.json["unit"], response.json["html_url"]) == (
        "Fewer escaped defects", "%", f"/objectives/{objective.id}")
    assert [(m["measured_on"], m["value"], m["source"], m["recorded_by"]["name"])
            for m in response.json["measurements"]] == [("2026-03-01", 9.0, "Monthly report", "Pia Group"),
                                                         ("2026-06-01", 7.5, "Monthly report", "Pia Group")]
    missing = reader.get("/api/v1/objectives/2147483647")
    assert missing.status_code == 404 and missing.headers["Content-Type"] == "application/problem+json"


def test_its_owner_records_a_measurement_and_the_objectives_history_says_so(api, db, make_user, make_objective):
    owner = make_user(Role.MEMBER)
    objective = make_objective(owner_id=owner.id)
    response = api(owner).post(f"/api/v1/objectives/{objective.id}/measurements",
                               json={"measured_on": "2026-06-01", "value": 7, "source": "Monthly report"})
    assert response.status_code == 201
    assert (response.json["value"], response.json["recorded_by"]["id"]) == (7.0, owner.id)
    assert response.json["objective"]["url"] == f"/api/v1/objectives/{objective.id}"
    stored = db.exec(select(Measurement)).one()
    assert (stored.objective_id, stored.measured_on, stored.value, stored.recorded_by_id) == (
        objective.id, date(2026, 6, 1), 7.0, owner.id)
    event = db.exec(select(AuditEvent).where(AuditEvent.entity == "business_objective",
                                             AuditEvent.field == "measurement")).one()
    assert (event.entity_id, event.user_id, event.new) == (objective.id, owner.id, "7 on 2026-06-01 (Monthly report)")


def test_the_committee_records_any_objectives_measurement(api, db, make_user, make_objective):
    objective = make_objective(owner_id=make_user(Role.MEMBER).id)
    response = api(make_user(Role.STEERING)).post(f"/api/v1/objectives/{objective.id}/measurements",
                                                  json={"measured_on": "2026-06-01", "value": 2.5, "source": "BI"})
    assert response.status_code == 201
    assert db.exec(select(Measurement.value)).all() == [2.5]


def test_a_bad_measurement_is_422_with_each_fields_error_and_nothing_written(api, db, make_user, make_objective):
    sepg = api(make_user(Role.PROCESS_GROUP))
    url = f"/api/v1/objectives/{make_objective().id}/measurements"
    response = sepg.post(url, json={"measured_on": "2100-01-01", "value": 7})
    assert response.status_code == 422
    assert response.json["errors"] == {"measured_on": "A measurement is dated when it was taken: not ahead.",
                                       "source": "This field is required."}
    assert sepg.post(url, json={"measured_on": "2026-06-01", "value": "7", "source": "BI"}).status_code == 422
    assert sepg.post(url, json={"measured_on": "1 June", "value": 7, "source": "BI"}).json["errors"] == {
        "measured_on": "Enter a real date as YYYY-MM-DD."}
    assert db.exec(select(Measurement)).all() == []
    assert db.exec(select(AuditEvent).where(AuditEvent.entity == "business_objective")).all() == []


def test_someone_else_may_not_record_the_objectives_measurement_whatever_they_send(api, db, make_user,
                                                                                   make_objective):
    objective = make_objective(owner_id=make_user(Role.MEMBER).id)
    url = f"/api/v1/objectives/{objective.id}/measurements"
    stranger = api(make_user(Role.PROJECT_LEAD))
    assert stranger.post(url, json={"measured_on": "2026-06-01", "value": 7, "source": "BI"}).status_code == 403
    assert stranger.post(url, json={}).status_code == 403  # refused before what they sent is looked at
    read_only = api(make_user(Role.PROCESS_GROUP), scope=Scope.READ)
    assert read_only.post(url, json={"measured_on": "2026-06-01", "value": 7, "source": "BI"}).status_code == 403
    assert db.exec(select(Measurement)).all() == []


def test_a_measurement_links_the_plan_whose_result_it_is(api, db, make_user, make_objective, make_plan):
    objective, plan = make_objective(), make_plan()
    db.add(Measurement(objective_id=objective.id, measured_on=date(2026, 6, 1), value=3, source="Plan result",
                       recorded_by_id=make_user(Role.PROCESS_GROUP).id, plan_id=plan.id))
    db.commit()
    response = api(make_user(Role.MEMBER)).get(f"/api/v1/objectives/{objective.id}")
    assert response.json["measurements"][0]["plan"]["url"] == f"/api/v1/plans/{plan.id}"
