"""The written authorisation: a PDF/A letter on the council's letterhead."""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from portal.documents.render import qr_code_data_uri, render_pdf

from .models import AuthorisationRequest


def verification_url(code: str) -> str:
    return f"{current_app.config['PORTAL_SETTINGS'].base_url}/verify/{code}"


def render_letter(
    request: AuthorisationRequest,
    *,
    reference: str,
    code: str,
    signer_name: str,
    signer_role: str,
    signed_at: datetime,
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
        verify_url=verification_url(code),
        qr=qr_code_data_uri(verification_url(code)),
    )
