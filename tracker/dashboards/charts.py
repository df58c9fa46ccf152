"""Chart builders: plain data in, a Plotly figure (as JSON-ready dicts) out, with the same data as a table and a
sentence for screen readers. No database here, so each is tested on plain data (empty, one item, hostile labels).

Labels people typed are drawn as text: Plotly reads a few HTML-like tags in labels, so `<`, `>` and `&` are
passed as entities, which it shows as the characters themselves.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from tracker.deployments.models import RowStatus

# Above the plot, left-aligned, never over the bars (the layouts leave it room at the top).
LEGEND = {"orientation": "h", "x": 0, "y": 1, "yanchor": "bottom"}

# One colour per deployment status, from not begun (grey) to verified (deep green).
STATUS_COLOURS = {RowStatus.NOT_STARTED: "#9aa5b1", RowStatus.PLANNED: "#e0b341", RowStatus.IN_PROGRESS: "#3b7dd8",
                  RowStatus.DEPLOYED: "#3a9d5d", RowStatus.VERIFIED: "#1f6b3a", RowStatus.NOT_APPLICABLE: "#d5d9de"}
DONE = (RowStatus.DEPLOYED, RowStatus.VERIFIED)


def as_text(label: str) -> str:
    """A label Plotly draws as the characters typed, not as markup."""
    return label.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Link(str):
    """A table cell that links somewhere (the text in a CSV)."""
    url: str

    def __new__(cls, text: str, url: str) -> "Link":
        link = super().__new__(cls, text)
        link.url = url
        return link


@dataclass(frozen=True)
class Chart:
    key: str  # names the chart's element ids and its CSV
    title: str
    summary: str  # what it shows, in a sentence (for screen readers, and above the data table)
    figure: dict  # {"data": [...], "layout": {...}}
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    paging: tuple[int, int] | None = None  # (this page, pages) when the chart shows a page of its items


@dataclass(frozen=True)
class ProjectProgress:
    """One project's current deployment rows, counted by status."""
    project_id: int
    code: str
    name: str
    counts: dict[RowStatus, int]

    @cached_property
    def applicable(self) -> int:
        return sum(n for status, n in self.counts.items() if status != RowStatus.NOT_APPLICABLE)

    @cached_property
    def done(self) -> int:
        return sum(self.counts.get(status, 0) for status in DONE)

    @cached_property
    def completeness(self) -> float:
        """The share of its applicable rows deployed or verified (1.0 when none apply: nothing is missing)."""
        return self.done / self.applicable if self.applicable else 1.0


SORTS = {"code": "project code", "completeness": "least complete first"}


@dataclass(frozen=True)
class Progress:
    """A page of projects' deployment progress, in the order asked, and what holds over every page."""
    projects: list[ProjectProgress]
    total: int  # projects matching, over every page
    complete: int  # of those, with every applicable asset deployed or verified
    least: tuple[str, float] | None  # the least complete: (code, completeness)
    page: int = 1
    pages: int = 1


