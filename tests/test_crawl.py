"""The crawl: every GET route, as every role, with every filter at each of its values and at nonsense.

Starting from every route without arguments, it follows the links, htmx GETs and GET forms of each page it
sees, on the demo organization. No request may answer 5xx, no page may have two elements with one id, an
unknown record id is a 404, and every GET route is reached by some role.

One test per role (they run in parallel), and one that walks the links alone as every role, for the last rule.
"""

import hashlib
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from sqlmodel import select
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from tracker.action_plans.models import PlanStatus
from tracker.auth.models import User
from tracker.demo import load_demo
from tracker.pilots.models import PilotStatus

ROLES = ["admin@demo.example", "sepg@demo.example", "steering@demo.example", "lead@demo.example",
         "member@demo.example", None]  # None: not signed in
# Values no filter offers: each must be ignored or refused, never a 5xx.
NONSENSE = ["nonsense", "-1", "0", "99999999999999999999", "²", "%", "<b>x</b>", "' OR 1=1 --", "\x00", "é" * 300]
NOT_CRAWLED = {"static", "home.plotly_js", "favicon"}  # files, not pages
SAME_ROUTE_LIMIT = 8  # records of one kind looked at per role (the filters are all tried regardless)
UNKNOWN_ID = "2147483647"


class Page(HTMLParser):
    """The ids, links and GET forms of one HTML page."""

    def __init__(self):
        super().__init__()
        self.ids: Counter = Counter()
        self.links: list[str] = []
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids[attrs["id"]] += 1
        for name in ("href", "hx-get"):
            if attrs.get(name) and tag != "link":
                self.links.append(attrs[name])
        if tag == "form" and (attrs.get("method") or "get").lower() == "get" and "hx-post" not in attrs:
            self.forms.append({"action": attrs.get("action") or attrs.get("hx-get") or "", "fields": {}})
        elif tag in ("input", "select", "textarea") and self.forms and attrs.get("name"):
            if attrs.get("type") not in ("submit", "button", "hidden", "checkbox", "radio"):
                self.forms[-1]["fields"].setdefault(attrs["name"], [])
            elif attrs.get("type") in ("hidden", "checkbox", "radio"):
                self.forms[-1]["fields"].setdefault(attrs["name"], []).append(attrs.get("value", "on"))
            self._select = attrs["name"] if tag == "select" else None
        elif tag == "option" and self.forms and getattr(self, "_select", None):
            self.forms[-1]["fields"][self._select].append(attrs.get("value", ""))


@dataclass
class Crawl:
    client: object
    adapter: object
    failures: list = field(default_factory=list)
    reached: set = field(default_factory=set)
    requests: int = 0
    seen: set = field(default_factory=set)
    records: defaultdict = field(default_factory=lambda: defaultdict(set))
    filters: set = field(default_factory=set)
    fragments: set = field(default_factory=set)  # (endpoint, the parameters set): each asked for as htmx once
    with_filters: bool = True  # False: links and the forms as shown, no filter values, no nonsense
    nonsense: tuple = tuple(NONSENSE)  # the values each parameter is tried at

    def endpoint(self, url: str):
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            return None, {}
        try:
            return self.adapter.match(parts.path, method="GET")
        except (NotFound, MethodNotAllowed, RequestRedirect):
            return None, {}

    def get(self, url: str, role, *, htmx: bool = False):
        self.requests += 1
        headers = {"HX-Request": "true"} if htmx else {}
        response = self.client.get(url, headers=headers)
        if not 200 <= response.status_code < 500:  # a status werkzeug cannot even parse shows as 0
            self.failures.append(f"{role}: GET {url!r}{' (htmx)' if htmx else ''} -> {response.status_code}")
        if response.mimetype == "text/html":
            page = Page()
            page.feed(response.get_data(as_text=True))
            doubled = sorted(i for i, n in page.ids.items() if n > 1)
            if doubled:
                self.failures.append(f"{role}: GET {url!r}{' (htmx)' if htmx else ''} repeats ids {doubled}")
            return response, page
        return response, None

    def run(self, role, starts: list[str]) -> None:
        queue = deque((url, True) for url in starts)
        while queue:
            url, follow = queue.popleft()
            if url in self.seen:
                continue
            endpoint, args = self.endpoint(url)
            if endpoint is None or endpoint in NOT_CRAWLED:
                continue
            query = urlsplit(url).query
            record = tuple(sorted(args.items()))
            if record:  # a record's page: a few of each kind
                if record not in self.records[endpoint] and len(self.records[endpoint]) >= SAME_ROUTE_LIMIT:
                    continue
                self.records[endpoint].add(record)
            pairs = {(endpoint, pair) for pair in parse_qsl(query, keep_blank_values=True)}
            if query and pairs <= self.filters:
                continue  # each filter value once per route, not every combination of them
            self.filters |= pairs
            self.seen.add(url)
            response, page = self.get(url, role)
            # 308: a moved address; 303: a page that sends on (a reminder to its subject), not the sign-in's 302
            if response.status_code < 300 or response.status_code in (303, 308):
                self.reached.add(endpoint)
            shape = (endpoint, frozenset(name for (_, (name, _)) in pairs))
            if query and follow and shape not in self.fragments:  # the fragment too, once per set of parameters
                self.fragments.add(shape)  # (its rows are the page's own, rendered by the same template)
                self.get(url, role, htmx=True)
            if response.status_code in (301, 302, 303) and follow:
                queue.append((response.headers["Location"], True))
            if page is None or not follow:
                continue
            for link in page.links:
                queue.append((link.split("#")[0], True))
            for form in page.forms:
                action = form["action"] or urlsplit(url).path
                for variant in variants(form["fields"])[:None if self.with_filters else 1]:
                    queue.append((f"{urlsplit(action).path}?{urlencode(variant)}", True))
            if not self.with_filters:
                continue
            for variant in nonsense(query, self.nonsense):
                queue.append((f"{urlsplit(url).path}?{urlencode(variant)}", False))
            if args:
                unknown = "/".join(UNKNOWN_ID if part.isdigit() else part for part in urlsplit(url).path.split("/"))
                self.unknown_record(unknown, role)

    def unknown_record(self, url: str, role) -> None:
        if url in self.seen:
            return
        self.seen.add(url)
        response, _ = self.get(url, role)
        if role is not None and response.status_code != 404:
            self.failures.append(f"{role}: GET {url!r} (no such record) -> {response.status_code}, not 404")


