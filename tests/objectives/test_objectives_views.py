"""Measured objectives (issue 11), written from the requirement:

- an objective has a numeric baseline and target, a unit and a target date; bad numbers are refused beside the
  field and nothing is written;
- its owner (or the process group, or the steering committee) records measurements: date, value, where it came
  from; each is in the objective's history, and a measurement recorded by mistake can be removed (history keeps it);
- the objective's page charts baseline -> measurements -> target and says whether it is on track;
- a completed plan's result can be recorded as a measurement of an objective it serves;
- proposals and plans show the current state of the objectives they serve.
"""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from tests.conftest import count_rows
from tracker.action_plans.models import PlanObjective, PlanStatus
from tracker.auth.roles import Role
from tracker.db import clock_at
from tracker.history.models import AuditEvent
from tracker.objectives.models import BusinessObjective, Measurement
from tracker.proposals.models import ProposalObjective

NEW = {"name": "Fewer escaped defects", "kpi": "Escaped defects per release", "unit": "defects", "baseline": "14",
       "baseline_on": "2026-01-01", "target": "5", "target_date": "2027-06-30", "active": "y"}


@pytest.fixture
def owner(make_user):
    return make_user(Role.MEMBER, name="Olga Owner")


@pytest.fixture
def objective(make_objective, owner):
    return make_objective(name="Fewer escaped defects", kpi="Escaped defects per release", unit="defects",
                          baseline=14.0, baseline_on=date(2026, 1, 1), target=5.0, target_date=date(2027, 6, 30),
                          owner_id=owner.id)


def test_an_objective_is_created_with_numbers_a_unit_and_a_target_date(client, login_as, db):
    user = login_as(Role.STEERING)
    response = client.post("/objectives/", data=NEW | {"owner_id": str(user.id), "baseline": "14,5"})
    assert response.status_code == 303
    saved = db.exec(select(BusinessObjective)).one()
    assert (saved.baseline, saved.target, saved.unit, saved.target_date) == (14.5, 5.0, "defects", date(2027, 6, 30))
    assert saved.lower_is_better


@pytest.mark.parametrize(("field", "typed", "message"), [
    ("baseline", "fourteen", "Enter a number"),
    ("target", "14", "differs from the baseline"),
    ("target", "1e99", "between"),
    ("target_date", "", "required"),
    ("target_date", "2025-12-31", "after the baseline"),
])
def test_bad_numbers_and_dates_are_refused_beside_the_field(client, login_as, db, field, typed, message):
    user = login_as(Role.STEERING)
    response = client.post("/objectives/", data=NEW | {"owner_id": str(user.id), field: typed})
    assert response.status_code == 422
    assert message in response.text
    assert f'id="{field}-error"' in response.text or f'aria-describedby="{field}-error"' in response.text \
        or message in response.text.split(f'name="{field}"')[1][:600]
    assert count_rows(db, BusinessObjective) == 0


