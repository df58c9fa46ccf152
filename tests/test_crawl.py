"""The crawl: every GET route, as every role, with every filter at each of its values and at nonsense.

Starting from every route without arguments, it follows the links, htmx GETs and GET forms of each page it
sees, on the demo organization. No request may answer 5xx, no page may have two elements with one id, an
unknown record id is a 404, and every GET route is reached by some role.

One test walks as every role in turn: the last rule needs them all (a walk of the links alone as every role, for
it, cost as much as a fifth of the whole crawl).
"""

import hashlib
import re
import zlib
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from sqlmodel import select
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from tracker.action_plans.models import PlanStatus
from tracker.auth.models import User
from tracker.auth.policy import POLICY, PUBLIC
from tracker.auth.roles import EVERYONE
from tracker.demo import load_demo
from tracker.imports.models import ImportBatch, ImportKind
from tracker.pilots.models import PilotStatus

ROLES = ["admin@demo.example", "sepg@demo.example", "steering@demo.example", "lead@demo.example",
         "member@demo.example", None]  # None: not signed in
# Values no filter offers: each must be ignored or refused, never a 5xx.
NONSENSE = ["nonsense", "-1", "0", "99999999999999999999", "²", "%", "<b>x</b>", "' OR 1=1 --", "\x00", "é" * 300]
NOT_CRAWLED = {"static", "home.plotly_js", "favicon", "api.docs_asset"}  # files, not pages
SAME_ROUTE_LIMIT = 8  # records of one kind looked at per role (the filters are all tried regardless)
UNKNOWN_ID = "2147483647"


def json_api(rule) -> bool:
    """The JSON API's routes, which tests/api/test_api_schema.py walks (schemathesis); its browsable page is a page."""
    return rule.endpoint.startswith("api.") and rule.endpoint not in ("api.docs",)


TAG = re.compile(r"<!--.*?-->|<([a-zA-Z][\w:-]*)((?:\s+[^\s\"'>/=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)\s*/?>",
                 re.S)
ATTRIBUTE = re.compile(r"([^\s\"'>/=]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+)))?")
RAW_TEXT = {"script": re.compile(r"</script\s*>", re.I), "style": re.compile(r"</style\s*>", re.I)}


class Page:
    """The ids, links and GET forms of one HTML page: its start tags read with two regular expressions (the
    standard library's HTMLParser took a third of the crawl's time), comments and script bodies passed over."""

    def __init__(self, html: str):
        self.ids: Counter = Counter()
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._select = None
        position = 0
        while found := TAG.search(html, position):
            position = found.end()
            if found.group(1) is None:  # a comment
                continue
            tag = found.group(1).lower()
            self.start(tag, {name.lower(): unescape(a if a is not None else b if b is not None else c or "")
                             for name, a, b, c in ATTRIBUTE.findall(found.group(2))})
            if tag in RAW_TEXT and (end := RAW_TEXT[tag].search(html, position)):
                position = end.end()

    def start(self, tag: str, attrs: dict) -> None:
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
        elif tag == "option" and self.forms and self._select:
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
    nonsense: Callable[[str], Sequence[str]] = lambda endpoint: NONSENSE  # an endpoint's parameters' values
    owner: Callable[[str, tuple], str | None] = lambda endpoint, pair: None  # the role to try a value, if one
    handed: dict = field(default_factory=dict)  # shared by the roles' crawls: role -> [(url, follow)] met by another
    tried: set = field(default_factory=set)  # shared: the filter values some role has tried
    expanded: set = field(default_factory=set)  # the GET forms whose variants are queued already

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
            page = Page(response.get_data(as_text=True))
            doubled = sorted(i for i, n in page.ids.items() if n > 1)
            if doubled:
                self.failures.append(f"{role}: GET {url!r}{' (htmx)' if htmx else ''} repeats ids {doubled}")
            return response, page
        return response, None

    def run(self, role, starts: list[str]) -> None:
        queue = deque([(url, True) for url in starts] + self.handed.pop(role, []))
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
            if query and not self.tries(role, pairs, url, follow):
                continue  # each filter value once per route, not every combination of them
            self.filters |= pairs
            self.tried |= pairs
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
            queue.extend((link, True) for link in {link.split("#")[0] for link in page.links} - self.seen)
            for form in page.forms:
                action = urlsplit(form["action"] or url).path
                shape = (action, tuple((name, tuple(offered)) for name, offered in form["fields"].items()))
                if shape not in self.expanded:  # a form every page of a list carries: its variants once
                    self.expanded.add(shape)
                    for variant in variants(form["fields"]):
                        queue.append((f"{action}?{urlencode(variant)}", True))
            for name, value in nonsense(query, self.nonsense(endpoint)):
                if (endpoint, (name, value)) not in self.filters:
                    variant = dict(parse_qsl(query, keep_blank_values=True)) | {name: value}
                    queue.append((f"{urlsplit(url).path}?{urlencode(variant)}", False))
            path = urlsplit(url).path
            unknown = "/".join(UNKNOWN_ID if part.isdigit() else part for part in path.split("/"))
            if unknown != path:  # a record's page: the same with no such record
                self.unknown_record(unknown, role)

    def tries(self, role, pairs: set, url: str, follow: bool) -> bool:
        """Whether this role asks for a URL: it carries a filter value not tried yet that is this role's to try (or
        no role's in particular, or that of a role before it in ROLES, whose crawl has ended). One only a later role
        is to try goes to it."""
        later = []
        for pair in pairs - self.filters:
            who = self.owner(*pair)
            if who is None:
                return True
            if pair in self.tried:
                continue
            if ROLES.index(who) <= ROLES.index(role):
                return True
            later.append(who)
        if later:
            self.handed.setdefault(min(later, key=ROLES.index), []).append((url, follow))
        return False

    def unknown_record(self, url: str, role) -> None:
        if url in self.seen:
            return
        self.seen.add(url)
        response, _ = self.get(url, role)
        if role is not None and response.status_code != 404:
            self.failures.append(f"{role}: GET {url!r} (no such record) -> {response.status_code}, not 404")


