"""axe-core over every page each kind of demo user can reach by following links."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from portal.demo import DEMO_PASSWORD, demo_email
from tests.browser.conftest import run_axe, sign_in

pytestmark = pytest.mark.browser

ACCOUNTS = ["clerk", "deputy", "mayor", "hr", "admin", "events.manager", "nina.foster", "cllr.hale"]
MAX_PAGES = 60


def _shape(url: str) -> str:
    """Pages that differ only by a record number or a page number are one page for the sweep."""
    parts = urlsplit(url)
    query = "&".join(sorted(key.split("=")[0] for key in parts.query.split("&") if key))
    return re.sub(r"/\d+", "/N", parts.path) + ("?" + query if query else "")


def _links(page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != origin or parts.path.startswith("/static"):
            continue
        if parts.path.endswith((".pdf", ".csv")):
            continue  # a download, not a page; downloads are checked in the feature tests
        found.append(parts.path + ("?" + parts.query if parts.query else ""))
    return found


def sweep(page, origin: str, start: str = "/") -> dict[str, list[dict]]:
    queue, seen, problems = [start], set(), {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if _shape(url) in seen:
            continue
        seen.add(_shape(url))
        response = page.goto(url)
        assert response is not None and response.status < 500, url
        violations = run_axe(page)
        if violations:
            problems[url] = violations
        queue.extend(link for link in _links(page, origin) if _shape(link) not in seen)
    assert len(seen) > 1, "the sweep found no pages"
    return problems


@pytest.mark.parametrize("account", ACCOUNTS)
def test_every_page_a_user_can_reach_passes_axe(page, live_server, demo_council, account):
    sign_in(page, demo_email(account), DEMO_PASSWORD)
    assert "/sign-in" not in page.url, "demo sign-in failed"
    assert sweep(page, live_server.url) == {}


def test_pages_for_visitors_who_are_not_signed_in_pass_axe(page, live_server):
    problems = {}
    for url in ["/sign-in", "/accessibility", "/no-such-page", "/set-password/not-a-real-token"]:
        page.goto(url)
        if violations := run_axe(page):
            problems[url] = violations
    assert problems == {}


def test_the_sweep_would_catch_a_violation(page, live_server):
    page.goto("/accessibility")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\\'x.png\\'>')")
    assert [v["id"] for v in run_axe(page)] == ["image-alt"]
