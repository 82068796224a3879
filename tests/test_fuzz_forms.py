"""Fuzzing every form with Hypothesis (issue 15, section 7).

Every POST endpoint in the URL map is posted to, with a valid CSRF token, by each
role that may use it: random, oversized, Unicode and missing fields, and files
where the form takes one. Two things must hold on both databases:

- nothing answers 5xx;
- nothing is half-saved: after a refused submission (a 4xx, or the form shown
  again with its errors) every table's row count and the audit trail's
  head are as they were. The one exception is the record of a wrong password,
  which the throttle must keep (ASVS V6.3.1).

The number of examples is capped so that the fuzz stays within a couple of
minutes of CI; set PORTAL_FUZZ_EXAMPLES for a longer run on your own machine, and
PORTAL_FUZZ_RANDOM=1 to draw new examples instead of CI's fixed ones.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, Phase, example, given, settings
from sqlalchemy import Engine, func, inspect, select, table

from portal.access import PERMISSIONS, PUBLIC, SIGNED_IN, rule_for
from portal.audit.models import AuditEvent
from portal.business_cases.models import RiskAction
from portal.db import database
from portal.people.models import Person, Role
from portal.people.roles import propose_role_change
from tests.everything import one_of_everything
from tests.factories import make_person
from tests.form_fuzzing import Form, describe, every_form_class_field, form_strategy, forms_on, post_values
from tests.helpers import Client, csrf_token_in

# Each blueprint is one test, so a failure points at a feature and the council is
# built once per feature rather than once per endpoint.
GROUPS = (
    "auth",
    "people",
    "policies",
    "receipts",
    "training",
    "authorisations",
    "business_cases",
    "conduct",
    "breaches",
    "information_requests",
    "elections",
    "notifications",
)
EXAMPLES = int(os.environ.get("PORTAL_FUZZ_EXAMPLES", "3"))
# A wrong password is recorded on purpose, refused or not (the per-account throttle).
REFUSAL_RECORDS = {"auth.sign_in_failed", "auth.password_check_failed"}
THROTTLE_TABLES = {"sign_in_failures", "audit_events", "alembic_version"}

# URL argument -> the object it names; per blueprint or endpoint where it differs.
ARGUMENTS = {
    "person_id": "target",
    "request_id": "requested",
    "channel_id": "channel",
    "risk_id": "bc_risk",
    "action_id": "bc_action",
    "meeting_id": "dc_meeting",
    "message_id": "outbox_message",
    "slug": "slug",
    "ack_id": "ack",
    "token": "token",
    "attempt_id": "attempt",
    "position": "position",
    "key": "quiz",
    "version_id": "draft",
    "change_id": "role_change",
    "record_id": "br",
    "election_id": "el",
}
BY_BLUEPRINT = {
    ("conduct", "case_id"): "dc",
    ("business_cases", "case_id"): "bc_draft",
    ("information_requests", "request_id"): "ir",
    ("information_requests", "step"): "ir_step",
}
BY_ENDPOINT = {
    ("authorisations.revoke", "request_id"): "issued",
    ("policies.archive", "version_id"): "spare",
    ("business_cases.decide", "case_id"): "bc_submitted",
    ("business_cases.start_review", "case_id"): "bc_submitted",
    ("people.decide_role_change", "decision"): "approve",
    ("people.confirm_email", "token"): "unknown_token",
}

# The council ------------------------------------------------------------------


@dataclass
class Council:
    ids: dict[str, Any]
    personas: dict[str, int | None]  # persona -> person id (None: not signed in)


def build_council(app: Flask, session) -> Council:
    """One person per role, and one of everything the POST endpoints act on."""
    everything = one_of_everything(app, session)
    clerk, subject, target = everything.clerk, everything.subject, everything.invitee
    cases = everything.ids
    with app.app_context():  # its email to the approvers builds links from the URL map
        # A privileged role change waiting for a second person (issue 15, section 1).
        change = propose_role_change(session, clerk, target, Role.HR, grant=True)
    session.commit()
    action = session.scalar(select(func.min(RiskAction.id)).where(RiskAction.risk_id == cases["bc_risk"]))
    personas: dict[str, int | None] = {"anonymous": None, "staff": subject.id, "town_clerk": clerk.id}
    for role in Role:
        if role is not Role.TOWN_CLERK:
            personas[role.value] = make_person(session, name=f"The {role.label}", roles={role}).id
    ids = {
        **cases,
        "bc_action": action or 1,
        "target": target.id,
        "position": 1,
        "quiz": "basics",
        "role_change": change.id,
        "approve": "approve",
        "unknown_token": "an-email-link-that-was-never-sent",
    }
    return Council(ids, personas)


def personas_for(app: Flask, endpoint: str) -> list[str]:
    rule = rule_for(app, endpoint)
    assert rule is not None, f"{endpoint} declares no access rule"
    if rule.kind == PUBLIC:
        return ["anonymous"]
    if rule.kind == SIGNED_IN:
        return ["staff", *(role.value for role in Role)]
    return sorted(role.value for role in PERMISSIONS[rule.action or ""])


# Watching the database ------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    counts: dict[str, int]
    head: int


def watched_tables(engine: Engine) -> list[str]:
    return sorted(set(inspect(engine).get_table_names()) - THROTTLE_TABLES)


def snapshot(engine: Engine, names: list[str]) -> Snapshot:
    with engine.connect() as connection:
        counts_of = (select(func.count()).select_from(table(n)).scalar_subquery() for n in names)
        row = connection.execute(select(*counts_of))
        counts = dict(zip(names, row.one(), strict=True))
        head = connection.scalar(select(func.coalesce(func.max(AuditEvent.id), 0)))
    return Snapshot(counts, head or 0)


def new_audit_actions(engine: Engine, since: int) -> list[str]:
    with engine.connect() as connection:
        return list(connection.scalars(select(AuditEvent.action).where(AuditEvent.id > since)))


# The fuzz -------------------------------------------------------------------------


class Visitor:
    """One browser for one persona, signed in again before every post."""

    def __init__(self, app: Flask, session, person_id: int | None) -> None:
        self.app, self.session, self.person_id = app, session, person_id
        self.client = Client(app, before_request=session.commit)
        self.csrf: str | None = None

    def token(self) -> str:
        if self.person_id is None:
            self.client = self.client.another_browser()  # a sign-in that worked is forgotten
            return csrf_token_in(self.client.get("/sign-in").get_data(as_text=True))
        self.session.expire_all()
        person = self.session.get(Person, self.person_id)
        assert person is not None
        self.client.sign_in_as(person)
        with self.client.http.session_transaction() as cookie:
            if "csrf_token" not in cookie:  # signing out clears the session, and its token
                self.csrf = None
        if self.csrf is None:
            self.csrf = csrf_token_in(self.client.get("/accessibility").get_data(as_text=True))
        return self.csrf


def fields_for(visitor: Visitor, method_get: bool, url: str) -> Form | None:
    """The form that posts to `url`: on its own page, or on the nearest page above it.

    None when the visitor is shown no such form (a record that is not theirs).
    """
    candidates = [url] if method_get else []
    parts = url.rstrip("/").split("/")
    candidates += ["/".join(parts[:i]) or "/" for i in range(len(parts) - 1, 0, -1)]
    visitor.token()
    for page_url in candidates:
        page = visitor.client.get(page_url)
        if page.status_code != 200:
            continue
        forms = forms_on(page.get_data(as_text=True))
        matching = [
            f for action, f in forms if action.split("?")[0] == url or (page_url == url and not action)
        ]
        if matching:
            merged = Form()
            for f in matching:
                merged.names |= f.names
                merged.files |= f.files
                for name, values in f.known.items():
                    merged.known.setdefault(name, set()).update(values)
            return merged
    return None


def fuzz_endpoint(
    engine: Engine, tables: list[str], visitor: Visitor, endpoint: str, url: str, form: Form, *, shown: bool
) -> None:
    @settings(
        max_examples=EXAMPLES,
        # The same examples on every run, so that CI passes or fails on the code, not on
        # the draw; PORTAL_FUZZ_RANDOM=1 draws new ones (run it now and then, and add
        # what it finds as a test of its own).
        derandomize=os.environ.get("PORTAL_FUZZ_RANDOM") != "1",
        deadline=None,
        database=None,  # nothing written into the working tree
        # No shrinking: each try is a real request. A visitor shown no form gets only
        # the empty post: the rule refuses them before any field is read.
        phases=[Phase.explicit, Phase.generate] if shown else [Phase.explicit],
        suppress_health_check=list(HealthCheck),
    )
    @given(fields=form_strategy(form))
    @example(fields={})  # every field missing
    def post(fields: dict[str, Any]) -> None:
        token = visitor.token()
        before = snapshot(engine, tables)
        response = visitor.client.post(url, {**post_values(fields), "csrf_token": token})
        shown = f"POST {url} ({endpoint}) with {describe(fields)}"
        assert response.status_code < 500, f"{response.status_code} from {shown}"
        shown_again = response.status_code == 200 and b"govuk-error-summary" in response.data
        if response.status_code < 400 and not shown_again:
            return  # done (a redirect, or a page saying so): only refusals must save nothing
        after = snapshot(engine, tables)
        changed = {n: (before.counts[n], c) for n, c in after.counts.items() if before.counts.get(n) != c}
        extra = [a for a in new_audit_actions(engine, before.head) if a not in REFUSAL_RECORDS]
        assert not changed and not extra, (
            f"refused ({response.status_code}) but saved rows {changed} and audit events {extra}: {shown}"
        )

    post()


def url_for_rule(rule, ids: dict[str, Any]) -> str:
    blueprint = rule.endpoint.split(".")[0]
    values = {}
    for argument in rule.arguments:
        key = BY_ENDPOINT.get((rule.endpoint, argument)) or BY_BLUEPRINT.get((blueprint, argument))
        key = key or ARGUMENTS.get(argument)
        assert key is not None, f"add an object for <{argument}> of {rule.endpoint} to ARGUMENTS"
        values[argument] = ids[key]
    return rule.build(values, append_unknown=False)[1]


def post_rules(app: Flask) -> list:
    posted = (r for r in app.url_map.iter_rules() if "POST" in (r.methods or ()))
    return sorted(posted, key=lambda r: r.endpoint)


def test_every_blueprint_with_a_form_is_fuzzed(app: Flask):
    unfuzzed = {r.endpoint for r in post_rules(app) if r.endpoint.split(".")[0] not in GROUPS}
    assert unfuzzed == set(), "add the blueprint to GROUPS in tests/test_fuzz_forms.py"


@pytest.mark.parametrize("group", GROUPS)
def test_no_form_breaks_or_half_saves(app: Flask, session, group: str):
    council = build_council(app, session)
    engine = database(app).engine
    fallback = every_form_class_field()
    tables = watched_tables(engine)
    failures: list[str] = []
    for rule in post_rules(app):
        if rule.endpoint.split(".")[0] != group:
            continue
        url = url_for_rule(rule, council.ids)
        for persona in personas_for(app, rule.endpoint):
            visitor = Visitor(app, session, council.personas[persona])
            form = fields_for(visitor, "GET" in (rule.methods or ()), url)
            # A role the access table names is fuzzed even where no page shows the form.
            shown = form is not None or rule_for(app, rule.endpoint).kind != SIGNED_IN  # type: ignore[union-attr]
            try:
                fuzz_endpoint(engine, tables, visitor, rule.endpoint, url, form or fallback, shown=shown)
            except Exception as error:  # noqa: BLE001 (a view's own exception is a finding too)
                failures.append(f"as {persona}: " + " ".join(str(error).split())[:600])
    assert failures == [], "\n".join(failures)
