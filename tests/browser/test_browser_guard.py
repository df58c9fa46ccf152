"""The guard of issue 13: axe-core finds no violation of any impact on any main page, record page or form (and a
form re-shown with its errors), as each role; at 390 × 844 no page is wider than the screen."""

import re

import pytest

from tests.conftest import PASSWORD
from tracker.auth.roles import Role
from tracker.dashboards.boards import BOARDS

pytestmark = pytest.mark.browser

LISTS = ["/", "/my-work", "/dashboards/", "/objectives/", "/proposals/", "/proposals/?view=board", "/plans/",
         "/commitments/", "/commitments/mine", "/issues/", "/pilots/", "/deployments/", "/deployments/rows",
         "/deployments/status", "/deployments/standard-set", "/tailoring/", "/tailoring/patterns", "/compliance/",
         "/compliance/noncompliances", "/lessons/", "/projects/", "/assets/", "/process-areas/", "/appraisals/",
         "/appraisals/cadences", "/appraisals/questions", "/reviews/", "/notifications/", "/notifications/settings",
         "/account/password", "/projects/?q=nothing-matches"]
RECORDS = {"objective": "/objectives/{}", "proposal": "/proposals/{}", "plan": "/plans/{}",
           "commitment": "/commitments/{}", "pilot": "/pilots/{}", "deployment": "/deployments/{}",
           "asset": "/assets/{}", "version": "/assets/versions/{}", "tailoring": "/tailoring/{}",
           "audit": "/compliance/{}", "lesson": "/lessons/{}", "crm": "/projects/{}", "appraisal": "/appraisals/{}",
           "meeting": "/reviews/{}"}
FORMS = {  # a form page each role may open (the process group's, a lead's, anyone's)
    Role.PROCESS_GROUP: ["/plans/new", "/pilots/new", "/deployments/new", "/compliance/new", "/assets/new",
                         "/projects/new", "/appraisals/new", "/objectives/new", "/reviews/new"],
    Role.ADMIN: ["/admin/users", "/admin/users/new", "/admin/reminders/", "/proposals/priority-weights"],
    Role.PROJECT_LEAD: ["/tailoring/new", "/lessons/new", "/proposals/new"],
    Role.MEMBER: ["/proposals/new", "/lessons/new"],
    Role.STEERING: [],
}


def pages_for(role: Role, organization) -> list[str]:
    records = [url.format(organization[key].id) for key, url in RECORDS.items()]
    boards = [f"/dashboards/{key}" for key in BOARDS]
    return LISTS + records + boards + FORMS[role]