def deployment_by_project(progress: Progress, *, title: str = "Deployment status of each project") -> Chart:
    """One bar per project of the page, in its order, stacked by row status."""
    projects = progress.projects
    codes = [as_text(p.code) for p in projects]
    data = [{"type": "bar", "name": status.label, "x": codes, "y": [p.counts.get(status, 0) for p in projects],
             "marker": {"color": STATUS_COLOURS[status]},
             "hovertemplate": f"%{{x}}: %{{y}} {status.label.lower()}<extra></extra>"}
            for status in RowStatus if any(p.counts.get(status) for p in projects)]
    layout = {"barmode": "stack", "margin": {"t": 34, "r": 10, "b": 80, "l": 40}, "height": 360,
              "xaxis": {"type": "category", "tickangle": -45}, "yaxis": {"title": {"text": "Asset versions"}},
              "legend": LEGEND, "showlegend": True}
    if progress.total == 1 and len(projects) == 1:  # one project's own chart
        only = projects[0]
        summary = (f"{only.code}: {only.done} of {only.applicable} applicable asset versions deployed or verified "
                   f"({round(only.completeness * 100)} %).")
    else:
        shown = f" (this page: {len(projects)})" if progress.pages > 1 else ""
        summary = (f"{_plural(progress.total, 'project')}{shown}: {progress.complete} with every applicable asset "
                   f"deployed or verified"
                   + (f"; least complete {progress.least[0]} at {round(progress.least[1] * 100)} %"
                      if progress.least else "") + ".")
    columns = ["Project", "Name", *[status.label for status in RowStatus], "Complete (%)"]
    rows = [[p.code, p.name, *[p.counts.get(status, 0) for status in RowStatus], round(p.completeness * 100)]
            for p in projects]
    return Chart("deployment", title, summary, {"data": data, "layout": layout}, columns, rows,
                 paging=(progress.page, progress.pages) if progress.pages > 1 else None)


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
                 {"data": data, "layout": {"margin": {"t": 34, "r": 10, "b": 10, "l": 10}, "height": 380}},
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
                 {"data": data, "layout": {"barmode": "stack", "margin": {"t": 34, "r": 10, "b": 40, "l": 40},
                                           "height": 320, "legend": LEGEND,
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
                                           "margin": {"t": 34, "r": 10, "b": 30, "l": 220},
                                           "legend": LEGEND,
                                           "yaxis": {"automargin": True, "autorange": "reversed"}}},
                 ["Plan", "Commitments", "Done", "Overdue", "Done on time (%)"], rows)


def objective_trend(*, kpi: str, unit: str, baseline: tuple | None, measurements: list[tuple],
                    target: tuple | None, trend: tuple | None = None) -> Chart:
    """An objective's KPI from its baseline through its measurements (date, value, source) to its target, with
    the fitted trend line carried to the target date (each point a (date, value) pair)."""
    data = []
    if baseline:
        data.append({"type": "scatter", "mode": "markers", "name": "Baseline", "x": [str(baseline[0])],
                     "y": [baseline[1]], "marker": {"color": "#9aa5b1", "size": 10}})
    if measurements:
        data.append({"type": "scatter", "mode": "lines+markers", "name": "Measured",
                     "x": [str(day) for day, _, _ in measurements], "y": [value for _, value, _ in measurements],
                     "text": [as_text(source) for _, _, source in measurements],
                     "hovertemplate": "%{x}: %{y} (%{text})<extra></extra>", "line": {"color": "#3b7dd8"}})
    if trend and measurements:
        (start_day, start_value), (end_day, end_value) = trend
        data.append({"type": "scatter", "mode": "lines", "name": "Trend", "x": [str(start_day), str(end_day)],
                     "y": [round(start_value, 3), round(end_value, 3)], "line": {"color": "#3b7dd8", "dash": "dot"},
                     "hovertemplate": "Trend: %{y} on %{x}<extra></extra>"})
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
                 {"data": data, "layout": {"margin": {"t": 34, "r": 10, "b": 40, "l": 50}, "height": 300,
                                           "xaxis": {"type": "date"}, "yaxis": {"title": {"text": as_text(measure)}},
                                           "legend": LEGEND}},
                 ["Date", "Value", "Where it came from"], rows)


@dataclass(frozen=True)
class Heatmap:
    projects: list[tuple[int, str]]  # (id, code) of this page
    assets: list[tuple[int, str, bool]]  # (id, title, needs review)
    cells: dict[tuple[int, int], tuple]  # (project id, asset id) -> (status, drift, deployment id, row id)
    total: int  # projects matching, over every page
    page: int = 1
    pages: int = 1


@dataclass(frozen=True)
class Adoption:
    """One asset's S-curve: projects deployed and verified by date, out of those it applies to."""
    title: str
    applicable: int
    deployed: list[tuple[date, int]]  # (day, projects deployed by then)
    verified: list[tuple[date, int]]
    median_to_deployed: float | None  # days from a version's release to a project deploying it
    median_to_verified: float | None


