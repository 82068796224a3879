"""What elections add to the registries of portal.tasks: the posters' reminder in the
daily reminders run, and the banner on a poster's home page during a period."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from flask import url_for
from sqlalchemy.orm import Session

from portal.tasks import BANNER_SOURCES, NOTICE_SOURCES, Banner

from . import service


def period_reminders(session: Session, today: date) -> Counter[str]:
    """Each day of a period, posters not yet reminded of it are (once per election), so a
    reminder missed on the first day goes on the next run while the period lasts."""
    return service.remind_posters(session, today)


def poster_banners(session: Session, person: Any) -> list[Banner]:
    found = service.poster_restraint(session, person)
    if found is None:
        return []
    return [
        Banner(
            "Pre-election period",
            found.heading,
            found.paragraphs,
            "See who may post for the council",
            url_for("authorisations.index"),
        )
    ]


if period_reminders not in NOTICE_SOURCES:
    NOTICE_SOURCES.append(period_reminders)
if poster_banners not in BANNER_SOURCES:
    BANNER_SOURCES.append(poster_banners)