def test_the_owner_records_a_measurement_into_the_history(client, login, login_as, db, objective, owner):
    login_as(Role.MEMBER)  # a member who does not own it first
    refused = client.post(f"/objectives/{objective.id}/measurements",
                          data={"measured_on": "2026-06-01", "value": "9", "source": "Release report"})
    assert refused.status_code == 403
    login(owner)
    response = client.post(f"/objectives/{objective.id}/measurements",
                           data={"measured_on": "2026-06-01", "value": "9", "source": "Release 4.2 report"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Release 4.2 report" in response.text and "9 defects" in response.text
    db.expire_all()
    assert [(m.measured_on, m.value) for m in db.exec(select(Measurement)).all()] == [(date(2026, 6, 1), 9.0)]
    event = db.exec(select(AuditEvent).where(AuditEvent.entity == "business_objective",
                                             AuditEvent.field == "measurement")).one()
    assert event.new == "9 defects on 2026-06-01 (Release 4.2 report)" and event.user_id == owner.id


@pytest.mark.parametrize(("field", "typed", "message"), [
    ("value", "lots", "Enter a number"),
    ("measured_on", "2100-01-01", "not ahead"),
    ("source", "", "required"),
])
def test_a_bad_measurement_is_refused_and_nothing_is_written(client, login_as, db, objective, field, typed, message):
    login_as(Role.PROCESS_GROUP)
    data = {"measured_on": "2026-06-01", "value": "9", "source": "Report"} | {field: typed}
    response = client.post(f"/objectives/{objective.id}/measurements", data=data, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert message in response.text
    assert f'value="{typed}"' in response.text or not typed  # what was typed is kept
    assert count_rows(db, Measurement) == 0


def test_a_measurement_recorded_by_mistake_is_removed_and_the_history_keeps_it(client, login_as, db, objective):
    user = login_as(Role.PROCESS_GROUP)
    db.add(Measurement(objective_id=objective.id, measured_on=date(2026, 6, 1), value=90, source="Typo",
                       recorded_by_id=user.id))
    db.commit()
    measurement_id = db.exec(select(Measurement.id)).one()
    response = client.post(f"/objectives/measurements/{measurement_id}/remove")
    assert response.status_code == 303
    assert count_rows(db, Measurement) == 0
    event = db.exec(select(AuditEvent).where(AuditEvent.field == "measurement")).one()
    assert event.old == "90 defects on 2026-06-01 (Typo)" and event.new is None
    assert client.post(f"/objectives/measurements/{measurement_id}/remove").status_code == 404


def test_the_page_charts_the_measurements_and_says_whether_it_is_on_track(client, login_as, db, objective):
    user = login_as(Role.STEERING)
    # 14 on 1 Jan 2026, 9.5 on 2 Jul 2026 (half the way in about half the time to 30 Jun 2027, a little ahead)
    db.add(Measurement(objective_id=objective.id, measured_on=date(2026, 7, 2), value=9.5, source="Mid-year",
                       recorded_by_id=user.id))
    db.commit()
    with clock_at(datetime(2026, 7, 3, 9, tzinfo=UTC)):
        page = client.get(f"/objectives/{objective.id}")
        listing = client.get("/objectives/")
        csv = client.get(f"/objectives/{objective.id}/measurements.csv")
    assert 'data-figure="figure-objective"' in page.text
    assert "On track" in page.text and "On track" in listing.text
    assert csv.text.splitlines() == ["Date,Value,Where it came from", "2026-01-01,14.0,Baseline",
                                     "2026-07-02,9.5,Mid-year", "2027-06-30,5.0,Target"]


def test_a_completed_plans_result_is_a_measurement_of_an_objective_it_serves(client, login_as, db, objective,
                                                                              make_plan, make_objective):
    plan = make_plan(status=PlanStatus.COMPLETED, completed_on=date(2026, 9, 30))
    other = make_objective()
    db.add(PlanObjective(plan_id=plan.id, objective_id=objective.id))
    db.commit()
    login_as(Role.PROCESS_GROUP)
    page = client.get(f"/plans/{plan.id}")
    assert "Record the result as a measurement" in page.text
    wrong = client.post(f"/plans/{plan.id}/result", data={"objective_id": str(other.id), "measured_on": "2026-09-30",
                                                          "value": "7", "source": "Plan result"})
    assert wrong.status_code == 422 and "objectives this plan serves" in wrong.text
    done = client.post(f"/plans/{plan.id}/result", data={"objective_id": str(objective.id),
                                                         "measured_on": "2026-09-30", "value": "7",
                                                         "source": "Plan result"})
    assert done.status_code == 303
    assert db.exec(select(Measurement.plan_id, Measurement.value)).one() == (plan.id, 7.0)


def test_a_plan_not_completed_has_no_result_to_record(client, login_as, db, objective, make_plan):
    plan = make_plan(status=PlanStatus.IN_PROGRESS)
    db.add(PlanObjective(plan_id=plan.id, objective_id=objective.id))
    db.commit()
    login_as(Role.PROCESS_GROUP)
    assert "Record the result" not in client.get(f"/plans/{plan.id}").text
    response = client.post(f"/plans/{plan.id}/result", data={"objective_id": str(objective.id),
                                                             "measured_on": "2026-09-30", "value": "7",
                                                             "source": "Plan result"})
    assert response.status_code == 409
    assert count_rows(db, Measurement) == 0


def test_proposals_and_plans_show_the_state_of_the_objectives_they_serve(client, login_as, db, objective,
                                                                        make_plan, make_proposal):
    proposal = make_proposal()
    plan = make_plan()
    db.add(ProposalObjective(proposal_id=proposal.id, objective_id=objective.id))
    db.add(PlanObjective(plan_id=plan.id, objective_id=objective.id))
    db.commit()
    login_as(Role.MEMBER)
    for url in (f"/proposals/{proposal.id}", f"/plans/{plan.id}"):
        text = client.get(url).text
        assert "Fewer escaped defects" in text and "Not measured yet" in text, url
