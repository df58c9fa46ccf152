"""Chart builders: plain data in, a Plotly figure (as JSON-ready dicts) out, with the same data as a table and a
sentence for screen readers. No database here, so each is tested on plain data (empty, one item, hostile labels).

Labels people typed are drawn as text: Plotly reads a few HTML-like tags in labels, so `<`, `>` and `&` are
passed as entities, which it shows as the characters themselves.
"""

from dataclasses import dataclass, field

from tracker.deployments.models import RowStatus

# One colour per deployment status, from not begun (grey) to verified (deep green).
STATUS_COLOURS = {RowStatus.NOT_STARTED: "#9aa5b1", RowStatus.PLANNED: "#e0b341", RowStatus.IN_PROGRESS: "#3b7dd8",
                  RowStatus.DEPLOYED: "#3a9d5d", RowStatus.VERIFIED: "#1f6b3a", RowStatus.NOT_APPLICABLE: "#d5d9de"}
DONE = (RowStatus.DEPLOYED, RowStatus.VERIFIED)


def as_text(label: str) -> str:
    """A label Plotly draws as the characters typed, not as markup."""
    return label.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass(frozen=True)
class Chart:
    key: str  # names the chart's element ids and its CSV
    title: str
    summary: str  # what it shows, in a sentence (for screen readers, and above the data table)
    figure: dict  # {"data": [...], "layout": {...}}
    columns: list[str]
    rows: list[list] = field(default_factory=list)


@dataclass(frozen=True)
class ProjectProgress:
    """One project's current deployment rows, counted by status."""
    project_id: int
    code: str
    name: str
    counts: dict[RowStatus, int]

    @property
    def applicable(self) -> int:
        return sum(n for status, n in self.counts.items() if status != RowStatus.NOT_APPLICABLE)

    @property
    def done(self) -> int:
        return sum(self.counts.get(status, 0) for status in DONE)

    @property
    def completeness(self) -> float:
        """The share of its applicable rows deployed or verified (1.0 when none apply: nothing is missing)."""
        return self.done / self.applicable if self.applicable else 1.0


SORTS = {"code": "project code", "completeness": "least complete first"}


def deployment_by_project(projects: list[ProjectProgress], *, sort: str = "completeness",
                          title: str = "Deployment status of each project") -> Chart:
    """One bar per project, stacked by row status; least complete first (or by code)."""
    if sort == "completeness":
        projects = sorted(projects, key=lambda p: (p.completeness, p.code))
    else:
        projects = sorted(projects, key=lambda p: p.code)
    codes = [as_text(p.code) for p in projects]
    data = [{"type": "bar", "name": status.label, "x": codes, "y": [p.counts.get(status, 0) for p in projects],
             "marker": {"color": STATUS_COLOURS[status]},
             "hovertemplate": f"%{{x}}: %{{y}} {status.label.lower()}<extra></extra>"}
            for status in RowStatus if any(p.counts.get(status) for p in projects)]
    layout = {"barmode": "stack", "margin": {"t": 10, "r": 10, "b": 80, "l": 40}, "height": 360,
              "xaxis": {"type": "category", "tickangle": -45}, "yaxis": {"title": {"text": "Asset versions"}},
              "legend": {"orientation": "h", "y": 1.1}}
    done = sum(1 for p in projects if p.completeness == 1.0)
    summary = (f"{len(projects)} project{'s' if len(projects) != 1 else ''}: {done} with every applicable asset "
               f"deployed or verified" + (f"; least complete {projects[0].code} at "
                                          f"{round(projects[0].completeness * 100)} %" if projects else "") + ".")
    columns = ["Project", "Name", *[status.label for status in RowStatus], "Complete (%)"]
    rows = [[p.code, p.name, *[p.counts.get(status, 0) for status in RowStatus], round(p.completeness * 100)]
            for p in projects]
    return Chart("deployment", title, summary, {"data": data, "layout": layout},
                 columns, rows)