def violations(page, axe, options: dict | None = None) -> list[str]:
    """axe-core's findings on the loaded page. axe is already there: `axe` put it in every page of the context as an
    init script, sent to the browser once (axe-playwright's `run` sends its 570 KB with every page it checks)."""
    found = page.evaluate("options => axe.run(document, options)", options or {"resultTypes": ["violations"]})["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in found]


@pytest.fixture
def axe(page):
    """axe-core, from the installed axe-playwright-python, in every document the test's page loads."""
    from axe_playwright_python.sync_playwright import Axe
    page.context.add_init_script(script=Axe().axe_script)


MAIN = re.compile(r"<main\b.*?</main>", re.S)
CSRF = re.compile(r'(name="csrf_token"[^>]*?value=")[^"]*"')


def main_part(html: str) -> str:
    """The main part of a page as the server sent it, its form tokens (new in every session) left out."""
    found = MAIN.search(html)
    return CSRF.sub(r'\1"', found.group(0) if found else html)


@pytest.mark.heavy
def test_no_page_has_an_accessibility_violation(page, live_server, sign_in, make_user, organization, axe):
    """Every page as each role, in turn. A page whose main part is exactly as a role before saw it (most lists and
    records read the same to everyone without the process group's buttons) is not drawn and checked again: what
    differs, the header, is the role's own on every page and is checked on its first."""
    found, checked, skipped = {}, set(), 0
    for role in (Role.PROCESS_GROUP, Role.ADMIN, Role.PROJECT_LEAD, Role.MEMBER, Role.STEERING):
        if role == Role.PROCESS_GROUP:
            email = organization["pia"].email
        elif role == Role.PROJECT_LEAD:
            email = organization["leo"].email
        else:
            email = make_user(role, email=f"{role.value}@example.org").email
        sign_in(email, PASSWORD)
        for number, url in enumerate(pages_for(role, organization)):
            response = page.request.get(f"{live_server}{url}")  # the page's HTML, before the browser draws it
            assert response.status < 500, (role, url)
            if response.status == 403:
                continue
            main = main_part(response.text())
            if number and main in checked:
                skipped += 1
                continue
            checked.add(main)
            page.goto(f"{live_server}{url}")
            if problems := violations(page, axe):
                found[f"{role.value} {url}"] = problems
    print(f"{len(checked)} pages checked, {skipped} seen before by another role")
    assert found == {}, report(found)


def report(found: dict) -> str:
    return "\n".join(f"{url}:\n  " + "\n  ".join(problems) for url, problems in found.items())


def test_a_form_shown_again_with_its_errors_has_no_violation(page, live_server, sign_in, organization, axe):
    sign_in(organization["pia"].email, PASSWORD)
    found = {}
    for url in ("/proposals/new", "/plans/new", "/projects/new", "/lessons/new", "/objectives/new"):
        page.goto(f"{live_server}{url}")
        page.locator("main form button[type=submit]").last.click()
        page.locator("[aria-invalid=true]").first.wait_for()
        if problems := violations(page, axe):
            found[url] = problems
    assert found == {}, report(found)


WIDEST = """Array.from(document.querySelectorAll('main *, header *')).filter(e => e.getBoundingClientRect().right > 391
  && !(e.parentElement && e.parentElement.closest('.table-scroll, .board'))).slice(0, 6).map(e => e.tagName + '.' + e.className + '#' + e.id + ' '
  + Math.round(e.getBoundingClientRect().right) + ' ' + (e.textContent || '').trim().slice(0, 40))"""


@pytest.mark.heavy
def test_every_page_fits_a_phone_screen(browser, live_server, organization):
    """At 390 × 844 the document is never wider than the screen: wide tables scroll in their own box."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(organization["pia"].email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server}/")
    wide = {}
    for url in pages_for(Role.PROCESS_GROUP, organization):
        page.goto(f"{live_server}{url}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            wide[url] = (width, page.evaluate(WIDEST))
    context.close()
    assert wide == {}, wide


def test_a_record_prints_as_a_document(page, live_server, sign_in, organization):
    """Part 7: printed, a plan (and any record or list) shows no navigation, form or button; a link to elsewhere
    prints where it leads."""
    sign_in(organization["pia"].email, PASSWORD)
    for url in (f"/plans/{organization['plan'].id}", f"/proposals/{organization['proposal'].id}", "/projects/",
                f"/deployments/{organization['deployment'].id}"):
        page.goto(f"{live_server}{url}")
        page.emulate_media(media="print")
        shown = page.evaluate("""() => ['header nav', 'form', 'button', '.pages', '.filters-toggle'].map(
            s => Array.from(document.querySelectorAll(s)).filter(e => e.getClientRects().length > 0).length)""")
        assert shown == [0, 0, 0, 0, 0], (url, shown)
        assert page.locator("main h1").is_visible()
        page.emulate_media(media="screen")


@pytest.mark.heavy
def test_the_dark_scheme_keeps_the_contrast(page, live_server, sign_in, organization, axe):
    """Part 8: with the system set to dark, the pages follow it, and text keeps its contrast."""
    page.emulate_media(color_scheme="dark")
    sign_in(organization["pia"].email, PASSWORD)
    found = {}
    for url in LISTS[:12] + [url.format(organization[key].id) for key, url in RECORDS.items()] + FORMS[Role.PROCESS_GROUP][:3]:
        page.goto(f"{live_server}{url}")
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(19, 24, 30)", url  # dark
        if problems := violations(page, axe, {"runOnly": ["color-contrast"], "resultTypes": ["violations"]}):
            found[url] = problems
    assert found == {}, report(found)
