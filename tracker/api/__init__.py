"""The JSON API (/api/v1): the UI's second front door. Its endpoints call the same service functions, under the same
permission policy and object rules, and parse input with the same input models (tracker/*/forms.py) as the forms
do; they speak JSON, errors as application/problem+json (RFC 9457, tracker.errors), and are described by an
OpenAPI 3.1 document that spectree builds from the input and output models (`spec`, served at
/api/v1/openapi.json). A request signs in with a personal access token (`Authorization: Bearer`, tracker/api/
tokens.py), never a cookie, so CSRF protection does not apply to it and does to everything else.

A domain's endpoints live beside it (`tracker/<domain>/api.py`), each declared once by `endpoint(...)`."""

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, current_app, g, request, url_for
from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field, create_model
from pydantic import ValidationError as PydanticError
from pydantic.json_schema import SkipJsonSchema
from spectree import Response, SecurityScheme, SecuritySchemeData, SpecTree

from tracker.api.models import Scope
from tracker.api.rate import add_headers, count_request
from tracker.auth.policy import requires
from tracker.errors import API_PREFIX, Conflict, PermissionDenied, Refused, ValidationError, problem
from tracker.validation import FormModel, field_errors, is_list

bp = Blueprint("api", __name__, url_prefix=API_PREFIX)


@bp.before_request
def _count_request() -> None:
    """Every request with a working token counts against the token's rate limit (tracker/api/rate.py)."""
    if current_user.is_authenticated:
        count_request(g.bearer.token_id)


bp.after_request(add_headers)

spec = SpecTree(
    "flask", mode="strict", path="_spectree",  # its own pages are not served: ours are (docs, openapi.json)
    title="Process-improvement tracker API", version="1",
    description="Everything the tracker's pages show and the main changes they make, as JSON. Sign in with a "
                "personal access token (your account's API tokens page): `Authorization: Bearer pit_…`.",
    naming_strategy=lambda model: model.__name__,
    security_schemes=[SecurityScheme(name="bearer", data=SecuritySchemeData(type="http", scheme="bearer"))],
    security={"bearer": []},
    annotations=False,  # the views get what endpoint() parsed, not spectree's (it validates nothing here)
)


class Problem(BaseModel):
    """An error, as RFC 9457 describes it; `errors` maps a field to what is wrong with it."""
    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: dict[str, str] | None = None
    current: dict[str, Any] | None = Field(default=None, description="The record as it is now (a stale edit)")


