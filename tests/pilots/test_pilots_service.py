"""The rules of pilots (SP 2.4: pilot process improvements before they are deployed; GP 2.10: the steering
committee decides), at the service. Written from the requirement: a pilot runs under an open action plan with the
asset versions it tries; the committee's decision names its outcome and why, and who decided when; "extend"
sends it back to running with that decision on record; a piloted version deploys organization-wide only once a
pilot of it was adopted (with or without changes), and a version never piloted is not held back."""

from datetime import date

import pytest

from tests.conftest import count_rows
from tracker.action_plans.models import PlanStatus
from tracker.auth.roles import Role
from tracker.errors import ValidationError
from tracker.pilots import service
from tracker.pilots.forms import PilotInput, PilotMoveInput
from tracker.pilots.models import Pilot, PilotDecision, PilotStatus


def pilot_input(plan, versions, **fields) -> PilotInput:
    return PilotInput(plan_id=plan.id, title="Checklists on PAY", version_ids=[v.id for v in versions],
                      measure="Review yield", target=">= 3", start_date=date(2026, 5, 1),
                      end_date=date(2026, 8, 31), **fields)


@pytest.mark.parametrize("status", [PlanStatus.COMPLETED, PlanStatus.CANCELLED], ids=str)
def test_a_pilot_runs_under_an_open_plan_only(db, make_user, make_plan, make_released, status):
    sepg = make_user(Role.PROCESS_GROUP)
    with pytest.raises(ValidationError) as refused:
        service.create_pilot(db, data=pilot_input(make_plan(status), [make_released()]), by=sepg)
    assert refused.value.errors == {"plan_id": "Choose an open action plan."}
    assert count_rows(db, Pilot) == 0


def test_the_committee_decides_with_its_reason_and_is_recorded_as_deciding(db, make_user, make_plan, make_pilot):
    chair = make_user(Role.STEERING, name="Chair")
    pilot = make_pilot(make_plan(PlanStatus.IN_PROGRESS), status=PilotStatus.EVALUATING)
    with pytest.raises(ValidationError) as refused:  # no decision chosen
        service.move_pilot(db, pilot=pilot, by=chair, data=PilotMoveInput(to=PilotStatus.DECIDED,
                                                                          rationale="Yield up 40 %", version=1))
    assert refused.value.errors == {"decision": "Choose the decision."}
    db.rollback()
    pilot = service.get_pilot(db, pilot_id=pilot.id)
    service.move_pilot(db, pilot=pilot, by=chair, data=PilotMoveInput(
        to=PilotStatus.DECIDED, decision=PilotDecision.ADOPT_WITH_CHANGES, rationale="Yield up 40 %", version=1))
    assert (pilot.status, pilot.decision, pilot.decision_rationale, pilot.decided_by_id) == (
        PilotStatus.DECIDED, PilotDecision.ADOPT_WITH_CHANGES, "Yield up 40 %", chair.id)
    assert pilot.decided_on is not None


def test_extend_runs_the_pilot_on_with_the_decision_on_record(db, make_user, make_plan, make_pilot):
    chair = make_user(Role.STEERING)
    pilot = make_pilot(make_plan(PlanStatus.IN_PROGRESS), status=PilotStatus.EVALUATING)
    service.move_pilot(db, pilot=pilot, by=chair, data=PilotMoveInput(
        to=PilotStatus.DECIDED, decision=PilotDecision.EXTEND, rationale="Two more sprints", version=1))
    assert (pilot.status, pilot.decision) == (PilotStatus.RUNNING, PilotDecision.EXTEND)


@pytest.mark.parametrize("decision, deployable", [(PilotDecision.ADOPT, True), (PilotDecision.ADOPT_WITH_CHANGES, True),
                                                  (PilotDecision.REJECT, False), (PilotDecision.EXTEND, False),
                                                  (None, False)], ids=str)
def test_a_piloted_version_deploys_only_once_adopted(db, make_plan, make_pilot, make_released, decision,
                                                     deployable):
    piloted, never_piloted = make_released(title="Reviews"), make_released(title="Estimation")
    make_pilot(make_plan(PlanStatus.IN_PROGRESS), versions=[piloted], decision=decision,
               status=PilotStatus.DECIDED if decision else PilotStatus.RUNNING)
    gate = service.deployment_gate(db, version_ids=[piloted.id, never_piloted.id])
    assert gate.open is deployable
    assert [v.id for v in gate.blocked] == ([] if deployable else [piloted.id])


def test_a_decision_missing_both_outcome_and_reason_says_both_at_once(db, make_user, make_plan, make_pilot):
    """Found by a walk-through: only the missing reason was reported, then the missing decision on the next try."""
    pilot = make_pilot(make_plan(PlanStatus.IN_PROGRESS), status=PilotStatus.EVALUATING)
    with pytest.raises(ValidationError) as refused:
        service.move_pilot(db, pilot=pilot, by=make_user(Role.STEERING),
                           data=PilotMoveInput(to=PilotStatus.DECIDED, version=1))
    assert set(refused.value.errors) == {"decision", "rationale"}
