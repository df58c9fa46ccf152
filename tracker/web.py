"""Small htmx helpers: the fragment for htmx requests, the page otherwise; redirects htmx understands."""

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from enum import Enum
from functools import wraps
from itertools import chain
from typing import Any, TypeVar

from flask import Response, current_app, flash, g, redirect, render_template, request
from flask_htmx import HTMX
from flask_htmx import make_response as htmx_response
from werkzeug.datastructures import MultiDict

from tracker import lookup
from tracker.db import Page, Session, engine, get_session
from tracker.errors import Conflict, ValidationError
from tracker.listing import Listing
from tracker.validation import digits, lookup_fields, parse

htmx = HTMX()
E = TypeVar("E", bound=Enum)


@dataclass(frozen=True)
class PageOnly:
    """A template variable only the whole page shows (a filter's options read from the database): read when the page
    is rendered, never for its fragment (the next page of a list, a sort, a filter's results)."""
    read: Callable[[], object]


def page_or_fragment(page: str, fragment: str, /, *, http_status: int = 200, **context) -> Response:
    """The fragment for an htmx request, the whole page otherwise; caches keep the two apart.

    `context` is the templates' variables, whatever their names (a filter called `status` included; a `PageOnly`
    one is read for the page alone); the response's HTTP status is the separate, keyword-only `http_status`.
    """
    template = fragment if fragment_requested() else page
    context = {name: value.read() if isinstance(value, PageOnly) else value for name, value in context.items()
               if template == page or not isinstance(value, PageOnly)}
    # as_fragment: a section may send other parts of the page it changed along, out of band (hx-swap-oob); in `g`
    # too, for macros (they are imported without the template's context).
    g.as_fragment = template != page
    response = Response(render_template(template, as_fragment=g.as_fragment, **context), status=http_status)
    response.vary.add("HX-Request")
    return response


def section_forms(forms: dict[str, dict | None], *names: str,
                  defaults: dict[str, dict] | None = None) -> tuple[int, dict[str, dict]]:
    """A page's in-page forms for its template, `<name>_form` each (its `defaults` values, unless `forms` holds its
    refused values and errors), and the status they make: 422 when one was refused."""
    defaults = defaults or {}
    return (422 if any(forms.values()) else 200,
            {f"{name}_form": forms.get(name) or {"values": MultiDict(defaults.get(name, {})), "errors": {}}
             for name in names})


CSV_CHUNK = 64 * 1024


FORMULA_STARTS = frozenset("=+-@")  # what a spreadsheet runs as a formula when a text cell starts with it


def csv_download(filename: str, header: list[str], rows: Iterable[Iterable]) -> Response:
    """A CSV file, written as it is sent, CSV_CHUNK characters at a time (a chunk per line cost a write, and a
    compressor flush, per row); a text cell a spreadsheet would run as a formula (=, +, -, @) is quoted."""
    def lines():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row in chain([header], rows):
            writer.writerow(["'" + cell if type(cell) is str and cell[:1] in FORMULA_STARTS else cell for cell in row])
            if buffer.tell() >= CSV_CHUNK:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()
    return Response(lines(), mimetype="text/csv", headers={"Content-Disposition": f"attachment; filename={filename}"})


def streamed(rows: Callable[[Session], Iterable[list]]) -> Iterable[list]:
    """A CSV's rows read as the response is sent, after the request's own session has closed: in a session of their
    own, opened when the first row is asked for and closed after the last."""
    bind = engine()  # now, in the request: the rows are read after it

    def read() -> Iterable[list]:
        with Session(bind) as session:
            yield from rows(session)
    return read()


LIST_ARGS_NOT_KEPT = ("page", "format")


def list_args() -> dict[str, str]:
    """A list's address arguments that its links keep (its filters and sort, each once): all but the page."""
    return {name: value for name, value in request.args.items() if value and name not in LIST_ARGS_NOT_KEPT}


