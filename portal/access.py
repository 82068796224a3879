"""Who may do what: one table of actions, and the decorators every view declares.

Views only *declare* their rule; `enforce_access_rules` applies it before every
request, and refuses any endpoint that declared nothing. A test walks the URL map
and fails on undeclared endpoints too, so a forgotten rule is caught twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, abort, current_app, request
from flask_login import current_user

from portal.identity import Actor, Role

R = Role

# The policy's rules about who may act (Networking Policy 3.2 and 3.4; DESIGN.md).
PERMISSIONS: dict[str, frozenset[Role]] = {
    # Only the Mayor or the Town Clerk can put someone's voice on the council's channels (3.2).
    "issue_posting_authorisation": frozenset({R.MAYOR, R.TOWN_CLERK}),
    "revoke_posting_authorisation": frozenset({R.MAYOR, R.TOWN_CLERK}),
    # The Clerk or the Deputy Clerk decides on departmental social media (3.4).
    "review_business_case": frozenset({R.TOWN_CLERK, R.DEPUTY_CLERK}),
    # Managers write their department's case; who sees which case is decided per case
    # (see business_cases.service.may_see).
    "write_business_case": frozenset({R.MANAGER, R.TOWN_CLERK, R.DEPUTY_CLERK}),
    "manage_disciplinary_records": frozenset({R.TOWN_CLERK, R.HR}),
    # Breaches by those the council does not employ (councillors, volunteers, agency staff,
    # contractors): the same need-to-know as disciplinary records (see breaches.service).
    "manage_breach_records": frozenset({R.TOWN_CLERK, R.HR}),
    # The retention schedule: what is kept and how long (UK GDPR Art. 30(1)(f)); the
    # people who answer for personal data, not the administrator.
    "view_retention_schedule": frozenset({R.TOWN_CLERK, R.HR}),
    # A subject access export holds everything, disciplinary records included: HR only.
    "export_subject_access": frozenset({R.HR}),
    "publish_policy_version": frozenset({R.TOWN_CLERK}),
    # Drafting, previewing, comparing and archiving; publishing stays the Clerk's.
    "manage_policies": frozenset({R.TOWN_CLERK, R.DEPUTY_CLERK}),
    # Paper forms witnessed in person, signing on someone's behalf, withdrawing a signature.
    "record_acknowledgement": frozenset({R.TOWN_CLERK}),
    # Managers see their own team only; the others see everyone (see policies.views.status).
    "view_policy_status": frozenset({R.TOWN_CLERK, R.DEPUTY_CLERK, R.HR, R.MANAGER}),
    "view_everyones_policy_status": frozenset({R.TOWN_CLERK, R.DEPUTY_CLERK, R.HR}),
    # The compliance overview: managers see their own team (see reports.views).
    "view_compliance": frozenset({R.TOWN_CLERK, R.DEPUTY_CLERK, R.HR, R.MANAGER}),
    # The "as at" look-up and anyone's receipts: evidence for disciplinary matters.
    "look_up_evidence": frozenset({R.TOWN_CLERK, R.HR}),
    # Training progress: managers see their own team only (see training.views.progress).
    "view_training_progress": frozenset({R.TOWN_CLERK, R.DEPUTY_CLERK, R.HR, R.MANAGER}),
    "view_everyones_training": frozenset({R.TOWN_CLERK, R.DEPUTY_CLERK, R.HR}),
    "override_attempt_limit": frozenset({R.TOWN_CLERK}),
    "assign_training": frozenset({R.TOWN_CLERK, R.DEPUTY_CLERK, R.MANAGER}),
    "analyse_questions": frozenset({R.TOWN_CLERK, R.DEPUTY_CLERK}),
    "request_posting_authorisation": frozenset({R.MANAGER, R.TOWN_CLERK}),
    "manage_channels": frozenset({R.TOWN_CLERK}),
    "manage_people": frozenset({R.ADMINISTRATOR}),
    # Proposing and approving privileged role changes: never administrators, whose job
    # is accounts, not access to HR files (separation of duties; see people.roles).
    "manage_privileged_roles": frozenset({R.TOWN_CLERK, R.DEPUTY_CLERK, R.HR, R.MAYOR}),
    "view_outbox": frozenset({R.ADMINISTRATOR}),
    # HR too: it follows disciplinary and subject access events (portal.audit.need_to_know).
    "view_audit_trail": frozenset({R.TOWN_CLERK, R.HR, R.ADMINISTRATOR}),
    # Also those warned before it runs out (portal.bank_holidays.service.WARNED_ROLES).
    "view_bank_holiday_calendar": frozenset({R.ADMINISTRATOR, R.TOWN_CLERK}),
    # Elections and their pre-election periods (LGA 1986 s2; the 2011 Publicity Code):
    # the Town Clerk, who advises the council on the restraint a period asks.
    "record_elections": frozenset({R.TOWN_CLERK}),
    # Whether council addresses must sign in with the council account: the Town Clerk,
    # who answers for who can get in, not the administrator who keeps the accounts.
    "manage_sign_in": frozenset({R.TOWN_CLERK}),
}

PUBLIC = "public"
SIGNED_IN = "signed_in"


@dataclass(frozen=True)
class AccessRule:
    kind: str  # PUBLIC, SIGNED_IN or "permission"
    action: str | None = None

    def describe(self) -> str:
        return self.action if self.action else self.kind


def can(person: Actor | Any, action: str) -> bool:
    if action not in PERMISSIONS:
        raise KeyError(f"unknown action {action!r}")
    if not getattr(person, "is_authenticated", False):
        return False
    return bool(person.roles & PERMISSIONS[action])


F = TypeVar("F", bound=Callable[..., Any])
P = TypeVar("P")


def signed_in_as(kind: type[P]) -> P:
    """The signed-in person, as `kind` (portal.people.models.Person, which the kernel does
    not import). Flask-Login's `current_user` is an untyped proxy; views behind `signed_in`
    or `requires` call this instead, so that what they pass on is checked."""
    person = current_user._get_current_object()
    if not isinstance(person, kind):
        # Only a view that lets anonymous visitors in can get here: a bug in that view.
        raise RuntimeError(f"nobody is signed in as a {kind.__name__}")
    return person


def _declare(rule: AccessRule) -> Callable[[F], F]:
    def decorate(view: F) -> F:
        view.access_rule = rule  # type: ignore[attr-defined]  # a function attribute: no type can declare one
        return view

    return decorate


public = _declare(AccessRule(PUBLIC))
signed_in = _declare(AccessRule(SIGNED_IN))


def requires(action: str) -> Callable[[F], F]:
    if action not in PERMISSIONS:
        raise KeyError(f"unknown action {action!r}")
    return _declare(AccessRule("permission", action))


def rule_for(app: Flask, endpoint: str) -> AccessRule | None:
    view = app.view_functions.get(endpoint)
    return getattr(view, "access_rule", None)


def enforce_access_rules() -> None:
    """before_request: apply the endpoint's declared rule."""
    if request.endpoint is None:  # no route matched: let the 404 happen
        return
    rule = rule_for(current_app, request.endpoint)
    if rule is None:
        current_app.logger.error("endpoint %s has no access rule; refusing", request.endpoint)
        abort(403)
    if rule.kind == PUBLIC:
        return
    if not current_user.is_authenticated:
        login_manager = current_app.login_manager  # type: ignore[attr-defined]  # set on the app by Flask-Login
        abort(login_manager.unauthorized())
    if rule.kind == "permission" and not can(current_user, rule.action or ""):
        # A refused attempt is a security event worth a line in the log (ASVS 16.3.2):
        # ids only, never a name or an email address.
        current_app.logger.warning(
            "access refused: person %s, endpoint %s, needs %s", current_user.id, request.endpoint, rule.action
        )
        abort(403)


def init_app(app: Flask) -> None:
    public(app.view_functions["static"])
    app.before_request(enforce_access_rules)
    app.jinja_env.globals["can"] = lambda action: can(current_user, action)
