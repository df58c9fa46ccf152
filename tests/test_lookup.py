"""Choosing a person, a plan, a proposal, a project or an asset by typing (issue 14): what the text resolves to,
what the suggestions offer and to whom, and that pages no longer grow with the organization."""

import html
import re

import pytest
from sqlmodel import select

from tracker.action_plans.models import Commitment, PlanStatus, TeamMember
from tracker.auth.roles import Role
from tracker.history.labels import field_label
from tracker.lookup import SUGGESTIONS, Unresolved, resolve, resolve_all
from tracker.proposals.models import ProposalStatus

from .conftest import count_rows


def options(response) -> list[str]:
    return [html.unescape(v) for v in re.findall(r'<option value="([^"]*)"', response.get_data(as_text=True))]


# The resolver: the text a form or filter posts, read back as the record's id.

def test_a_plain_number_is_taken_as_the_id(db):
    assert resolve(db, "person", "7") == 7


def test_a_person_is_found_by_email_by_name_and_email_or_by_exact_name(db, make_user):
    ann = make_user(name="Ann Lee", email="ann@example.org")
    assert resolve(db, "person", "ann@example.org") == ann.id
    assert resolve(db, "person", "ANN@Example.org") == ann.id
    assert resolve(db, "person", "Ann Lee <ann@example.org>") == ann.id
    assert resolve(db, "person", "  ann lee ") == ann.id


def test_text_naming_no_one_says_so(db, make_user):
    make_user(name="Ann Lee", email="ann@example.org")
    with pytest.raises(Unresolved, match="No one with that name or email: pick from the suggestions."):
        resolve(db, "person", "Ann")


def test_a_name_two_people_share_is_refused_and_their_emails_tell_them_apart(db, make_user):
    first, second = make_user(name="Sam Park"), make_user(name="Sam Park")
    with pytest.raises(Unresolved, match="Several people have that name"):
        resolve(db, "person", "Sam Park")
    assert resolve(db, "person", f"Sam Park <{second.email}>") == second.id != first.id


def test_work_is_not_given_to_someone_whose_account_is_closed(db, make_user):
    make_user(name="Former Colleague", email="gone@example.org", active=False)
    with pytest.raises(Unresolved, match="account is closed"):
        resolve(db, "person", "gone@example.org")
    with pytest.raises(Unresolved, match="account is closed"):
        resolve(db, "person", "Former Colleague")


def test_an_active_namesake_is_found_though_a_former_one_shares_the_name(db, make_user):
    make_user(name="Sam Park", active=False)
    current = make_user(name="Sam Park")
    assert resolve(db, "person", "Sam Park") == current.id


def test_plans_are_found_by_title_and_number(db, make_plan):
    plan = make_plan(title="Peer reviews")
    assert resolve(db, "plan", f"Peer reviews (#{plan.id})") == plan.id
    assert resolve(db, "plan", f"#{plan.id}") == plan.id
    assert resolve(db, "plan", "peer REVIEWS") == plan.id
    with pytest.raises(Unresolved, match="No action plan with that title or number"):
        resolve(db, "plan", "Peer")


def test_proposals_are_found_by_number_and_title(db, make_proposal):
    proposal = make_proposal(title="Shorter reviews")
    assert resolve(db, "proposal", f"#{proposal.id} Shorter reviews") == proposal.id
    assert resolve(db, "proposal", "shorter reviews") == proposal.id


def test_several_people_come_one_per_line_or_separated_by_commas(db, make_user):
    ann, bo = make_user(email="ann@example.org"), make_user(name="Bo Chen")
    assert resolve_all(db, "person", [f"ann@example.org, Bo Chen\n{ann.name} <{ann.email}>"]) == [ann.id, bo.id, ann.id]
    with pytest.raises(Unresolved, match="“nobody”: No one with that name or email"):
        resolve_all(db, "person", ["ann@example.org, nobody"])


# The suggestions: a fixed number of rows, for those who may choose.

