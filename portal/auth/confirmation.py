"""Confirming who is at the keyboard before a serious act, and what the evidence says of it.

Signing a policy, signing on someone's behalf, recording a paper form, issuing and
revoking an authorisation to post: each asks the person to prove again that they are
who the session says (the council's own safeguard against an unattended session; the
record says how). Someone who signed in with a password types it again. Someone who
signed in with their council account is sent back to the identity provider to log in
afresh; what comes back is a proof kept in their session for a few minutes, for that
act on that page only, and dropped once the act is done. (A copy of an old session
cookie could carry it again within those minutes, but only to the same page, where
every one of these acts gives one result however often it is sent.)
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from werkzeug.datastructures import MultiDict

from portal.db import utcnow

PASSWORD = "password"  # noqa: S105 (a method's name, not a password)
COUNCIL_ACCOUNT = "council_account"

# The acts that ask, with the words on the button that sends someone to confirm.
PURPOSES = {
    "sign_policy": "sign this policy",
    "sign_on_behalf": "sign on their behalf",
    "record_paper": "record the paper form",
    "issue_authorisation": "issue this authorisation",
    "revoke_authorisation": "revoke this authorisation",
}
# Long enough to read the page again and press the button; short enough that the
# re-authentication still belongs to the act.
PROOF_LIFETIME = timedelta(minutes=5)

_SIGNED_IN_WITH = "signed_in_with"
_PROOF = "identity_confirmed"
_TYPED = "typed_before_confirming"
TYPED_BUDGET = 1500


@dataclass(frozen=True)
class IdentityConfirmed:
    """How a person proved who they were for an act: kept in its audit event and printed
    on the document it issues (a receipt), so a hearing can see it."""

    method: str
    issuer: str | None = None
    auth_time: datetime | None = None

    def details(self) -> dict[str, str]:
        details = {"confirmed_with": self.method}
        if self.issuer:
            details["issuer"] = self.issuer
        if self.auth_time:
            details["auth_time"] = self.auth_time.isoformat()
        return details

    def describe(self) -> str:
        if self.method == COUNCIL_ACCOUNT and self.auth_time:
            return (
                f"signed in again with their council account at {self.issuer}, "
                f"{self.auth_time.isoformat(timespec='seconds')} UTC"
            )
        return "password re-entered: yes"


@dataclass(frozen=True)
class CouncilAccountProof:
    """A fresh login at the council's identity provider, for one act of one person."""

    person_id: int
    purpose: str
    path: str
    issuer: str
    auth_time: datetime
    confirmed_at: datetime

    def still_good_for(self, person_id: int, purpose: str, path: str) -> bool:
        return (
            self.person_id == person_id
            and self.purpose == purpose
            and self.path == path
            and utcnow() - self.confirmed_at <= PROOF_LIFETIME
        )

    def confirmed(self) -> IdentityConfirmed:
        return IdentityConfirmed(COUNCIL_ACCOUNT, self.issuer, self.auth_time)


# The browser's session: these take Flask's `session` (or any mapping), so that services
# and tests can use them without a request.


def note_signed_in_with(store: MutableMapping[str, Any], method: str) -> None:
    store[_SIGNED_IN_WITH] = method


def signed_in_with(store: MutableMapping[str, Any]) -> str:
    """How this session began: a council-account session confirms with the account."""
    return COUNCIL_ACCOUNT if store.get(_SIGNED_IN_WITH) == COUNCIL_ACCOUNT else PASSWORD


def keep_proof(store: MutableMapping[str, Any], proof: CouncilAccountProof) -> None:
    store[_PROOF] = {
        "person_id": proof.person_id,
        "purpose": proof.purpose,
        "path": proof.path,
        "issuer": proof.issuer,
        "auth_time": proof.auth_time.timestamp(),
        "confirmed_at": proof.confirmed_at.timestamp(),
    }


def _read(store: MutableMapping[str, Any]) -> CouncilAccountProof | None:
    data = store.get(_PROOF)
    if not isinstance(data, dict):
        return None
    try:
        return CouncilAccountProof(
            person_id=int(data["person_id"]),
            purpose=str(data["purpose"]),
            path=str(data["path"]),
            issuer=str(data["issuer"]),
            auth_time=datetime.fromtimestamp(float(data["auth_time"]), UTC),
            confirmed_at=datetime.fromtimestamp(float(data["confirmed_at"]), UTC),
        )
    except (KeyError, TypeError, ValueError):
        return None


def proof_for(
    store: MutableMapping[str, Any], person_id: int, purpose: str, path: str
) -> CouncilAccountProof | None:
    """The proof this person's act on this page can rely on, if it is still fresh."""
    proof = _read(store)
    return proof if proof is not None and proof.still_good_for(person_id, purpose, path) else None


def discard_proof(store: MutableMapping[str, Any]) -> None:
    """After the act: the same login never confirms it twice."""
    store.pop(_PROOF, None)


@dataclass(frozen=True)
class OnPage:
    """How the page of an act asks the person to confirm who they are."""

    method: str
    purpose: str
    page: str
    proof: CouncilAccountProof | None = None

    @property
    def with_council_account(self) -> bool:
        return self.method == COUNCIL_ACCOUNT

    @property
    def ready(self) -> bool:
        """Whether the act's own button can be pressed yet."""
        return not self.with_council_account or self.proof is not None

    @property
    def button(self) -> str:
        return f"Confirm it is you to {PURPOSES[self.purpose]}"

    def password_from(self, form: Any) -> str:
        """The typed password, or nothing where the council account confirms instead."""
        field = getattr(form, "password", None)
        return str(field.data or "") if field is not None and not self.with_council_account else ""


def on_page(store: MutableMapping[str, Any], person_id: int, purpose: str, path: str, form: Any) -> OnPage:
    """What the page of an act shows: the password box, or (for a council-account session)
    the button to the identity provider and, once back, the proof. The password field is
    taken off the form then, so it is neither shown nor required; anything typed before
    the person went to confirm comes back into the form."""
    method = signed_in_with(store)
    if method == PASSWORD:
        return OnPage(PASSWORD, purpose, path)
    if hasattr(form, "password"):
        del form.password
    saved = store.get(_TYPED)
    if (
        not form.is_submitted()
        and isinstance(saved, dict)
        and saved.get("path") == path
        and isinstance(saved.get("fields"), dict)
    ):
        form.process(formdata=MultiDict(saved["fields"]))
        store.pop(_TYPED, None)
    return OnPage(COUNCIL_ACCOUNT, purpose, path, proof_for(store, person_id, purpose, path))


def keep_typed(store: MutableMapping[str, Any], path: str, fields: dict[str, str]) -> None:
    """What the person had typed on the act's page, while they confirm who they are.

    The session is a cookie, which browsers drop beyond about 4 KB (and the person's
    session with it): past TYPED_BUDGET characters nothing is kept, and they type it again.
    """
    secret = {"csrf_token", "password", "purpose", "next"}
    kept = {k: v for k, v in fields.items() if k not in secret}
    if sum(len(k) + len(v) for k, v in kept.items()) > TYPED_BUDGET:
        store.pop(_TYPED, None)
        return
    store[_TYPED] = {"path": path, "fields": kept}
