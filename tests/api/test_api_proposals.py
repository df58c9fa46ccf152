"""Proposals through the API: the list's filters, sorts and pages; a proposal with its ETag; submitting, editing
(If-Match: a stale edit is 412 with the record as it is), moving and commenting, under the pages' rules."""

from sqlmodel import select

from tracker.auth.roles import Role
from tracker.history.models import AuditEvent
from tracker.proposals.models import (
    Proposal,
    ProposalAsset,
    ProposalComment,
    ProposalObjective,
    ProposalStatus,
)


def _proposal(**fields) -> dict:
    return {"title": "Peer reviews late", "problem": "Defects found late", "proposed_change": "Review checklists",
            "source": "lesson_learned", "expected_benefit": 4, "estimated_effort": 2} | fields


def test_the_list_filters_sorts_and_pages_as_the_page_does(api, make_user, make_proposal):
    reader = api(make_user(Role.MEMBER))
    low = make_proposal(title="Low", priority_score=10)
    high = make_proposal(title="High", priority_score=90)
    make_proposal(title="Rejected one", status=ProposalStatus.REJECTED, priority_score=50)
    everything = reader.get("/api/v1/proposals")
    assert [item["title"] for item in everything.json["items"]] == ["High", "Rejected one", "Low"]  # by priority
    submitted = reader.get("/api/v1/proposals?status=submitted&sort=title").json["items"]
    assert [item["id"] for item in submitted] == [high.id, low.id]  # "High" before "Low"
    first = reader.get("/api/v1/proposals?per_page=2")
    assert first.json["paging"] | {"next": None} == {"page": 1, "per_page": 2, "count": 3, "more": False,
                                                     "next": None, "previous": None}
    assert first.headers["Link"] == f'<{first.json["paging"]["next"]}>; rel="next"'
    second = reader.get(first.json["paging"]["next"])
    assert [item["title"] for item in second.json["items"]] == ["Low"]
    assert reader.get("/api/v1/proposals?q=rejected").json["paging"]["count"] == 1


def test_a_filter_the_list_does_not_have_or_a_bad_value_is_refused_beside_it(api, make_user):
    reader = api(make_user(Role.MEMBER))
    misspelt = reader.get("/api/v1/proposals?stauts=submitted")
    assert misspelt.status_code == 422
    assert misspelt.headers["Content-Type"] == "application/problem+json"
    assert misspelt.json["errors"] == {"stauts": "There is no such parameter."}
    assert reader.get("/api/v1/proposals?status=nonsense").json["errors"] == {
        "status": "Choose one of the listed options."}
    assert reader.get("/api/v1/proposals?sort=problem").status_code == 422  # not a sortable column
    nul = reader.get("/api/v1/proposals?q=a%00b")  # found by schemathesis: a 500 on PostgreSQL
    assert nul.status_code == 422 and nul.json["errors"] == {"__all__": "Contains characters that are not allowed."}


def test_a_proposal_has_its_version_as_etag_and_an_unknown_one_is_404(api, make_user, make_proposal):
    reader = api(make_user(Role.MEMBER))
    proposal = make_proposal(title="Seen")
    response = reader.get(f"/api/v1/proposals/{proposal.id}")
    assert response.status_code == 200 and response.headers["ETag"] == '"1"'
    assert response.json["title"] == "Seen" and response.json["html_url"] == f"/proposals/{proposal.id}"
    missing = reader.get("/api/v1/proposals/2147483647")
    assert missing.status_code == 404 and missing.headers["Content-Type"] == "application/problem+json"
    assert reader.get(f"/api/v1/proposals/{proposal.id}?fields=title").json["errors"] == {
        "fields": "There is no such parameter."}  # an endpoint without parameters refuses them too
    assert reader.get("/api/v1/proposals/99999999999").status_code == 404  # past what the databases hold
    assert reader.patch("/api/v1/proposals/99999999999", json={}).status_code == 404  # whatever the method