@dataclass(frozen=True)
class PlanSpan:
    title: str
    status: str
    planned: tuple[date, date]
    actual: tuple[date, date] | None  # from going under way to completion (or today while under way)
    late: bool  # past its planned end, or completed after it


@dataclass(frozen=True)
class Ratings:
    appraisals: list[tuple[int, str, date]]  # (id, title, completed on), oldest first
    areas: list[tuple[int, str]]  # (id, code) of the areas rated
    values: dict[tuple[int, int], tuple]  # (area id, appraisal id) -> (rating, capability level)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def deployment_heatmap(h: Heatmap, *, row_url: Callable[[int, int], str]) -> Chart:
    """Projects (rows) x assets (columns), each cell its current status; an older version than the asset's current
    release is ringed; an asset that needs review says so in its column. A cell links to its status row."""
    statuses = list(RowStatus)
    index = {status: n for n, status in enumerate(statuses)}
    label = {status: status.label for status in statuses}
    codes = [as_text(code) for _, code in h.projects]
    titles = [as_text(title) + (" (needs review)" if due else "") for _, title, due in h.assets]
    z, text, links, rows, drift = [], [], [], [], []
    for p, (project_id, code) in enumerate(h.projects):  # one pass over the grid: thousands of cells
        z_row, text_row, link_row = [], [], []
        for a, (asset_id, title, due) in enumerate(h.assets):
            cell = h.cells.get((project_id, asset_id))
            if cell is None:
                z_row.append(None)
                text_row.append("no row")
                link_row.append("")
                continue
            status, older, deployment_id, row_id = cell
            link = row_url(deployment_id, row_id)
            z_row.append(index[status])
            text_row.append(label[status] + (" · older version" if older else ""))
            link_row.append(link)
            rows.append([Link(code, link), title, label[status], "yes" if older else "", "yes" if due else ""])
            if older:
                drift.append((titles[a], codes[p]))
        z.append(z_row)
        text.append(text_row)
        links.append(link_row)
    n = len(statuses)
    scale = [stop for k, status in enumerate(statuses)
             for stop in ([k / n, STATUS_COLOURS[status]], [(k + 1) / n, STATUS_COLOURS[status]])]
    data = [{"type": "heatmap", "x": titles, "y": codes, "z": z, "text": text, "customdata": links,
             "zmin": -0.5, "zmax": n - 0.5, "colorscale": scale, "showscale": False, "xgap": 2, "ygap": 2,
             "hovertemplate": "%{y} · %{x}: %{text}<extra></extra>"}] if h.projects and h.assets else []
    if data:  # a heatmap has no legend of its own: one entry per status shown, and the ring
        data += [{"type": "scatter", "mode": "markers", "name": label[status], "x": [None], "y": [None],
                  "hoverinfo": "skip", "marker": {"symbol": "square", "size": 12, "color": STATUS_COLOURS[status]}}
                 for status in statuses if any(cell[0] == status for cell in h.cells.values())]
    if drift and data:
        data.append({"type": "scatter", "mode": "markers", "name": "On an older version", "x": [x for x, _ in drift],
                     "y": [y for _, y in drift], "hoverinfo": "skip",
                     "marker": {"symbol": "circle-open", "size": 14, "color": "#c0392b", "line": {"width": 2}}})
    counted = dict.fromkeys(statuses, 0)
    for cell in h.cells.values():
        counted[cell[0]] += 1
    shown = ", ".join(f"{counted[s]} {s.label.lower()}" for s in statuses if counted[s])
    summary = (f"{_plural(len(h.projects), 'project')} of {h.total} by {_plural(len(h.assets), 'asset')}"
               + (f": {shown}; {_plural(len(drift), 'cell')} on an older version; "
                  f"{_plural(sum(1 for *_, due in h.assets if due), 'asset')} needing review." if shown else "."))
    return Chart("heatmap", "Deployment status: projects × assets", summary,
                 {"data": data, "layout": {"height": 190 + 22 * max(len(h.projects), 1),
                                           "margin": {"t": 40, "r": 10, "b": 40, "l": 90},
                                           "xaxis": {"type": "category", "tickangle": -30, "automargin": True},
                                           "yaxis": {"type": "category", "autorange": "reversed"},
                                           "legend": LEGEND}},
                 ["Project", "Asset", "Status", "Older version", "Asset needs review"], rows,
                 paging=(h.page, h.pages) if h.pages > 1 else None)


