"""Proposals through the UI: submit, triage with rationale, escalation, duplicates, comments, priority."""

import re

import pytest
from sqlmodel import select

from tests.conftest import count_rows
from tracker.auth.roles import Role
from tracker.history.models import AuditEvent
from tracker.proposals.models import PriorityWeights, Proposal, ProposalComment, ProposalStatus

VALID = {"title": "Checklist-driven reviews", "problem": "Defects escape review",
         "proposed_change": "Use checklists", "source": "lesson_learned", "source_ref": "PAY retro",
         "expected_benefit": "4", "estimated_effort": "2"}


def move(client, proposal, to, version, **extra):
    return client.post(f"/proposals/{proposal.id}/move", data={"to": to, "version": str(version), **extra})


def test_member_submits_a_proposal_serving_an_objective(client, login_as, make_objective, db):
    objective = make_objective(name="Fewer escaped defects")
    member = login_as(Role.MEMBER)
    response = client.post("/proposals/", data=VALID | {"objective_ids": [str(objective.id)]}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Checklist-driven reviews" in page and "Fewer escaped defects" in page
    proposal = db.exec(select(Proposal)).one()
    assert proposal.submitter_id == member.id and proposal.status == ProposalStatus.SUBMITTED
    assert proposal.priority_score > 0


def test_proposal_serving_no_objective_is_visibly_so(client, login_as):
    login_as(Role.MEMBER)
    page = client.post("/proposals/", data=VALID, follow_redirects=True).get_data(as_text=True)
    assert "Serves no business objective" in page
    listing = client.get("/proposals/?unaligned=1").get_data(as_text=True)
    assert "Checklist-driven reviews" in listing and "serves no objective" in listing


@pytest.mark.parametrize("field, value, message", [
    ("title", "", "This field is required."),
    ("source", "rumour", "Choose one of the listed options."),
    ("expected_benefit", "9", "Choose one of the listed options."),
    ("objective_ids", "4242", "Choose from the list."),
])
def test_bad_proposal_is_422_and_writes_nothing(client, login_as, db, field, value, message):
    login_as(Role.MEMBER)
    response = client.post("/proposals/", data=VALID | {field: value})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count_rows(db, Proposal) == 0


def test_rejecting_needs_a_rationale(client, login_as, make_proposal, db):
    proposal = make_proposal(ProposalStatus.UNDER_REVIEW)
    login_as(Role.PROCESS_GROUP)
    refused = move(client, proposal, "rejected", 1)
    assert refused.status_code == 422
    assert "a rationale is required" in refused.get_data(as_text=True)
    db.expire_all()
    assert db.get(Proposal, proposal.id).status == ProposalStatus.UNDER_REVIEW
    assert move(client, proposal, "rejected", 1, rationale="Out of scope this year.").status_code == 303
    db.expire_all()
    rejected = db.get(Proposal, proposal.id)
    assert rejected.status == ProposalStatus.REJECTED and rejected.decision_rationale == "Out of scope this year."


def test_escalated_proposal_is_decided_by_steering_not_the_process_group(client, login_as, make_proposal, make_user,
                                                                         login, db):
    proposal = make_proposal(ProposalStatus.UNDER_REVIEW)
    sepg = login_as(Role.PROCESS_GROUP)
    assert move(client, proposal, "escalated", 1).status_code == 303
    assert move(client, proposal, "accepted", 2).status_code == 403
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert 'value="accepted"' not in page  # no button the server would refuse
    login(make_user(Role.STEERING, name="Stella"))
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert 'value="accepted"' in page and 'value="rejected"' in page
    assert move(client, proposal, "accepted", 2, rationale="Worth it.").status_code == 303
    db.expire_all()
    accepted = db.get(Proposal, proposal.id)
    assert accepted.status == ProposalStatus.ACCEPTED and accepted.decided_by_id != sepg.id


def test_invalid_move_is_refused_with_a_message(client, login_as, make_proposal):
    accepted, proposal = make_proposal(ProposalStatus.ACCEPTED), make_proposal(ProposalStatus.SUBMITTED)
    login_as(Role.PROCESS_GROUP)
    response = move(client, accepted, "planned", 1)
    assert response.status_code == 403  # an automatic move: only writing a plan makes it
    response = move(client, proposal, "closed", 1)
    assert response.status_code == 409 and "Cannot go from submitted to closed" in response.get_data(as_text=True)


def test_stale_triage_button_is_a_conflict(client, login_as, make_proposal):
    proposal = make_proposal(ProposalStatus.SUBMITTED)
    login_as(Role.PROCESS_GROUP)
    assert move(client, proposal, "under_review", 1).status_code == 303
    assert move(client, proposal, "duplicate", 1).status_code == 409


def test_duplicate_is_linked_both_ways(client, login_as, make_proposal, db):
    original, copy = make_proposal(title="Original idea"), make_proposal(title="Same idea again")
    login_as(Role.PROCESS_GROUP)
    assert move(client, copy, "duplicate", 1).status_code == 422  # which one does it duplicate?
    assert move(client, copy, "duplicate", 1, duplicate_of_id=str(original.id)).status_code == 303
    assert f"#{original.id} Original idea" in client.get(f"/proposals/{copy.id}").get_data(as_text=True)
    assert f"#{copy.id} Same idea again" in client.get(f"/proposals/{original.id}").get_data(as_text=True)


def test_submitter_edits_own_proposal_only_while_submitted(client, login, make_user, make_proposal, db):
    member = make_user(Role.MEMBER)
    proposal = make_proposal(submitter_id=member.id)
    other = make_proposal()
    login(member)
    assert client.post(f"/proposals/{proposal.id}", data=VALID | {"version": "1"}).status_code == 303
    assert client.post(f"/proposals/{other.id}", data=VALID | {"version": "1"}).status_code == 403
    proposal_row = db.get(Proposal, proposal.id)
    db.refresh(proposal_row)
    proposal_row.status = ProposalStatus.UNDER_REVIEW
    db.commit()
    assert client.get(f"/proposals/{proposal.id}/edit").status_code == 403


def test_anyone_comments_and_an_empty_comment_is_refused(client, login_as, make_proposal, db):
    proposal = make_proposal()
    login_as(Role.PROJECT_LEAD, name="Leo")
    empty = client.post(f"/proposals/{proposal.id}/comments", data={"body": " "}, headers={"HX-Request": "true"})
    assert empty.status_code == 422 and count_rows(db, ProposalComment) == 0
    ok = client.post(f"/proposals/{proposal.id}/comments", data={"body": "We saw this too."},
                     headers={"HX-Request": "true"})
    assert ok.status_code == 200 and "We saw this too." in ok.get_data(as_text=True)
    assert "<html" not in ok.get_data(as_text=True)


def test_list_is_sorted_by_priority_and_weights_rescore(client, login_as, make_proposal, db):
    cheap = make_proposal(title="Cheap", expected_benefit=2, estimated_effort=1, priority_score=40)
    valuable = make_proposal(title="Valuable", expected_benefit=5, estimated_effort=5, priority_score=50)
    login_as(Role.MEMBER)
    page = client.get("/proposals/").get_data(as_text=True)
    assert page.index("Valuable") < page.index("Cheap")
    login_as(Role.ADMIN)
    client.get("/proposals/priority-weights")
    version = db.exec(select(PriorityWeights.version)).one()
    response = client.post("/proposals/priority-weights",
                           data={"benefit": "0", "alignment": "0", "effort": "10", "version": str(version)})
    assert response.status_code == 303
    db.expire_all()
    assert db.get(Proposal, cheap.id).priority_score == 100
    assert db.get(Proposal, valuable.id).priority_score == 0
    page = client.get("/proposals/").get_data(as_text=True)
    assert page.index("Cheap") < page.index("Valuable")
    assert db.exec(select(AuditEvent).where(AuditEvent.entity == "priority_weights")).first() is not None


def test_all_zero_weights_are_refused(client, login_as, db):
    login_as(Role.ADMIN)
    client.get("/proposals/priority-weights")
    response = client.post("/proposals/priority-weights",
                           data={"benefit": "0", "alignment": "0", "effort": "0", "version": "1"})
    assert response.status_code == 422


def test_board_groups_by_status(client, login_as, make_proposal):
    make_proposal(ProposalStatus.ESCALATED, title="Needs steering")
    make_proposal(ProposalStatus.SUBMITTED, title="Fresh idea")
    login_as(Role.STEERING)
    page = client.get("/proposals/?view=board").get_data(as_text=True)
    escalated = page.split('id="col-escalated"')[1].split("</section>")[0]
    assert "Needs steering" in escalated and "Fresh idea" not in escalated


def test_a_board_filtered_to_a_status_it_has_no_column_for_says_so_and_links_to_the_list(client, login_as,
                                                                                          make_proposal):
    """A walk-through filtered the board to "Rejected" and met seven empty columns, nothing said."""
    make_proposal(ProposalStatus.REJECTED, title="Not now")
    login_as(Role.STEERING)
    page = client.get("/proposals/?view=board&status=rejected").get_data(as_text=True)
    assert 'class="column"' not in page
    assert "rejected proposals have no column on it." in page
    assert 'href="/proposals/?status=rejected">See them in the list</a>' in page
    assert "Not now" in client.get("/proposals/?status=rejected").get_data(as_text=True)
    board = client.get("/proposals/?view=board&status=submitted").get_data(as_text=True)
    assert 'id="col-submitted"' in board
    assert '<option value="submitted" selected>' in board  # the filters form keeps it for the next change


def test_a_board_card_shows_its_objectives_and_a_column_counts_to_the_limit(client, login_as, make_proposal,
                                                                          make_objective, monkeypatch):
    monkeypatch.setattr("tracker.proposals.service.COUNT_LIMIT", 3)  # a column counts this many, then says "+"
    quality, cost = make_objective(name="Quality"), make_objective(name="Cost")
    make_proposal(ProposalStatus.ESCALATED, title="Aligned", objectives=[quality, cost])
    make_proposal(ProposalStatus.ESCALATED, title="Loose")
    for n in range(5):
        make_proposal(ProposalStatus.SUBMITTED, title=f"Idea {n}")
    login_as(Role.STEERING)
    page = client.get("/proposals/?view=board").get_data(as_text=True)
    escalated = page.split('id="col-escalated"')[1].split("</section>")[0]
    assert "(2)" in escalated and "Cost, Quality" in escalated and "serves no objective" in escalated
    submitted = page.split('id="col-submitted"')[1].split("</section>")[0]
    assert "(3+)" in submitted and submitted.count('class="card"') == 5
    assert "All 3+</a>" in submitted  # more than it counted: the list of them is a click away
    assert "(0)" in page.split('id="col-deferred"')[1].split("</section>")[0]


def test_the_board_and_the_list_keep_the_filters_between_them(client, login_as, make_proposal, make_objective,
                                                              monkeypatch):
    """Found by a walk-through: the List/Board switch and a column's "All N" link dropped the filters."""
    monkeypatch.setattr("tracker.proposals.service.COUNT_LIMIT", 1)  # a column counts 1, then offers all of them
    quality = make_objective(name="Quality")
    for title in ("Served one", "Served two"):
        make_proposal(ProposalStatus.SUBMITTED, title=title, objectives=[quality])
    login_as(Role.STEERING)
    board = client.get(f"/proposals/?view=board&q=serv&objective={quality.id}",
                       headers={"HX-Request": "true"}).get_data(as_text=True)  # the filters' results, swapped in
    assert f'href="/proposals/?q=serv&amp;objective={quality.id}">List</a>' in board
    assert f'href="/proposals/?q=serv&amp;objective={quality.id}&amp;status=submitted">All 1+</a>' in board
    listed = client.get(f"/proposals/?q=serv&objective={quality.id}&sort=title").get_data(as_text=True)
    assert f'href="/proposals/?q=serv&amp;objective={quality.id}&amp;view=board">Board</a>' in listed


def test_filters_narrow_the_list(client, login_as, make_proposal, make_objective, db):
    objective = make_objective()
    served = make_proposal(title="Served one", objectives=[objective])
    make_proposal(title="Other one", status=ProposalStatus.ACCEPTED)
    login_as(Role.MEMBER)
    page = client.get(f"/proposals/?objective={objective.id}").get_data(as_text=True)
    assert "Served one" in page and "Other one" not in page
    page = client.get("/proposals/?status=accepted", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Other one" in page and "Served one" not in page
    assert re.search(rf'href="/proposals/{served.id}"', client.get("/proposals/?q=served").get_data(as_text=True))


def test_proposal_list_and_board_queries_do_not_grow(client, login_as, make_proposal, make_objective, query_counter):
    login_as(Role.MEMBER)
    objective = make_objective()

    def queries(path):
        query_counter.clear()
        assert client.get(path).status_code == 200
        return len(query_counter)

    make_proposal(objectives=[objective])
    small = queries("/proposals/"), queries("/proposals/?view=board")
    for status in list(ProposalStatus)[:6]:
        make_proposal(status, objectives=[objective])
    assert (queries("/proposals/"), queries("/proposals/?view=board")) == small


def test_htmx_status_change_is_swapped_in_place(client, login_as, make_proposal):
    proposal = make_proposal(ProposalStatus.SUBMITTED)
    login_as(Role.PROCESS_GROUP)
    response = client.post(f"/proposals/{proposal.id}/move", data={"to": "under_review", "version": "1"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200 and "HX-Redirect" not in response.headers
    page = response.get_data(as_text=True)
    assert 'id="proposal-status">Under review<' in page
    assert 'value="accepted"' in page and 'value="under_review"' not in page  # the next moves, from the table


def test_filter_by_submitter(client, login_as, make_proposal, make_user):
    leo, mia = make_user(Role.PROJECT_LEAD, name="Leo"), make_user(Role.MEMBER, name="Mia")
    make_proposal(title="Leo's idea", submitter_id=leo.id)
    make_proposal(title="Mia's idea", submitter_id=mia.id)
    login_as(Role.STEERING)
    page = client.get(f"/proposals/?submitter={leo.id}").get_data(as_text=True)
    assert "Leo&#39;s idea" in page and "Mia&#39;s idea" not in page


def test_stale_htmx_button_asks_the_page_to_show_the_current_record(client, login_as, make_proposal):
    proposal = make_proposal(ProposalStatus.SUBMITTED)
    login_as(Role.PROCESS_GROUP)
    move(client, proposal, "under_review", 1)
    stale = client.post(f"/proposals/{proposal.id}/move", data={"to": "duplicate", "version": "1"},
                        headers={"HX-Request": "true"})
    assert stale.status_code == 409
    assert stale.headers["HX-Trigger"] == "recordChanged" and stale.headers["HX-Retarget"] == "#messages"


@pytest.mark.parametrize("final", [ProposalStatus.REJECTED, ProposalStatus.CLOSED, ProposalStatus.DUPLICATE])
def test_a_final_proposal_changes_only_through_its_workflow(client, login_as, make_proposal, db, final):
    """The defect found: the process group could edit a rejected, closed or duplicate proposal."""
    login_as(Role.PROCESS_GROUP)
    proposal = make_proposal(final, title="Shorter stand-ups")
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert f'href="/proposals/{proposal.id}/edit"' not in page
    form = client.get(f"/proposals/{proposal.id}/edit")
    assert form.status_code == 409
    assert "proposal changes only through its workflow" in form.get_data(as_text=True)
    saved = client.post(f"/proposals/{proposal.id}", data=VALID | {"title": "Rewritten", "version": "1"})
    assert saved.status_code == 409
    db.expire_all()
    assert db.get(Proposal, proposal.id).title == "Shorter stand-ups"
    assert count_rows(db, AuditEvent) == 0


def test_an_open_proposal_is_still_edited_by_the_process_group(client, login_as, make_proposal, db):
    login_as(Role.PROCESS_GROUP)
    proposal = make_proposal(ProposalStatus.UNDER_REVIEW)
    assert client.post(f"/proposals/{proposal.id}", data=VALID | {"version": "1"}).status_code == 303


def test_a_comment_reads_only_the_comments(client, login_as, make_proposal, query_counter):
    """Issue 9.3: a comment re-renders the comments alone: no history, trace or duplicate candidates are read."""
    proposal = make_proposal()
    login_as(Role.MEMBER)
    query_counter.clear()
    ok = client.post(f"/proposals/{proposal.id}/comments", data={"body": "Seen it too."}, headers={"HX-Request": "true"})
    assert ok.status_code == 200
    selects = [s for s in query_counter if s.lstrip().upper().startswith("SELECT")]
    assert not [s for s in selects if "audit_event" in s], "the history was read"
    listed = [s for s in selects if ("FROM proposal " in s + " " or "FROM proposal\n" in s)
              and "WHERE proposal.id = " not in s]  # the proposal itself is read, of course
    assert listed == [], "proposals were listed (duplicate candidates or trace)"


def test_a_board_column_shows_its_twenty_highest_priorities_first_and_counts_all(client, login_as, make_proposal):
    """Issue 14: each column's first 20 cards, highest priority first (ties: newest first), out of all it counts."""
    for score in range(22):  # priorities 0..21: the column shows 21 down to 2
        make_proposal(ProposalStatus.SUBMITTED, title=f"Idea scored {score:02d}", priority_score=score)
    make_proposal(ProposalStatus.ESCALATED, title="Idea scored 99", priority_score=99)
    login_as(Role.STEERING)
    page = client.get("/proposals/?view=board").get_data(as_text=True)
    column = page.split('id="col-submitted"')[1].split("</section>")[0]
    shown = re.findall(r"Idea scored (\d\d)", column)
    assert shown == [f"{score:02d}" for score in range(21, 1, -1)]
    assert "22" in column.split("</h")[0], "the column's heading counts every submitted proposal"


def test_a_proposal_page_shows_its_latest_comments_and_all_of_them_a_click_away(client, db, login_as, make_proposal,
                                                                                 monkeypatch):
    """Found by a walk-through: a proposal with 950 comments rendered them all (135 KB). Its page shows the latest
    (here 2), oldest of them first, says how many there are, and shows all of them when asked."""
    from tracker.proposals.models import ProposalComment
    monkeypatch.setattr("tracker.proposals.service.COMMENTS_SHOWN", 2)
    proposal = make_proposal()
    db.add_all(ProposalComment(proposal_id=proposal.id, author_id=proposal.submitter_id, body=f"Remark {n}")
               for n in (1, 2, 3))
    db.commit()
    login_as(Role.MEMBER)
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Comments (3)" in page and "Remark 1" not in page
    assert page.index("Remark 2") < page.index("Remark 3")
    assert f'href="/proposals/{proposal.id}?comments=all#comments-title">Show all 3 comments</a>' in page
    everything = client.get(f"/proposals/{proposal.id}?comments=all").get_data(as_text=True)
    assert "Remark 1" in everything and "Show all" not in everything
