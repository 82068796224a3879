"""Two instances of the portal behind a load balancer, on one PostgreSQL database and one
Redis: whichever instance a request reaches, the person sees one portal (README,
"Running more than one server").

The instances are real gunicorn servers of two workers each (tests/servers/instances.py);
the browser's cookies follow it from one to the other, as they would behind a balancer
that does not pin a person to a server.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field

import redis
from sqlalchemy import func, select

from portal.outbox.models import OutboxMessage
from portal.ratelimit import PUBLIC_CHECKS
from tests.factories import PASSWORD, make_person
from tests.helpers import text_of
from tests.notifications.conftest import RecordingHandler, SmtpServer, free_port
from tests.servers.instances import Browser, finished, flask_command

LIMIT = int(PUBLIC_CHECKS.split()[0])  # 30 a minute, from one address


def _sign_in(browser: Browser, instance, email: str, password: str = PASSWORD):
    browser.get(instance, "/sign-in")
    return browser.post(instance, "/sign-in", {"email": email, "password": password})


def test_a_session_made_on_one_instance_is_accepted_by_the_other(instances, session):
    a, b = instances
    person = make_person(session, name="Nina Foster", email="nina@servers.example")
    browser = Browser()
    assert _sign_in(browser, a, person.email).status == 302
    account = browser.get(b, "/account")
    assert account.status == 200 and "Nina Foster" in text_of(account.text)
    # A form's token from one instance is accepted by the other (the same secret key),
    # and signing out there ends the session everywhere.
    browser.get(a, "/account")
    assert browser.post(b, "/sign-out", {}).status == 302
    assert browser.get(a, "/account").status == 302
    assert Browser().get(b, "/account").status == 302  # and it was the session that let Nina in


def test_the_sign_in_throttle_counts_failures_made_on_either(instances, session):
    """Kept in the database, not in Redis: five wrong passwords, wherever they were
    typed, make the account wait on every instance."""
    a, b = instances
    person = make_person(session, email="ola@servers.example")
    browser = Browser()
    for attempt in range(5):
        refused = _sign_in(browser, (a, b)[attempt % 2], person.email, "not the password")
        assert refused.status == 200 and "Enter a correct email address and password" in refused.text
    waiting = _sign_in(browser, a, person.email)  # the right password, but too late
    assert waiting.status == 200 and "Too many failed attempts" in waiting.text


def test_the_verification_limit_counts_across_both(instances, redis_url):
    a, b = instances
    browser = Browser()
    half = LIMIT // 2
    answers = [browser.get(a, f"/verify/probe-{n}") for n in range(half)]
    answers += [browser.get(b, f"/verify/probe-{n}") for n in range(half, LIMIT)]
    assert [answer.status for answer in answers] == [200] * LIMIT
    assert answers[-1].headers["X-RateLimit-Remaining"] == "0"
    assert browser.get(a, "/verify/one-more").status == 429
    assert browser.get(b, "/verify/one-more").status == 429
    someone_else = Browser()
    assert someone_else.get(b, "/verify/mine").status == 200  # per address, not for everyone
    # The counts live in Redis, under each client's address; gone once seen.
    shared = redis.Redis.from_url(redis_url)
    for address in (browser.address, someone_else.address):
        keys = shared.keys(f"*{address}*")
        assert keys
        shared.delete(*keys)


@dataclass
class OverlappingSenders(RecordingHandler):
    """Holds each message until two senders are connected (or 20 s pass), so that the
    two `outbox send` runs overlap however the machine schedules their start-up."""

    senders: set[int] = field(default_factory=set)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.senders.add(id(session))
        deadline = time.monotonic() + 20
        while len(self.senders) < 2 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        return await super().handle_DATA(server, session, envelope)


def test_two_reminders_runs_and_two_senders_at_once_send_each_message_once(
    instances, shared, session, council
):
    team = [make_person(session, email=f"member{n}@servers.example") for n in range(12)]
    runs = [flask_command(shared.environment(), "reminders", "run") for _ in range(2)]
    for code, out, err in map(finished, runs):
        assert code == 0, out + err
    assigned = dict(
        session.execute(
            select(OutboxMessage.to_address, func.count())
            .where(OutboxMessage.kind == "policy_assigned")
            .group_by(OutboxMessage.to_address)
        ).all()
    )
    assert all(assigned.get(person.email) == 1 for person in team), assigned
    queued = session.scalar(select(func.count()).where(OutboxMessage.status == "queued"))
    session.commit()

    sink = SmtpServer(free_port(), OverlappingSenders())
    sink.start()
    try:
        smtp = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(sink.port), "SMTP_STARTTLS": "0"}
        senders = [flask_command(shared.environment(**smtp), "outbox", "send") for _ in range(2)]
        results = [finished(sender) for sender in senders]
    finally:
        sink.stop()
    sent = []
    for code, out, err in results:
        assert code == 0, out + err
        sent.append(int(re.search(r"(\d+) sent", out).group(1)))
    assert sum(sent) == queued and all(n > 0 for n in sent)  # both did some of the work
    message_ids = [received.message["Message-ID"] for received in sink.received]
    assert len(message_ids) == queued and len(set(message_ids)) == queued
    assert {person.email for person in team} <= {r.rcpt_tos[0] for r in sink.received}
    left = session.scalar(select(func.count()).where(OutboxMessage.status != "sent"))
    assert left == 0


def _done(page: str) -> tuple[int, int]:
    found = re.search(r"(\d+) of (\d+) people \(\d+%\) have everything done", text_of(page))
    assert found, "no summary on the overview"
    return int(found.group(1)), int(found.group(2))


def test_the_overview_on_one_shows_a_signature_made_through_the_other_at_once(instances, session, council):
    a, b = instances
    signer = make_person(session, name="Sam Starter", email="sam@servers.example")
    clerk = Browser()
    assert _sign_in(clerk, a, council.clerk_email).status == 302
    # Asked a few times: each instance has two workers, and each keeps its own copy.
    before = {_done(clerk.get(a, "/reports").text) for _ in range(4)}
    assert len(before) == 1
    (complete, people) = before.pop()

    browser = Browser()
    assert _sign_in(browser, b, signer.email).status == 302
    assert browser.get(b, f"/policies/{council.policy_slug}").status == 200
    form = {"version_id": str(council.version_id), "password": PASSWORD, "typed_name": signer.name}
    assert browser.post(b, f"/policies/{council.policy_slug}/sign", form | {"confirm": "y"}).status == 302

    after = {_done(clerk.get(a, "/reports").text) for _ in range(4)}
    assert after == {(complete + 1, people)}


def test_the_audit_trail_both_instances_wrote_verifies(instances, shared):
    """Every event above was sealed by one of four processes with the one evidence key,
    and chained in one order."""
    code, out, err = finished(flask_command(shared.environment(), "audit", "verify"))
    assert code == 0, out + err
