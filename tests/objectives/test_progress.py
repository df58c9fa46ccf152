"""Whether an objective is on track, from the requirement: its trend carried to the target date against the
target. The numbers below are worked by hand on a straight line (half the time gone, half the way made)."""

from datetime import date

from tracker.objectives.progress import State, assess

BASE_ON, TODAY, TARGET_ON = date(2026, 1, 1), date(2026, 7, 2), date(2027, 1, 1)  # TODAY: day 182 of 365


def state(measurements, *, baseline=14.0, target=5.0, target_date=TARGET_ON, baseline_on=BASE_ON, today=TODAY):
    return assess(baseline=baseline, baseline_on=baseline_on, target=target, target_date=target_date,
                  measurements=measurements, today=today)


def test_nothing_measured_is_not_judged():
    assert state([]).state == State.NOT_MEASURED


def test_half_the_way_in_half_the_time_is_on_track():
    # 14 -> 5 over 365 days; the line through (0, 14) and (182, 9.5) reaches 14 - 4.5 × 365 / 182 ≈ 4.98.
    result = state([(TODAY, 9.5)])
    assert result.state == State.ON_TRACK
    assert round(result.projected, 2) == 4.98


def test_a_trend_that_falls_a_little_short_is_at_risk():
    # (0, 14) -> (182, 10): 4 down in 182 days, 8.02 down by day 365: 89 % of the 9 needed (at least 80 %).
    assert state([(TODAY, 10.0)]).state == State.AT_RISK


def test_a_trend_that_falls_far_short_is_off_track():
    # (0, 14) -> (182, 11): 6.02 down by day 365: 67 % of the 9 needed.
    assert state([(TODAY, 11.0)]).state == State.OFF_TRACK


def test_going_the_wrong_way_is_off_track():
    assert state([(TODAY, 15.0)]).state == State.OFF_TRACK


def test_higher_is_better_when_the_target_is_above_the_baseline():
    # 55 -> 85: on day 182 at 70 is half the way in half the time.
    assert state([(TODAY, 70.0)], baseline=55, target=85).state == State.ON_TRACK
    assert state([(TODAY, 60.0)], baseline=55, target=85).state == State.OFF_TRACK


def test_reaching_the_target_is_on_track_whatever_the_date():
    assert state([(TODAY, 4.0)], today=date(2027, 6, 1)).state == State.ON_TRACK
    assert "reached" in state([(TODAY, 5.0)]).reason


def test_a_passed_target_date_with_the_target_unmet_is_off_track():
    assert state([(date(2026, 12, 1), 5.5)], today=date(2027, 1, 2)).state == State.OFF_TRACK


def test_without_a_target_date_the_trend_is_not_judged():
    assert state([(TODAY, 9.5)], target_date=None).state == State.NO_TARGET


def test_every_point_counts_not_only_the_last():
    # A steady line 14, 12.4, 10.8, 9.2 at days 0, 61, 122, 183 reaches 14 - 1.6 × 365 / 61 ≈ 4.43 by day 365: on
    # track; the same last value after a stall (14, 14, 14, 9.2) fits a flatter line and falls short.
    days = [date(2026, 3, 3), date(2026, 5, 3), date(2026, 7, 3)]
    steady = state(list(zip(days, [12.4, 10.8, 9.2], strict=True)), today=date(2026, 7, 3))
    stalled = state(list(zip(days, [14.0, 14.0, 9.2], strict=True)), today=date(2026, 7, 3))
    assert steady.state == State.ON_TRACK
    assert round(steady.projected, 2) == 4.43
    assert stalled.projected > steady.projected
    assert stalled.state != State.ON_TRACK


def test_one_measurement_without_a_dated_baseline_is_not_a_trend():
    assert state([(TODAY, 9.5)], baseline=None).state == State.NOT_MEASURED