def test_suggestions_are_at_most_fifteen_active_people_matching_the_text(client, login_as, make_user):
    login_as(Role.PROCESS_GROUP)
    for n in range(20):
        make_user(name=f"Dana {n:02}", email=f"dana{n}@example.org")
    make_user(name="Dana Gone", active=False)
    answer = client.get("/lookup/people?field=owner_id&owner_id=dana")
    assert answer.status_code == 200
    assert len(options(answer)) == SUGGESTIONS == 15
    assert options(answer)[0] == "Dana 00 <dana0@example.org>"
    assert "Dana Gone" not in answer.get_data(as_text=True)


def test_suggestions_match_an_email_and_take_wildcards_literally(client, login_as, make_user):
    login_as(Role.MEMBER)
    make_user(name="Ann Lee", email="ann@example.org")
    make_user(name="Bo Chen", email="bo@example.org")
    assert options(client.get("/lookup/people?field=owner&owner=ann@")) == ["Ann Lee <ann@example.org>"]
    assert options(client.get("/lookup/people?field=owner&owner=%25")) == []


def test_suggestions_are_escaped(client, login_as, make_user):
    login_as(Role.PROCESS_GROUP)
    make_user(name='<script>alert("x")</script>', email="odd@example.org")
    text = client.get("/lookup/people?field=q&q=script").get_data(as_text=True)
    assert "<script>" not in text and "&lt;script&gt;" in text


def test_plan_suggestions_can_be_narrowed_to_plans_under_way(client, login_as, make_plan):
    login_as(Role.PROCESS_GROUP)
    open_plan = make_plan(PlanStatus.IN_PROGRESS, title="Estimation rework")
    make_plan(PlanStatus.COMPLETED, title="Estimation basics")
    assert len(options(client.get("/lookup/plans?field=plan&plan=estimation"))) == 2
    assert options(client.get("/lookup/plans?field=plan&plan=estimation&among=open")) == [
        f"Estimation rework (#{open_plan.id})"]


def test_a_member_may_not_ask_for_proposal_suggestions(client, login_as, make_proposal):
    make_proposal(ProposalStatus.ACCEPTED, title="Shorter reviews")
    login_as(Role.MEMBER)
    assert client.get("/lookup/proposals?field=q&q=short").status_code == 403


def test_suggestions_need_a_sign_in(client):
    assert client.get("/lookup/people?field=q&q=a").status_code in (302, 401)


# Forms and filters: the text posted is resolved before validation.

@pytest.fixture
def sepg(login, make_user):
    return login(make_user(Role.PROCESS_GROUP))


