"""The service navigation, built from what the signed-in person may do.

It is on every page and depends only on the person's roles and the section they are in,
so each combination is rendered once per process and kept (it was a fifth of a simple
page's time, every request).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from threading import Lock

from flask import Flask, current_app, request, url_for
from flask_login import current_user
from markupsafe import Markup

from portal.access import can


@dataclass(frozen=True)
class NavigationItem:
    text: str
    endpoint: str
    action: str | None = None  # the permission that shows the item; None for everyone

    def visible(self) -> bool:
        return self.action is None or can(current_user, self.action)


# Features append their entries here when they register (see create_app).
NAVIGATION: list[NavigationItem] = [
    NavigationItem("What I need to do", "home.index"),
    NavigationItem("Policies", "policies.index"),
    NavigationItem("Training", "training.index"),
    NavigationItem("Posting for the council", "authorisations.index"),
    NavigationItem("Information requests", "information_requests.index"),
    NavigationItem("Compliance", "reports.index", "view_compliance"),
    NavigationItem("Business cases", "business_cases.index", "write_business_case"),
    NavigationItem("Disciplinary records", "conduct.index", "manage_disciplinary_records"),
    NavigationItem("Breach records", "breaches.index", "manage_breach_records"),
    NavigationItem("Subject access", "privacy.find", "export_subject_access"),
    NavigationItem("Retention schedule", "retention.index", "view_retention_schedule"),
    NavigationItem("Elections", "elections.index", "record_elections"),
    NavigationItem("Who has signed", "policies.status", "view_policy_status"),
    NavigationItem("People", "people.index", "manage_people"),
    NavigationItem("Privileged roles", "people.roles", "manage_privileged_roles"),
    NavigationItem("Outbox", "notifications.outbox", "view_outbox"),
    NavigationItem("Audit trail", "audit.index", "view_audit_trail"),
    NavigationItem("Signing in", "auth.sign_in_settings", "manage_sign_in"),
    NavigationItem("Your account", "auth.account"),
]


@dataclass(frozen=True)
class RenderedItem:
    text: str
    href: str
    active: bool


def navigation_items() -> list[RenderedItem]:
    current_section = (request.endpoint or "").split(".")[0]
    return [
        RenderedItem(item.text, url_for(item.endpoint), item.endpoint.split(".")[0] == current_section)
        for item in NAVIGATION
        if item.visible()
    ]


_LOCK = Lock()
RENDERED = "portal_navigation"  # app.extensions key: what each app has rendered


def service_navigation() -> Markup:
    """The rendered navigation bar for whoever is signed in (nobody: the service name only)."""
    signed_in = bool(current_user.is_authenticated)
    key = (
        frozenset(current_user.roles) if signed_in else None,
        (request.endpoint or "").split(".")[0],
        request.script_root,  # the links are paths under it (never absolute URLs)
    )
    rendered: dict[tuple[Hashable, ...], Markup] = current_app.extensions[RENDERED]
    found = rendered.get(key)
    if found is None:
        template = current_app.jinja_env.get_template("components/service_navigation.html")
        found = Markup(template.render(items=navigation_items() if signed_in else []))  # noqa: S704 (autoescaped)
        with _LOCK:
            rendered[key] = found
    return found


def init_app(app: Flask) -> None:
    app.extensions[RENDERED] = {}
    app.jinja_env.globals["service_navigation"] = service_navigation