def test_anyone_submits_a_proposal_and_its_history_says_who(api, make_user, db):
    member = make_user(Role.MEMBER)
    response = api(member).post("/api/v1/proposals", json=_proposal())
    assert response.status_code == 201
    proposal = db.exec(select(Proposal)).one()
    assert response.headers["Location"] == f"/api/v1/proposals/{proposal.id}"
    assert response.headers["ETag"] == '"1"'
    assert (proposal.title, proposal.submitter_id, proposal.status) == ("Peer reviews late", member.id,
                                                                        ProposalStatus.SUBMITTED)
    created = db.exec(select(AuditEvent).where(AuditEvent.entity == "proposal", AuditEvent.field == "title")).one()
    assert (created.user_id, created.new) == (member.id, "Peer reviews late")


def test_a_bad_submission_is_422_with_each_fields_error_and_nothing_written(api, make_user, db):
    caller = api(make_user(Role.MEMBER))
    response = caller.post("/api/v1/proposals", json=_proposal(title="", expected_benefit=9, source="rumour"))
    assert response.status_code == 422
    assert response.json["errors"] == {"title": "This field is required.",
                                       "expected_benefit": "Choose one of the listed options.",
                                       "source": "Choose one of the listed options."}
    assert caller.post("/api/v1/proposals", json=_proposal(expected_benefit="4")).status_code == 422  # not a number
    assert caller.post("/api/v1/proposals", data="title=x").status_code == 415
    assert caller.post("/api/v1/proposals", data="{nope", headers={"Content-Type": "application/json"}
                       ).status_code == 400
    assert db.exec(select(Proposal)).all() == []


