"""Issue 12 part 4: My work puts everything a person owns or must answer in one place — terms waiting for their
answer, commitments, issues and noncompliances still owed; what their role reviews (tailoring, lessons, plans in
review); the assets they own due for review; a lead's deployment rows — each with its first few, how many, and
the list that shows them all; a fixed number of statements."""

import re
from datetime import UTC, date, datetime

from tracker.action_plans.models import CommitmentStatus, IssueStatus, Party, PlanStatus
from tracker.auth.roles import Role
from tracker.db import clock_at
from tracker.lessons.models import LessonStatus


def sections(html: str) -> dict[str, int]:
    """Each section's heading and the count beside it."""
    return {label: int(n) for label, n in re.findall(r'<h2 id="work-[\w-]+-title">([^<]+) <span class="muted">\((\d+)\)',
                                                      html)}


def test_a_member_sees_what_they_own_and_must_answer(client, login, db, make_user, make_plan, make_commitment,
                                                     make_issue, make_audit, make_project):
    mia = make_user(Role.MEMBER, name="Mia")
    plan = make_plan(PlanStatus.IN_PROGRESS, title="Peer reviews", team=[mia])
    make_commitment(plan, owner=mia, description="Checklist", due_date=date(2026, 3, 1))
    make_commitment(plan, owner=mia, description="Done already", status=CommitmentStatus.DONE)
    make_commitment(plan, owner=mia, description="Pilot it", status=CommitmentStatus.PROPOSED, awaiting=Party.OWNER)
    make_issue(plan, owner=mia, title="Tool licence")
    make_issue(plan, owner=mia, title="Closed one", status=IssueStatus.CLOSED)
    make_audit(make_project(code="PAY"), noncompliance_owner=mia)
    login(mia)
    with clock_at(datetime(2026, 4, 1, 12, tzinfo=UTC)):
        page = client.get("/my-work").get_data(as_text=True)
    assert sections(page) == {"Commitment terms waiting for your answer": 1, "Your commitments still owed": 1,
                              "Plan issues you own, still open": 1, "Noncompliances you own, still open": 1}
    work = page.split('id="work-commitments"', 1)[1]
    assert "Checklist" in work.split("</section>")[0] and "Overdue" in work.split("</section>")[0]
    assert 'href="/commitments/?mine=1&amp;open=1"' in page


def test_the_process_group_sees_what_it_reviews_and_a_quiet_day_says_so(client, login, make_user, make_lesson,
                                                                        make_tailoring, make_project, make_released,
                                                                        make_plan):
    pg = make_user(Role.PROCESS_GROUP)
    login(pg)
    assert "Nothing waits for you" in client.get("/my-work").get_data(as_text=True)
    for n in range(7):
        make_lesson(title=f"Lesson {n}", status=LessonStatus.NEW)
    make_tailoring(make_project(), make_released())
    make_plan(PlanStatus.IN_REVIEW, title="Estimation")
    page = client.get("/my-work").get_data(as_text=True)
    assert sections(page) == {"Tailoring records to review": 1, "Lessons to review": 7,
                              "Action plans in review you have not reviewed": 1}
    assert page.split('id="work-lessons"', 1)[1].split("</section>")[0].count("<li>") == 5  # the first five
    assert "All 7" in page


def test_my_work_reads_a_fixed_number_of_statements(client, login, make_user, make_plan, make_commitment,
                                                    query_counter):
    mia = make_user(Role.MEMBER)
    login(mia)

    def statements_for(more: int) -> int:
        for _ in range(more):
            make_commitment(make_plan(PlanStatus.IN_PROGRESS), owner=mia)
        query_counter.clear()
        assert client.get("/my-work").status_code == 200
        return len(query_counter)

    assert statements_for(2) == statements_for(12)


def test_the_committee_sees_what_waits_for_its_decision(client, login, make_user, make_proposal, make_plan):
    from tracker.proposals.models import ProposalStatus
    make_proposal(ProposalStatus.ESCALATED, title="Buy a review tool")
    make_plan(PlanStatus.IN_REVIEW, title="Estimation")
    login(make_user(Role.STEERING))
    page = client.get("/my-work").get_data(as_text=True)
    assert sections(page) == {"Escalated proposals to decide": 1, "Action plans to approve": 1,
                              "Action plans in review you have not reviewed": 1}