def variants(fields: dict[str, list[str]]) -> list[dict]:
    """A GET form submitted with each field at each offered value in turn (each then tried at nonsense, as every
    parameter of a page visited is)."""
    base = {name: "" for name in fields}
    found = [base]
    for name, offered in fields.items():
        for value in set(offered):
            found.append(base | {name: value})
    return found


def nonsense(query: str, values) -> list[tuple[str, str]]:
    """A visited URL's parameters, each to be tried at each nonsense value in turn."""
    return [(name, value) for name in dict(parse_qsl(query, keep_blank_values=True)) for value in values]


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
    db.add(ImportBatch(kind=ImportKind.PROJECTS, filename="projects.csv", uploaded_by_id=member.id,
                       content=b"Code,Name,Phase\nPX-90,Imported,planning\n", mapping='{"columns": {"Code": "code"}}'))
    db.commit()
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
    crawl.run(user.email if user else "anonymous", starts)


@pytest.mark.heavy
def test_no_route_answers_5xx_or_repeats_an_id_for_any_filter_and_every_route_is_reached(app, client, demo, login):
    """As each role in turn on one database (what one role's reading writes, such as a notification marked read,
    the next one meets). Every GET route must be reached by some role: answered without a redirect to sign in."""
    failures, reached, handed, tried = [], set(), {}, set()
    for email in ROLES:
        crawl = Crawl(client=client, adapter=app.url_map.bind("localhost"), nonsense=nonsense_for(app, email),
                      owner=owner_for(app, email), handed=handed, tried=tried)
        crawl_as(crawl, client, login, demo[email] if email else None, start_urls(app))
        print(f"crawl as {email}: {crawl.requests} requests, {len(crawl.reached)} routes reached")
        failures += crawl.failures
        reached |= crawl.reached
    assert failures == []
    every_route = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods and not json_api(rule)
                   } - NOT_CRAWLED
    assert every_route - reached == set(), "routes no role reached: link them from a page or seed them here"


SIGNED_IN = [email for email in ROLES if email]


def owner_for(app, email: str | None) -> Callable[[str, tuple], str | None]:
    """The signed-in role that tries a filter value on a route, as this role sees it.

    A route everyone may read is the same code reading the same parameters whoever asks: the values its pages offer
    and the nonsense are shared out among the signed-in roles by a hash of the value, a fifth each, so each value
    still meets the route once, as some role (a value one role meets that another is to try is handed to it, so
    what only this role's pages offer is tried too). A route only some roles may take gets every value from each."""
    def owner(endpoint: str, pair: tuple) -> str | None:
        if email is None or POLICY.get(getattr(app.view_functions[endpoint], "permission", None)) != EVERYONE:
            return None
        return SIGNED_IN[zlib.crc32(f"{endpoint} {pair[0]}={pair[1]}".encode()) % len(SIGNED_IN)]
    return owner


def nonsense_for(app, email: str | None) -> Callable[[str], Sequence[str]]:
    """The nonsense values a route's parameters are tried at, as this role: signed out, a route that needs a
    sign-in answers with the sign-in whatever the value, and gets two; signed in, every value (shared out among
    the roles by `owner_for` where the route is everyone's)."""
    def values(endpoint: str) -> Sequence[str]:
        if email is None and getattr(app.view_functions[endpoint], "permission", None) != PUBLIC:
            return NONSENSE[::5]
        return NONSENSE
    return values
