"""Schemathesis against the live OpenAPI document: every operation with generated valid input and with input that
breaks the document, as a process-group member with a read-and-write token; no server error, and every response as
the document says (status, content type, headers, body), and input that breaks it refused. (Input the document
allows may still be refused by a rule it cannot state, such as a move the workflow does not allow: schemathesis's
positive_data_acceptance check is left out; so is negative_data_rejection, whose mutations include a query
parameter valued null, which no client can send: requests drops it, so the request that arrives breaks nothing.
tests/api/test_api_proposals.py refuses unknown parameters and wrong types by hand.) pytest 9 dropped the node attribute schemathesis 4's
pytest integration renames, so each operation's cases are drawn here, by hypothesis, and the failures gathered."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tracker.auth.roles import Role

pytestmark = pytest.mark.heavy

EXAMPLES = 40  # cases an operation, in each mode
EXCLUDED = [schemathesis.checks.positive_data_acceptance, schemathesis.checks.negative_data_rejection]


@pytest.mark.parametrize("mode", list(schemathesis.GenerationMode))
def test_the_api_keeps_its_document(app, mode, make_user, make_token, make_proposal, make_project):
    app.config["API_RATE_LIMIT"] = "100000/minute"  # its hundreds of cases a minute come from one token
    user = make_user(Role.PROCESS_GROUP)
    make_proposal(submitter_id=user.id), make_project()
    # identity: the WSGI transport does not decompress what Flask-Compress sends
    headers = {"Authorization": f"Bearer {make_token(user)}", "Accept-Encoding": "identity"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures, cases = {}, {"count": 0}
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case):
            cases["count"] += 1
            case.call_and_validate(headers=headers, excluded_checks=EXCLUDED)

        try:
            run()
        except (Exception, BaseExceptionGroup) as failure:  # noqa: BLE001  (every operation's, reported together)
            failures[operation.label] = str(failure)[:2000]
    print(f"{mode.value}: {cases['count']} cases, {len(failures)} operations failing")
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