def list_page(listing: Listing, statement, page: str, fragment: str, /, *,
              about_page: Callable[[list], dict] | None = None, **context) -> Response:
    """A list (tracker/listing.py): the page, or its table for htmx, with the page of records asked (`page`), the
    sort (`sort`) and the other arguments of the address (`args`, each filter once), and what `about_page` says of
    the page's records; with ?format=csv, every record the filters select as a CSV, streamed, in the same order."""
    sort = listing.sort_of(request.args.get("sort"))
    if request.args.get("format") == "csv":
        return csv_download(f"{listing.name}.csv", listing.header(),
                            streamed(lambda session: listing.rows(session, statement, sort=sort)))
    args = list_args()
    records = listing.page(get_session(), statement, sort=sort, page=query_page(), size=int(current_app.config["PAGE_SIZE"]))
    if about_page is not None:
        context |= about_page(records.items)
    return page_or_fragment(page, fragment, page=records, listing=listing, sort=sort, args=args, **context)


@dataclass(frozen=True)
class ListSection:
    """The first page of a list shown inside another page (a deployment's status rows): its pager and headers lead to
    the list's own address with `args`, which answers them with the list's table in place."""

    page: Page
    listing: Listing
    sort: str
    args: dict


def list_section(listing: Listing, statement, *, load: tuple | None = None, **args) -> ListSection:
    """A list's first page, in its default order, for a record's page; `args` are the list's filters that select the
    record's part (e.g. deployment=7); `load` what the records need loaded, where the page holds some of it."""
    records = listing.page(get_session(), statement, sort=listing.default, page=1,
                           size=int(current_app.config["PAGE_SIZE"]), load=load)
    return ListSection(records, listing, listing.default, {name: str(value) for name, value in args.items()})


def form_values(record: object, names) -> MultiDict:
    """A record's fields as an edit form shows them (a field left empty, None, as an empty box), with the version
    it was read at when it has one (the edit is refused as a conflict if someone saves in between)."""
    values = MultiDict({name: "" if getattr(record, name) is None else str(getattr(record, name)) for name in names})
    if getattr(record, "version", None) is not None:
        values["version"] = str(record.version)
    return values


def fragment_requested() -> bool:
    """Whether this request is answered with a fragment (htmx, not restoring history) rather than the page."""
    return bool(htmx) and not htmx.history_restore_request


def in_place_or_go_to(url: str, render) -> Response:
    """After a status change: htmx swaps the re-rendered page in place; a plain form post is redirected (and
    what was done is flashed)."""
    if htmx:
        return render()
    flash(said(), "success")
    return redirect(url, code=303)


def announce_saves(response: Response) -> Response:
    """Every write made in place tells what it did: a successful htmx post that neither redirects nor triggers an
    event of its own sends the "saved" event (app.js shows it in the aria-live messages region)."""
    if (request.method == "POST" and htmx and 200 <= response.status_code < 300
            and "HX-Redirect" not in response.headers and "HX-Trigger" not in response.headers):
        response.headers["HX-Trigger"] = json.dumps({"saved": said()})
    return response


def says(message: str):
    """What a view's in-place write tells the person once it is made ("Commitment proposed."): see `write_in_place`."""
    def decorate(view):
        @wraps(view)
        def saying(*args, **kwargs):
            g.said = message
            return view(*args, **kwargs)
        return saying
    return decorate


def said() -> str:
    """What the write just made tells: the view's own words (`says`), or for a status change the status reached."""
    if "said" in g:
        return g.said
    to = request.form.get("to", "")
    return f"Status changed to {to.replace('_', ' ')}." if to else "Saved."


def write_in_place(write: Callable[[], object], *, page: Callable[[dict | None], Response],
                   url: str | None = None) -> Response:
    """A form inside a page, or one section of it (a status change through tracker.workflow.make_move among them).

    Make the write; if it is refused, `page(refused)` with refused = {"values": what was typed, "errors": beside
    each field}, shown as a 422. Once made, `page(None)`: re-rendered in place for htmx, with what was done told
    in a "saved" event (the page says it where screen readers hear it); a plain form post is redirected to `url`
    when one is given (so a reload does not post again), what was done in a flash."""
    try:
        write()
    except ValidationError as error:
        return page({"values": request.form, "errors": error.errors})
    if not htmx:
        flash(said(), "success")
        return redirect(url, code=303) if url else page(None)
    return page(None)  # what was done goes out as the "saved" event (announce_saves)


def go_to(url: str) -> Response:
    """After a successful write: htmx follows HX-Redirect, a plain form post follows a 303."""
    if htmx:
        return htmx_response("", redirect=url)
    return redirect(url, code=303)


def query_text(name: str, *, max_length: int = 100) -> str:
    """A ?name= search text, trimmed and bounded; NUL (which PostgreSQL refuses) removed."""
    return request.args.get(name, "").replace("\x00", "").strip()[:max_length]