def adoption_curves(curves: list[Adoption], *, today: date, since: date | None = None,
                    until: date | None = None) -> Chart:
    """Per asset, the share of the projects it applies to that have deployed its current release (solid) and
    verified it (dotted) by each date: S-curves, comparable on one chart, each carried to today."""
    end = until or today
    palette = ("#3b7dd8", "#c0392b", "#3a9d5d", "#8e44ad", "#e0b341", "#16a085")
    data = []
    for n, curve in enumerate(curves):
        for stage, points, dash in (("deployed", curve.deployed, "solid"), ("verified", curve.verified, "dot")):
            if points and curve.applicable:
                if points[-1][0] < end:
                    points = [*points, (end, points[-1][1])]
                data.append({"type": "scatter", "mode": "lines", "line": {"shape": "hv", "dash": dash,
                                                                         "color": palette[n % len(palette)]},
                             "name": f"{as_text(curve.title)} {stage}", "x": [str(day) for day, _ in points],
                             "y": [round(100 * count / curve.applicable, 1) for _, count in points],
                             "hovertemplate": f"%{{x}}: %{{y}} % {stage}<extra>{as_text(curve.title)}</extra>"})

    def days(value: float | None) -> str:
        return "" if value is None else f"{value:g}"
    summary = "; ".join(
        f"{c.title}: {round(100 * (c.deployed[-1][1] if c.deployed else 0) / c.applicable) if c.applicable else 0} % "
        f"of {_plural(c.applicable, 'project')} deployed"
        + (f", median {days(c.median_to_deployed)} days from release" if c.median_to_deployed is not None else "")
        for c in curves) + "." if curves else "No asset has a deployment row yet."
    xaxis = {"type": "date"} | ({"range": [str(since or ""), str(until or "")]} if since and until else {})
    rows = [[c.title, c.applicable, c.deployed[-1][1] if c.deployed else 0, c.verified[-1][1] if c.verified else 0,
             days(c.median_to_deployed), days(c.median_to_verified)] for c in curves]
    return Chart("adoption", "Adoption over time", summary,
                 {"data": data, "layout": {"height": 360, "margin": {"t": 34, "r": 10, "b": 40, "l": 50},
                                           "xaxis": xaxis, "yaxis": {"title": {"text": "% of applicable projects"},
                                                                     "range": [0, 105]},
                                           "legend": {"orientation": "h", "y": -0.2}}},
                 ["Asset", "Applicable projects", "Deployed", "Verified", "Median days release → deployed",
                  "Median days release → verified"], rows)


THROUGHPUT = (("submitted", "Submitted", "#9ecae1"), ("decided", "Decided", "#4292c6"),
              ("deployed", "Deployed", "#3a9d5d"))


def monthly_throughput(months: dict[str, dict[str, int]]) -> Chart:
    """Per month: proposals submitted, decided, and first deployed (grouped bars)."""
    labels = list(months)
    data = [{"type": "bar", "name": label, "x": labels, "y": [months[m][key] for m in labels],
             "marker": {"color": colour}, "hovertemplate": f"%{{x}}: %{{y}} {label.lower()}<extra></extra>"}
            for key, label, colour in THROUGHPUT] if any(any(v.values()) for v in months.values()) else []
    totals = {key: sum(v[key] for v in months.values()) for key, _, _ in THROUGHPUT}
    summary = (f"From {labels[0]} to {labels[-1]}: " if labels else "") + \
        f"{totals['submitted']} submitted, {totals['decided']} decided, {totals['deployed']} first deployed."
    return Chart("throughput", "Monthly throughput", summary,
                 {"data": data, "layout": {"barmode": "group", "height": 320,
                                           "margin": {"t": 34, "r": 10, "b": 40, "l": 40},
                                           "xaxis": {"type": "category"}, "yaxis": {"title": {"text": "Proposals"}},
                                           "legend": LEGEND}},
                 ["Month", *[label for _, label, _ in THROUGHPUT]],
                 [[m, *[months[m][key] for key, _, _ in THROUGHPUT]] for m in labels] if data else [])


