from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from portal.conduct.models import FORMAL_STAGES, DisciplinaryCase

TODAY = date.today()


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


def arrange_hearing(client, case_id, hearer, **overrides):
    """Arranges the hearing, heard by `hearer` (an officer), as HR would on the case page;
    an override of None leaves that field out, as a browser does with radios left unchosen."""
    form = {
        "hearing_on": TODAY.isoformat(),
        "hearing_time": "10:30",
        "place": "Committee Room, Town Hall",
        "evidence": "A screenshot of the post; the notes of the investigation meeting.",
        "possible_outcome": "dismissal",
        "heard_by": "officer",
        "officer_email": hearer.email,
    }
    form.update(overrides)
    fields = {f"hearing-{k}": v for k, v in form.items() if v is not None}
    return client.post(f"/conduct/{case_id}/hearing", fields)


def decide(client, staff, case_id, stage, *, hearing=True, **extra):
    """Records an outcome; a written warning or a dismissal after arranging its hearing."""
    if hearing and stage in FORMAL_STAGES:
        assert arrange_hearing(client, case_id, staff.hearer).status_code == 302
    form = {
        "stage": stage,
        "outcome": "A warning is given.",
        "reasons": "The post disclosed a resident's personal details.",
        "decided_on": TODAY.isoformat(),
    }
    if stage in ("first_written", "final_written"):
        form["improvement_needed"] = "Post nothing about residents on personal accounts."
        form["improvement_by"] = (TODAY + timedelta(days=30)).isoformat()
    form.update(extra)
    return client.post(f"/conduct/{case_id}/outcome", {f"outcome-{k}": v for k, v in form.items()})
