"""A synthetic organization of any size, for benchmarks: `flask --app tracker synth --scale N`.

Scale 1 is an enterprise's worth of improvement work: 500 projects, 80 process assets with their versions,
40,000 deployment status rows, 20,000 proposals with their comments, 2,000 action plans with 30,000
commitments, 10,000 tailoring records, 5,000 lessons, 1,000 compliance audits and 200 appraisals, about
1,000 people, history rows for every record, and the reminders the real sweep makes of it. Every count
scales with N (at least one of each).

It is deterministic: the same scale, seed and anchor day give the same rows. Dates spread over the three
years before the anchor (today unless given), statuses in the proportions a working organization has
(most work done, some under way, a little overdue). Rows go in with bulk inserts, table by table in key
order, ids assigned here; the deployment flags and tallies are then set by the same functions the app uses
(`mark_current`, `recount`), and the reminders by the scheduler's own sweep.
"""

import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, select

from tracker.action_plans.models import (
    ActionPlan,
    Commitment,
    CommitmentStatus,
    IssueStatus,
    JointReview,
    PlanIssue,
    PlanObjective,
    PlanProposal,
    PlanReview,
    PlanStatus,
    TeamMember,
    Verdict,
)
from tracker.appraisals.models import (
    Appraisal,
    AppraisalArea,
    AppraisalProject,
    AppraisalStatus,
    Finding,
    FindingKind,
    Method,
    Rating,
    RatingValue,
    ReferenceModel,
)
from tracker.assets.models import (
    AssetArea,
    AssetKind,
    AssetVersion,
    Capacity,
    ProcessAsset,
    VersionApproval,
    VersionStatus,
)
from tracker.auth.models import User, UserRole
from tracker.auth.passwords import hash_password
from tracker.auth.roles import Role
from tracker.compliance.models import (
    AuditResult,
    AuditStatus,
    Compliance,
    ComplianceAudit,
    Noncompliance,
    NoncomplianceStatus,
)
from tracker.db import refresh_statistics, utcnow
from tracker.deployments.models import Deployment, DeploymentVersion, ProjectDeployment, RowStatus
from tracker.deployments.status import mark_current
from tracker.history.models import AuditEvent
from tracker.lessons.models import AssetFeedback, Lesson, LessonStatus, Polarity
from tracker.objectives.models import BusinessObjective, Measurement
from tracker.pilots.models import Pilot, PilotAssetVersion, PilotDecision, PilotProject, PilotStatus
from tracker.process_areas.models import ProcessArea
from tracker.projects.models import Phase, Project, ProjectLead, ProjectStatus
from tracker.proposals.models import (
    Proposal,
    ProposalArea,
    ProposalComment,
    ProposalObjective,
    ProposalSource,
    ProposalStatus,
)
from tracker.proposals.priority import current_weights, priority_score
from tracker.reminders.sweep import sweep
from tracker.reviews.models import MeetingStatus, ReviewAttendee, ReviewMeeting
from tracker.tailoring.models import TailoringRecord, TailoringStatus, TailoringType

SYNTH_PASSWORD = "synth-password"
SYNTH_LOGINS = [("admin@synth.example", "admin"), ("sepg@synth.example", "process_group"),
                ("steering@synth.example", "steering"), ("lead@synth.example", "project_lead"),
                ("member@synth.example", "member")]
CHUNK = 5000  # rows per INSERT batch


@dataclass(frozen=True)
class Sizes:
    """How many of each record scale 1 has."""

    people: int = 1000
    projects: int = 500
    assets: int = 80
    objectives: int = 30
    proposals: int = 20_000
    comments: int = 40_000
    plans: int = 2_000
    commitments: int = 30_000
    pilots: int = 400
    deployments: int = 40
    status_rows: int = 40_000
    tailoring: int = 10_000
    lessons: int = 5_000
    audits: int = 1_000
    appraisals: int = 200
    reviews: int = 24  # steering reviews, one a month; the last one planned

    def scaled(self, scale: float) -> "Sizes":
        sized = replace(self, **{f.name: max(1, round(getattr(self, f.name) * scale)) for f in fields(self)})
        # Enough people to staff a plan, and enough roll-outs to give each project its 80 status rows, at any scale.
        return replace(sized, people=max(20, sized.people), deployments=max(40, sized.deployments))


# Status spreads: (status, weight). A working organization: most work done, some under way, a little stuck.
PROPOSALS = [(ProposalStatus.SUBMITTED, 12), (ProposalStatus.UNDER_REVIEW, 8), (ProposalStatus.ESCALATED, 2),
             (ProposalStatus.ACCEPTED, 8), (ProposalStatus.REJECTED, 12), (ProposalStatus.DEFERRED, 5),
             (ProposalStatus.PLANNED, 15), (ProposalStatus.IMPLEMENTED, 15), (ProposalStatus.CLOSED, 20),
             (ProposalStatus.DUPLICATE, 3)]
