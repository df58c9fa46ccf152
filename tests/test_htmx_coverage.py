"""Every form or button that posts with htmx has a browser test that sees its result without a reload."""

import importlib
import re
from pathlib import Path

TEMPLATES = Path(__file__).parent.parent / "tracker" / "templates"
BROWSER_TESTS = Path(__file__).parent / "browser"
_HX_POST = re.compile(r"""hx-post="\{\{ url_for\('([\w.]+)'""")
_ACTION = re.compile(r"\{% set action = (.*?)%\}", re.S)
_URL_FOR = re.compile(r"""url_for\('([\w.]+)'""")


def htmx_post_endpoints() -> dict[str, str]:
    """Endpoint -> the template that posts to it with htmx (directly, or through a form's `action`)."""
    found = {}
    for template in sorted(TEMPLATES.rglob("*.html")):
        text = template.read_text()
        for endpoint in _HX_POST.findall(text):
            found[endpoint] = template.name
        if 'hx-post="{{ action }}"' in text:
            for expression in _ACTION.findall(text):
                found.update({endpoint: template.name for endpoint in _URL_FOR.findall(expression)})
    return found


def claimed_endpoints() -> set[str]:
    """What the browser tests claim with @covers (read from the test functions themselves)."""
    claimed = set()
    for test in sorted(BROWSER_TESTS.glob("test_*.py")):
        module = importlib.import_module(f"tests.browser.{test.stem}")
        for function in vars(module).values():
            claimed.update(getattr(function, "covers", ()))
    return claimed


def test_the_scan_finds_the_forms_it_guards():
    endpoints = htmx_post_endpoints()
    assert {"plan_work.record_joint_review", "assets.add_version", "proposals.move", "projects.create"} <= set(endpoints)


def test_every_htmx_post_has_a_browser_test_that_sees_its_result():
    unclaimed = {e: t for e, t in htmx_post_endpoints().items() if e not in claimed_endpoints()}
    assert unclaimed == {}, "add a browser test marked @covers(...) for each of these"