def query_page(source=None, name: str = "page") -> int:
    """The ?page= number (or the form's, given `request.values`; or another parameter's), 1 when absent or nonsense."""
    raw = (request.args if source is None else source).get(name, "1")
    return int(raw) if digits(raw) and 0 < int(raw) < 100_000 else 1


def query_enum(enum: type[E], name: str) -> E | None:
    """A ?name= filter value from an enum; unknown values mean no filter."""
    try:
        return enum(request.args.get(name, ""))
    except ValueError:
        return None


def query_day(name: str) -> date | None:
    """A ?name= date (YYYY-MM-DD) in a plausible year, None when absent or not a date."""
    try:
        day = date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None
    return day if 1900 <= day.year <= 2200 else None


def query_id(name: str) -> int | None:
    """A ?name= record id, None when absent or not an id."""
    raw = request.args.get(name, "")
    return int(raw) if digits(raw) and 0 < int(raw) < 2**31 else None


@dataclass(frozen=True)
class LookupFilters:
    """A list's filters chosen by typing: the ids to filter by, and the filter fields' values and errors."""
    ids: dict[str, int | None]  # None: no filter; 0 (no record has it): text naming nothing, so nothing matches
    values: MultiDict
    errors: dict[str, str]


def query_lookups(fields: dict[str, str], *, instead: dict[str, int] | None = None) -> LookupFilters:
    """The ?name= filters of lookup kinds (`{"plan": "plan", "owner": "person"}`), read as a form's lookup fields
    are: an id, or the text a suggestion put there; text naming nothing is said beside its filter and selects
    nothing. `instead`: ids standing for a filter's value (?mine=1 is the signed-in person), shown in its field so
    that the next filter change keeps them."""
    session, ids, errors = get_session(), {}, {}
    typed = MultiDict({name: query_text(name, max_length=300) for name in fields} | {
        name: str(id_) for name, id_ in (instead or {}).items()})
    for name, kind in fields.items():
        try:
            ids[name] = lookup.resolve(session, kind, typed[name]) if typed[name] else None
        except lookup.Unresolved as refused:
            ids[name], errors[name] = 0, str(refused)
    values, = lookup.shown(session, fields, typed)
    return LookupFilters(ids, values, errors)


@dataclass(frozen=True)
class RecordForm:
    """How one kind of record is written through a form: its input model, templates, and select options.

    The page and the htmx fragment share the form markup; errors come back as 422 beside the fields,
    a stale edit as 409 with the saved values beside the user's, and nothing the user typed is lost.
    """

    model: type
    page: str
    fragment: str
    name: str  # what the templates call the record, e.g. "project"
    values_of: Callable[[Any], MultiDict]  # a saved record as form values, version included
    options: Callable[[Any], dict] = lambda record: {}  # what the form's selects offer (given the record or None)

    def show(self, *, values: MultiDict, record: Any = None, errors: dict | None = None,
             conflict: MultiDict | None = None, status: int = 200) -> Response:
        # Lookup fields show the chosen records as their text ("Name <email>"), read for both forms at once.
        values, conflict = lookup.shown(get_session(), lookup_fields(self.model), values, conflict)
        return page_or_fragment(self.page, self.fragment, http_status=status, values=values, errors=errors or {},
                                conflict=conflict, **{self.name: record}, **self.options(record))

    def edit(self, record: Any) -> Response:
        return self.show(record=record, values=self.values_of(record))

    def post(self, save: Callable[[Any], Any], *, done: Callable[[Any], str], record: Any = None,
             reload: Callable[[], Any] | None = None) -> Response:
        """Parse the posted form and save it; then the saved record's page, or the form again."""
        try:
            saved = save(parse(self.model, request.form))
        except ValidationError as error:
            return self.show(record=record, values=request.form, errors=error.errors, status=422)
        except Conflict as error:
            current = reload() if reload else record
            return self.show(record=current, values=request.form, conflict=self.values_of(current),
                             errors={"__all__": error.message}, status=409)
        url = done(saved)  # which may say what was done (g.said) in its own words
        noun = self.name.replace("_", " ")
        flash(g.said if "said" in g else f"Saved your changes to the {noun}." if record is not None
              else f"Saved the new {noun}.", "success")
        return go_to(url)
