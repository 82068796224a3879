"""A real OpenID provider for the single sign-on tests (tests/sso/provider.mjs: node
oidc-provider) with two clients, "portal" and "another-portal" (so that a test can hold a
genuine ID token issued to someone else), and `login`, a headless person who signs in
there and hands back the redirect to the client without following it.

The fixture is in tests/sso/fixtures.py; a browser journey with its own redirect URI
calls `with start_provider(...) as provider:` itself.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import selectors
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import requests
from joserfc import jwt
from joserfc.jwk import KeySet

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / "tests" / "sso" / "provider.mjs"
CLIENT_ID = "portal"
OTHER_CLIENT_ID = "another-portal"
# Port 9 (discard): nothing listens there, and nothing ever follows this redirect.
OTHER_REDIRECT_URI = "http://127.0.0.1:9/elsewhere/callback"
SCOPE = "openid email profile"
READY_TIMEOUT = 20.0
HTTP_TIMEOUT = 10.0
# A sign-in is a handful of hops; more means the provider is going round in circles.
MAX_STEPS = 15
BUTTONS = {"submit", "button", "image"}  # input types a browser leaves out unless clicked
EXIT_ADDRESS_IN_USE = 3  # provider.mjs's exit code when the port was taken meanwhile


class ProviderError(RuntimeError):
    """The test provider did not start, or did not behave as a sign-in expects."""


@dataclass(frozen=True)
class AuthorizationRequest:
    """An authorization URL and what its caller keeps to finish the flow."""

    url: str
    client_id: str
    redirect_uri: str
    state: str
    nonce: str
    code_verifier: str


class TestProvider:
    """A running provider: `issuer`, the two clients with their secrets, and the
    accounts that can sign in (`set_account`). A context manager that stops it."""

    __test__ = False  # a helper, not a test class, wherever a test module imports it

    client_id = CLIENT_ID
    other_client_id = OTHER_CLIENT_ID
    other_redirect_uri = OTHER_REDIRECT_URI

    def __init__(self, tmp_dir: Path, redirect_uri: str, post_logout_redirect_uri: str) -> None:
        self.redirect_uri = redirect_uri
        self.post_logout_redirect_uri = post_logout_redirect_uri
        self.client_secret = secrets.token_urlsafe(32)
        self.other_client_secret = secrets.token_urlsafe(32)
        self.issuer = ""  # known once node has started: see start_provider
        self.accounts_file = tmp_dir / "accounts.json"
        self.config_file = tmp_dir / "provider.json"
        self.log_file = tmp_dir / "provider.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._metadata: dict[str, Any] | None = None

    def __enter__(self) -> TestProvider:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # The file is replaced whole, never written in place: node may read it at any moment.

    def set_account(self, sub: str, *, email: str, name: str) -> None:
        """Adds or changes an account; the provider sees it at its next look-up."""
        _write_json_atomically(self.accounts_file, {**self.accounts(), sub: {"email": email, "name": name}})

    def remove_account(self, sub: str) -> None:
        _write_json_atomically(self.accounts_file, {k: v for k, v in self.accounts().items() if k != sub})

    def accounts(self) -> dict[str, dict[str, str]]:
        accounts: dict[str, dict[str, str]] = json.loads(self.accounts_file.read_text())
        return accounts

    def metadata(self) -> dict[str, Any]:
        """The discovery document (fetched once)."""
        if self._metadata is None:
            response = requests.get(f"{self.issuer}/.well-known/openid-configuration", timeout=HTTP_TIMEOUT)
            response.raise_for_status()
            self._metadata = response.json()
        return self._metadata

    def authorization_request(
        self,
        *,
        client_id: str = CLIENT_ID,
        redirect_uri: str | None = None,
        nonce: str | None = None,
        **extra: str,
    ) -> AuthorizationRequest:
        """A code flow request with PKCE (S256), state and nonce, as a client would
        make it; `extra` adds parameters such as prompt="login" or max_age="0"."""
        if redirect_uri is None:
            redirect_uri = self.redirect_uri if client_id == CLIENT_ID else OTHER_REDIRECT_URI
        state, verifier = secrets.token_urlsafe(16), secrets.token_urlsafe(48)
        nonce = nonce or secrets.token_urlsafe(16)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        query = {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": SCOPE,
            "state": state,
            "nonce": nonce,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            **extra,
        }
        url = f"{self.metadata()['authorization_endpoint']}?{urlencode(query)}"
        return AuthorizationRequest(url, client_id, redirect_uri, state, nonce, verifier)

    def exchange_code(self, callback_url: str, request: AuthorizationRequest) -> dict[str, Any]:
        """Redeems the code in `callback_url` (after checking its state) at the token
        endpoint, as the request's client with client_secret_basic: the token response."""
        params = parse_qs(urlsplit(callback_url).query)
        if params.get("state") != [request.state] or "code" not in params:
            raise ProviderError(f"no code, or the wrong state, in {callback_url}")
        client = request.client_id
        secret = self.client_secret if client == CLIENT_ID else self.other_client_secret
        form = {
            "grant_type": "authorization_code",
            "code": params["code"][0],
            "redirect_uri": request.redirect_uri,
            "code_verifier": request.code_verifier,
        }
        endpoint = self.metadata()["token_endpoint"]
        response = requests.post(endpoint, data=form, auth=(client, secret), timeout=HTTP_TIMEOUT)
        if response.status_code != 200:
            raise ProviderError(f"the token endpoint said {response.status_code}: {response.text}")
        tokens: dict[str, Any] = response.json()
        return tokens

    def id_token_claims(self, id_token: str) -> dict[str, Any]:
        """The claims of an ID token from this provider, once its signature is checked
        against the provider's JWKS (the claims themselves are not validated here)."""
        jwks = requests.get(self.metadata()["jwks_uri"], timeout=HTTP_TIMEOUT).json()
        claims: dict[str, Any] = jwt.decode(id_token, KeySet.import_key_set(jwks)).claims
        return claims

    def code_for_other_client(self, sub: str, nonce: str) -> str:
        """A whole code flow as "another-portal", in a provider session of its own:
        returns the raw ID token, genuinely signed, whose audience is not the portal."""
        request = self.authorization_request(client_id=OTHER_CLIENT_ID, nonce=nonce)
        callback = login(request.url, sub=sub, http=requests.Session())
        id_token: str = self.exchange_code(callback, request)["id_token"]
        return id_token

    def log(self) -> str:
        """What the provider wrote to stderr: its warnings and any server errors."""
        return self.log_file.read_text(errors="replace")

    def stop(self) -> None:
        # Closing stdin is the script's own signal to exit; SIGKILL if it does not.
        process = self.process
        if process is None:
            return
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                stream.close()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def start_provider(
    tmp_dir: Path,
    redirect_uri: str,
    post_logout_redirect_uri: str,
    *,
    extra_redirect_uris: Sequence[str] = (),
    extra_post_logout_redirect_uris: Sequence[str] = (),
    id_token_ttl: int | None = None,
) -> TestProvider:
    """Starts a provider whose files live in `tmp_dir`; the caller stops it, with
    `stop()` or by using it as a context manager. The "portal" client also accepts
    `extra_redirect_uris` (a browser journey's own host, say), and its ID tokens last
    `id_token_ttl` seconds (an hour when None)."""
    node = shutil.which("node")
    if node is None:
        raise ProviderError("node is not on PATH: the SSO tests need Node.js")
    if not (REPO_ROOT / "node_modules" / "oidc-provider").is_dir():
        raise ProviderError("node_modules/oidc-provider is missing: run `make setup` (npm ci)")
    tmp_dir.mkdir(parents=True, exist_ok=True)
    provider = TestProvider(tmp_dir, redirect_uri, post_logout_redirect_uri)
    _write_json_atomically(provider.accounts_file, {})
    portal: dict[str, Any] = {
        "client_id": CLIENT_ID,
        "client_secret": provider.client_secret,
        "redirect_uris": [redirect_uri, *extra_redirect_uris],
        "post_logout_redirect_uris": [post_logout_redirect_uri, *extra_post_logout_redirect_uris],
    }
    if id_token_ttl is not None:
        portal["id_token_ttl"] = id_token_ttl
    secret = provider.other_client_secret
    other = {"client_id": OTHER_CLIENT_ID, "client_secret": secret, "redirect_uris": [OTHER_REDIRECT_URI]}
    config = {"clients": [portal, other], "accounts_file": str(provider.accounts_file)}
    _write_json_atomically(provider.config_file, config)

    # The free port is found here and bound by node a moment later; another process may
    # take it in between, so that one failure is tried again on another port.
    for _attempt in range(3):
        provider.process = process = _launch(node, provider)
        assert process.stdout is not None
        line = _read_line(process.stdout, deadline=time.monotonic() + READY_TIMEOUT) or ""
        if line.startswith("ready "):
            provider.issuer = line.removeprefix("ready ").strip()
            return provider
        provider.stop()
        if process.returncode != EXIT_ADDRESS_IN_USE:
            break
    raise ProviderError(
        f"the test OpenID provider did not start: no `ready` line within {READY_TIMEOUT:.0f} s, "
        f"exit code {process.returncode}; its stderr:\n{provider.log()}"
    )