def test_an_edit_needs_the_etag_it_was_made_from(api, make_user, make_proposal, db):
    sepg = api(make_user(Role.PROCESS_GROUP))
    proposal = make_proposal(title="Before")
    url = f"/api/v1/proposals/{proposal.id}"
    assert sepg.patch(url, json={"title": "After"}).status_code == 428
    edited = sepg.patch(url, json={"title": "After"}, headers={"If-Match": '"1"'})
    assert edited.status_code == 200
    assert edited.json["title"] == "After" and edited.json["problem"] == "Reviews find defects late"  # the rest kept
    assert edited.headers["ETag"] == '"2"'
    stale = sepg.patch(url, json={"title": "Lost"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.json["current"]["title"] == "After" and stale.headers["ETag"] == '"2"'
    db.refresh(proposal)
    assert proposal.title == "After"


def test_a_member_edits_only_their_own_submitted_proposal(api, make_user, make_proposal):
    member = make_user(Role.MEMBER)
    theirs = make_proposal()
    mine = make_proposal(submitter_id=member.id)
    caller = api(member)
    assert caller.patch(f"/api/v1/proposals/{theirs.id}", json={"title": "x"},
                        headers={"If-Match": '"1"'}).status_code == 403
    assert caller.patch(f"/api/v1/proposals/{mine.id}", json={"title": "Mine, better"},
                        headers={"If-Match": '"1"'}).status_code == 200


def test_moves_follow_the_workflow_table(api, make_user, make_proposal, db):
    proposal = make_proposal()
    url = f"/api/v1/proposals/{proposal.id}/moves"
    member = api(make_user(Role.MEMBER))
    assert member.post(url, json={"to": "under_review"}, headers={"If-Match": '"1"'}).status_code == 403
    sepg = api(make_user(Role.PROCESS_GROUP))
    moved = sepg.post(url, json={"to": "under_review"}, headers={"If-Match": '"1"'})
    assert moved.status_code == 200 and moved.json["status"] == "under_review"
    no_reason = sepg.post(url, json={"to": "rejected"}, headers={"If-Match": moved.headers["ETag"]})
    assert no_reason.status_code == 422 and "rationale" in no_reason.json["errors"]
    assert sepg.post(url, json={"to": "closed"}, headers={"If-Match": moved.headers["ETag"]}).status_code == 409
    db.refresh(proposal)
    assert proposal.status == ProposalStatus.UNDER_REVIEW


def test_anyone_comments(api, make_user, make_proposal, db):
    proposal = make_proposal()
    member = make_user(Role.MEMBER, name="Mo Member")
    response = api(member).post(f"/api/v1/proposals/{proposal.id}/comments", json={"body": "Yes, please"})
    assert response.status_code == 201 and response.json["author"]["name"] == "Mo Member"
    assert db.exec(select(ProposalComment.body)).all() == ["Yes, please"]


def test_a_proposal_links_its_objectives_and_assets_and_says_who_decided(api, db, make_user, make_proposal,
                                                                         make_objective, make_released):
    decider = make_user(Role.STEERING, name="Sam Steering")
    objective = make_objective(name="Fewer escaped defects")
    asset = make_released(title="Review checklist").asset
    proposal = make_proposal(status=ProposalStatus.ACCEPTED, decided_by_id=decider.id)
    db.add_all([ProposalObjective(proposal_id=proposal.id, objective_id=objective.id),
                ProposalAsset(proposal_id=proposal.id, asset_id=asset.id)])
    db.commit()
    reader = api(make_user(Role.MEMBER))
    for body in (reader.get(f"/api/v1/proposals/{proposal.id}").json, reader.get("/api/v1/proposals").json["items"][0]):
        assert body["objectives"] == [{"id": objective.id, "name": "Fewer escaped defects",
                                       "url": f"/api/v1/objectives/{objective.id}"}]
        assert body["assets"] == [{"id": asset.id, "name": "Review checklist", "url": f"/api/v1/assets/{asset.id}"}]
        assert body["decided_by"] == {"id": decider.id, "name": "Sam Steering", "url": None}  # people: no endpoint
    assert reader.get(f"/api/v1/proposals/{make_proposal().id}").json["decided_by"] is None


def test_mine_lists_the_proposals_the_caller_submitted(api, make_user, make_proposal):
    member = make_user(Role.MEMBER)
    mine = make_proposal(title="Mine", submitter_id=member.id)
    make_proposal(title="Theirs")
    response = api(member).get("/api/v1/proposals?mine=true")
    assert [item["id"] for item in response.json["items"]] == [mine.id]


def test_a_proposals_comments_are_listed_oldest_first_a_page_at_a_time(api, db, make_user, make_proposal):
    proposal = make_proposal()
    ann, bo = make_user(Role.MEMBER, name="Ann"), make_user(Role.MEMBER, name="Bo")
    db.add_all([ProposalComment(proposal_id=proposal.id, author_id=author.id, body=body)
                for author, body in ((ann, "First"), (bo, "Second"), (ann, "Third"))])
    db.add(ProposalComment(proposal_id=make_proposal().id, author_id=bo.id, body="Elsewhere"))
    db.commit()
    reader = api(make_user(Role.MEMBER))
    url = f"/api/v1/proposals/{proposal.id}/comments"
    everything = reader.get(url)
    assert everything.status_code == 200
    assert [(item["author"]["name"], item["body"]) for item in everything.json["items"]] == [
        ("Ann", "First"), ("Bo", "Second"), ("Ann", "Third")]
    first = reader.get(f"{url}?per_page=2")
    assert [item["body"] for item in first.json["items"]] == ["First", "Second"]
    assert first.json["paging"] == {"page": 1, "per_page": 2, "count": 3, "more": False,
                                    "next": f"{url}?per_page=2&page=2", "previous": None}
    assert first.headers["Link"] == f'<{url}?per_page=2&page=2>; rel="next"'
    second = reader.get(first.json["paging"]["next"])
    assert [item["body"] for item in second.json["items"]] == ["Third"]
    assert second.json["paging"]["previous"] == f"{url}?per_page=2&page=1" and second.json["paging"]["next"] is None
    assert reader.get("/api/v1/proposals/2147483647/comments").status_code == 404
