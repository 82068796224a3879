"""Which certificate seals the portal's documents: the council's own (PORTAL_SEAL_P12),
or in development and tests a certificate made for this checkout.

Production refuses to start without the council's file (portal/config/production.py); a
development certificate is written once to the instance folder, so that receipts made
in one run of `make run` still validate in the next.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from flask import current_app

from portal.config import PROJECT_ROOT, Settings
from portal.documents.signing import CouncilSeal, SealUnavailable, create_pkcs12

DEVELOPMENT_SEAL = PROJECT_ROOT / "instance" / "development-seal.p12"


def load_seal(settings: Settings) -> CouncilSeal:
    if settings.seal_p12:
        data = _read(settings.seal_p12, "PORTAL_SEAL_P12")
        passphrase = settings.seal_p12_passphrase
    else:
        data, passphrase = development_pkcs12(settings.council_name), ""
    earlier = [
        _read(path.strip(), "PORTAL_SEAL_OLD_CERTIFICATES")
        for path in settings.seal_old_certificates.split(",")
        if path.strip()
    ]
    return CouncilSeal.from_pkcs12(data, passphrase, earlier)


def _read(path: str, setting: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise SealUnavailable(f"{setting} {path!r} cannot be read: {error.strerror}") from None


def development_pkcs12(council_name: str) -> bytes:
    """The checkout's own certificate, made on first use. Written to a temporary file and
    renamed into place, so two processes starting together never read half a file."""
    if not DEVELOPMENT_SEAL.exists():
        data, _fingerprint = create_pkcs12(f"{council_name} (development only)", "")
        DEVELOPMENT_SEAL.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=DEVELOPMENT_SEAL.parent, suffix=".p12")
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, DEVELOPMENT_SEAL)
    return DEVELOPMENT_SEAL.read_bytes()


def council_seal() -> CouncilSeal:
    """The application's seal, loaded on first use and kept: loading the key and building
    the signer once is what keeps a sealed document fast."""
    seal = current_app.extensions.get("council_seal")
    if not isinstance(seal, CouncilSeal):
        seal = load_seal(current_app.config["PORTAL_SETTINGS"])
        current_app.extensions["council_seal"] = seal
    return seal
