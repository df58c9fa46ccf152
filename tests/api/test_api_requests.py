"""What every endpoint does with what it is sent, as a new user's walk-through found it: a body's field the document
does not give it, a filter given twice, If-Match that is missing, stale, weak or `*`, a list's bounds and orders
said in words, JSON of the wrong type, and the headers the document says answers carry."""

from sqlmodel import select

from tracker.auth.roles import Role
from tracker.objectives.models import Measurement
from tracker.proposals.models import ProposalStatus

NO_VERSION = ('Say which version you edit: send the record\'s ETag, as you read it, in If-Match (such as If-Match: '
              '"1"), so that your change cannot overwrite one you have not seen.')


def test_a_field_the_body_does_not_have_is_refused_not_ignored(api, make_user, make_proposal, db):
    sepg = api(make_user(Role.PROCESS_GROUP))
    proposal = make_proposal(title="Before")
    response = sepg.patch(f"/api/v1/proposals/{proposal.id}", headers={"If-Match": '"1"'},
                          json={"bogus": "x", "status": "accepted", "priority_score": 100})
    assert response.status_code == 422
    assert response.json["errors"] == {"bogus": "There is no such field.", "status": "There is no such field.",
                                       "priority_score": "There is no such field."}
    db.refresh(proposal)
    assert (proposal.status, proposal.version) == (ProposalStatus.SUBMITTED, 1)


def test_an_unknown_field_is_said_in_the_same_round_as_the_fields_errors(api, make_user):
    response = api(make_user(Role.MEMBER)).post("/api/v1/proposals", json={
        "title": "", "problem": "p", "proposed_change": "c", "source": "lesson_learned", "expected_benefit": 4,
        "estimated_effort": 2, "titel": "Misspelt", "version": 1})
    assert response.status_code == 422
    assert response.json["errors"] == {"title": "This field is required.", "titel": "There is no such field.",
                                       "version": "There is no such field."}


def test_an_edit_sends_its_version_as_if_match_not_in_the_body(api, make_user, make_proposal):
    sepg = api(make_user(Role.PROCESS_GROUP))
    proposal = make_proposal()
    response = sepg.patch(f"/api/v1/proposals/{proposal.id}", json={"title": "New", "version": 1},
                          headers={"If-Match": '"1"'})
    assert response.status_code == 422
    assert response.json["errors"] == {
        "version": 'The version goes in the If-Match header: the ETag you read (such as "1").'}


def test_a_body_read_after_its_object_rule_refuses_unknown_fields_too(api, make_user, make_objective, db):
    owner = make_user(Role.MEMBER)
    objective = make_objective(owner_id=owner.id)
    response = api(owner).post(f"/api/v1/objectives/{objective.id}/measurements", json={
        "measured_on": "2026-06-01", "value": 7, "source": "Monthly report", "unit": "%"})
    assert response.status_code == 422
    assert response.json["errors"] == {"unit": "There is no such field."}
    assert db.exec(select(Measurement)).all() == []


def test_a_filter_given_twice_is_refused(api, make_user):
    response = api(make_user(Role.MEMBER)).get("/api/v1/proposals?status=submitted&status=under_review")
    assert response.status_code == 422
    assert response.json["errors"] == {"status": "Give this parameter once."}


def test_an_edit_without_if_match_is_told_how_to_send_it(api, make_user, make_proposal):
    proposal = make_proposal()
    response = api(make_user(Role.PROCESS_GROUP)).patch(f"/api/v1/proposals/{proposal.id}", json={"title": "x"})
    assert response.status_code == 428
    assert response.json["detail"] == NO_VERSION


def test_if_match_star_is_refused_with_the_same_guidance(api, make_user, make_proposal, db):
    proposal = make_proposal(title="Before")
    response = api(make_user(Role.PROCESS_GROUP)).patch(f"/api/v1/proposals/{proposal.id}", json={"title": "x"},
                                                        headers={"If-Match": "*"})
    assert response.status_code == 428
    assert response.json["detail"] == NO_VERSION
    db.refresh(proposal)
    assert proposal.title == "Before"


def test_an_etag_that_is_not_the_records_now_is_412_with_the_record(api, make_user, make_proposal, db):
    proposal = make_proposal(title="Before")
    sepg = api(make_user(Role.PROCESS_GROUP))
    for sent in ('"0"', 'W/"1"', '"9999999999"'):  # no record's version; weak (If-Match compares strongly); none yet
        response = sepg.patch(f"/api/v1/proposals/{proposal.id}", json={"title": "Lost"}, headers={"If-Match": sent})
        assert response.status_code == 412, sent
        assert response.json["current"]["title"] == "Before" and response.headers["ETag"] == '"1"'
    db.refresh(proposal)
    assert (proposal.title, proposal.version) == ("Before", 1)


