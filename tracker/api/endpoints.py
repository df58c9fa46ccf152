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


@cache
def document() -> dict:
    """The OpenAPI document: spectree's, from the models, with what it cannot say of this API: errors are problem
    documents, and where the API lives."""
    built = copy.deepcopy(spec.spec)
    built["servers"] = [{"url": "/"}]
    for operations in built["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["schema"].get("type") == "integer":
                    parameter["schema"] |= {"minimum": 1, "maximum": 2**31 - 1}  # the ids the databases hold
            for code, response in operation.get("responses", {}).items():
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
