"""The written authorisation: a PDF/A letter on the council's letterhead, addressed to
the person, dated, with the council's address (PORTAL_COUNCIL_ADDRESS) and the address
where anyone can check it (Networking Policy 3.2: the authorisation is in writing)."""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from portal.documents.render import qr_code_data_uri, render_pdf

from .models import AuthorisationRequest


def verification_url(code: str) -> str:
    return f"{current_app.config['PORTAL_SETTINGS'].base_url}/verify/{code}"


def address_lines(address: str) -> list[str]:
    """PORTAL_COUNCIL_ADDRESS, one line per comma: "Town Hall, Market Square, ..."."""
    return [line.strip() for line in address.split(",") if line.strip()]


def render_letter(
    request: AuthorisationRequest,
    *,
    reference: str,
    code: str,
    signer_name: str,
    signer_role: str,
    signed_at: datetime,
    department: str = "",
) -> bytes:
    return render_pdf(
        "documents/authorisation_letter.html",
        sealed=True,
        stylesheet="letter",
        request=request,
        reference=reference,
        code=code,
        signer_name=signer_name,
        signer_role=signer_role,
        signed_at=signed_at,
        department=department,
        council_address=address_lines(current_app.config["PORTAL_SETTINGS"].council_address),
        verify_url=verification_url(code),
        qr=qr_code_data_uri(verification_url(code)),
    )
