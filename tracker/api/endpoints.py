"""The API's own endpoints (its document, its browsable page, who the token acts for) and every domain's: importing
this module puts them all on the API's blueprint."""

import copy
from functools import cache

from flask import abort, current_app, g, render_template, send_from_directory
from flask_login import current_user
from pydantic import BaseModel
from swagger_ui_bundle import swagger_ui_path

import tracker.action_plans.api  # noqa: F401
import tracker.appraisals.api  # noqa: F401
import tracker.assets.api  # noqa: F401
import tracker.compliance.api  # noqa: F401
import tracker.deployments.api  # noqa: F401
import tracker.lessons.api  # noqa: F401
import tracker.objectives.api  # noqa: F401
import tracker.pilots.api  # noqa: F401
import tracker.projects.api  # noqa: F401
import tracker.proposals.api  # noqa: F401
import tracker.reviews.api  # noqa: F401
import tracker.tailoring.api  # noqa: F401
from tracker.api import answer, bp, endpoint, spec
from tracker.api.models import Scope
from tracker.auth.policy import PUBLIC, requires
from tracker.errors import API_PREFIX

SWAGGER_FILES = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"})


class Me(BaseModel):
    id: int
    name: str
    email: str
    roles: list[str]
    scope: Scope


@endpoint("/me", action="read", out=Me, tag="You")
def me():
    """Who the token acts for, with their roles, and what the token may do."""
    return answer(Me(id=current_user.id, name=current_user.name, email=current_user.email,
                     roles=sorted(role.value for role in current_user.roles), scope=g.bearer.scope))


def _header(description: str, schema_type: str = "string", *, required: bool = True) -> dict:
    return {"description": description, "required": required, "schema": {"type": schema_type}}


# What every answer to a token says of its rate limit (tracker/api/rate.py).
RATE_HEADERS = {
    "X-RateLimit-Limit": _header("The requests the token may make in a window", "integer"),
    "X-RateLimit-Remaining": _header("The requests it has left in this window", "integer"),
    "X-RateLimit-Reset": _header("When this window ends, in seconds since the epoch", "integer"),
}
ETAG = _header('The record\'s version, as an edit sends it back in If-Match ("1")')


def _schema(built: dict, content: dict) -> dict:
    """The component schema a request's or response's JSON content names ({} if none)."""
    ref = content.get("application/json", {}).get("schema", {}).get("$ref", "")
    return built["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {}) if ref else {}


def _response_headers(built: dict, code: str, response: dict) -> dict:
    """The headers an answer carries: the rate limit's on every success; a record's (it has a version) its ETag, and
    where a new one lives (a record with an address, made: 201); a list's page, Link to the next and previous (while
    there are); a stale edit's refusal, the record's ETag now; too many requests, when to try again."""
    properties = _schema(built, response.get("content", {})).get("properties", {})
    if code.startswith("2"):
        headers = dict(RATE_HEADERS)
        if "version" in properties:
            headers["ETag"] = ETAG
        if code == "201" and "version" in properties and "url" in properties:
            headers["Location"] = _header("The new record's address in the API")
        if "paging" in properties:
            headers["Link"] = _header('The next and previous pages (rel="next", rel="prev"), while there are',
                                      required=False)
        return headers
    if code == "412":
        return {"ETag": _header("The record's version now, to send again in If-Match once you have read it")}
    if code == "429":
        return RATE_HEADERS | {"Retry-After": _header("The seconds to wait before trying again", "integer")}
    return {}


@cache
def document() -> dict:
    """The OpenAPI document: spectree's, from the models, with what it cannot say of this API: errors are problem
    documents, the headers answers carry, a body takes its fields only, and where the API lives."""
    built = copy.deepcopy(spec.spec)
    built["servers"] = [{"url": "/"}]
    for operations in built["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["schema"].get("type") == "integer":
                    parameter["schema"] |= {"minimum": 1, "maximum": 2**31 - 1}  # the ids the databases hold
            body = _schema(built, operation.get("requestBody", {}).get("content", {}))
            if body:
                body["additionalProperties"] = False  # another field is refused (api.endpoint), not ignored
            for code, response in operation.get("responses", {}).items():
                headers = _response_headers(built, code, response)
                if headers:
                    response["headers"] = headers
                if code >= "400" and "content" in response:
                    response["content"] = {"application/problem+json": response["content"]["application/json"]}
    return built


@bp.get("/openapi.json")
@requires(PUBLIC)
def openapi():
    return current_app.json.response(document())


@bp.get("/docs")
@requires(PUBLIC)
def docs():
    """The document as a page to browse and try (Swagger UI, served from its installed package: no CDN)."""
    return render_template("api/docs.html", spec_url=f"{API_PREFIX}/openapi.json")


@bp.get("/docs/<name>")
@requires(PUBLIC)
def docs_asset(name: str):
    if name not in SWAGGER_FILES:
        abort(404)
    return send_from_directory(swagger_ui_path, name, max_age=24 * 3600)
