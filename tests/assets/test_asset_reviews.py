"""Review cadences, "needs review" (issue 10), written from the requirement:

- an asset with a review interval needs review once its released version's last review -- or its release, before
  any review -- is that many months old, and is marked so until its owner records a review (reviewed, no change /
  new version needed); only the owner (or the process group) records one, of the current released version;
- releasing a newer version starts its own interval; an asset without an interval or a release is never due;
- the standard set has a review date; a review of it sets the next one (after the review);
- an action plan under way has a joint-review cadence: the next is due that many weeks after the last one held,
  or after the planned start when none was;
- reviews are records with who, when and outcome, in the history.
"""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select
from werkzeug.datastructures import MultiDict

from tracker.action_plans import joint_reviews
from tracker.action_plans.models import JointReview, PlanStatus
from tracker.assets import reviews
from tracker.assets import service as assets
from tracker.assets.forms import AssetInput, AssetReviewInput
from tracker.assets.models import AssetKind, ProcessAsset, VersionStatus
from tracker.auth.roles import Role
from tracker.db import clock_at
from tracker.deployments import standard_set
from tracker.deployments.forms import ReviewDateInput, SetReviewInput
from tracker.errors import PermissionDenied, ValidationError
from tracker.history.models import AuditEvent
from tracker.validation import parse


def on(day: date):
    return clock_at(datetime(day.year, day.month, day.day, 9, tzinfo=UTC))


@pytest.fixture
def owner(make_user):
    return make_user(Role.MEMBER, name="Olga Owner")


@pytest.fixture
def template(db, owner, make_version, make_user, signed_off):
    """A template reviewed every 6 months, its 1.0 released on 31 January 2026."""
    asset = ProcessAsset(title="Plan template", kind=AssetKind.TEMPLATE, owner_id=owner.id, review_interval_months=6)
    db.add(asset)
    db.commit()
    version = signed_off(make_version(asset, "1.0"))
    with on(date(2026, 1, 31)):
        assets.move_version(db, version=version, to=VersionStatus.RELEASED, seen=version.version,
                            by=make_user(Role.PROCESS_GROUP))
    return asset


def review(db, asset, by, day, outcome="no_change"):
    with on(day):
        return reviews.record_review(db, asset=asset, by=by, data=AssetReviewInput(
            reviewed_on=day, outcome=outcome, notes="Still fits."))


def test_a_released_version_needs_review_once_its_interval_has_passed(template):
    assert template.review_due_on == date(2026, 7, 31)  # 31 January + 6 months
    assert not template.needs_review(date(2026, 7, 30))
    assert template.needs_review(date(2026, 7, 31))


def test_the_owners_review_clears_it_and_starts_the_next_interval(db, template, owner):
    review(db, template, owner, date(2026, 8, 10))
    assert template.review_due_on == date(2027, 2, 10)
    assert not template.needs_review(date(2026, 8, 10))
    recorded = db.exec(select(AuditEvent).where(AuditEvent.entity == "asset_review", AuditEvent.action == "create")).all()
    assert {(e.field, e.new) for e in recorded} >= {("outcome", "Reviewed, no change"), ("version", "1.0")}
    assert all(e.user_id == owner.id for e in recorded)


def test_a_new_version_needed_is_a_review_too(db, template, owner):
    review(db, template, owner, date(2026, 8, 1), outcome="new_version_needed")
    assert template.review_due_on == date(2027, 2, 1)
    assert template.reviews[0].outcome.label == "New version needed"


def test_only_the_owner_or_the_process_group_reviews(db, template, make_user):
    with pytest.raises(PermissionDenied):
        review(db, template, make_user(Role.PROJECT_LEAD), date(2026, 8, 1))
    review(db, template, make_user(Role.PROCESS_GROUP), date(2026, 8, 1))
    assert template.review_due_on == date(2027, 2, 1)


@pytest.mark.parametrize("day, field", [(date(2026, 1, 30), "reviewed_on")])
def test_a_review_is_not_older_than_the_release(db, template, owner, day, field):
    with pytest.raises(ValidationError) as refused:
        review(db, template, owner, day)
    assert field in refused.value.errors


def test_a_review_is_not_dated_ahead():
    with on(date(2026, 8, 1)), pytest.raises(ValidationError, match="not ahead"):
        parse(AssetReviewInput, MultiDict({"reviewed_on": "2026-08-02", "outcome": "no_change"}))


def test_a_newer_release_starts_its_own_interval(db, template, owner, make_version, make_user, signed_off):
    version = signed_off(make_version(template, "1.1"))
    with on(date(2026, 5, 15)):
        assets.move_version(db, version=version, to=VersionStatus.RELEASED, seen=version.version,
                            by=make_user(Role.PROCESS_GROUP))
    assert template.review_due_on == date(2026, 11, 15)


def test_no_interval_or_no_release_is_never_due(db, owner, make_user):
    pg = make_user(Role.PROCESS_GROUP)
    form = MultiDict({"title": "Checklist", "kind": "checklist", "owner_id": str(owner.id)})
    asset = assets.create_asset(db, data=parse(AssetInput, form), by=pg)
    assert asset.review_due_on is None
    assets.update_asset(db, asset=asset, data=parse(AssetInput, form | {"review_interval_months": "12",
                                                                        "version": str(asset.version)}), by=pg)
    assert asset.review_due_on is None  # nothing released yet to review


