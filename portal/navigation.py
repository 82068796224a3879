"""The service navigation, built from what the signed-in person may do."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, request, url_for
from flask_login import current_user

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


def init_app(app: Flask) -> None:
    app.jinja_env.globals["navigation_items"] = navigation_items