LEAD_TIMES = ("under 30 days", "30 to 90 days", "90 to 180 days", "180 to 365 days", "over a year")


def lead_time(counts: list[int], median_days: float | None) -> Chart:
    """Proposals by days from submission to their first deployment."""
    data = [{"type": "bar", "x": list(LEAD_TIMES), "y": counts, "marker": {"color": "#4292c6"},
             "hovertemplate": "%{x}: %{y} proposals<extra></extra>"}] if any(counts) else []
    total = sum(counts)
    summary = f"{_plural(total, 'proposal')} first deployed" + (
        f"; median {median_days:g} days from submission." if median_days is not None else ".")
    return Chart("lead-time", "Lead time from submission to first deployment", summary,
                 {"data": data, "layout": {"height": 300, "margin": {"t": 34, "r": 10, "b": 40, "l": 40},
                                           "xaxis": {"type": "category"}, "yaxis": {"title": {"text": "Proposals"}}}},
                 ["Lead time", "Proposals"], [[label, n] for label, n in zip(LEAD_TIMES, counts, strict=True)] if data else [])


def plans_timeline(spans: list[PlanSpan]) -> Chart:
    """Each plan's planned span (light) and actual span (dark; red when late), as a Gantt chart."""
    def bars(name, colour, items):
        return {"type": "bar", "orientation": "h", "name": name, "marker": {"color": colour},
                "y": [as_text(title) for title, _, _ in items],
                "base": [str(start) for _, start, _ in items],
                "x": [((end - start).days + 1) * 86_400_000 for _, start, end in items],
                "customdata": [f"{start} – {end}" for _, start, end in items],
                "hovertemplate": f"%{{y}}: {name.lower()} %{{customdata}}<extra></extra>"}
    planned = [(s.title, *s.planned) for s in spans]
    on_time = [(s.title, *s.actual) for s in spans if s.actual and not s.late]
    late = [(s.title, *s.actual) for s in spans if s.actual and s.late]
    data = [bars(name, colour, items) for name, colour, items in (
        ("Planned", "#c6dbef", planned), ("Actual", "#3a9d5d", on_time), ("Actual, late", "#c0392b", late))
        if items]
    summary = (f"{_plural(len(spans), 'plan')}: {sum(1 for s in spans if s.actual)} under way or done, "
               f"{sum(1 for s in spans if s.late)} past their planned end.")
    rows = [[s.title, s.status, str(s.planned[0]), str(s.planned[1]), str(s.actual[0]) if s.actual else "",
             str(s.actual[1]) if s.actual else "", "yes" if s.late else ""] for s in spans]
    return Chart("timeline", "Action plans: planned against actual", summary,
                 {"data": data, "layout": {"barmode": "overlay", "height": 120 + 30 * max(len(spans), 1),
                                           "margin": {"t": 34, "r": 10, "b": 30, "l": 220},
                                           "xaxis": {"type": "date"}, "yaxis": {"type": "category", "automargin": True},
                                           "legend": LEGEND}},
                 ["Plan", "Status", "Planned start", "Planned end", "Started", "Completed (or today)", "Late"], rows)


