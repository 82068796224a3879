"""Filling in a business case through the pages, as its author would."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from portal.business_cases.models import BusinessCase, RiskItem
from portal.business_cases.sections import TEXT_SECTIONS

DETAILS = {
    "platform": "facebook",
    "account_name": "Ashcombe Library",
    "web_address": "https://facebook.example/ashcombe-library",
    **{s.key: f"Our {s.label.lower()}." for s in TEXT_SECTIONS},
}

# Likelihood/impact before and after controls: all medium (3×3=9 → 2×2=4, low), with a control.
GOOD_RISK = {
    "description": "Something could go wrong.",
    "inherent_likelihood": "3",
    "inherent_impact": "3",
    "controls": "A named moderator checks every weekday.",
    "residual_likelihood": "2",
    "residual_impact": "2",
    "treatment": "mitigate",
    "acceptance_justification": "",
}


def start(client, department, account_name="Ashcombe Library") -> int:
    response = client.post(
        "/business-cases/new",
        {"department": str(department.id), "platform": "facebook", "account_name": account_name},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def rota(people, **overrides) -> dict[str, str]:
    """Moderator and cover for each weekday, taking turns among `people`."""
    form = {}
    for weekday in range(5):
        form[f"moderator_{weekday}"] = str(people[weekday % len(people)].id)
        form[f"cover_{weekday}"] = str(people[(weekday + 1) % len(people)].id)
    form |= {
        "removal_target_hours": "4",
        "bank_holiday_cover": "Checked first thing the next working day.",
        "requests_logger": str(people[0].id),
    }
    form |= overrides
    return form


def risk_ids(session, case_id: int) -> list[int]:
    session.expire_all()
    return list(session.scalars(select(RiskItem.id).where(RiskItem.case_id == case_id).order_by(RiskItem.id)))


def assess_every_risk(client, session, case_id: int, owner) -> None:
    for risk_id in risk_ids(session, case_id):
        item = session.get(RiskItem, risk_id)
        response = client.post(
            f"/business-cases/{case_id}/risks/{risk_id}",
            {**GOOD_RISK, "category": item.category, "owner": str(owner.id)},
        )
        assert response.status_code == 302, response.get_data(as_text=True)


def complete(client, session, case_id: int, council) -> None:
    assert client.post(f"/business-cases/{case_id}/details", DETAILS).status_code == 302
    assert client.post(f"/business-cases/{case_id}/moderation", rota(council.staff)).status_code == 302
    assess_every_risk(client, session, case_id, council.manager)


def case(session, case_id: int) -> BusinessCase:
    from portal.business_cases.service import get_case

    session.expire_all()
    return get_case(session, case_id)


def in_months(months: int) -> date:
    from portal.clock import add_months

    return add_months(date.today(), months)


TOMORROW = date.today() + timedelta(days=1)


def complete_case(session, author, department, moderators, *, account_name="Ashcombe Library"):
    """A case with nothing missing, written through the service (needs an app context)."""
    from portal.business_cases import service
    from portal.business_cases.risk import current_matrix

    found = service.start_case(
        session, author, department_id=department.id, platform="facebook", account_name=account_name
    )
    service.save_details(session, author, found, DETAILS)
    plan = service.ModerationPlan(
        rota={
            (weekday, duty): moderators[(weekday + (duty == "cover")) % len(moderators)].id
            for weekday in range(5)
            for duty in ("moderator", "cover")
        },
        removal_target_hours=4,
        bank_holiday_cover="Checked first thing the next working day.",
        requests_logger_id=moderators[0].id,
    )
    service.save_moderation(session, author, found, plan)
    for item in list(found.risks):
        values = service.RiskValues(
            category=item.category,
            description="Something could go wrong.",
            inherent_likelihood=3,
            inherent_impact=3,
            controls="A named moderator checks every weekday.",
            residual_likelihood=2,
            residual_impact=2,
            treatment="mitigate",
            owner_id=author.id,
            acceptance_justification="",
        )
        service.save_risk(session, author, found, item, values, current_matrix())
    return found


def pdf_text(content: bytes) -> str:
    """The words of a PDF, with line breaks folded into spaces."""
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
