from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portal.conduct.models import DisciplinaryCase


def open_case(client, staff, subject=None, **overrides):
    form = {
        "subject_email": (subject or staff.subject).email,
        "allegation": "Posted a photograph of a resident's complaint letter on a personal account.",
        "incident_date": date.today().isoformat(),
        "policy": "social-media",
        "sections": "3.2",
        "investigating_officer_email": staff.officer.email,
    }
    form.update(overrides)
    return client.post("/conduct/new", form)


def only_case(session) -> DisciplinaryCase:
    from portal.conduct.service import get_case

    session.expire_all()
    return get_case(session, session.scalar(select(DisciplinaryCase.id).order_by(DisciplinaryCase.id.desc())))