def test_a_weak_etag_does_not_move_a_record_either(api, make_user, make_proposal, db):
    proposal = make_proposal()
    response = api(make_user(Role.PROCESS_GROUP)).post(f"/api/v1/proposals/{proposal.id}/moves",
                                                       json={"to": "under_review"}, headers={"If-Match": 'W/"1"'})
    assert response.status_code == 412
    db.refresh(proposal)
    assert proposal.status == ProposalStatus.SUBMITTED


def test_an_if_match_that_is_no_etag_is_400(api, make_user, make_proposal):
    proposal = make_proposal()
    response = api(make_user(Role.PROCESS_GROUP)).patch(f"/api/v1/proposals/{proposal.id}", json={"title": "x"},
                                                        headers={"If-Match": "1"})
    assert response.status_code == 400
    assert response.json["detail"] == 'If-Match holds the record\'s ETag as you read it, quotes included, such as "1".'


def test_a_lists_bounds_and_orders_are_said_in_words(api, make_user):
    reader = api(make_user(Role.MEMBER))
    assert reader.get("/api/v1/proposals?page=0").json["errors"] == {"page": "Use a page from 1 to 10000."}
    assert reader.get("/api/v1/proposals?page=10001").json["errors"] == {"page": "Use a page from 1 to 10000."}
    assert reader.get("/api/v1/proposals?per_page=101").json["errors"] == {
        "per_page": "Use 1 to 100 records a page."}
    assert reader.get("/api/v1/proposals?per_page=0").json["errors"] == {"per_page": "Use 1 to 100 records a page."}
    assert reader.get("/api/v1/proposals?sort=problem").json["errors"] == {
        "sort": "Sort by one of id, title, status, priority, source, submitter, -id, -title, -status, -priority, "
                "-source, -submitter."}


def test_a_refused_query_is_not_understood_and_a_refused_body_not_saved(api, make_user):
    caller = api(make_user(Role.MEMBER))
    query = caller.get("/api/v1/proposals?stauts=submitted")
    assert (query.status_code, query.json["title"]) == (422, "Not understood")
    body = caller.post("/api/v1/proposals", json={"title": ""})
    assert (body.status_code, body.json["title"]) == (422, "Not saved")


def test_json_of_the_wrong_type_is_said_in_words(api, make_user):
    response = api(make_user(Role.MEMBER)).post("/api/v1/proposals", json={
        "title": None, "problem": 3, "proposed_change": "c", "source": "lesson_learned", "expected_benefit": 4.5,
        "estimated_effort": 2, "area_ids": "VER", "source_ref": {"a": 1}})
    assert response.status_code == 422
    assert response.json["errors"] == {"title": "Enter text.", "problem": "Enter text.",
                                       "expected_benefit": "Enter a whole number.",
                                       "area_ids": "Send a list of values (a JSON array).", "source_ref": "Enter text."}


def _operation(document: dict, path: str, method: str) -> dict:
    return document["paths"][f"/api/v1{path}"][method]


def test_the_document_says_the_headers_answers_carry(client):
    document = client.get("/api/v1/openapi.json").json
    rate = {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"}
    read = _operation(document, "/proposals/{proposal_id}", "get")["responses"]
    assert set(read["200"]["headers"]) == rate | {"ETag"}
    assert all(read["200"]["headers"][name]["schema"] == {"type": "integer"} for name in rate)
    assert set(read["429"]["headers"]) == rate | {"Retry-After"}
    assert set(_operation(document, "/proposals", "get")["responses"]["200"]["headers"]) == rate | {"Link"}
    assert set(_operation(document, "/proposals", "post")["responses"]["201"]["headers"]) == rate | {
        "ETag", "Location"}
    edit = _operation(document, "/proposals/{proposal_id}", "patch")["responses"]
    assert set(edit["200"]["headers"]) == rate | {"ETag"} and set(edit["412"]["headers"]) == {"ETag"}
    assert set(_operation(document, "/proposals/{proposal_id}/moves", "post")["responses"]["200"]["headers"]) == (
        rate | {"ETag"})
    assert set(_operation(document, "/proposals/{proposal_id}/comments", "post")["responses"]["201"]["headers"]) == (
        rate)  # a comment is no record with a version or an address of its own
    assert set(_operation(document, "/me", "get")["responses"]["200"]["headers"]) == rate


def test_the_document_says_a_body_takes_its_fields_only_and_if_match_a_strong_etag(client):
    document = client.get("/api/v1/openapi.json").json
    assert document["components"]["schemas"]["ProposalChange"]["additionalProperties"] is False
    assert document["components"]["schemas"]["Measurement"]["additionalProperties"] is False
    if_match = next(parameter for parameter in _operation(document, "/proposals/{proposal_id}", "patch")["parameters"]
                    if parameter["name"] == "If-Match")
    assert if_match["schema"]["pattern"] == '^"[0-9]{1,10}"$'