def overdue_owners(rows: list[tuple[str, int, int]]) -> Chart:
    """Overdue commitments and noncompliances per owner, most first."""
    names = [as_text(name) for name, _, _ in rows]
    data = [{"type": "bar", "orientation": "h", "name": label, "y": names, "x": [r[n] for r in rows],
             "marker": {"color": colour}, "hovertemplate": f"%{{y}}: %{{x}} {label.lower()}<extra></extra>"}
            for n, label, colour in ((1, "Overdue commitments", "#c0392b"),
                                     (2, "Overdue noncompliances", "#e0b341")) if any(r[n] for r in rows)]
    summary = (f"{_plural(sum(r[1] for r in rows), 'overdue commitment')} and "
               f"{_plural(sum(r[2] for r in rows), 'overdue noncompliance')}, held by "
               f"{len(rows)} {'person' if len(rows) == 1 else 'people'}.") if rows else "Nothing is overdue."
    return Chart("overdue", "Overdue work by owner", summary,
                 {"data": data, "layout": {"barmode": "stack", "height": 120 + 28 * max(len(rows), 1),
                                           "margin": {"t": 34, "r": 10, "b": 30, "l": 160},
                                           "yaxis": {"autorange": "reversed", "automargin": True},
                                           "legend": LEGEND}},
                 ["Owner", "Overdue commitments", "Overdue noncompliances"], [list(r) for r in rows])


def pilot_decisions(counts: dict[str, int]) -> Chart:
    """Pilots by their decision, and those still to decide."""
    labels = sorted(counts, key=lambda label: (label.startswith("Not decided"), label))
    data = [{"type": "bar", "x": [as_text(label) for label in labels], "y": [counts[label] for label in labels],
             "marker": {"color": ["#9aa5b1" if label.startswith("Not decided") else "#3b7dd8" for label in labels]},
             "hovertemplate": "%{x}: %{y}<extra></extra>"}] if labels else []
    decided = sum(n for label, n in counts.items() if not label.startswith("Not decided"))
    summary = f"{_plural(sum(counts.values()), 'pilot')}, {decided} decided" + (
        ": " + ", ".join(f"{counts[label]} {label.lower()}" for label in labels if not label.startswith("Not"))
        if decided else "") + "."
    return Chart("pilots", "Pilots by decision", summary,
                 {"data": data, "layout": {"height": 300, "margin": {"t": 34, "r": 10, "b": 80, "l": 40},
                                           "xaxis": {"type": "category"}, "yaxis": {"title": {"text": "Pilots"}}}},
                 ["Decision", "Pilots"], [[label, counts[label]] for label in labels])


def tailoring_hot_spots(rows: list[tuple[str, str, int, int]]) -> Chart:
    """The most tailored elements of the assets: where the standard process fits projects least."""
    labels = [as_text(f"{asset} — {element}") for asset, element, _, _ in rows]
    data = [{"type": "bar", "orientation": "h", "y": labels, "x": [n for *_, n, _ in rows],
             "customdata": [projects for *_, projects in rows], "marker": {"color": "#8e44ad"},
             "hovertemplate": "%{y}: %{x} records on %{customdata} projects<extra></extra>"}] if rows else []
    summary = (f"The most tailored: {rows[0][0]} — {rows[0][1]} ({_plural(rows[0][2], 'record')} on "
               f"{_plural(rows[0][3], 'project')}).") if rows else "No tailoring recorded."
    return Chart("tailoring", "Tailoring hot spots", summary,
                 {"data": data, "layout": {"height": 120 + 28 * max(len(rows), 1),
                                           "margin": {"t": 34, "r": 10, "b": 30, "l": 260},
                                           "yaxis": {"autorange": "reversed", "automargin": True}}},
                 ["Asset", "Element", "Tailoring records", "Projects"], [list(r) for r in rows])


RESULT_COLOURS = {"compliant": "#3a9d5d", "partially": "#e0b341", "non_compliant": "#c0392b"}