def _launch(node: str, provider: TestProvider) -> subprocess.Popen[bytes]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PORT": str(port), "PROVIDER_CONFIG": str(provider.config_file)}
    # stderr goes to a file, which never fills up and blocks node as a pipe would; the
    # repository as cwd lets `import 'oidc-provider'` find its node_modules.
    with provider.log_file.open("wb") as log:
        pipe = subprocess.PIPE
        return subprocess.Popen(
            [node, str(SCRIPT)], cwd=REPO_ROOT, env=env, stdin=pipe, stdout=pipe, stderr=log
        )


def _read_line(stream: IO[bytes], *, deadline: float) -> str | None:
    """The first line of `stream`, or None at end of file or past the deadline."""
    buffer = b""
    with selectors.DefaultSelector() as selector:
        selector.register(stream, selectors.EVENT_READ)
        while b"\n" not in buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not selector.select(remaining):
                return None
            chunk = os.read(stream.fileno(), 4096)
            if not chunk:
                return None
            buffer += chunk
    return buffer.split(b"\n", 1)[0].decode()


def _write_json_atomically(path: Path, value: object) -> None:
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp") as handle:
        json.dump(value, handle)
    os.replace(handle.name, path)


# The headless person --------------------------------------------------------------


def login(authorization_url: str, *, sub: str, http: requests.Session | None = None) -> str:
    """Signs in as `sub` at the provider, starting from a client's authorization URL,
    and returns the provider's redirect to the client (with code and state) without
    requesting it. Cookies stay in `http`, so the next call with the same session is
    the same browser: the provider may then not ask for a login at all (no prompt)."""
    session = http if http is not None else requests.Session()
    logged_in = False

    def fill(form: _Form) -> dict[str, str]:
        nonlocal logged_in
        fields = dict(form.fields)
        if fields.get("prompt") == "login":
            if logged_in:
                raise ProviderError(f"the provider asked for a login again after {sub!r}: set_account first?")
            logged_in = True
            fields.update(login=sub, password="any password will do")
        # Anything else is submitted as it stands: a consent page (never shown with
        # this provider's configuration) or the form that oidc-provider posts itself
        # to end the previous person's session when a different account signs in.
        return fields

    return _walk(session, authorization_url, fill, final=False)