def test_drafts_wait_for_the_sign_offs_still_missing(client, login, db, make_user):
    """Olga (member) owns the asset; Sam (process group) drafted 2.0; Quinn (process group) did not. The draft waits
    for Olga as owner and for Quinn, not for Sam, its author; once Olga signs, not for her; a draft without its
    content waits for nobody."""
    from tracker.assets.models import AssetKind, AssetVersion, Capacity, ProcessAsset, VersionApproval
    olga, sam = make_user(Role.MEMBER, name="Olga"), make_user(Role.PROCESS_GROUP, name="Sam")
    quinn = make_user(Role.PROCESS_GROUP, name="Quinn")
    asset = ProcessAsset(title="Estimation guideline", kind=AssetKind.GUIDELINE, owner_id=olga.id)
    db.add(asset)
    db.flush()
    ready = AssetVersion(asset_id=asset.id, label="2.0", change_notes="Adds ranges.", link="https://docs.example/e",
                         author_id=sam.id)
    db.add_all([ready, AssetVersion(asset_id=asset.id, label="3.0", change_notes="Later.", author_id=sam.id)])
    db.commit()
    waiting = "Drafts waiting for your sign-off"
    for person, expected in ((olga, 1), (quinn, 1), (sam, None)):
        login(person)
        assert sections(client.get("/my-work").get_data(as_text=True)).get(waiting) == expected, person.name
    db.add(VersionApproval(asset_version_id=ready.id, capacity=Capacity.OWNER, approver_id=olga.id,
                           fingerprint=ready.content_fingerprint()))
    db.commit()
    login(olga)
    assert waiting not in client.get("/my-work").get_data(as_text=True)
    login(quinn)
    assert sections(client.get("/my-work").get_data(as_text=True))[waiting] == 1
    ready.change_notes = "Adds ranges and a worked example."  # Olga's sign-off no longer counts
    db.commit()
    login(olga)
    assert sections(client.get("/my-work").get_data(as_text=True))[waiting] == 1


def test_each_list_my_work_leads_to_shows_exactly_what_it_counted(client, login, db, make_user, make_plan):
    """The sign-off, asset-review and plan-review kinds lead to lists filtered to the same things."""
    from datetime import date as day

    from tracker.action_plans.models import PlanReview, Verdict
    from tracker.assets.models import AssetKind, AssetVersion, ProcessAsset
    olga, sam = make_user(Role.PROJECT_LEAD, name="Olga"), make_user(Role.PROCESS_GROUP, name="Sam")
    mine = ProcessAsset(title="Estimation guideline", kind=AssetKind.GUIDELINE, owner_id=olga.id,
                        review_due_on=day(2020, 1, 1))
    theirs = ProcessAsset(title="Risk checklist", kind=AssetKind.CHECKLIST, owner_id=sam.id,
                          review_due_on=day(2020, 1, 1))
    db.add_all([mine, theirs])
    db.flush()
    db.add_all([AssetVersion(asset_id=mine.id, label="2.0", change_notes="Ranges.", link="https://d.example/e",
                             author_id=sam.id),
                AssetVersion(asset_id=theirs.id, label="2.0", change_notes="More.", link="https://d.example/r",
                             author_id=sam.id)])  # drafted by Sam, owned by Sam: waits for others, not for Olga
    reviewed = make_plan(PlanStatus.IN_REVIEW, title="Reviewed already")
    make_plan(PlanStatus.IN_REVIEW, title="Still to review")
    db.add(PlanReview(plan_id=reviewed.id, reviewer_id=olga.id, verdict=Verdict.APPROVE, comment="Fine"))
    db.commit()
    login(olga)
    signoff = client.get("/assets/?signoff=mine").get_data(as_text=True)
    assert "Estimation guideline" in signoff and "Risk checklist" not in signoff
    due = client.get("/assets/?review=due&mine=1").get_data(as_text=True)
    assert "Estimation guideline" in due and "Risk checklist" not in due
    plans = client.get("/plans/?status=in_review&review=mine").get_data(as_text=True)
    assert "Still to review" in plans and "Reviewed already" not in plans
    work = client.get("/my-work").get_data(as_text=True)
    for link in ('href="/assets/?signoff=mine"', 'href="/assets/?review=due&amp;mine=1"',
                 'href="/plans/?status=in_review&amp;review=mine"'):
        assert link in work