@dataclass(frozen=True)
class FlowGroup:
    """Proposals that went the same way: from a source, to a decision, and how far down the loop."""
    source: str  # as people say it
    decision: str  # "Accepted", "Rejected", "Awaiting triage", ...
    planned: bool
    piloted: bool
    deployed: bool
    count: int


def improvement_flow(groups: list[FlowGroup]) -> Chart:
    """Proposals from source to outcome, as a Sankey diagram: source → decision → in a plan → piloted → deployed."""
    links: dict[tuple[str, str], int] = {}

    def flow(start: str, end: str, count: int) -> None:
        links[(start, end)] = links.get((start, end), 0) + count
    for g in groups:
        flow(g.source, g.decision, g.count)
        if g.planned:
            flow(g.decision, "In a plan", g.count)
            if g.piloted:
                flow("In a plan", "Piloted", g.count)
            if g.deployed:
                flow("Piloted" if g.piloted else "In a plan", "Deployed", g.count)
    nodes = list(dict.fromkeys(name for pair in links for name in pair))
    index = {name: n for n, name in enumerate(nodes)}
    data = [{"type": "sankey", "arrangement": "snap",
             "node": {"label": [as_text(name) for name in nodes], "pad": 14, "thickness": 14},
             "link": {"source": [index[a] for a, _ in links], "target": [index[b] for _, b in links],
                      "value": list(links.values())}}] if links else []
    total = sum(g.count for g in groups)
    deployed = sum(g.count for g in groups if g.deployed)
    summary = (f"{total} proposal{'s' if total != 1 else ''}: "
               f"{sum(g.count for g in groups if g.planned)} in a plan, "
               f"{sum(g.count for g in groups if g.piloted)} piloted, {deployed} deployed.")
    rows = [[start, end, count] for (start, end), count in links.items()]
    return Chart("flow", "The improvement flow", summary,
                 {"data": data, "layout": {"margin": {"t": 10, "r": 10, "b": 10, "l": 10}, "height": 380}},
                 ["From", "To", "Proposals"], rows)


AGES = ("under 30 days", "30 to 90 days", "90 to 180 days", "over 180 days")
AGE_COLOURS = ("#9ecae1", "#4292c6", "#e0b341", "#c0392b")


def proposals_by_status_and_age(counts: dict[tuple[str, int], int], statuses: list[str]) -> Chart:
    """Open proposals, one bar per status (in the workflow's order), stacked by how long ago they were submitted
    (`counts`: (status label, age bucket index) -> proposals)."""
    shown = [status for status in statuses if any(counts.get((status, age), 0) for age in range(len(AGES)))]
    data = [{"type": "bar", "name": label, "x": shown, "y": [counts.get((status, age), 0) for status in shown],
             "marker": {"color": AGE_COLOURS[age]},
             "hovertemplate": f"%{{x}}: %{{y}} submitted {label} ago<extra></extra>"}
            for age, label in enumerate(AGES) if any(counts.get((status, age), 0) for status in shown)]
    total = sum(counts.values())
    old = sum(n for (_, age), n in counts.items() if age == len(AGES) - 1)
    summary = f"{total} open proposal{'s' if total != 1 else ''}" + (f", {old} of them submitted over 180 days ago"
                                                                    if old else "") + "."
    rows = [[status, *[counts.get((status, age), 0) for age in range(len(AGES))]] for status in shown]
    return Chart("proposals", "Open proposals by status and age", summary,
                 {"data": data, "layout": {"barmode": "stack", "margin": {"t": 10, "r": 10, "b": 40, "l": 40},
                                           "height": 320, "legend": {"orientation": "h", "y": 1.12},
                                           "yaxis": {"title": {"text": "Proposals"}}}},
                 ["Status", *[f"Submitted {label} ago" for label in AGES]], rows)


@dataclass(frozen=True)
class PlanWork:
    """A plan under way and its commitments: how many, done, overdue, done on time."""
    title: str
    total: int
    done: int
    overdue: int
    on_time: int