class IfMatch(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    if_match: str = Field(alias="If-Match", pattern=r'^"[0-9]{1,10}"$',
                          description='The ETag the edit was made from, as it came (such as "1"); one that is not '
                                      "the record's now, or a weak one (W/), is refused with the record (412)")


ERRORS = {"HTTP_400": Problem, "HTTP_401": Problem, "HTTP_403": Problem, "HTTP_404": Problem, "HTTP_409": Problem,
          "HTTP_415": Problem, "HTTP_422": Problem, "HTTP_429": Problem}
WRITE_ERRORS = {"HTTP_412": Problem, "HTTP_428": Problem}


def body_of(model: type[FormModel], name: str, *, partial: bool = False) -> type[FormModel]:
    """A form's input model as an API body: the same fields and rules, but the version the edit was made from is
    the If-Match header's, not a field; `partial`: each field optional (an edit sends what it changes)."""
    fields = {field: (field_info.annotation | None, None) for field, field_info in model.model_fields.items()
              if partial and field != "version"}
    return create_model(name, __base__=model, __doc__=model.__doc__, version=(SkipJsonSchema[int | None], None),
                        **fields)


def etag(record) -> str:
    """A record's entity tag: its version (every saved change bumps it)."""
    return f'"{record.version}"'


def endpoint(rule: str, *, action: str, method: str = "GET", query: type[BaseModel] | None = None,
             body: type[FormModel] | None = None, out: type[BaseModel] | None = None, status: int = 200,
             write: bool = False, if_match: bool = False, checked_first: bool = False, tag: str = ""):
    """Declare an endpoint once: its route, the policy's action, what it reads (`query`, `body`: input models,
    parsed with the forms' rules, their errors a 422, a parameter or field they do not have among them) and
    answers (`out`), for the router, the policy and the OpenAPI document alike. `write`: it changes something, so
    the token must have write access; `if_match`: it edits a record, so it takes the ETag the edit was made from.
    The view gets `query=` and `body=` parsed; with `checked_first`, `body=` is the JSON object as sent (its fields
    checked by name only), for the view to parse (`versioned`, `parse_json`) once its object rule has passed, as
    the page does: who may not act is told so (403) whatever values they send."""
    responses = {f"HTTP_{status}": out} | ERRORS | (WRITE_ERRORS if if_match else {})

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def run(**kwargs):
            if write and g.bearer.scope != Scope.WRITE:
                raise PermissionDenied("This token may only read: make one with read and write access.")
            data = _query_data(query)  # a parameter the endpoint does not take is refused, not ignored
            if query is not None:
                kwargs["query"] = parse_json(query, data, strict=False)
            if body is not None:
                kwargs["body"] = _parsed_body(body, _object(_body()), checked_first=checked_first,
                                              if_match=if_match)
            return view(**kwargs)

        documented = spec.validate(query=query, json=body, headers=IfMatch if if_match else None,
                                   resp=Response(**responses), tags=[tag] if tag else (), skip_validation=True,
                                   operation_id=view.__name__)(run)
        bp.add_url_rule(rule, endpoint=view.__name__, view_func=requires(action)(documented), methods=[method])
        return documented

    return decorate


def _query_data(model: type[BaseModel] | None) -> dict[str, Any]:
    """The query's parameters as `model` reads them; one it does not know (or any, without a model) is refused, and
    so is a single-valued one given twice (which of them was meant?)."""
    fields = model.model_fields if model is not None else {}
    errors = {name: "There is no such parameter." for name in request.args if name not in fields}  # a misspelt
    # filter would otherwise select everything, unnoticed
    errors |= {name: "Give this parameter once." for name, field in fields.items()
               if not is_list(field.annotation) and len(request.args.getlist(name)) > 1}
    if errors:
        raise ValidationError(errors)
    return {name: request.args.getlist(name) if is_list(field.annotation) else request.args[name]
            for name, field in fields.items() if name in request.args}


def _body() -> Any:
    if not request.is_json:
        raise Refused(415, "Send the request's body as JSON (Content-Type: application/json).")
    try:
        return json.loads(request.get_data(cache=True) or b"null")
    except ValueError as error:
        raise Refused(400, f"The body is not valid JSON: {error}.") from error


def _object(data: Any) -> dict:
    if not isinstance(data, dict):
        raise ValidationError({"__all__": "Send a JSON object."})
    return data


def _parsed_body(model: type[FormModel], sent: dict, *, checked_first: bool, if_match: bool) -> BaseModel | dict:
    """The body as the view takes it: parsed by `model`, or as sent (`checked_first`: parsed after the object rule);
    either way a field the document does not give the body is refused, not ignored (a misspelt field would
    otherwise change nothing, unnoticed), in the same round as the fields' own errors."""
    unknown = {name: "There is no such field." for name in sent
               if name not in model.model_fields or name == "version"}
    if "version" in sent and if_match:
        unknown["version"] = 'The version goes in the If-Match header: the ETag you read (such as "1").'
    if checked_first:
        if unknown:
            raise ValidationError(unknown)
        return sent
    try:
        parsed = parse_json(model, sent)
    except ValidationError as refused:
        raise ValidationError(unknown | refused.errors) from refused
    if unknown:
        raise ValidationError(unknown)
    return parsed


def parse_json(model: type[BaseModel], data: Any, *, strict: bool = True):
    """JSON (or a query's text) validated by an input model, with the messages a form shows, its checks across
    fields (`raw_errors`) in the same round; ValidationError else. Strict for a JSON body: a number is not "3" nor
    true, as the document says."""
    if not isinstance(data, dict):
        raise ValidationError({"__all__": "Send a JSON object."})
    errors: dict[str, str] = {}
    try:
        if strict:  # JSON's own types: a date or a status as text, a number as a number
            parsed = model.model_validate_json(json.dumps(data), strict=True)
        else:
            parsed = model.model_validate(data)
    except PydanticError as error:
        errors = field_errors(error)
    raw = model.raw_errors(data) if issubclass(model, FormModel) else {}
    if errors or raw:
        raise ValidationError(raw | errors)  # a field's own error wins over a cross-field one
    return parsed


NOT_CURRENT = 0  # the version of no record (they start at 1): the service's check refuses it as stale (412)


def version_seen() -> int:
    """The version an edit was made from: the If-Match header's ETag, required so that no edit overwrites another
    unseen (428 without it, or with `*`, which would match whatever is there). An ETag no record has now ("0"), or
    a weak one (If-Match compares strongly: W/ never matches), is NOT_CURRENT: 412, with the record as it is."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        raise Refused(428, "Say which version you edit: send the record's ETag, as you read it, in If-Match (such "
                           'as If-Match: "1"), so that your change cannot overwrite one you have not seen.')
    weak = header.startswith("W/")
    version = header.removeprefix("W/")
    digits = version[1:-1]
    if not (len(version) >= 3 and version[0] == version[-1] == '"' and digits.isascii() and digits.isdigit()):
        raise Refused(400, "If-Match holds the record's ETag as you read it, quotes included, such as \"1\".")
    return NOT_CURRENT if weak or not 0 < int(digits) < 2**31 else int(digits)


def versioned(model: type[FormModel], body: BaseModel | dict, *, over: dict | None = None) -> FormModel:
    """A change's input for its service: what the body sends (parsed, or as sent: `checked_first`), over the
    record's values (`over`: an edit sends only what it changes), with the version the If-Match header names,
    parsed by the form's whole model (strictly, as JSON, when nothing is merged into what was sent)."""
    sent = body if isinstance(body, dict) else body.model_dump(exclude_unset=True)
    seen = version_seen()
    parsed = parse_json(model, (over or {}) | sent | {"version": seen if seen != NOT_CURRENT else 1},
                        strict=isinstance(body, dict) and over is None)
    # not the model's bounds (a 422 on the version) but the service's check (stale: 412, with the record) refuses it
    return parsed if seen != NOT_CURRENT else parsed.model_copy(update={"version": seen})


def answer(model: BaseModel, *, status: int = 200, record=None, location: str = ""):
    """A JSON answer: the model, with the record's ETag and, for a new record, where it lives."""
    headers = {"Content-Type": "application/json"}
    if record is not None:
        headers["ETag"] = etag(record)
    if location:
        headers["Location"] = location
    return current_app.json.dumps(model.model_dump(mode="json")), status, headers


def saved(write: Callable[[], object], *, read: Callable[[], Any], out: Callable[[Any], BaseModel]):
    """An edit or a move made through its service (`write`), answered with the record read again (`read`) as `out`
    makes it; a stale one (the service's Conflict) is 412, with the record as it is now."""
    try:
        write()
    except Conflict:
        record = read()
        body, status, headers = problem(
            412, "Someone else changed this record since you read it: read it again, and send your change with its "
                 "new ETag.", current=out(record).model_dump(mode="json"))
        return body, status, headers | {"ETag": etag(record)}
    record = read()
    return answer(out(record), record=record)


def link(endpoint_name: str, **values) -> str:
    return url_for(f"api.{endpoint_name}", **values)