def test_setting_an_interval_on_a_released_asset_schedules_it(db, template, make_user):
    pg = make_user(Role.PROCESS_GROUP)
    form = MultiDict({"title": template.title, "kind": "template", "owner_id": str(template.owner_id),
                      "review_interval_months": "12", "version": str(template.version)})
    assets.update_asset(db, asset=template, data=parse(AssetInput, form), by=pg)
    assert template.review_due_on == date(2027, 1, 31)


def test_the_asset_list_filters_those_needing_review(client, login_as, template, db):
    login_as(Role.STEERING)
    with on(date(2026, 8, 1)):
        page = client.get("/assets/?review=due").get_data(as_text=True)
    assert "Plan template" in page and "Needs review" in page


def test_the_standard_set_review_sets_the_next_date(db, make_user):
    pg = make_user(Role.PROCESS_GROUP)
    with on(date(2026, 6, 1)):
        standard_set.record_review(db, by=pg, data=SetReviewInput(
            reviewed_on=date(2026, 6, 1), outcome="no_change", next_review_on=date(2026, 12, 1)))
    schedule = standard_set.schedule(db)
    assert schedule.review_on == date(2026, 12, 1)
    assert not schedule.needs_review(date(2026, 11, 30)) and schedule.needs_review(date(2026, 12, 1))


def test_the_next_standard_set_review_comes_after_this_one(db, make_user):
    with on(date(2026, 6, 1)), pytest.raises(ValidationError) as refused:
        standard_set.record_review(db, by=make_user(Role.PROCESS_GROUP), data=SetReviewInput(
            reviewed_on=date(2026, 6, 1), outcome="no_change", next_review_on=date(2026, 6, 1)))
    assert "next_review_on" in refused.value.errors


def test_only_the_process_group_sets_the_standard_set_review_date(db, make_user):
    schedule = standard_set.schedule(db)
    with pytest.raises(PermissionDenied):
        standard_set.set_review_date(db, by=make_user(Role.STEERING),
                                     data=ReviewDateInput(review_on=date(2027, 1, 1), version=schedule.version))
    standard_set.set_review_date(db, by=make_user(Role.PROCESS_GROUP),
                                 data=ReviewDateInput(review_on=date(2027, 1, 1), version=schedule.version))
    assert standard_set.schedule(db).review_on == date(2027, 1, 1)


def test_a_plan_under_way_has_its_next_joint_review_due_by_its_cadence(db, make_plan, make_user):
    plan = make_plan(PlanStatus.IN_PROGRESS, joint_review_weeks=4, planned_start=date(2026, 1, 5))
    assert joint_reviews.next_due(plan, None) == date(2026, 2, 2)  # four weeks after the planned start
    held = [JointReview(plan_id=plan.id, held_on=day, summary="On track",
                        recorded_by_id=make_user(Role.PROCESS_GROUP).id) for day in (date(2026, 2, 10), date(2026, 1, 20))]
    assert joint_reviews.next_due(plan, joint_reviews.last_held(held)) == date(2026, 3, 10)  # after the last held


@pytest.mark.parametrize("status, weeks", [(PlanStatus.DRAFT, 4), (PlanStatus.COMPLETED, 4),
                                           (PlanStatus.IN_PROGRESS, None)])
def test_no_joint_review_is_due_without_a_cadence_or_outside_the_plans_run(make_plan, status, weeks):
    assert joint_reviews.next_due(make_plan(status, joint_review_weeks=weeks), None) is None


def test_a_standard_set_review_older_than_the_last_one_is_refused(db, make_user):
    pg = make_user(Role.PROCESS_GROUP)
    with on(date(2026, 9, 30)):
        standard_set.record_review(db, by=pg, data=SetReviewInput(
            reviewed_on=date(2026, 9, 30), outcome="no_change", next_review_on=date(2027, 3, 29)))
        with pytest.raises(ValidationError) as refused:
            standard_set.record_review(db, by=pg, data=SetReviewInput(
                reviewed_on=date(2026, 9, 1), outcome="no_change", next_review_on=date(2027, 1, 1)))
    assert "reviewed_on" in refused.value.errors
    assert standard_set.schedule(db).review_on == date(2027, 3, 29)  # the latest review still decides


def test_a_joint_review_is_not_held_before_the_plan_starts(db, make_plan, make_user):
    from tracker.action_plans.forms import JointReviewInput
    plan = make_plan(PlanStatus.IN_PROGRESS, planned_start=date(2026, 2, 2))
    with on(date(2026, 3, 1)), pytest.raises(ValidationError) as refused:
        joint_reviews.record(db, plan=plan, by=make_user(Role.PROCESS_GROUP), data=parse(JointReviewInput, MultiDict(
            {"held_on": "2020-01-01", "summary": "On track"})))
    assert "held_on" in refused.value.errors


def test_a_number_box_sends_what_was_typed_so_letters_are_refused(client, login_as, db, template):
    login_as(Role.PROCESS_GROUP)
    page = client.get(f"/assets/{template.id}/edit").get_data(as_text=True)
    assert 'name="review_interval_months" type="text"' in page and 'inputmode="numeric"' in page
    form = {"title": template.title, "kind": "template", "owner_id": str(template.owner_id),
            "review_interval_months": "12e", "version": str(template.version)}
    response = client.post(f"/assets/{template.id}", data=form)
    assert response.status_code == 422 and "whole number" in response.get_data(as_text=True)
    db.refresh(template)
    assert template.review_interval_months == 6  # kept