def plan_commitments(plans: list[PlanWork]) -> Chart:
    """Per plan under way: its commitments done and open (overdue apart), and the share done on time."""
    titles = [as_text(p.title) for p in plans]
    parts = (("Done", "#3a9d5d", [p.done for p in plans]),
             ("Open", "#9aa5b1", [p.total - p.done - p.overdue for p in plans]),
             ("Overdue", "#c0392b", [p.overdue for p in plans]))
    data = [{"type": "bar", "orientation": "h", "name": name, "y": titles, "x": values, "marker": {"color": colour},
             "hovertemplate": f"%{{y}}: %{{x}} {name.lower()}<extra></extra>"}
            for name, colour, values in parts if any(values)]
    late = [p for p in plans if p.overdue]
    summary = (f"{len(plans)} plan{'s' if len(plans) != 1 else ''} under way, "
               f"{len(late)} with overdue commitments" + (f" ({', '.join(p.title for p in late[:3])}"
                                                          f"{' …' if len(late) > 3 else ''})" if late else "") + ".")
    rows = [[p.title, p.total, p.done, p.overdue, round(100 * p.on_time / p.done) if p.done else ""] for p in plans]
    return Chart("plans", "Commitments of the plans under way", summary,
                 {"data": data, "layout": {"barmode": "stack", "height": 120 + 28 * max(len(plans), 1),
                                           "margin": {"t": 10, "r": 10, "b": 30, "l": 220},
                                           "legend": {"orientation": "h", "y": 1.15},
                                           "yaxis": {"automargin": True, "autorange": "reversed"}}},
                 ["Plan", "Commitments", "Done", "Overdue", "Done on time (%)"], rows)


def objective_trend(*, kpi: str, unit: str, baseline: tuple | None, measurements: list[tuple],
                    target: tuple | None, projected: tuple | None = None) -> Chart:
    """An objective's KPI from its baseline through its measurements (date, value, source) to its target, with
    the trend carried to the target date (each point a (date, value) pair)."""
    data = []
    if baseline:
        data.append({"type": "scatter", "mode": "markers", "name": "Baseline", "x": [str(baseline[0])],
                     "y": [baseline[1]], "marker": {"color": "#9aa5b1", "size": 10}})
    if measurements:
        data.append({"type": "scatter", "mode": "lines+markers", "name": "Measured",
                     "x": [str(day) for day, _, _ in measurements], "y": [value for _, value, _ in measurements],
                     "text": [as_text(source) for _, _, source in measurements],
                     "hovertemplate": "%{x}: %{y} (%{text})<extra></extra>", "line": {"color": "#3b7dd8"}})
    if projected and measurements:
        last_day, last_value, _ = measurements[-1]
        data.append({"type": "scatter", "mode": "lines", "name": "Trend", "x": [str(last_day), str(projected[0])],
                     "y": [last_value, projected[1]], "line": {"color": "#3b7dd8", "dash": "dot"}})
    if target:
        data.append({"type": "scatter", "mode": "markers", "name": "Target", "x": [str(target[0])],
                     "y": [target[1]], "marker": {"color": "#1f6b3a", "size": 12, "symbol": "star"}})
    measure = kpi + (f" ({unit})" if unit else "")
    summary = (f"{len(measurements)} measurement{'s' if len(measurements) != 1 else ''} of {kpi}"
               + (f", the latest {measurements[-1][1]:g} on {measurements[-1][0]}" if measurements else "")
               + (f"; baseline {baseline[1]:g}" if baseline else "")
               + (f"; target {target[1]:g} by {target[0]}" if target else "") + ".")
    rows = ([[str(baseline[0]), baseline[1], "Baseline"]] if baseline else []) + \
        [[str(day), value, source] for day, value, source in measurements] + \
        ([[str(target[0]), target[1], "Target"]] if target else [])
    return Chart("objective", "Baseline, measurements and target", summary,
                 {"data": data, "layout": {"margin": {"t": 10, "r": 10, "b": 40, "l": 50}, "height": 300,
                                           "xaxis": {"type": "date"}, "yaxis": {"title": {"text": as_text(measure)}},
                                           "legend": {"orientation": "h", "y": 1.15}}},
                 ["Date", "Value", "Where it came from"], rows)
