"""What the API's lists share: the query of a page (page, per_page, sort), the page's envelope and its links, and
the shape of a related record (`Ref`)."""

from typing import Literal

from flask import request, url_for
from pydantic import BaseModel, Field

from tracker.api import answer
from tracker.db import PAGE_DEPTH, get_session
from tracker.listing import Listing
from tracker.validation import FormModel

PER_PAGE_MOST = 100


class Ref(BaseModel):
    """A related record: its id, what people call it, and where the API has it."""
    id: int
    name: str
    url: str | None = None


class ListQuery(FormModel):  # a form's rules: text trimmed, NUL refused (PostgreSQL cannot even compare it)
    page: int = Field(default=1, ge=1, le=PAGE_DEPTH, description="Which page (1 is the first)")
    per_page: int = Field(default=25, ge=1, le=PER_PAGE_MOST, description="Records a page")


def sorts(listing: Listing):
    """The orders a list can be asked for: a sortable column's key, "-" before it for descending."""
    keys = [key for key, column in listing.columns.items() if column.sort]
    return Literal[tuple(keys + [f"-{key}" for key in keys])]


class Paging(BaseModel):
    page: int
    per_page: int
    count: int = Field(description="The records the filters select, counted up to 1,000 (then `more` is true)")
    more: bool = Field(description="More records than counted")
    next: str | None = Field(default=None, description="The next page's address, while there is one")
    previous: str | None = None


def listed(listing: Listing, statement, query, *, out, answer_as: type[BaseModel], load: tuple | None = None):
    """A list's page as the API answers it: the records the statement selects, in the order `query.sort` asks, as
    `out` makes each, in `answer_as` (items and paging), with a Link header to the next and previous pages."""
    items, paging = page_of(listing, statement, query, sort=query.sort, load=load)
    body, status, headers = answer(answer_as(items=[out(item) for item in items], paging=paging))
    return body, status, headers | link_header(paging)


def page_of(listing: Listing, statement, query: ListQuery, *, sort: str, load: tuple | None = None):
    """One page of a list in the order asked, and its paging (with the next and previous pages' addresses, which a
    Link header repeats)."""
    found = listing.page(get_session(), statement, sort=sort, page=query.page, size=query.per_page, load=load)
    args = request.args.to_dict(flat=False)

    def at(number: int) -> str:
        return url_for(request.endpoint, **(request.view_args or {}), **(args | {"page": [str(number)]}))
    paging = Paging(page=found.number, per_page=found.size, count=found.total, more=found.more,
                    next=at(found.number + 1) if found.has_next else None,
                    previous=at(found.number - 1) if found.has_previous else None)
    return found.items, paging


def link_header(paging: Paging) -> dict[str, str]:
    links = [f'<{url}>; rel="{rel}"' for rel, url in (("next", paging.next), ("prev", paging.previous)) if url]
    return {"Link": ", ".join(links)} if links else {}