def _compliance(key: str, title: str, counted: dict, axis: str, results, *, horizontal: bool) -> Chart:
    groups = list(counted)
    shown = [as_text(g) for g in groups]
    data = [{"type": "bar", "name": result.label, "marker": {"color": RESULT_COLOURS[result.value]},
             **({"orientation": "h", "y": shown, "x": [counted[g].get(result, 0) for g in groups]} if horizontal
                else {"x": shown, "y": [counted[g].get(result, 0) for g in groups]}),
             "hovertemplate": f"%{{{'y' if horizontal else 'x'}}}: %{{{'x' if horizontal else 'y'}}} "
                              f"{result.label.lower()}<extra></extra>"}
            for result in results if any(counted[g].get(result) for g in groups)]
    total = sum(sum(v.values()) for v in counted.values())
    compliant = sum(v.get(results[0], 0) for v in counted.values())
    summary = (f"{_plural(total, 'audit result')}, {round(100 * compliant / total)} % compliant." if total
               else "No completed audit in these filters.")
    return Chart(key, title, summary,
                 {"data": data, "layout": {"barmode": "stack", "margin": {"t": 34, "r": 10, "b": 40,
                                                                         "l": 200 if horizontal else 40},
                                           "height": 120 + 28 * max(len(groups), 1) if horizontal else 300,
                                           ("yaxis" if horizontal else "xaxis"): {"type": "category",
                                                                                  "automargin": True},
                                           "legend": LEGEND}},
                 [axis, *[result.label for result in results]],
                 [[g, *[counted[g].get(result, 0) for result in results]] for g in groups])


def compliance_by_month(counted: dict, results) -> Chart:
    """Completed audits' results per month (stacked: compliant, partially, non-compliant)."""
    return _compliance("compliance-time", "Compliance results over time", counted, "Month", results,
                       horizontal=False)


def compliance_per_asset(counted: dict, results) -> Chart:
    """Completed audits' results per asset."""
    return _compliance("compliance-assets", "Compliance results per asset", counted, "Asset", results,
                       horizontal=True)


def compliance_per_project(counted: dict, results) -> Chart:
    """Completed audits' results per project (the most audited)."""
    return _compliance("compliance-projects", "Compliance results per project", counted, "Project", results,
                       horizontal=True)


def lessons(counted: dict[tuple, int], statuses, polarities) -> Chart:
    """Lessons by status (in the loop's order), stacked by what kind of lesson they are."""
    shown = [s for s in statuses if any(counted.get((s, p)) for p in polarities)]
    colours = ("#3a9d5d", "#c0392b", "#9aa5b1", "#4292c6")
    data = [{"type": "bar", "name": p.label, "x": [s.label for s in shown], "y": [counted.get((s, p), 0) for s in shown],
             "marker": {"color": colours[n % len(colours)]},
             "hovertemplate": f"%{{x}}: %{{y}} {p.label.lower()}<extra></extra>"}
            for n, p in enumerate(polarities) if any(counted.get((s, p)) for s in shown)]
    total = sum(counted.values())
    new = sum(n for (s, _), n in counted.items() if s == statuses[0])
    summary = f"{_plural(total, 'lesson')}, {new} not reviewed yet." if total else "No lessons in these filters."
    return Chart("lessons", "Lessons by status", summary,
                 {"data": data, "layout": {"barmode": "stack", "height": 300,
                                           "margin": {"t": 34, "r": 10, "b": 40, "l": 40},
                                           "xaxis": {"type": "category"}, "legend": LEGEND}},
                 ["Status", *[p.label for p in polarities]],
                 [[s.label, *[counted.get((s, p), 0) for p in polarities]] for s in shown])