PLANS = [(PlanStatus.DRAFT, 8), (PlanStatus.IN_REVIEW, 5), (PlanStatus.APPROVED, 7), (PlanStatus.IN_PROGRESS, 25),
         (PlanStatus.COMPLETED, 50), (PlanStatus.CANCELLED, 5)]
ROWS = [(RowStatus.NOT_STARTED, 25), (RowStatus.PLANNED, 35), (RowStatus.IN_PROGRESS, 25), (RowStatus.DEPLOYED, 10),
        (RowStatus.NOT_APPLICABLE, 5)]  # a roll-out whose target date is still ahead
ROWS_PAST = [(RowStatus.NOT_STARTED, 1), (RowStatus.PLANNED, 1), (RowStatus.IN_PROGRESS, 2), (RowStatus.DEPLOYED, 40),
             (RowStatus.VERIFIED, 50), (RowStatus.NOT_APPLICABLE, 6)]  # one past its target: a few projects late
DECIDED = {ProposalStatus.ACCEPTED, ProposalStatus.REJECTED, ProposalStatus.DEFERRED, ProposalStatus.PLANNED,
           ProposalStatus.IMPLEMENTED, ProposalStatus.CLOSED}
IN_PLAN = {ProposalStatus.PLANNED, ProposalStatus.IMPLEMENTED, ProposalStatus.CLOSED}
FIRST = ["Ada", "Ben", "Chloe", "Dev", "Elif", "Femi", "Gus", "Hana", "Ivo", "Jun", "Kira", "Lars", "Mia", "Noor",
         "Olu", "Pia", "Quinn", "Ravi", "Sara", "Tomas", "Uma", "Vik", "Wen", "Xia", "Yusuf", "Zoe"]
LAST = ["Adams", "Berg", "Costa", "Dahl", "Evans", "Fischer", "Garcia", "Holm", "Ito", "Jensen", "Kowalski", "Lind",
        "Moreau", "Novak", "Okafor", "Park", "Quist", "Rossi", "Silva", "Tanaka", "Ueda", "Vogel", "Wong", "Young"]
TOPICS = ["peer review", "estimation", "requirements traceability", "release checklist", "risk register",
          "configuration audit", "test planning", "status reporting", "defect triage", "supplier evaluation",
          "lessons capture", "measurement plan", "onboarding guide", "design review", "change control"]


