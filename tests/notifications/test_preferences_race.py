"""The first save of the digest preference, made twice at once: both succeed, one row.

Before the fix the page looked the preference up and then inserted it, so two first
saves at once both inserted and one failed on the primary key (500) on PostgreSQL.
"""

from __future__ import annotations

import threading
import time

from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.notifications.models import NotificationPreference
from portal.people.models import Role
from tests.factories import make_person


def test_two_first_saves_at_once_both_succeed_and_leave_one_preference(client, session, db):
    clerk = make_person(session, roles={Role.TOWN_CLERK})
    browsers = []
    for _ in range(2):
        browser = client.another_browser()
        browser.sign_in_as(clerk)
        browsers.append((browser, browser.csrf_token()))
    session.commit()
    # A third first save is part-way through when both arrive, so each of them
    # looks, finds nothing yet, and then meets that save's row.
    in_flight = db.session_factory()
    in_flight.add(NotificationPreference(person_id=clerk.id, digest_frequency="monthly"))
    in_flight.flush()
    outcomes: list[int | str] = []

    def save(browser, token, frequency) -> None:  # type: ignore[no-untyped-def]
        try:
            response = browser.http.post(
                "/account/notifications", data={"digest_frequency": frequency, "csrf_token": token}
            )
            outcomes.append(response.status_code)
        except Exception as error:  # noqa: BLE001 - the test client re-raises a 500's cause
            outcomes.append(repr(error))

    threads = [
        threading.Thread(target=save, args=(browser, token, frequency))
        for (browser, token), frequency in zip(browsers, ("daily", "weekly"), strict=True)
    ]
    for thread in threads:
        thread.start()
    time.sleep(1)
    in_flight.commit()
    in_flight.close()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes == [302, 302]
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(NotificationPreference)) == 1
    assert session.scalar(select(NotificationPreference.digest_frequency)) in ("daily", "weekly")
    saved = select(func.count()).where(AuditEvent.action == "notifications.preferences_saved")
    assert session.scalar(saved) == 2