def appraisal_ratings(r: Ratings, values) -> Chart:
    """Each process area's rating in each completed appraisal that rates (columns in date order), with capability
    levels; a process area an appraisal did not rate says so."""
    order = list(values)  # satisfied ... not rated
    colours = ("#1f6b3a", "#e0b341", "#c0392b", "#d5d9de")
    titles = [as_text(f"{title} ({day})") for _, title, day in r.appraisals]
    z, text = [], []
    for area_id, _ in r.areas:
        cells = [r.values.get((area_id, appraisal_id)) for appraisal_id, _, _ in r.appraisals]
        z.append([order.index(c[0]) if c else None for c in cells])
        text.append([(c[0].label + (f", CL {c[1]}" if c[1] is not None else "")) if c else "no rating"
                     for c in cells])
    n = len(order)
    scale = [stop for k in range(n) for stop in ([k / n, colours[k]], [(k + 1) / n, colours[k]])]
    data = [{"type": "heatmap", "x": titles, "y": [code for _, code in r.areas], "z": z, "text": text,
             "texttemplate": "%{text}", "zmin": -0.5, "zmax": n - 0.5, "colorscale": scale, "showscale": False,
             "xgap": 2, "ygap": 2, "hovertemplate": "%{y} in %{x}: %{text}<extra></extra>"}] if r.areas else []
    latest = r.appraisals[-1][0] if r.appraisals else None
    satisfied = sum(1 for (area, appraisal), c in r.values.items() if appraisal == latest and c[0] == order[0])
    rated = sum(1 for (area, appraisal), c in r.values.items() if appraisal == latest)
    summary = (f"{_plural(len(r.areas), 'process area')} rated in {_plural(len(r.appraisals), 'completed appraisal')};"
               f" in the latest, {satisfied} of {rated} satisfied.") if r.areas else "No ratings recorded yet."
    rows = [[code, title, str(day), r.values[(area_id, appraisal_id)][0].label,
             "" if r.values[(area_id, appraisal_id)][1] is None else r.values[(area_id, appraisal_id)][1]]
            for area_id, code in r.areas for appraisal_id, title, day in r.appraisals
            if (area_id, appraisal_id) in r.values]
    return Chart("ratings", "Process area ratings across appraisals", summary,
                 {"data": data, "layout": {"height": 140 + 26 * max(len(r.areas), 1),
                                           "margin": {"t": 34, "r": 10, "b": 80, "l": 70},
                                           "xaxis": {"type": "category"},
                                           "yaxis": {"type": "category", "autorange": "reversed"}}},
                 ["Process area", "Appraisal", "Completed on", "Rating", "Capability level"], rows)


@dataclass(frozen=True)
class ObjectiveProgress:
    name: str
    state: str  # its label: On track, At risk, ...
    tone: str  # the state's value, for its colour
    share: float | None  # of the way from baseline to target made by the latest measurement


STATE_COLOURS = {"on_track": "#3a9d5d", "at_risk": "#e0b341", "off_track": "#c0392b", "not_measured": "#9aa5b1",
                 "no_target": "#9aa5b1"}


def objectives_progress(items: list[ObjectiveProgress]) -> Chart:
    """How far each objective has come from its baseline to its target, coloured by whether it is on track."""
    data = [{"type": "bar", "orientation": "h", "y": [as_text(o.name) for o in items],
             "x": [round(100 * o.share) if o.share is not None else 0 for o in items],
             "text": [o.state for o in items], "textposition": "auto",
             "marker": {"color": [STATE_COLOURS[o.tone] for o in items]},
             "hovertemplate": "%{y}: %{x} % of the way (%{text})<extra></extra>"}] if items else []
    counted = {}
    for o in items:
        counted[o.state] = counted.get(o.state, 0) + 1
    summary = (f"{_plural(len(items), 'objective')}: " + ", ".join(f"{n} {state.lower()}"
                                                                for state, n in counted.items()) + ".") \
        if items else "No active objectives."
    return Chart("objectives", "Objectives: the way from baseline to target", summary,
                 {"data": data, "layout": {"height": 120 + 34 * max(len(items), 1),
                                           "margin": {"t": 34, "r": 10, "b": 40, "l": 220},
                                           "xaxis": {"title": {"text": "% of the way from baseline to target"},
                                                     "range": [min([0, *[round(100 * (o.share or 0)) for o in items]]),
                                                               max([100, *[round(100 * (o.share or 0)) for o in items]])]},
                                           "yaxis": {"autorange": "reversed", "automargin": True}}},
                 ["Objective", "State", "Share of the way made (%)"],
                 [[o.name, o.state, "" if o.share is None else round(100 * o.share)] for o in items])
