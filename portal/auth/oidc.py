"""The OpenID Connect conversation with the council's identity provider (Microsoft Entra
ID in production), through Authlib: discovery, the authorisation code flow with PKCE,
and every check an ID token must pass before the portal believes it.

This module knows the protocol and nothing about people: portal/auth/single_sign_on.py
decides who a checked token is. The checks follow OpenID Connect Core 1.0, 3.1.3.7:
the signature against the issuer's published keys (JWKS), then `iss`, `aud` (and `azp`
when there is more than one audience), `exp`, `iat` and the `nonce` this browser was
given. Authlib's client does not check `aud` or `max_age` by itself, so both are here.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast
from urllib.parse import urlsplit

import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc6749.errors import OAuth2Error
from joserfc import jwt
from joserfc.errors import ExpiredTokenError, InvalidClaimError, JoseError, MissingClaimError
from joserfc.jwk import KeySet, KeySetSerialization

from portal.config import Settings
from portal.errors import DomainError

SCOPES = "openid email profile"
# Asymmetric algorithms only: a token "signed" with the client secret (HS256) or with
# "none" must never pass for one signed by the provider.
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
# Discovery and keys change rarely; keys are fetched again at once for an unknown key id.
CACHE_SECONDS = 3600
HTTP_TIMEOUT = 10


class SignInNotCompleted(DomainError):
    """The provider's answer could not be trusted. `reason` is a fixed code for the
    audit trail (never the provider's own words, which are free text)."""

    def __init__(self, reason: str, message: str | None = None) -> None:
        super().__init__(message or "Signing in with your council account did not work. Try again")
        self.reason = reason


@dataclass(frozen=True)
class ProviderInfo:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    end_session_endpoint: str | None


@dataclass(frozen=True)
class Pending:
    """What the browser's session keeps between the button and the provider's answer."""

    state: str
    nonce: str
    code_verifier: str
    # When the button was pressed, in whole seconds (auth_time has no fractions).
    pressed_at: int
    # "sign_in", or the act a re-authentication is for (auth.confirmation.PURPOSES).
    purpose: str
    next_path: str | None = None

    def to_session(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_session(cls, data: object) -> Pending | None:
        if not isinstance(data, Mapping):
            return None
        try:
            return cls(**{key: data[key] for key in cls.__dataclass_fields__ if key in data})
        except TypeError:
            return None


@dataclass(frozen=True)
class Identity:
    """The checked claims of one ID token."""

    issuer: str
    subject: str
    email: str | None
    name: str | None
    auth_time: int | None


_cache: dict[str, tuple[float, Any]] = {}
_cache_lock = threading.Lock()


def _fetch_json(url: str) -> dict[str, Any]:
    try:
        # Never followed elsewhere: what the issuer publishes comes from the issuer.
        response = requests.get(url, timeout=HTTP_TIMEOUT, allow_redirects=False)
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError):
        raise SignInNotCompleted(
            "provider_unreachable",
            "The council's sign-in service cannot be reached just now. Try again in a few minutes",
        ) from None
    if not isinstance(data, dict):
        raise SignInNotCompleted("provider_unreachable")
    return data


def _cached(url: str, *, refresh: bool = False) -> dict[str, Any]:
    with _cache_lock:
        hit = _cache.get(url)
    if hit is not None and not refresh and time.monotonic() - hit[0] < CACHE_SECONDS:
        value: dict[str, Any] = hit[1]
        return value
    data = _fetch_json(url)
    with _cache_lock:
        _cache[url] = (time.monotonic(), data)
    return data


def provider(settings: Settings) -> ProviderInfo:
    """The issuer's discovery document (OpenID Connect Discovery 1.0). Its `issuer` must
    be exactly the configured one (Discovery, 4.3): otherwise anyone who could answer at
    that address could name themselves the council's provider."""
    data = _cached(f"{settings.oidc_issuer}/.well-known/openid-configuration")
    if data.get("issuer") != settings.oidc_issuer:
        raise SignInNotCompleted("discovery_issuer")
    try:
        info = ProviderInfo(
            issuer=data["issuer"],
            authorization_endpoint=data["authorization_endpoint"],
            token_endpoint=data["token_endpoint"],
            jwks_uri=data["jwks_uri"],
            end_session_endpoint=data.get("end_session_endpoint"),
        )
    except KeyError:
        raise SignInNotCompleted("discovery_incomplete") from None
    # The keys, the codes and the sign-out live with the issuer (as Entra ID's do): a
    # document naming another host for them is not trusted.
    endpoints = (info.authorization_endpoint, info.token_endpoint, info.jwks_uri, info.end_session_endpoint)
    if any(endpoint is not None and _origin(endpoint) != _origin(info.issuer) for endpoint in endpoints):
        raise SignInNotCompleted("discovery_elsewhere")
    return info


def _origin(url: object) -> tuple[str, str]:
    parts = urlsplit(str(url))
    return parts.scheme, parts.netloc


def _client(settings: Settings, redirect_uri: str) -> OAuth2Session:
    return OAuth2Session(
        settings.oidc_client_id,
        settings.oidc_client_secret or None,
        scope=SCOPES,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
    )


def begin(
    settings: Settings, redirect_uri: str, *, purpose: str, next_path: str | None = None
) -> tuple[str, Pending]:
    """The address to send the browser to, and what to keep until it comes back.

    A re-authentication (any purpose but "sign_in") asks for a new login whatever the
    provider remembers: `prompt=login` and `max_age=0` (Core 1.0, 3.1.2.1). Its nonce
    and press time are made now, at the press, so that an older login cannot stand in.
    """
    info = provider(settings)
    pending = Pending(
        state=generate_token(32),
        nonce=generate_token(32),
        code_verifier=generate_token(64),
        pressed_at=int(time.time()),  # floored: auth_time is in whole seconds
        purpose=purpose,
        next_path=next_path,
    )
    extra: dict[str, Any] = {"nonce": pending.nonce, "response_mode": "query"}
    if purpose != "sign_in":
        extra.update(prompt="login", max_age=0)
    url, _state = _client(settings, redirect_uri).create_authorization_url(
        info.authorization_endpoint, state=pending.state, code_verifier=pending.code_verifier, **extra
    )
    return url, pending


def finish(settings: Settings, redirect_uri: str, pending: Pending, answer: Mapping[str, str]) -> Identity:
    """Check the provider's answer (the callback's query) and the ID token it leads to."""
    if answer.get("state") != pending.state:
        raise SignInNotCompleted("state")
    info = provider(settings)
    # RFC 9207: a provider that names itself in the answer must name the right one.
    if "iss" in answer and answer["iss"] != info.issuer:
        raise SignInNotCompleted("issuer")
    if "error" in answer:
        raise SignInNotCompleted("provider_refused")
    code = answer.get("code")
    if not code:
        raise SignInNotCompleted("no_code")
    try:
        token = _client(settings, redirect_uri).fetch_token(
            info.token_endpoint, code=code, code_verifier=pending.code_verifier, timeout=HTTP_TIMEOUT
        )
    except (OAuthError, OAuth2Error, requests.RequestException, ValueError):
        # A code used twice, expired, or issued to another client: the provider refuses.
        raise SignInNotCompleted("code") from None
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise SignInNotCompleted("no_id_token")
    return check_id_token(settings, info, id_token, nonce=pending.nonce)


def _decode(info: ProviderInfo, id_token: str) -> jwt.Token:
    for refresh in (False, True):
        published = _cached(info.jwks_uri, refresh=refresh)
        try:
            # Whatever the issuer sent: a document of the wrong shape is refused here too.
            keys = KeySet.import_key_set(cast(KeySetSerialization, published))
            return jwt.decode(id_token, keys, algorithms=list(ALGORITHMS))
        except (JoseError, KeyError, TypeError, ValueError):
            # Keys may have been rotated since they were cached: fetch them once more.
            if refresh:
                raise SignInNotCompleted("signature") from None
    raise AssertionError("unreachable")


def check_id_token(settings: Settings, info: ProviderInfo, id_token: str, *, nonce: str) -> Identity:
    """The signature, then the claims: issuer, audience, expiry and issue time (with the
    clock-skew allowance), and the nonce given to this browser."""
    token = _decode(info, id_token)
    claims = token.claims
    registry = jwt.JWTClaimsRegistry(
        leeway=settings.oidc_clock_skew_seconds,
        iss={"essential": True, "value": info.issuer},
        sub={"essential": True},
        aud={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except ExpiredTokenError:
        raise SignInNotCompleted("expired") from None
    except (InvalidClaimError, MissingClaimError) as error:
        raise SignInNotCompleted(_claim_reason(error)) from None
    except JoseError:
        raise SignInNotCompleted("claims") from None
    audience = claims["aud"]
    audiences = [audience] if isinstance(audience, str) else list(audience)
    if settings.oidc_client_id not in audiences:
        raise SignInNotCompleted("audience")
    if len(audiences) > 1 and claims.get("azp") != settings.oidc_client_id:
        raise SignInNotCompleted("audience")
    auth_time = claims.get("auth_time")
    email = claims.get("email")
    name = claims.get("name")
    return Identity(
        issuer=info.issuer,
        subject=str(claims["sub"]),
        email=email if isinstance(email, str) else None,
        name=name if isinstance(name, str) else None,
        auth_time=int(auth_time) if isinstance(auth_time, int | float) else None,
    )


def _claim_reason(error: JoseError) -> str:
    claim = getattr(error, "claim", "") or ""
    return {"nonce": "nonce", "iss": "issuer", "aud": "audience", "iat": "issued_at"}.get(claim, "claims")


def logged_in_after(identity: Identity, pending: Pending, settings: Settings) -> datetime:
    """A re-authentication counts only if the provider says the person logged in after the
    button was pressed, less the clock-skew allowance: a remembered login does not."""
    if identity.auth_time is None:
        raise SignInNotCompleted(
            "no_auth_time",
            "The council's sign-in service did not say when you signed in, so this cannot be "
            "accepted. Ask the administrator to switch on the auth_time claim",
        )
    if identity.auth_time < pending.pressed_at - settings.oidc_clock_skew_seconds:
        raise SignInNotCompleted(
            "auth_time", "Your council account did not ask you to sign in again. Try again"
        )
    return datetime.fromtimestamp(identity.auth_time, UTC)
