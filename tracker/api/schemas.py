"""What the API's lists share: the query of a page (page, per_page, sort), the page's envelope and its links, and
the shape of a related record (`Ref`)."""

from typing import Annotated, Any, Literal

from flask import request, url_for
from pydantic import BaseModel, Field, ValidationInfo, WrapValidator, create_model, field_validator
from pydantic import ValidationError as PydanticError

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


# A list's bounds, as the document states them and as its refusal says them.
PAGING_BOUNDS = {"page": (PAGE_DEPTH, "Use a page from 1 to {most}."),
                 "per_page": (PER_PAGE_MOST, "Use 1 to {most} records a page.")}


class ListQuery(FormModel):  # a form's rules: text trimmed, NUL refused (PostgreSQL cannot even compare it)
    page: int = Field(default=1, json_schema_extra={"minimum": 1, "maximum": PAGE_DEPTH},
                      description="Which page (1 is the first)")
    per_page: int = Field(default=25, json_schema_extra={"minimum": 1, "maximum": PER_PAGE_MOST},
                          description="Records a page")

    @field_validator("page", "per_page")
    @classmethod
    def _within_bounds(cls, value: int, info: ValidationInfo) -> int:
        most, message = PAGING_BOUNDS[info.field_name]
        if not 1 <= value <= most:
            raise ValueError(message.format(most=most))
        return value


def sorts(listing: Listing):
    """The orders a list can be asked for: a sortable column's key, "-" before it for descending; another is
    refused with the list of them."""
    keys = [key for key, column in listing.columns.items() if column.sort]
    orders = keys + [f"-{key}" for key in keys]

    def one_of_them(value: Any, handler):
        try:
            return handler(value)
        except PydanticError:
            raise ValueError(f"Sort by one of {', '.join(orders)}") from None
    return Annotated[Literal[tuple(orders)], WrapValidator(one_of_them)]


class Paging(BaseModel):
    page: int
    per_page: int
    count: int = Field(description="The records the filters select, counted up to 1,000 (then `more` is true)")
    more: bool = Field(description="More records than counted")
    next: str | None = Field(default=None, description="The next page's address, while there is one")
    previous: str | None = None


def list_of(out: type[BaseModel], name: str) -> type[BaseModel]:
    """A list's answer, named for the document: a page of records as `out` makes them (`items`), and its paging."""
    return create_model(name, items=(list[out], ...), paging=(Paging, ...))


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
    return found.items, _paging(found.number, found.size, count=found.total, more=found.more,
                                has_next=found.has_next)


def listed_whole(items: list, query: ListQuery, *, out, answer_as: type[BaseModel]):
    """A list its service reads whole (a proposal's comments), answered a page at a time as `listed` answers."""
    start = (query.page - 1) * query.per_page
    paging = _paging(query.page, query.per_page, count=len(items), more=False,
                     has_next=len(items) > start + query.per_page)
    body, status, headers = answer(answer_as(items=[out(item) for item in items[start:start + query.per_page]],
                                             paging=paging))
    return body, status, headers | link_header(paging)


def _paging(number: int, size: int, *, count: int, more: bool, has_next: bool) -> Paging:
    args = request.args.to_dict(flat=False)

    def at(page: int) -> str:
        return url_for(request.endpoint, **(request.view_args or {}), **(args | {"page": [str(page)]}))
    return Paging(page=number, per_page=size, count=count, more=more, next=at(number + 1) if has_next else None,
                  previous=at(number - 1) if number > 1 else None)


def link_header(paging: Paging) -> dict[str, str]:
    links = [f'<{url}>; rel="{rel}"' for rel, url in (("next", paging.next), ("prev", paging.previous)) if url]
    return {"Link": ", ".join(links)} if links else {}
