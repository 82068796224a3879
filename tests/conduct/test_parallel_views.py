"""Several people opening a disciplinary case (or a subject access export) at once:
every look is served and recorded.

Viewing a case writes an audit event on a GET. On SQLite a read-only transaction
cannot take the write lock once another writer has begun, so before the fix most
of a burst of parallel views failed with "database is locked".
"""

from __future__ import annotations

import threading
import time

from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.audit.service import record, verify_chain
from tests.conduct.helpers import only_case, open_case

VIEWERS = 10


def _parallel_views(client, db, viewer, url: str) -> list[int | str]:  # type: ignore[no-untyped-def]
    browsers = []
    for _ in range(VIEWERS):
        browser = client.another_browser()
        browser.sign_in_as(viewer)
        browsers.append(browser)
    start = threading.Barrier(VIEWERS + 1)
    statuses: list[int | str] = []

    def view(browser) -> None:  # type: ignore[no-untyped-def]
        start.wait()
        try:
            statuses.append(browser.http.get(url).status_code)
        except Exception as error:  # noqa: BLE001 - the test client re-raises a 500's cause
            statuses.append(repr(error))

    # Another request is part-way through a change when the views arrive, as on a
    # busy morning: each view has begun reading before the write lock is free.
    busy = db.session_factory()
    record(busy, actor=None, action="test.busy", object_type="test")
    threads = [threading.Thread(target=view, args=(browser,)) for browser in browsers]
    for thread in threads:
        thread.start()
    start.wait()
    time.sleep(1)
    busy.commit()
    busy.close()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def _count(session, action: str) -> int:  # type: ignore[no-untyped-def]
    session.expire_all()
    return session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


def test_ten_parallel_views_of_a_case_all_succeed_and_are_all_recorded(client, session, staff, db):
    client.sign_in_as(staff.hr)
    assert open_case(client, staff).status_code == 302
    case_id = only_case(session).id
    session.commit()
    assert _parallel_views(client, db, staff.hr, f"/conduct/{case_id}") == [200] * VIEWERS
    assert _count(session, "conduct.case_viewed") == VIEWERS
    assert verify_chain(session).ok


def test_ten_parallel_subject_access_exports_all_succeed_and_are_all_recorded(client, session, staff, db):
    url = f"/privacy/subject-access/{staff.subject.id}.json"
    assert _parallel_views(client, db, staff.hr, url) == [200] * VIEWERS
    assert _count(session, "privacy.subject_access_exported") == VIEWERS
    assert verify_chain(session).ok