class Synth:
    """The organization's rows, built table by table; ids are assigned here, so children can name parents."""

    def __init__(self, session: Session, *, scale: float, seed: int, today: date) -> None:
        self.session, self.size, self.today = session, Sizes().scaled(scale), today
        self.random = random.Random(seed)
        self.history: list[dict] = []
        self.counts: dict[str, int] = {}

    # --- helpers
    def pick(self, spread: list[tuple]) -> object:
        return self.random.choices([value for value, _ in spread], weights=[weight for _, weight in spread])[0]

    def day(self, earliest: int = 1095, latest: int = 0) -> date:
        """A day between `earliest` and `latest` days before the anchor (negative: after it)."""
        return self.today - timedelta(days=self.random.randint(latest, earliest))

    @staticmethod
    def moment(day: date) -> datetime:
        return datetime.combine(day, time(9), tzinfo=UTC)

    def topic(self) -> str:
        return self.random.choice(TOPICS)

    def insert(self, model: type[SQLModel], rows: list[dict]) -> None:
        table = model.__table__
        for start in range(0, len(rows), CHUNK):
            self.session.execute(table.insert(), rows[start:start + CHUNK])
        self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)

    def created(self, entity: str, rows: Iterable[dict], *fields_: str, by: str) -> None:
        """History as the services write it: a record's first values, by the person who made it, when."""
        for row in rows:
            for name in fields_:
                value = row[name]
                self.history.append({"at": row.get("created_at") or self.moment(self.today), "user_id": row[by],
                                     "entity": entity, "entity_id": row["id"], "action": "create", "field": name,
                                     "old": None, "new": str(getattr(value, "value", value))})

    def moved(self, entity: str, row: dict, *, initial: object, by: int, at: datetime) -> None:
        """The status change that brought a record where it is."""
        if row["status"] != initial:
            self.history.append({"at": at, "user_id": by, "entity": entity, "entity_id": row["id"],
                                 "action": "update", "field": "status", "old": getattr(initial, "label", initial.value),
                                 "new": getattr(row["status"], "label", row["status"].value)})

    # --- the organization
    def build(self) -> dict[str, int]:
        self.people()
        self.projects()
        self.assets()
        self.objectives()
        self.proposals()
        self.plans()
        self.pilots()
        self.deployments()
        self.tailoring()
        self.lessons()
        self.audits()
        self.appraisals()
        self.reviews()
        self.insert(AuditEvent, [{"id": n, **event} for n, event in enumerate(self.history, 1)])
        self.session.flush()
        if self.session.get_bind().dialect.name == "postgresql":  # ids were given: the sequences move past them
            for table in SQLModel.metadata.sorted_tables:
                if "id" in table.c and table.c.id.autoincrement in (True, "auto") and isinstance(table.c.id.type,
                                                                                                 sa.Integer):
                    self.session.execute(sa.text(
                        f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                        f'COALESCE((SELECT MAX(id) FROM "{table.name}"), 0) + 1, false)'))
        return self.counts

    def people(self) -> None:
        size, password = self.size.people, hash_password(SYNTH_PASSWORD)
        steering = max(1, size // 100)
        sepg = max(1, size // 60)
        leads = max(1, self.size.projects // 2)
        roles: list[Role] = ([Role.ADMIN] + [Role.PROCESS_GROUP] * sepg + [Role.STEERING] * steering
                             + [Role.PROJECT_LEAD] * leads)
        roles += [Role.MEMBER] * max(1, size - len(roles))
        named = {role: email for email, role in SYNTH_LOGINS}
        users, held = [], []
        for n, role in enumerate(roles, 1):
            email = named.pop(role.value, None) or f"{role.value.replace('_', '-')}{n}@synth.example"
            users.append({"id": n, "email": email, "name": f"{self.random.choice(FIRST)} {self.random.choice(LAST)}",
                          "password_hash": password, "active": n % 97 != 0,
                          "created_at": self.moment(self.day(1400, 1000)), "version": 1})
            held.append({"user_id": n, "role": role})
        self.insert(User, users)
        self.insert(UserRole, held)
        by_role = defaultdict(list)
        for user, row in zip(users, held, strict=True):
            if user["active"]:
                by_role[row["role"]].append(user["id"])
        self.admin = by_role[Role.ADMIN][0]
        self.sepg, self.steering = by_role[Role.PROCESS_GROUP], by_role[Role.STEERING]
        self.leads, self.members = by_role[Role.PROJECT_LEAD], by_role[Role.MEMBER]
        self.everyone = [user["id"] for user in users if user["active"]]

    def projects(self) -> None:
        rows, leads = [], []
        for n in range(1, self.size.projects + 1):
            start = self.day(1400, 30)
            closed = self.random.random() < 0.15
            rows.append({"id": n, "code": f"P{n:05d}", "name": f"{self.topic().title()} programme {n}",
                         "description": "", "phase": self.random.choice(list(Phase)),
                         "status": ProjectStatus.CLOSED if closed else ProjectStatus.ACTIVE, "start_date": start,
                         "end_date": start + timedelta(days=self.random.randint(200, 900)) if closed else None,
                         "created_at": self.moment(start), "version": 1})
            leads.append({"project_id": n, "user_id": self.leads[(n - 1) % len(self.leads)]})
        self.insert(Project, rows)
        self.insert(ProjectLead, leads)
        self.project_ids = [row["id"] for row in rows]
        self.lead_of = {row["project_id"]: row["user_id"] for row in leads}
        for row in rows:
            row["_by"] = self.sepg[row["id"] % len(self.sepg)]
        self.created("project", rows, "code", "name", "phase", by="_by")

    def assets(self) -> None:
        self.area_ids = list(self.session.exec(select(ProcessArea.id).order_by(ProcessArea.id)).all())
        assets, areas, versions, approvals = [], [], [], []
        self.released: list[tuple[int, int]] = []  # (version id, asset id)
        for n in range(1, self.size.assets + 1):
            owner = self.random.choice(self.sepg)
            made = self.day(1300, 700)
            assets.append({"id": n, "title": f"{self.topic().capitalize()} {AssetKind(list(AssetKind)[n % 7]).value.replace('_', ' ')} {n}",
                           "kind": list(AssetKind)[n % 7], "owner_id": owner, "description": "",
                           "review_interval_months": 12, "review_due_on": self.day(60, -300),
                           "created_at": self.moment(made), "version": 1})
            areas += [{"asset_id": n, "area_id": area} for area in self.random.sample(self.area_ids, 2)]
            count = self.random.randint(2, 6)
            for k in range(count):
                vid = len(versions) + 1
                draft = k == count - 1 and self.random.random() < 0.3
                status = (VersionStatus.DRAFT if draft else VersionStatus.RETIRED if k < count - 3
                          else VersionStatus.RELEASED)
                released = None if draft else made + timedelta(days=120 * (k + 1))
                versions.append({"id": vid, "asset_id": n, "label": f"{k + 1}.0", "status": status,
                                 "release_date": released, "change_notes": "", "author_id": owner, "link": "",
                                 "fingerprint": f"{vid:064x}", "file_name": "", "file_type": "", "file_size": None,
                                 "file_sha256": "", "created_at": self.moment(made + timedelta(days=120 * k)),
                                 "version": 1})
                if status != VersionStatus.DRAFT:
                    approvals += [{"id": len(approvals) + 1 + i, "asset_version_id": vid, "capacity": capacity,
                                   "approver_id": owner if capacity == Capacity.OWNER else self.sepg[0], "comment": "",
                                   "fingerprint": f"{vid:064x}", "approved_at": self.moment(released)}
                                  for i, capacity in enumerate(Capacity)]
                if status == VersionStatus.RELEASED:
                    self.released.append((vid, n))
        self.insert(ProcessAsset, assets)
        self.insert(AssetArea, areas)
        self.insert(AssetVersion, versions)
        self.insert(VersionApproval, approvals)
        self.asset_ids = [row["id"] for row in assets]
        self.created("process_asset", assets, "title", "kind", by="owner_id")
        self.created("asset_version", versions, "label", by="author_id")

    def objectives(self) -> None:
        rows, measurements = [], []
        for n in range(1, self.size.objectives + 1):
            rows.append({"id": n, "name": f"Objective {n}: {self.topic()}", "kpi": "Defects per release", "unit": "%",
                         "baseline": 20.0, "baseline_on": self.day(1000, 900), "target": 10.0,
                         "target_date": self.day(-100, -400), "owner_id": self.random.choice(self.steering),
                         "description": "", "active": n % 10 != 0, "created_at": self.moment(self.day(1100, 1000)),
                         "version": 1})
            for month in range(12):
                measurements.append({"id": len(measurements) + 1, "objective_id": n,
                                     "measured_on": self.today - timedelta(days=30 * (12 - month)),
                                     "value": round(20 - month * 0.6 + self.random.uniform(-2, 2), 1),
                                     "source": "Quality report", "plan_id": None,
                                     "recorded_by_id": rows[-1]["owner_id"],
                                     "created_at": self.moment(self.today - timedelta(days=30 * (12 - month)))})
        self.insert(BusinessObjective, rows)
        self.insert(Measurement, measurements)
        self.objective_ids = [row["id"] for row in rows]
        self.created("business_objective", rows, "name", "kpi", by="owner_id")

    def proposals(self) -> None:
        weights = current_weights(self.session)
        rows, areas, objectives, comments = [], [], [], []
        for n in range(1, self.size.proposals + 1):
            status = self.pick(PROPOSALS)
            made = self.day(1095, 1)
            if status in (ProposalStatus.ESCALATED, ProposalStatus.SUBMITTED, ProposalStatus.UNDER_REVIEW):
                made = self.day(120, 1)  # what awaits a decision came in lately
            benefit, effort = self.random.randint(1, 5), self.random.randint(1, 5)
            aligned = self.random.sample(self.objective_ids, self.random.choice([0, 0, 1, 2][:len(self.objective_ids) + 1]))
            decided = status in DECIDED
            rows.append({
                "id": n, "title": f"Improve {self.topic()} ({n})", "problem": "What goes wrong today, and how often.",
                "proposed_change": "What to change in the standard process.",
                "source": self.random.choice(list(ProposalSource)), "source_ref": "", "source_entity": None,
                "source_id": None, "expected_benefit": benefit, "estimated_effort": effort,
                "priority_score": priority_score(benefit=benefit, effort=effort, objectives=len(aligned),
                                                 weights=weights),
                "status": status, "decision_rationale": "Weighed at the steering review." if decided else "",
                "decided_by_id": self.random.choice(self.steering) if decided else None,
                "decided_on": min(self.today, made + timedelta(days=30)) if decided else None,
                "escalated_on": min(self.today, made + timedelta(days=14))
                if status == ProposalStatus.ESCALATED else None,
                "submitter_id": self.random.choice(self.everyone),
                "duplicate_of_id": self.random.randint(1, n - 1) if status == ProposalStatus.DUPLICATE and n > 1
                else None,
                "created_at": self.moment(made), "version": 1})
            if rows[-1]["status"] == ProposalStatus.DUPLICATE and rows[-1]["duplicate_of_id"] is None:
                rows[-1]["status"] = ProposalStatus.SUBMITTED
            areas += [{"proposal_id": n, "area_id": area}
                      for area in self.random.sample(self.area_ids, self.random.randint(1, 2))]
            objectives += [{"proposal_id": n, "objective_id": objective} for objective in aligned]
        for n in range(1, self.size.comments + 1):
            proposal = rows[self.random.randrange(len(rows))]
            comments.append({"id": n, "proposal_id": proposal["id"], "author_id": self.random.choice(self.everyone),
                             "body": "A thought on this, with an example from our project.",
                             "created_at": proposal["created_at"] + timedelta(days=self.random.randint(0, 60))})
        self.insert(Proposal, rows)
        self.insert(ProposalArea, areas)
        self.insert(ProposalObjective, objectives)
        self.insert(ProposalComment, comments)
        self.created("proposal", rows, "title", "source", by="submitter_id")
        for row in rows:
            if row["decided_by_id"]:
                self.moved("proposal", row, initial=ProposalStatus.SUBMITTED, by=row["decided_by_id"],
                           at=self.moment(row["decided_on"]))
        self.planned_proposals = [row["id"] for row in rows if row["status"] in IN_PLAN]

    def plans(self) -> None:
        plans, team, links, aims, commitments, issues, reviews, joint = [], [], [], [], [], [], [], []
        proposals = list(self.planned_proposals)
        self.random.shuffle(proposals)
        per_plan = self.size.commitments / self.size.plans
        for n in range(1, self.size.plans + 1):
            status = self.pick(PLANS)
            start = self.day(1000, 0) if status not in (PlanStatus.DRAFT, PlanStatus.IN_REVIEW) else self.day(60, -30)
            end = start + timedelta(days=self.random.randint(60, 270))
            owner = self.random.choice(self.sepg)
            plans.append({"id": n, "title": f"Action plan {n}: {self.topic()}", "goal": "Make the change stick.",
                          "success_measure": "Adoption", "success_target": "80%",
                          "success_actual": "85%" if status == PlanStatus.COMPLETED else "", "result_notes": "",
                          "strategy": "", "owner_id": owner, "planned_start": start, "planned_end": end,
                          "joint_review_weeks": self.random.choice([None, 4, 6]), "status": status,
                          "started_on": start if status in (PlanStatus.IN_PROGRESS, PlanStatus.COMPLETED) else None,
                          "completed_on": min(end, self.today) if status == PlanStatus.COMPLETED else None,
                          "first_deployed_on": None, "created_at": self.moment(start - timedelta(days=30)),
                          "version": 1})
            members = self.random.sample(self.members + self.leads, self.random.randint(3, 6))
            team += [{"plan_id": n, "user_id": user, "team_role": "Member"} for user in members]
            for _ in range(self.random.randint(1, 4)):
                if proposals:
                    links.append({"plan_id": n, "proposal_id": proposals.pop()})
            aims += [{"plan_id": n, "objective_id": objective}
                     for objective in self.random.sample(self.objective_ids, min(1, len(self.objective_ids)))]
            count = int(per_plan) + (1 if self.random.random() < per_plan % 1 else 0)
            for _ in range(count):
                due = start + timedelta(days=self.random.randint(7, max(8, (end - start).days)))
                commitments.append(self.commitment(len(commitments) + 1, n, status, self.random.choice(members),
                                                   due, start))
            if status in (PlanStatus.IN_PROGRESS, PlanStatus.COMPLETED):
                issues.append({"id": len(issues) + 1, "plan_id": n, "title": f"Blocked on {self.topic()}",
                               "description": "", "raised_by_id": members[0], "owner_id": owner,
                               "status": IssueStatus.CLOSED if status == PlanStatus.COMPLETED
                               else self.random.choice(list(IssueStatus)), "resolution": "",
                               "created_at": self.moment(start + timedelta(days=10)), "version": 1})
                joint.append({"id": len(joint) + 1, "plan_id": n, "held_on": min(self.today, start + timedelta(days=30)),
                              "summary": "On track.", "decisions": "", "recorded_by_id": owner,
                              "created_at": self.moment(min(self.today, start + timedelta(days=30))), "version": 1})
            if status not in (PlanStatus.DRAFT, PlanStatus.IN_REVIEW):
                reviews.append({"id": len(reviews) + 1, "plan_id": n, "reviewer_id": self.random.choice(self.steering),
                                "verdict": Verdict.APPROVE, "comment": "",
                                "at": self.moment(start - timedelta(days=7))})
        self.insert(ActionPlan, plans)
        self.insert(TeamMember, team)
        self.insert(PlanProposal, links)
        self.insert(PlanObjective, aims)
        self.insert(Commitment, commitments)
        self.insert(PlanIssue, issues)
        self.insert(JointReview, joint)
        self.insert(PlanReview, reviews)
        self.created("action_plan", plans, "title", "owner_id", by="owner_id")
        for row in plans:
            self.moved("action_plan", row, initial=PlanStatus.DRAFT, by=row["owner_id"],
                       at=self.moment(row["planned_start"]))
        self.created("commitment", commitments, "description", "due_date", by="owner_id")
        self.plan_rows = plans

    def commitment(self, id_: int, plan: int, status: PlanStatus, owner: int, due: date, start: date) -> dict:
        if status == PlanStatus.COMPLETED:
            state = CommitmentStatus.DONE if self.random.random() < 0.95 else CommitmentStatus.CANCELLED
        elif status == PlanStatus.IN_PROGRESS:  # most of what fell due is done, a few are late
            state = self.random.choices([CommitmentStatus.DONE, CommitmentStatus.IN_PROGRESS, CommitmentStatus.OPEN],
                                        weights=[95, 3, 2] if due < self.today else [10, 45, 45])[0]
        elif status == PlanStatus.CANCELLED:
            state = CommitmentStatus.CANCELLED
        else:
            state = self.random.choice([CommitmentStatus.PROPOSED, CommitmentStatus.OPEN])
        return {"id": id_, "plan_id": plan, "meeting_id": None, "description": f"Deliver the {self.topic()} part",
                "owner_id": owner, "due_date": due, "status": state,
                "completed_on": min(due, self.today) if state == CommitmentStatus.DONE else None,
                "joint_review_id": None, "awaiting": None, "renegotiations": 0,
                "created_at": self.moment(start), "version": 1}

    def pilots(self) -> None:
        candidates = [row for row in self.plan_rows if row["status"] in (PlanStatus.IN_PROGRESS, PlanStatus.COMPLETED)]
        pilots, projects, versions = [], [], []
        for n, plan in enumerate(self.random.sample(candidates, min(len(candidates), self.size.pilots)), 1):
            done = plan["status"] == PlanStatus.COMPLETED
            start = plan["planned_start"] + timedelta(days=14)
            pilots.append({"id": n, "plan_id": plan["id"], "title": f"Pilot of {plan['title']}", "measure": "Effort",
                           "baseline": "10", "target": "8", "actual": "7" if done else "", "results": "",
                           "start_date": start, "end_date": start + timedelta(days=60),
                           "status": PilotStatus.DECIDED if done else self.random.choice(list(PilotStatus)[:3]),
                           "decision": PilotDecision.ADOPT if done else None, "decision_rationale": "",
                           "decided_by_id": plan["owner_id"] if done else None,
                           "decided_on": start + timedelta(days=70) if done else None,
                           "created_at": self.moment(start), "version": 1})
            projects += [{"pilot_id": n, "project_id": project}
                         for project in self.random.sample(self.project_ids, min(2, len(self.project_ids)))]
            versions.append({"pilot_id": n, "asset_version_id": self.random.choice(self.released)[0]})
        self.insert(Pilot, pilots)
        self.insert(PilotProject, projects)
        self.insert(PilotAssetVersion, versions)
        for row in pilots:
            row["_by"] = self.sepg[0]
        self.created("pilot", pilots, "title", by="_by")

    def deployments(self) -> None:
        deployments, versions, rows, seen = [], [], [], set()
        per_deployment = max(1, self.size.status_rows // self.size.deployments)
        for n in range(1, self.size.deployments + 1):
            chosen = self.random.sample(self.released, min(len(self.released), self.random.randint(2, 3)))
            target = self.day(700, -120)
            deployments.append({"id": n, "title": f"Roll-out {n}: {self.topic()}", "approach": "",
                                "training_required": n % 3 == 0, "training_material": "", "support_material": "",
                                "target_date": target, "plan_id": None, "override_reason": "",
                                "created_by_id": self.random.choice(self.sepg),
                                "created_at": self.moment(target - timedelta(days=120)), "version": 1})
            versions += [{"deployment_id": n, "asset_version_id": version} for version, _ in chosen]
            projects = self.random.sample(self.project_ids, min(len(self.project_ids),
                                                                -(-per_deployment // len(chosen))))
            for project in projects:
                for version, _ in chosen:
                    if len(rows) >= self.size.status_rows or (n, project, version) in seen:
                        continue
                    seen.add((n, project, version))
                    status = self.pick(ROWS if target >= self.today else ROWS_PAST)
                    planned = (target - timedelta(days=self.random.randint(0, 90)) if target < self.today
                               else self.today + timedelta(days=self.random.randint(7, max(7, (target - self.today).days))))
                    rows.append({"id": len(rows) + 1, "deployment_id": n, "project_id": project,
                                 "asset_version_id": version, "status": status, "reason": "", "notes": "",
                                 "planned_date": planned if status != RowStatus.NOT_STARTED else None,
                                 "started_on": planned if status in (RowStatus.IN_PROGRESS, RowStatus.DEPLOYED,
                                                                     RowStatus.VERIFIED) else None,
                                 "deployed_on": min(self.today, planned + timedelta(days=30))
                                 if status in (RowStatus.DEPLOYED, RowStatus.VERIFIED) else None,
                                 "verified_on": min(self.today, planned + timedelta(days=60))
                                 if status == RowStatus.VERIFIED else None,
                                 "current": False, "updated_at": self.moment(min(self.today, planned)), "version": 1})
        self.insert(Deployment, deployments)
        self.insert(DeploymentVersion, versions)
        self.insert(ProjectDeployment, rows)
        self.session.flush()
        mark_current(self.session, project_ids=self.project_ids)
        self.created("deployment", deployments, "title", "target_date", by="created_by_id")
        for row in rows:
            row["_by"] = self.lead_of[row["project_id"]]
            self.moved("project_deployment", row, initial=RowStatus.NOT_STARTED, by=row["_by"], at=row["updated_at"])

    def tailoring(self) -> None:
        rows = []
        for n in range(1, self.size.tailoring + 1):
            project = self.random.choice(self.project_ids)
            on = self.day(1000, 0)
            status = self.random.choices(list(TailoringStatus), weights=[10, 80, 10] if on > self.today - timedelta(
                days=30) else [0, 90, 10])[0]  # requests wait days, not years
            rows.append({"id": n, "project_id": project, "asset_version_id": self.random.choice(self.released)[0],
                         "element": f"Step {self.random.randint(1, 12)}: {self.topic()}",
                         "type": self.random.choice(list(TailoringType)), "rationale": "The project is small.",
                         "tailored_on": on, "review_by": on + timedelta(days=180), "requester_id": self.lead_of[project],
                         "status": status,
                         "reviewer_id": self.random.choice(self.sepg) if status != TailoringStatus.REQUESTED else None,
                         "review_comment": "", "reviewed_on": on + timedelta(days=5)
                         if status != TailoringStatus.REQUESTED else None,
                         "created_at": self.moment(on), "version": 1})
        self.insert(TailoringRecord, rows)
        self.created("tailoring_record", rows, "element", "type", by="requester_id")

    def lessons(self) -> None:
        rows, feedback = [], []
        for n in range(1, self.size.lessons + 1):
            project = self.random.choice(self.project_ids)
            rows.append({"id": n, "title": f"What we learned about {self.topic()}", "project_id": project,
                         "area_id": self.random.choice(self.area_ids), "asset_id": self.random.choice(self.asset_ids),
                         "pilot_id": None, "deployment_id": None, "audit_id": None, "context": "",
                         "what_happened": "It took longer than planned.", "recommendation": "Plan a buffer.",
                         "polarity": self.random.choice(list(Polarity)),
                         "status": self.random.choices(list(LessonStatus), weights=[40, 30, 10, 10, 10] if
                                                       (made := self.day(1000, 0)) > self.today - timedelta(days=30)
                                                       else [0, 45, 20, 15, 20])[0],
                         "incorporated_version_id": None, "proposal_id": None, "review_note": "",
                         "author_id": self.lead_of[project], "created_at": self.moment(made),
                         "version": 1})
        for n in range(1, self.size.lessons // 5 + 1):
            feedback.append({"id": n, "asset_id": self.random.choice(self.asset_ids), "asset_version_id": None,
                             "project_id": self.random.choice(self.project_ids), "rating": self.random.randint(1, 5),
                             "comment": "", "author_id": self.random.choice(self.everyone),
                             "created_at": self.moment(self.day(700, 0))})
        self.insert(Lesson, rows)
        self.insert(AssetFeedback, feedback)
        self.created("lesson", rows, "title", "polarity", by="author_id")

    def audits(self) -> None:
        audits, results, findings = [], [], []
        for n in range(1, self.size.audits + 1):
            on = self.day(1000, -60)
            done = on < self.today
            audits.append({"id": n, "project_id": self.random.choice(self.project_ids), "audit_date": on,
                           "auditor_id": self.random.choice(self.sepg), "scope_notes": "", "summary": "",
                           "status": AuditStatus.COMPLETED if done else AuditStatus.PLANNED,
                           "created_at": self.moment(on - timedelta(days=30)), "version": 1})
            if not done:
                continue
            for version, _ in self.random.sample(self.released, min(len(self.released), 3)):
                result = self.random.choices(list(Compliance), weights=[70, 20, 10])[0]
                results.append({"id": len(results) + 1, "audit_id": n, "asset_version_id": version, "result": result,
                                "notes": ""})
                if result != Compliance.COMPLIANT:
                    findings.append({"id": len(findings) + 1, "audit_id": n, "asset_version_id": version,
                                     "description": "A required step was skipped.",
                                     "owner_id": self.lead_of[audits[-1]["project_id"]],
                                     "due_date": on + timedelta(days=30),
                                     "status": self.random.choices(list(NoncomplianceStatus), weights=[15, 10, 25, 50])[0],
                                     "resolution": "", "created_at": self.moment(on), "version": 1})
        self.insert(ComplianceAudit, audits)
        self.insert(AuditResult, results)
        self.insert(Noncompliance, findings)
        self.created("compliance_audit", audits, "audit_date", by="auditor_id")
        self.created("noncompliance", findings, "description", "due_date", by="owner_id")

    def appraisals(self) -> None:
        appraisals, areas, projects, findings, ratings = [], [], [], [], []
        for n in range(1, self.size.appraisals + 1):
            start = self.day(1095, -60)
            status = (AppraisalStatus.COMPLETED if start < self.today - timedelta(days=150)
                      else self.random.choice(list(AppraisalStatus)[:5]))
            appraisals.append({"id": n, "title": f"Appraisal {n}", "reference_model": ReferenceModel.CMMI_DEV,
                               "method": self.random.choice(list(Method)), "sponsor_id": self.random.choice(self.steering),
                               "lead_appraiser_id": self.random.choice(self.sepg), "scope_notes": "", "resources": "",
                               "logistics": "", "preparation_on": start, "execution_on": start + timedelta(days=30),
                               "reporting_on": start + timedelta(days=60), "aftercare_on": start + timedelta(days=90),
                               "completion_on": start + timedelta(days=150), "status": status,
                               "completed_on": start + timedelta(days=150) if status == AppraisalStatus.COMPLETED
                               else None, "maturity_level": 2 if status == AppraisalStatus.COMPLETED else None,
                               "created_at": self.moment(start - timedelta(days=30)), "version": 1})
            chosen = self.random.sample(self.area_ids, min(len(self.area_ids), 5))
            areas += [{"appraisal_id": n, "area_id": area} for area in chosen]
            projects += [{"appraisal_id": n, "project_id": project}
                         for project in self.random.sample(self.project_ids, min(3, len(self.project_ids)))]
            findings += [{"id": len(findings) + 1 + i, "appraisal_id": n, "kind": self.random.choice(list(FindingKind)),
                          "area_id": area, "project_id": None, "statement": "Practice observed in part.",
                          "evidence": "", "recorded_by_id": appraisals[-1]["lead_appraiser_id"],
                          "created_at": self.moment(start + timedelta(days=30)), "version": 1}
                         for i, area in enumerate(chosen)]
            if status == AppraisalStatus.COMPLETED:
                ratings += [{"id": len(ratings) + 1 + i, "appraisal_id": n, "area_id": area,
                             "value": self.random.choice(list(RatingValue)[:3]), "capability_level": None}
                            for i, area in enumerate(chosen)]
        self.insert(Appraisal, appraisals)
        self.insert(AppraisalArea, areas)
        self.insert(AppraisalProject, projects)
        self.insert(Finding, findings)
        self.insert(Rating, ratings)
        self.created("appraisal", appraisals, "title", by="lead_appraiser_id")

    def reviews(self) -> None:
        meetings, attendees = [], []
        for n in range(1, self.size.reviews + 1):
            held = self.today - timedelta(days=30 * (self.size.reviews - n) - 14)
            planned = n == self.size.reviews
            meetings.append({"id": n, "title": f"Steering review {n}", "held_on": held,
                             "period_from": held - timedelta(days=30), "period_to": held,
                             "status": MeetingStatus.PLANNED if planned else MeetingStatus.CLOSED,
                             "minutes": "" if planned else "Decisions as recorded.",
                             "chair_id": self.steering[0],
                             "pack": None if planned else "<p>The pack as it was on the day (synthetic).</p>",
                             "frozen_at": None if planned else self.moment(held),
                             "created_at": self.moment(held - timedelta(days=20)), "version": 1})
            attendees += [{"meeting_id": n, "user_id": user} for user in self.steering[:6]]
        self.insert(ReviewMeeting, meetings)
        self.insert(ReviewAttendee, attendees)
        self.created("review_meeting", meetings, "title", "held_on", by="chair_id")


def build(session: Session, *, scale: float = 1.0, seed: int = 1, today: date | None = None) -> dict[str, int]:
    """Write the organization into an empty database (the process-area catalog seeded) and commit; the rows
    written per table, the reminders included."""
    if session.exec(select(User.id).limit(1)).first() is not None:
        raise ValueError("the database already has people in it: synth builds into an empty one")
    today = today or utcnow().date()
    counts = Synth(session, scale=scale, seed=seed, today=today).build()
    session.commit()
    counts["notification"] = sweep(session, now=datetime.combine(today, time(6), tzinfo=UTC)).created
    session.commit()
    refresh_statistics(session)  # as the daily job would: a bulk load is measured with the planner informed
    return counts