def test_a_team_member_typed_as_name_and_email_joins_the_team(client, sepg, db, make_plan, make_user):
    plan, mia = make_plan(), make_user(name="Mia Wong", email="mia@example.org")
    response = client.post(f"/plans/{plan.id}/team", data={"user_id": "Mia Wong <mia@example.org>",
                                                           "team_role": "author"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "Mia Wong — author" in response.get_data(as_text=True)
    assert [m.user_id for m in db.exec(TeamMember.__table__.select()).all()] == [mia.id]


def test_an_email_typed_without_script_gives_a_commitment_its_owner(client, sepg, db, make_plan, make_user):
    plan, ann = make_plan(PlanStatus.IN_PROGRESS), make_user(email="ann@example.org")
    response = client.post(f"/plans/{plan.id}/commitments", data={
        "description": "Write the checklist", "owner_id": "ann@example.org", "due_date": "2099-09-30"})
    assert response.status_code < 400
    assert db.exec(Commitment.__table__.select()).one().owner_id == ann.id


def test_text_naming_no_one_is_refused_beside_the_field_and_kept(client, sepg, db, make_plan):
    plan = make_plan()
    response = client.post(f"/plans/{plan.id}/team", data={"user_id": "Nobody Known", "team_role": "author"})
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'<p class="error" id="member-user_id-error">No one with that name or email: pick from the '
                     r"suggestions.</p>", text)
    assert 'value="Nobody Known"' in text
    assert count_rows(db, TeamMember) == 0


def test_editing_shows_the_chosen_owner_as_name_and_email(client, sepg, make_plan, make_user):
    owner = make_user(Role.PROCESS_GROUP, name="Olu Ade", email="olu@example.org")
    plan = make_plan(owner_id=owner.id)
    assert 'value="Olu Ade &lt;olu@example.org&gt;"' in client.get(f"/plans/{plan.id}/edit").get_data(as_text=True)


def test_the_commitments_list_filters_by_typed_owner_and_plan(client, sepg, make_plan, make_commitment, make_user):
    plan, other = make_plan(PlanStatus.IN_PROGRESS, title="Peer reviews"), make_plan(PlanStatus.IN_PROGRESS)
    ann = make_user(name="Ann Lee", email="ann@example.org")
    make_commitment(plan, owner=ann, description="Ann's checklist")
    make_commitment(other, owner=ann, description="Ann's other work")
    make_commitment(plan, description="Someone else's")
    text = client.get("/commitments/", query_string={"owner": "Ann Lee <ann@example.org>",
                                                     "plan": f"Peer reviews (#{plan.id})"}).get_data(as_text=True)
    assert "Ann&#39;s checklist" in text and "other work" not in text and "Someone else" not in text
    by_id = client.get(f"/commitments/?owner={ann.id}").get_data(as_text=True)  # a link's filter: the id
    assert 'value="Ann Lee &lt;ann@example.org&gt;"' in by_id


def test_a_filter_naming_nothing_says_so_and_shows_no_rows(client, sepg, make_plan, make_commitment):
    make_commitment(make_plan(PlanStatus.IN_PROGRESS), description="Write the checklist")
    response = client.get("/commitments/?plan=No+such+plan")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "No action plan with that title or number: pick from the suggestions." in text
    assert "Write the checklist" not in text and 'value="No such plan"' in text
    fragment = client.get("/commitments/?plan=No+such+plan", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'id="f-c-plan-said" hx-swap-oob="true"' in fragment and "No action plan with that title" in fragment


def test_a_plan_form_takes_proposals_one_per_line(client, sepg, db, make_proposal):
    first, second = (make_proposal(ProposalStatus.ACCEPTED, title=t) for t in ("Shorter reviews", "Checklists"))
    response = client.post("/plans/", data={
        "title": "Review rework", "goal": "Find defects earlier", "success_measure": "Escaped defects",
        "success_target": "<= 3", "owner_id": sepg.email, "planned_start": "2026-01-01",
        "planned_end": "2026-06-30", "proposal_ids": f"#{first.id} Shorter reviews\nChecklists"})
    assert response.status_code == 303
    db.expire_all()
    assert {first.status, second.status} == {ProposalStatus.PLANNED}


# Pages stay the same size as the organization grows.

@pytest.mark.parametrize("page", ["plan", "commitments"])
def test_pages_with_pickers_read_as_many_statements_for_3_people_and_plans_as_for_60(
        page, client, sepg, make_plan, make_user, make_commitment, query_counter):
    plan = make_plan(PlanStatus.IN_PROGRESS, team=[make_user()])
    make_commitment(plan)

    def statements_with(people_and_plans: int) -> tuple[int, int]:
        while len(made) < people_and_plans:
            made.append((make_user(), make_plan(PlanStatus.IN_PROGRESS)))
        query_counter.clear()
        response = client.get(f"/plans/{plan.id}" if page == "plan" else "/commitments/")
        assert response.status_code == 200
        return len(query_counter), len(response.get_data())

    made: list = []
    few, many = statements_with(3), statements_with(60)
    assert few[0] == many[0]
    assert many[1] - few[1] < 200  # no option per person or plan


def test_history_names_a_lookup_field_as_its_form_labels_it():
    assert field_label("action_plan", "owner_id") == "Owner"
    assert field_label("team_member", "user_id") == "Person"


def test_proposals_are_filtered_by_a_typed_submitter(client, login_as, make_proposal, make_user):
    leo = make_user(name="Leo Lead", email="leo@example.org")
    make_proposal(title="Leo's idea", submitter_id=leo.id)
    make_proposal(title="Someone's idea")
    login_as(Role.STEERING)
    text = client.get("/proposals/?submitter=leo@example.org").get_data(as_text=True)
    assert "Leo&#39;s idea" in text and "Someone&#39;s idea" not in text
    assert 'value="leo@example.org"' in text  # as typed


# Projects and process assets: a project by its code (unique), "code · name" as suggested, or its exact name; an
# asset by its title (unique). Every list's project and asset filter is one of these.

def test_a_project_is_found_by_code_by_code_and_name_or_by_exact_name(db, make_project):
    payroll = make_project(code="PX-12", name="Payroll")
    make_project(code="PX-13", name="Billing")
    assert resolve(db, "project", "PX-12") == payroll.id
    assert resolve(db, "project", "px-12") == payroll.id  # codes are typed in either case
    assert resolve(db, "project", "PX-12 · Payroll") == payroll.id
    assert resolve(db, "project", "payroll") == payroll.id
    with pytest.raises(Unresolved, match="No project by that code or name"):
        resolve(db, "project", "Pay")


def test_a_project_name_two_projects_share_is_refused_and_their_codes_tell_them_apart(db, make_project):
    first, second = make_project(code="A-1", name="Intranet"), make_project(code="B-2", name="Intranet")
    with pytest.raises(Unresolved, match="Several projects have that name"):
        resolve(db, "project", "Intranet")
    assert resolve(db, "project", "B-2 · Intranet") == second.id and resolve(db, "project", "A-1") == first.id


def test_a_code_wins_over_another_projects_name(db, make_project):
    by_code, named = make_project(code="Apollo", name="Moon shot"), make_project(code="X-9", name="Apollo")
    assert resolve(db, "project", "Apollo") == by_code.id
    assert resolve(db, "project", "X-9 · Apollo") == named.id


def test_an_asset_is_found_by_its_title(db, make_released):
    checklist = make_released(title="Review checklist").asset
    with pytest.raises(Unresolved, match="No process asset by that name"):
        resolve(db, "asset", "Review")
    assert resolve(db, "asset", "review CHECKLIST") == checklist.id


def test_project_suggestions_are_fifteen_by_code_matching_code_or_name_and_can_be_the_active_ones(
        client, login_as, make_project):
    from tracker.projects.models import ProjectStatus
    for n in range(20):
        make_project(code=f"Q-{n:02}", name=f"Quality {n}")
    make_project(code="Z-1", name="Closed quality work", status=ProjectStatus.CLOSED)
    make_project(code="Z-2", name="Payroll")
    login_as(Role.MEMBER)
    found = options(client.get("/lookup/projects?field=project&project=quality"))
    assert found == [f"Q-{n:02} · Quality {n}" for n in range(15)]
    assert options(client.get("/lookup/projects?field=project&project=z-")) == ["Z-1 · Closed quality work",
                                                                               "Z-2 · Payroll"]
    assert options(client.get("/lookup/projects?field=project&project=z-&among=active")) == ["Z-2 · Payroll"]


def test_asset_suggestions_match_the_title_in_title_order(client, login_as, make_released):
    for title in ("Review checklist", "Estimation procedure", "Code review guide"):
        make_released(title=title)
    login_as(Role.STEERING)
    assert options(client.get("/lookup/assets?field=asset&asset=REVIEW")) == ["Code review guide", "Review checklist"]


@pytest.mark.parametrize("url", ["/tailoring/", "/lessons/", "/compliance/", "/compliance/noncompliances",
                                 "/pilots/", "/deployments/", "/dashboards/deployment", "/dashboards/experience"])
def test_the_lists_project_and_asset_filters_are_typed_and_say_when_they_name_nothing(client, login_as, url):
    login_as(Role.PROCESS_GROUP)
    page = client.get(url).get_data(as_text=True)
    assert not re.search(r'<select[^>]*name="(project|asset)"', page), "no select of every project or asset"
    name = "asset" if url == "/deployments/" else "project"
    response = client.get(url, query_string={name: "Nothing named so"}, headers={"HX-Request": "true"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "by that" in text and "pick from the suggestions" in text and f'-{name}-said" hx-swap-oob="true"' in text


def test_the_tailoring_list_filters_by_a_typed_project_and_asset(client, login_as, make_project, make_released,
                                                                 make_tailoring):
    payroll, billing = make_project(code="PX-12", name="Payroll"), make_project(code="PX-13", name="Billing")
    checklist, guide = make_released(title="Review checklist"), make_released(title="Code review guide")
    make_tailoring(payroll, checklist, element="Payroll skips the checklist")
    make_tailoring(payroll, guide, element="Payroll skips the guide")
    make_tailoring(billing, checklist, element="Billing skips the checklist")
    login_as(Role.PROCESS_GROUP)
    text = client.get("/tailoring/", query_string={"project": "PX-12 · Payroll",
                                                    "asset": "Review checklist"}).get_data(as_text=True)
    assert "Payroll skips the checklist" in text
    assert "skips the guide" not in text and "Billing skips" not in text
    by_id = client.get(f"/tailoring/?project={payroll.id}").get_data(as_text=True)  # a link's filter: the id
    assert 'value="PX-12 · Payroll"' in by_id and "Billing skips" not in by_id


def test_a_lesson_names_its_project_by_code_and_its_asset_by_title_and_its_edit_form_shows_them(
        client, login_as, db, make_project, make_released):
    from sqlmodel import select

    from tracker.lessons.models import Lesson
    payroll = make_project(code="PX-12", name="Payroll")
    checklist = make_released(title="Review checklist").asset
    login_as(Role.PROCESS_GROUP)
    form = {"title": "Checklists halve rework", "polarity": "positive", "project_id": "px-12",
            "asset_id": "Review checklist", "what_happened": "Design reviews with a checklist found more"}
    refused = client.post("/lessons/", data=form | {"asset_id": "Review check"})
    assert refused.status_code == 422 and count_rows(db, Lesson) == 0
    assert "No process asset by that name" in refused.get_data(as_text=True)
    assert 'value="Review check"' in refused.get_data(as_text=True)  # what was typed stays
    assert client.post("/lessons/", data=form).status_code == 303
    lesson = db.exec(select(Lesson)).one()
    assert (lesson.project_id, lesson.asset_id) == (payroll.id, checklist.id)
    edit = client.get(f"/lessons/{lesson.id}/edit").get_data(as_text=True)
    assert 'value="PX-12 · Payroll"' in edit and 'value="Review checklist"' in edit


def test_an_audit_is_planned_for_a_project_typed_by_its_code(client, login_as, db, make_project, make_user):
    from tracker.compliance.models import ComplianceAudit
    make_project(code="PX-12", name="Payroll")
    make_user(Role.PROCESS_GROUP, name="Ann Auditor", email="ann@example.org")
    login_as(Role.PROCESS_GROUP)
    form = {"project_id": "Nothing", "audit_date": "2026-12-01", "auditor_id": "ann@example.org"}
    refused = client.post("/compliance/", data=form)
    assert refused.status_code == 422 and count_rows(db, ComplianceAudit) == 0
    assert "No project by that code or name" in refused.get_data(as_text=True)
    assert client.post("/compliance/", data=form | {"project_id": "PX-12 · Payroll"}).status_code == 303
    assert count_rows(db, ComplianceAudit) == 1


def test_a_version_is_found_by_its_assets_title_and_its_label(db, make_released):
    one = make_released("1.0", title="Review checklist")
    two = make_released("1.1", asset=one.asset)
    assert resolve(db, "version", "Review checklist 1.1") == two.id
    assert resolve(db, "version", "review CHECKLIST 1.0") == one.id
    with pytest.raises(Unresolved, match="No asset version by that name"):
        resolve(db, "version", "Review checklist")


def test_version_suggestions_are_by_title_newest_first_and_narrowed_to_released_or_on_trial(
        client, login_as, make_released):
    from tracker.assets.models import VersionStatus
    old = make_released("1.0", title="Review checklist")
    make_released("1.1", asset=old.asset)
    make_released("2.0", asset=old.asset, status=VersionStatus.DRAFT)
    make_released("0.9", asset=old.asset, status=VersionStatus.RETIRED)
    make_released("3.0", title="Code review guide")
    login_as(Role.PROJECT_LEAD)

    def suggested(among: str) -> list[str]:
        return options(client.get(f"/lookup/versions?field=v&v=review&among={among}"))
    assert suggested("released") == ["Code review guide 3.0", "Review checklist 1.1", "Review checklist 1.0"]
    assert suggested("trial") == ["Code review guide 3.0", "Review checklist 2.0", "Review checklist 1.1",
                                  "Review checklist 1.0"]
    assert "Review checklist 0.9" in suggested("")


def test_a_deployment_of_a_draft_typed_by_name_is_refused_beside_the_field(client, login_as, db, make_project,
                                                                          make_released):
    from tracker.assets.models import VersionStatus
    from tracker.deployments.models import Deployment
    make_released("1.0", title="Review checklist", status=VersionStatus.DRAFT)
    make_project(code="PX-12", name="Payroll")
    login_as(Role.PROCESS_GROUP)
    form = {"title": "Checklists", "version_ids": "Review checklist 1.0", "project_ids": "PX-12",
            "target_date": "2026-12-31"}
    refused = client.post("/deployments/", data=form)
    assert refused.status_code == 422 and count_rows(db, Deployment) == 0
    assert "Only released versions are deployed." in refused.get_data(as_text=True)
    assert "Review checklist 1.0</textarea>" in refused.get_data(as_text=True)  # as typed


def test_a_commitment_is_found_by_its_number_or_its_own_description(db, make_plan, make_commitment):
    from tracker.action_plans.models import CommitmentStatus
    plan = make_plan(PlanStatus.IN_PROGRESS, title="Tool roll-out")
    tool = make_commitment(plan, description="Install the review tool", status=CommitmentStatus.OPEN)
    make_commitment(plan, description="Train the reviewers")
    make_commitment(make_plan(PlanStatus.IN_PROGRESS, title="Training"), description="Train the reviewers")
    assert resolve(db, "commitment", f"Install the review tool — Tool roll-out (#{tool.id})") == tool.id
    assert resolve(db, "commitment", f"#{tool.id}") == tool.id
    assert resolve(db, "commitment", "install the REVIEW tool") == tool.id
    with pytest.raises(Unresolved, match="Several commitments have that description"):
        resolve(db, "commitment", "Train the reviewers")
    with pytest.raises(Unresolved, match="No commitment of an action plan with that number or description"):
        resolve(db, "commitment", "Install the tool")


def test_commitment_suggestions_match_description_or_plan_soonest_due_first_and_can_be_those_still_to_do(
        client, login_as, make_plan, make_commitment):
    from datetime import date

    from tracker.action_plans.models import CommitmentStatus
    tools = make_plan(PlanStatus.IN_PROGRESS, title="Review tools")
    late = make_commitment(tools, description="Install the tool", due_date=date(2026, 9, 30),
                           status=CommitmentStatus.OPEN)
    soon = make_commitment(tools, description="Buy licences", due_date=date(2026, 3, 31),
                           status=CommitmentStatus.PROPOSED)
    done = make_commitment(tools, description="Compare review tools", due_date=date(2026, 1, 31),
                           status=CommitmentStatus.DONE)
    other = make_commitment(make_plan(PlanStatus.IN_PROGRESS, title="Training"), description="Train on the review tool",
                            due_date=date(2026, 6, 30), status=CommitmentStatus.IN_PROGRESS)
    login_as(Role.MEMBER)

    def suggested(among: str) -> list[str]:
        return options(client.get(f"/lookup/commitments?field=c&c=tool&among={among}"))
    assert suggested("to-do") == [f"Buy licences — Review tools (#{soon.id})",  # its plan's title matches
                                  f"Train on the review tool — Training (#{other.id})",
                                  f"Install the tool — Review tools (#{late.id})"]
    assert suggested("")[0] == f"Compare review tools — Review tools (#{done.id})"


def test_objectives_are_typed_by_name_in_a_proposal_and_suggested_among_the_active_ones(
        client, login_as, db, make_objective):
    from tracker.proposals.models import Proposal
    fewer = make_objective(name="Fewer escaped defects")
    faster = make_objective(name="Faster delivery")
    make_objective(name="Fewer late projects", active=False)
    login_as(Role.MEMBER)
    assert options(client.get("/lookup/objectives?field=o&o=fewer&among=active")) == ["Fewer escaped defects"]
    assert options(client.get("/lookup/objectives?field=o&o=fewer")) == ["Fewer escaped defects", "Fewer late projects"]
    form = {"title": "Checklists", "problem": "Defects escape review", "proposed_change": "Use checklists",
            "source": "lesson_learned", "expected_benefit": "4", "estimated_effort": "2",
            "objective_ids": "fewer escaped defects\nFaster delivery"}
    assert client.post("/proposals/", data=form).status_code == 303
    saved = db.exec(select(Proposal)).one()
    assert sorted(o.id for o in saved.objectives) == sorted([fewer.id, faster.id])
    edit = html.unescape(client.get(f"/proposals/{saved.id}/edit").get_data(as_text=True))
    assert re.search(r">(Fewer escaped defects\nFaster delivery|Faster delivery\nFewer escaped defects)</textarea>",
                     edit)  # shown by name, one per line
    refused = client.post("/proposals/", data=form | {"objective_ids": "Happier customers"})
    assert refused.status_code == 422 and "No business objective by that name" in refused.get_data(as_text=True)


def test_proposals_and_a_dashboard_are_filtered_by_a_typed_objective(client, login_as, db, make_objective,
                                                                     make_proposal):
    from tracker.proposals.models import ProposalObjective
    fewer = make_objective(name="Fewer escaped defects")
    serving = make_proposal(title="Checklists for reviews")
    make_proposal(title="Faster builds")
    db.add(ProposalObjective(proposal_id=serving.id, objective_id=fewer.id))
    db.commit()
    login_as(Role.STEERING)
    page = client.get("/proposals/?objective=fewer+escaped+defects").get_data(as_text=True)
    assert "Checklists for reviews" in page and "Faster builds" not in page
    nothing = client.get("/proposals/?objective=Happier+customers", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "No business objective by that name" in nothing and "Checklists for reviews" not in nothing
    board = client.get("/dashboards/flow?objective=Fewer+escaped+defects")
    assert board.status_code == 200 and 'value="Fewer escaped defects"' in board.get_data(as_text=True)


def test_project_leads_are_typed_and_only_people_holding_the_lead_role_are_suggested(client, login_as, db,
                                                                                     make_user):
    from tracker.projects.models import Project
    leo = make_user(Role.PROJECT_LEAD, name="Leo Lead", email="leo@example.org")
    make_user(Role.MEMBER, name="Leona Member", email="leona@example.org")
    login_as(Role.PROCESS_GROUP)
    assert options(client.get("/lookup/people?field=p&p=leo&among=leads")) == ["Leo Lead <leo@example.org>"]
    assert len(options(client.get("/lookup/people?field=p&p=leo"))) == 2
    form = {"code": "PX-1", "name": "Payroll", "phase": "execution", "status": "active", "start_date": "2026-01-01",
            "lead_ids": "Leo Lead <leo@example.org>"}
    assert client.post("/projects/", data=form).status_code == 303
    assert [u.id for u in db.exec(select(Project)).one().leads] == [leo.id]
    refused = client.post("/projects/", data=form | {"code": "PX-2", "lead_ids": "leona@example.org"})
    assert refused.status_code == 422 and "Choose people who hold the project lead role." in refused.get_data(
        as_text=True)