def variants(fields: dict[str, list[str]]) -> list[dict]:
    """A GET form submitted with each field at each offered value in turn, and at nonsense."""
    base = {name: "" for name in fields}
    found = [base]
    for name, offered in fields.items():
        for value in set(offered) | set(NONSENSE[:3]):
            found.append(base | {name: value})
    return found


def nonsense(query: str, values) -> list[dict]:
    """A visited URL's query with each parameter at each nonsense value in turn."""
    params = dict(parse_qsl(query, keep_blank_values=True))
    return [params | {name: value} for name in params for value in values]


@pytest.fixture
def demo(app, db, make_plan, make_pilot):
    """The demo organization, plus a draft plan and a running pilot: records whose edit pages are open."""
    with app.app_context():  # the demo ends with a reminder sweep, which names pages
        load_demo(db)
    member = db.exec(select(User).where(User.email == "member@demo.example")).one()
    member.calendar_token_hash = hashlib.sha256(b"crawl-calendar-token").hexdigest()
    db.add(member)
    db.commit()
    make_pilot(make_plan(PlanStatus.DRAFT), status=PilotStatus.RUNNING)
    return {user.email: user for user in db.exec(select(User)).all()}


def start_urls(app) -> list[str]:
    return [rule.rule for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and not rule.arguments - set(rule.defaults or {})
            and rule.endpoint not in NOT_CRAWLED] + [CALENDAR]


CALENDAR = "/notifications/calendar/crawl-calendar-token.ics"  # a feed no page links to (its address is secret)


def crawl_as(crawl: Crawl, client, login, user, starts: list[str]) -> None:
    with client.session_transaction() as session:
        session.clear()
    if user is not None:
        login(user)
    crawl.seen, crawl.filters, crawl.records, crawl.fragments = set(), set(), defaultdict(set), set()
    crawl.run(user.email if user else "anonymous", starts)


@pytest.mark.parametrize("email", ROLES, ids=lambda email: (email or "anonymous").split("@")[0])
def test_no_route_answers_5xx_or_repeats_an_id_for_any_filter(app, client, demo, login, email):
    crawl = Crawl(client=client, adapter=app.url_map.bind("localhost"), nonsense=nonsense_for(email))
    crawl_as(crawl, client, login, demo[email] if email else None, start_urls(app))
    print(f"crawl as {email}: {crawl.requests} requests, {len(crawl.reached)} routes reached")
    assert crawl.failures == []


def nonsense_for(email: str | None) -> tuple:
    """Every nonsense value for the roles that reach every page (admin, process group); the others, whose pages are
    the same routes reading the same arguments, half of them each, in turn: every value still meets every route."""
    if email in ROLES[:2]:
        return tuple(NONSENSE)
    return tuple(NONSENSE[ROLES.index(email) % 2::2])


def test_every_get_route_is_reached_by_some_role(app, client, demo, login):
    crawl = Crawl(client=client, adapter=app.url_map.bind("localhost"), with_filters=False)
    for email in ROLES:
        crawl_as(crawl, client, login, demo[email] if email else None, start_urls(app))
    print(f"links: {crawl.requests} requests, {len(crawl.reached)} routes reached")
    assert crawl.failures == []
    every_route = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods} - NOT_CRAWLED
    assert every_route - crawl.reached == set(), "routes no role reached: link them from a page or seed them here"
