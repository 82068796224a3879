"""Addresses and browsers stored so that a retention rule can forget them.

Why: an IP address and a browser string are personal data (UK GDPR Article 4(1); recital
30). They are worth keeping as evidence of who did what, but not for ever (Article
5(1)(e)). They sit inside records whose hashes and seals cover them: audit events,
acknowledgements and authorisation issues. Blanking them later would break those hashes,
so each is stored encrypted (forgetting.py) under a key the retention schedule can delete:

- the key of the person who made the request ("person:<id>"), forgotten a set time after
  they leave the council;
- for a request made by nobody signed in (a failed sign-in, someone checking a receipt),
  the key of the month it was made in ("addresses:<YYYY-MM>"), forgotten a set time after
  that month.

The hashes and seals cover the stored ciphertext, so they still verify after the key is
gone; the field then reads as removed by the retention schedule.

A stored field looks like `sealed:<key reference>|<base64 of nonce and ciphertext>`.
Values written before revision 0021 are plain text and are read as they are.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterable
from datetime import datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.orm import Session

from portal.audit.forgetting import FORGOTTEN, NONCE_BYTES, Keys, data_key

PREFIX = "sealed:"
PERSON_PREFIX = "person:"
MONTH_PREFIX = "addresses:"


def person_key(person_id: int) -> str:
    return f"{PERSON_PREFIX}{person_id}"


def month_key(when: datetime) -> str:
    return f"{MONTH_PREFIX}{when:%Y-%m}"


def key_for(person_id: int | None, when: datetime) -> str:
    """Whose key an address or browser is sealed under: the person who made the request,
    or, when nobody was signed in, the month it was made in."""
    return person_key(person_id) if person_id is not None else month_key(when)


def seal(session: Session, reference: str, value: str | None) -> str | None:
    """`value` encrypted under `reference`'s key, as it is stored; None stays None."""
    if value is None:
        return None
    key = data_key(session, reference)
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(key).encrypt(nonce, value.encode(), reference.encode())
    return f"{PREFIX}{reference}|{base64.b64encode(nonce + ciphertext).decode('ascii')}"


def is_sealed(stored: str | None) -> bool:
    return stored is not None and stored.startswith(PREFIX)


def reference_of(stored: str) -> str:
    """The key reference a sealed value names."""
    return stored[len(PREFIX) :].split("|", 1)[0]


def open_with(key: bytes | None, stored: str) -> str:
    """A sealed value opened with its key; the forgotten marker once the retention
    schedule has deleted the key (or if the value was altered)."""
    if key is None:
        return FORGOTTEN
    reference = reference_of(stored)
    blob = base64.b64decode(stored.split("|", 1)[1])
    try:
        return AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], reference.encode()).decode()
    except InvalidTag:
        return FORGOTTEN


class Fields:
    """Opens the sealed fields of a page of records with one query for their keys."""

    def __init__(self, session: Session, stored: Iterable[str | None]) -> None:
        self._keys = Keys(session, {reference_of(s) for s in stored if s is not None and is_sealed(s)})

    def open(self, stored: str | None) -> str | None:
        """The value as written, a plain value from before revision 0021 as it is, or the
        forgotten marker once the retention schedule has deleted its key."""
        if stored is None or not is_sealed(stored):
            return stored
        return open_with(self._keys.key(reference_of(stored)), stored)


def read(session: Session, stored: str | None) -> str | None:
    """One field opened (for readers of a single record)."""
    return Fields(session, [stored]).open(stored)