def logout(end_session_url: str, *, http: requests.Session) -> str:
    """Answers "yes" at the provider's sign-out question and returns where the
    provider sends the browser back (the post-logout redirect URI, with any state), or
    the provider's own "signed out" page when the request named no redirect URI."""

    def fill(form: _Form) -> dict[str, str]:
        # The "Yes" button sits outside the form (form="op.logoutForm"), so its value is
        # added here as a browser would.
        return {**form.fields, "logout": "yes"} if form.id == "op.logoutForm" else dict(form.fields)

    return _walk(http, end_session_url, fill, final=True)


def _walk(
    session: requests.Session, url: str, fill: Callable[[_Form], dict[str, str]], *, final: bool
) -> str:
    """Follows redirects and submits forms while they stay at the provider, then
    returns the first URL that leaves it (unrequested)."""
    provider_origin = _origin(url)
    method, data = "GET", None
    for _step in range(MAX_STEPS):
        response = session.request(method, url, data=data, allow_redirects=False, timeout=HTTP_TIMEOUT)
        if response.is_redirect:
            url, method, data = urljoin(url, response.headers["Location"]), "GET", None
            if _origin(url) != provider_origin:
                return url
            continue
        forms = _forms(response.text) if response.status_code == 200 else []
        if not forms:
            if final and response.status_code == 200:
                return url
            raise ProviderError(f"the provider's answer at {url}: {response.status_code}\n{response.text}")
        form = forms[0]
        url, method, data = urljoin(url, form.action), form.method, fill(form)
        if _origin(url) != provider_origin:
            raise ProviderError(f"the provider posts a form to {url}: only response_mode=query is supported")
    raise ProviderError(f"no way out of the provider after {MAX_STEPS} steps; last at {url}")


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


@dataclass
class _Form:
    action: str
    method: str
    id: str | None
    fields: dict[str, str] = field(default_factory=dict)


class _FormParser(HTMLParser):
    """Collects the forms of a page with their named inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[_Form] = []
        self._open: _Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        name = attributes.get("name")
        if tag == "form":
            self._open = _Form(
                attributes.get("action", ""), attributes.get("method", "get").upper(), attributes.get("id")
            )
            self.forms.append(self._open)
        elif tag == "input" and self._open is not None and name and attributes.get("type") not in BUTTONS:
            self._open.fields[name] = attributes.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = None


def _forms(html: str) -> list[_Form]:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms
