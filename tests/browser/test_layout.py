"""Wide tables scroll inside their own box at a desktop width and on a phone: the page
itself never scrolls sideways, so no column is cut off."""

from __future__ import annotations

import pytest

from portal.demo import DEMO_PASSWORD, demo_email
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

WIDE_PAGES = ["/reports", "/policies/status", "/training/progress", "/authorisations", "/audit"]


@pytest.mark.parametrize("width", [1280, 375])
def test_wide_tables_scroll_in_their_own_box(page, demo_council, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, demo_email("clerk"), DEMO_PASSWORD)
    for path in WIDE_PAGES:
        response = page.goto(path)
        assert response is not None and response.status in (200, 403), path
        if response.status == 403:
            continue
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} at {width}px is {overflow}px wider than the window"
        # Every table ends inside the page: a cut-off column would stick out of its box.
        for box in page.locator("table").all():
            right = box.evaluate(
                "t => { const s = t.closest('.portal-table-scroll'); "
                "return s ? s.getBoundingClientRect().right : t.getBoundingClientRect().right }"
            )
            assert right <= width + 1, f"a table on {path} at {width}px ends at {right}px"
