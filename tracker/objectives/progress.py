"""Is an objective on track? Its trend (a straight line fitted through the baseline and the measurements) is
carried to the target date and compared with the target. Pure: plain numbers and dates in, a verdict out.

- On track: the latest measurement has reached the target, or the trend reaches it by the target date.
- At risk: the trend falls short, but covers at least AT_RISK_SHARE of the way from baseline to target.
- Off track: the trend covers less (or goes the wrong way), or the target date has passed with the target unmet.
- Not measured yet / no target date: nothing to judge by.
"""

from dataclasses import dataclass
from datetime import date

from tracker.enums import Labelled, spoken

AT_RISK_SHARE = 0.8  # of the way from baseline to target, projected to the target date


@spoken(on_track="On track", at_risk="At risk", off_track="Off track", not_measured="Not measured yet",
        no_target="No target date")
class State(Labelled):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NOT_MEASURED = "not_measured"
    NO_TARGET = "no_target"


@dataclass(frozen=True)
class Assessment:
    state: State
    reason: str  # the sentence shown beside the state
    latest: float | None = None
    projected: float | None = None  # the trend's value on the target date
    trend: tuple | None = None  # the fitted line: ((first day, its value), (target date, projected))


def _fit(points: list[tuple[date, float]]) -> tuple[float, float]:
    """Least-squares line through the points: (value at the first day, slope per day)."""
    origin = points[0][0]
    xs = [(day - origin).days for day, _ in points]
    ys = [value for _, value in points]
    n = len(points)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:  # every point on one day: no trend to speak of
        return mean_y, 0.0
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
    return mean_y - slope * mean_x, slope


def number_text(value: float) -> str:
    """A stored number as it was typed: 14, not 14.0; 1234567, not 1.23e+06."""
    return f"{value:.12g}"


def _shown(value: float) -> str:
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def assess(*, baseline: float | None, baseline_on: date | None, target: float | None, target_date: date | None,
           measurements: list[tuple[date, float]], today: date) -> Assessment:
    """The objective's state from its baseline, target and measurements (by date, as measured)."""
    if target is None or not measurements:
        return Assessment(State.NOT_MEASURED, "No measurement recorded yet.")
    measurements = sorted(measurements, key=lambda point: point[0])  # stable: two on one day keep their order
    latest_on, latest = measurements[-1]
    start = baseline if baseline is not None else measurements[0][1]
    lower_is_better = target < start
    reached = latest <= target if lower_is_better else latest >= target
    if reached:
        return Assessment(State.ON_TRACK, f"Target reached: {_shown(latest)} on {latest_on}.", latest)
    if target_date is None:
        return Assessment(State.NO_TARGET, "Give the objective a target date to judge its trend.", latest)
    if target_date < today:
        return Assessment(State.OFF_TRACK, f"The target date ({target_date}) has passed with the target unmet "
                                           f"({_shown(latest)} on {latest_on}).", latest)
    points = measurements if baseline is None or baseline_on is None or baseline_on >= measurements[0][0] \
        else [(baseline_on, baseline), *measurements]
    if len(points) < 2:
        return Assessment(State.NOT_MEASURED, "One measurement so far: a trend needs two points (or a dated "
                                              "baseline).", latest)
    value_at_start, slope = _fit(points)
    projected = value_at_start + slope * (target_date - points[0][0]).days
    line = ((points[0][0], value_at_start), (target_date, projected))
    gap = target - start
    share = (projected - start) / gap if gap else 1.0
    trend = f"At this trend it reaches {_shown(projected)} by {target_date} (target {_shown(target)})."
    if share >= 1:
        return Assessment(State.ON_TRACK, trend, latest, projected, line)
    if share >= AT_RISK_SHARE:
        return Assessment(State.AT_RISK, trend, latest, projected, line)
    return Assessment(State.OFF_TRACK, trend, latest, projected, line)
