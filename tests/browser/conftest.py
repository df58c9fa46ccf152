"""Browser tests: the app served on a free loopback port, driven through Debian's Chromium by Playwright."""

import os
import shutil
import threading

import flask
import pytest
from werkzeug.serving import make_server

CANDIDATES = ["/usr/lib/chromium/chromium", shutil.which("chromium") or "/usr/bin/chromium"]


def chromium_path() -> str | None:
    return next((path for path in CANDIDATES if path and os.path.exists(path)), None)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    path = chromium_path()
    if path is None:
        message = "Debian's chromium is not installed (make test installs it as root)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + ": browser tests may not be skipped under CI")
        pytest.skip(message)
    return {"executable_path": path, "headless": True,
            "args": ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--no-first-run"]}


@pytest.fixture
def live_server(app):
    """The test app on 127.0.0.1 in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # shutdown() waits for the loop to look at its flag: every 50 ms, not the default 0.5 s (0.45 s a test)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def sign_in(page, live_server):
    def sign_in_as(email: str, password: str) -> None:
        """Signs in, as whoever was signed in before signs out: their page's requests finished first (a response
        still on its way sets its session cookie again, and the sign-in then fails its CSRF check), then the
        cookies cleared."""
        page.wait_for_load_state("networkidle")
        page.context.clear_cookies()
        page.goto(f"{live_server}/login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server}/")
    return sign_in_as


def covers(*endpoints: str):
    """Marks a browser test as the proof that these endpoints' htmx posts show their result without a reload.

    The claim is checked: the test fails unless each endpoint was really posted to by htmx during it, and
    tests/test_htmx_coverage.py fails for any template that posts with htmx to an endpoint no test claims.
    """
    def mark(test):
        test.covers = endpoints
        return test
    return mark


@pytest.fixture(autouse=True)
def _claimed_htmx_posts_happen(request, app):
    claimed = set(getattr(request.function, "covers", ()))
    params = getattr(getattr(request.node, "callspec", None), "params", {})
    if "endpoint" in params:  # a parametrized test claims each endpoint in its own case
        claimed = {params["endpoint"]}
    posted: set[str] = set()

    def record(sender, **extra):
        if flask.request.method == "POST" and flask.request.headers.get("HX-Request"):
            posted.add(flask.request.endpoint)

    flask.request_started.connect(record, app)
    yield
    flask.request_started.disconnect(record, app)
    assert claimed <= posted, f"claimed by @covers but never posted with htmx: {sorted(claimed - posted)}"


@pytest.fixture
def no_reload(page):
    """Marks the loaded page; `no_reload.check()` fails if the browser has loaded another page since."""
    class Marker:
        def set(self) -> None:
            # The page's scripts have run (htmx binds its forms once the document has loaded): a click before
            # that would post the plain form, which is not what a person meets and not what is checked here.
            page.wait_for_load_state("load")
            page.evaluate("window.__sameDocument = true")

        def check(self) -> None:
            assert page.evaluate("window.__sameDocument === true"), "the page was reloaded"
    return Marker()


def pick(field, typed: str, suggestion: str) -> None:
    """Type part of a name or title into a lookup field (tracker/lookup.py), wait for the suggestion, and pick it
    with the keyboard as a person would: down to it, Enter."""
    from playwright.sync_api import expect

    field.click()
    field.press_sequentially(typed, delay=20)
    options = field.page.locator(f"#{field.get_attribute('aria-controls')} [role=option]")
    expect(options.first).to_have_text(suggestion)
    field.press("ArrowDown")
    field.press("Enter")
