"""The one kind of error a service raises when a rule says no."""

from __future__ import annotations


class DomainError(Exception):
    """A rule was not met. The message is written for the person using the page.

    `field` names the form field the message belongs to, when there is one, so the
    view can show it beside that field as well as in the error summary.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    """The thing asked for does not exist (or is not there for this person)."""
