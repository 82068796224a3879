from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select, text

from portal.audit.models import AuditEvent
from portal.audit.service import record, verify_chain
from portal.people.models import Department


@pytest.fixture
def sqlite_only(database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite connection settings")


def test_every_sqlite_connection_is_configured(db, sqlite_only):
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000


def test_foreign_keys_are_enforced(db):
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), db.session_scope() as session:
        session.execute(text("INSERT INTO person_roles (person_id, role) VALUES (424242, 'hr')"))


def test_concurrent_writers_wait_for_each_other_instead_of_failing(db):
    """Two requests that both write: the second queues until the first commits."""
    first = db.session_factory()
    first.add(Department(name="First writer"))
    first.flush()  # holds the write lock (BEGIN IMMEDIATE on SQLite, a row lock on PostgreSQL)
    finished = {}

    def second_writer() -> None:
        started = time.monotonic()
        with db.session_scope() as second:
            # Like a request that loads something before changing it: a plain
            # deferred transaction would take a snapshot here, then fail to write.
            second.scalar(select(func.count()).select_from(Department))
            second.add(Department(name="Second writer"))
            record(second, actor=None, action="test.second", object_type="department")
        finished["waited"] = time.monotonic() - started

    thread = threading.Thread(target=second_writer)
    record(first, actor=None, action="test.first", object_type="department")
    thread.start()
    time.sleep(0.5)
    first.commit()
    first.close()
    thread.join(timeout=30)
    assert "waited" in finished, "the second writer failed instead of waiting"
    with db.session_factory() as check:
        assert check.scalar(select(func.count()).select_from(Department)) == 2
        actions = list(check.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
        assert actions == ["test.first", "test.second"]
        assert verify_chain(check).ok


def test_many_concurrent_audit_writers_keep_one_unbroken_chain(db):
    def writer(number: int) -> None:
        for event in range(5):
            with db.session_scope() as session:
                record(
                    session,
                    actor=None,
                    action="test.parallel",
                    object_type="writer",
                    object_id=number,
                    details={"event": event},
                )

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with db.session_factory() as session:
        report = verify_chain(session)
        assert report.ok and report.events_checked == 20


def test_a_page_that_declares_it_writes_on_get_takes_the_write_lock_up_front(database_url):
    from portal import create_app
    from portal.access import public
    from portal.db import READ_ONLY_OPTION, database, get_session, writes_on_get
    from tests.conftest import settings_for

    app = create_app(settings_for(database_url))

    def lock_taken() -> str:
        read_only = get_session().get_bind().get_execution_options().get(READ_ONLY_OPTION)
        return "read-only" if read_only else "write lock"

    def records_a_view() -> str:
        return lock_taken()

    def only_reads() -> str:
        return lock_taken()

    app.add_url_rule("/test/records-a-view", view_func=public(writes_on_get(records_a_view)))
    app.add_url_rule("/test/only-reads", view_func=public(only_reads))
    client = app.test_client()
    assert client.get("/test/records-a-view").get_data(as_text=True) == "write lock"
    assert client.get("/test/only-reads").get_data(as_text=True) == "read-only"
    database(app).engine.dispose()
