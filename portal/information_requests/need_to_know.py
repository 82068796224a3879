"""Information requests in the audit trail: shown in full only to holders of the role a
request went to, never to the person it is from or about (portal.audit.need_to_know)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.audit.need_to_know import NeedToKnow, Sensitive, register
from portal.identity import Actor, Role

from .models import InformationRequest

OBJECT_TYPE = "information_request"


def request_records(session: Session, viewer: Actor) -> dict[str, Sensitive]:
    """Every request by its audit reference, in one query however many there are."""
    rows = session.execute(
        select(
            InformationRequest.audit_reference, InformationRequest.handler_role, InformationRequest.about_id
        )
    )
    return {
        reference: Sensitive(reference, viewer.id != about_id and Role(role) in viewer.roles)
        for reference, role, about_id in rows
    }


register(NeedToKnow("information.", OBJECT_TYPE, request_records, clear_details=frozenset({"reference"})))
