"""Every form marks exactly the fields its input model requires, and cuts no text short."""

from html.parser import HTMLParser

import pytest

from tracker.action_plans.forms import (
    CommitmentInput,
    IssueInput,
    JointReviewInput,
    PlanInput,
    ReviewInput,
    TeamMemberInput,
)
from tracker.action_plans.models import PlanStatus
from tracker.assets.forms import AssetInput, VersionInput
from tracker.auth.forms import UserInput
from tracker.auth.roles import Role
from tracker.compliance.forms import AuditInput, NoncomplianceInput
from tracker.deployments.forms import DeploymentInput
from tracker.lessons.forms import FeedbackInput, LessonInput
from tracker.objectives.forms import ObjectiveInput
from tracker.pilots.forms import PilotInput
from tracker.projects.forms import ProjectInput
from tracker.proposals.forms import CommentInput, ProposalInput
from tracker.tailoring.forms import TailoringInput


class Form(HTMLParser):
    """The fields of the form posting to `action`: which are marked required, and any maxlength that cuts text."""

    def __init__(self, action: str):
        super().__init__()
        self.action, self.inside, self.label_for, self.group = action, False, None, None
        self.names_by_id: dict[str, str] = {}
        self.marked_ids: set[str] = set()
        self.cut: list[str] = []
        self.found = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("action", "").split("?")[0] == self.action
            self.found |= self.inside
        elif not self.inside:
            return
        elif tag == "label" and attrs.get("for"):
            self.label_for = attrs.get("for")
        elif tag == "fieldset":  # a group of checkboxes (choosing several): its legend marks it
            self.group = attrs.get("id")
        elif tag == "legend":
            self.label_for = self.group
        elif tag == "span" and self.label_for and attrs.get("aria-hidden") == "true":
            self.marked_ids.add(self.label_for)
        elif tag in ("input", "select", "textarea") and attrs.get("name"):
            self.names_by_id[attrs.get("id", "")] = attrs["name"]
            if self.group:
                self.names_by_id[self.group] = attrs["name"]
            if "maxlength" in attrs and attrs.get("type") != "search":
                self.cut.append(attrs["name"])

    def handle_endtag(self, tag):
        if tag in ("label", "legend"):
            self.label_for = None
        elif tag == "fieldset":
            self.group = None
        elif tag == "form":
            self.inside = False

    @property
    def marked(self) -> set[str]:
        return {self.names_by_id[i] for i in self.marked_ids if i in self.names_by_id}


def required(model, *, also=(), but=()) -> set[str]:
    """What the model requires (its fields without a default), as written in the form."""
    return ({name for name, field in model.model_fields.items() if field.is_required()} | set(also)) - {"version",
                                                                                                    *but}


@pytest.fixture
def records(db, make_plan, make_proposal, make_released, make_project, make_user):
    from datetime import date

    from tracker.compliance.models import ComplianceAudit

    project = make_project()
    audit = ComplianceAudit(project_id=project.id, audit_date=date(2026, 10, 1), auditor_id=make_user(Role.PROCESS_GROUP).id)
    db.add(audit)
    db.commit()
    return {"plan": make_plan(PlanStatus.IN_PROGRESS).id, "plan_in_review": make_plan(PlanStatus.IN_REVIEW).id,
            "proposal": make_proposal().id,
            "asset": make_released().asset_id, "audit": audit.id}


FORMS = [  # (page, the form's action, its input model, what else the service requires, what the model asks but not the form)
    ("/projects/new", "/projects/", ProjectInput, ("status",), ()),  # a status is always chosen
    ("/assets/new", "/assets/", AssetInput, (), ()),
    ("/objectives/new", "/objectives/", ObjectiveInput, (), ()),
    ("/proposals/new", "/proposals/", ProposalInput, (), ()),
    ("/plans/new", "/plans/", PlanInput, (), ()),
    ("/pilots/new", "/pilots/", PilotInput, (), ()),
    ("/deployments/new", "/deployments/", DeploymentInput, (), ()),
    ("/tailoring/new", "/tailoring/", TailoringInput, (), ()),
    ("/compliance/new", "/compliance/", AuditInput, (), ()),
    ("/lessons/new", "/lessons/", LessonInput, (), ()),
    ("/admin/users/new", "/admin/users", UserInput, ("password",), ()),
    ("/plans/{plan}", "/plans/{plan}/commitments", CommitmentInput, (), ()),
    ("/plans/{plan}", "/plans/{plan}/issues", IssueInput, (), ()),
    ("/plans/{plan}", "/plans/{plan}/team", TeamMemberInput, (), ()),
    ("/plans/{plan_in_review}", "/plans/{plan_in_review}/reviews", ReviewInput, (), ()),
    ("/plans/{plan}", "/plans/{plan}/joint-reviews", JointReviewInput, (), ()),
    ("/proposals/{proposal}", "/proposals/{proposal}/comments", CommentInput, (), ()),
    ("/assets/{asset}", "/assets/{asset}/versions", VersionInput, (), ()),
    ("/assets/{asset}", "/assets/{asset}/feedback", FeedbackInput, (), ()),
    ("/compliance/{audit}", "/compliance/{audit}/noncompliances", NoncomplianceInput, (), ()),
]


@pytest.mark.parametrize(("page", "action", "model", "also", "but"), FORMS, ids=[f[1] for f in FORMS])
def test_form_marks_exactly_the_required_fields(client, login_as, records, page, action, model, also, but):
    role = Role.ADMIN if page.startswith("/admin") else Role.PROCESS_GROUP
    login_as(role)
    html = client.get(page.format(**records)).get_data(as_text=True)
    form = Form(action.format(**records))
    form.feed(html)
    assert form.found, f"no form posting to {action} on {page}"
    assert form.marked == required(model, also=also, but=but) & set(form.names_by_id.values())
    assert form.cut == [], "the server says when text is too long; the browser must not cut it silently"


def test_too_long_text_is_refused_beside_the_field_and_kept_whole(client, login_as):
    login_as(Role.PROCESS_GROUP)
    title = "A title that goes on " * 20  # 420 characters; titles take 200
    response = client.post("/projects/", data={"code": "LONG", "name": title, "phase": "planning",
                                               "start_date": "2026-01-05"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Use at most 200 characters." in page
    assert title.strip() in page  # nothing the user typed is lost


@pytest.mark.parametrize(("page", "action", "model", "also", "but"), FORMS[:11], ids=[f[1] for f in FORMS[:11]])
def test_an_empty_form_gets_every_missing_field_reported_in_one_round(client, login_as, records, db, page, action,
                                                                       model, also, but):
    """The defect found: the pilot form reported missing asset versions only after the other errors were fixed."""
    login_as(Role.ADMIN if page.startswith("/admin") else Role.PROCESS_GROUP)
    response = client.post(action.format(**records), data={})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    unreported = {name for name in required(model, also=also, but=but) - {"status"} if f'id="{name}-error"' not in html}
    assert unreported == set()
