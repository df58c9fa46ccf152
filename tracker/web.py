"""Small htmx helpers: the fragment for htmx requests, the page otherwise; redirects htmx understands."""

from enum import Enum
from typing import TypeVar

from flask import Response, redirect, render_template, request
from flask_htmx import HTMX
from flask_htmx import make_response as htmx_response

htmx = HTMX()
E = TypeVar("E", bound=Enum)


def page_or_fragment(page: str, fragment: str, /, status: int = 200, **context) -> Response:
    """The fragment for an htmx request, the whole page otherwise; caches keep the two apart."""
    template = fragment if htmx and not htmx.history_restore_request else page
    response = Response(render_template(template, **context), status=status)
    response.vary.add("HX-Request")
    return response


def in_place_or_go_to(url: str, render) -> Response:
    """After a status change: htmx swaps the re-rendered page in place; a plain form post is redirected."""
    return render() if htmx else redirect(url, code=303)


def go_to(url: str) -> Response:
    """After a successful write: htmx follows HX-Redirect, a plain form post follows a 303."""
    if htmx:
        return htmx_response("", redirect=url)
    return redirect(url, code=303)


def query_page() -> int:
    """The ?page= number, 1 when absent or nonsense."""
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 100_000 else 1


def query_enum(enum: type[E], name: str) -> E | None:
    """A ?name= filter value from an enum; unknown values mean no filter."""
    try:
        return enum(request.args.get(name, ""))
    except ValueError:
        return None


def query_id(name: str) -> int | None:
    """A ?name= record id, None when absent or not an id."""
    raw = request.args.get(name, "")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 2**31 else None
