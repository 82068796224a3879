"""Real servers for the tests of more than one server: gunicorn instances of the portal,
`flask` commands beside them, and a browser whose cookies follow it from one to another.

The servers run from the checkout with the environment a council would give them (the
README's "Running more than one server") and gunicorn's production settings: started in
the checkout, gunicorn reads `gunicorn.conf.py` there as `-c gunicorn.conf.py` would.
"""

from __future__ import annotations

import http.client
import os
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from tests.helpers import csrf_token_in
from tests.notifications.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
START_SECONDS = 60
# Signing renders a receipt PDF: slow on a busy machine, but never this slow.
REQUEST_SECONDS = 60


def portal_environment(**settings: str) -> dict[str, str]:
    """The environment of a server or a command: this machine's, less any PORTAL_* of
    the developer's own (their database must never be the one under test), plus
    `settings` by their names without the prefix (`DATABASE_URL="..."`)."""
    environment = {name: value for name, value in os.environ.items() if not name.startswith("PORTAL_")}
    environment.update({f"PORTAL_{name}": value for name, value in settings.items()})
    return environment


@dataclass
class Instance:
    """One gunicorn instance of the portal, listening on 127.0.0.1:`port`."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_instances(
    names: list[str], environment: dict[str, str], log_folder: Path, *, workers: int = 2
) -> list[Instance]:
    """Start one instance per name, all at once (each takes a few seconds to import the
    portal), and return when every one answers /healthz."""
    started = []
    for name in names:
        port, log = free_port(), log_folder / f"gunicorn-{name}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(  # noqa: S603 (the venv's own gunicorn)
                [
                    str(BIN / "gunicorn"),
                    *("--bind", f"127.0.0.1:{port}", "--workers", str(workers)),
                    # Each master would otherwise take the one default control socket
                    # (~/.gunicorn/gunicorn.ctl) from the last one started.
                    "--no-control-socket",
                    "wsgi:app",
                ],
                cwd=ROOT,
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        started.append(Instance(name, port, process, log))
    try:
        for instance in started:
            _wait_until_serving(instance)
    except BaseException:
        for instance in started:
            instance.stop()
        raise
    return started


def _wait_until_serving(instance: Instance) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if instance.process.poll() is not None:
            raise RuntimeError(
                f"gunicorn {instance.name} stopped at start-up:\n{instance.log_text()[-4000:]}"
            )
        connection = http.client.HTTPConnection("127.0.0.1", instance.port, timeout=2)
        try:
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn {instance.name} did not answer in time:\n{instance.log_text()[-4000:]}")


def flask_command(environment: dict[str, str], *arguments: str) -> subprocess.Popen[str]:
    """`flask --app wsgi ...` as cron or a systemd timer would run it, started and left
    running: the caller waits, so that two can run at once."""
    return subprocess.Popen(  # noqa: S603 (the venv's own flask)
        [str(BIN / "flask"), "--app", "wsgi", *arguments],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finished(process: subprocess.Popen[str], timeout: float = 180) -> tuple[int, str, str]:
    """The command's exit code, standard output and standard error, once it has ended."""
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def client_address() -> str:
    """A made-up client address for one test: the rate limits count per address, and a
    Redis shared with another run of these tests then never mixes their counts."""
    return "10." + ".".join(str(secrets.randbelow(254) + 1) for _ in range(3))


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    text: str

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


@dataclass
class Browser:
    """One person's browser behind a load balancer that may send each request to any
    instance: its cookies go wherever the request goes, and the balancer passes on the
    client's address in X-Forwarded-For (the instances trust one proxy). Redirects are
    not followed, so a test sees them."""

    address: str = field(default_factory=client_address)
    cookies: dict[str, str] = field(default_factory=dict)
    token: str = ""  # the CSRF token of the last page seen, from whichever instance

    def get(self, instance: Instance, path: str) -> Answer:
        answer = self._request(instance, "GET", path)
        if 'name="csrf_token"' in answer.text:
            self.token = csrf_token_in(answer.text)
        return answer

    def post(self, instance: Instance, path: str, form: dict[str, str]) -> Answer:
        body = urlencode({"csrf_token": self.token, **form})
        return self._request(instance, "POST", path, body)

    def _request(self, instance: Instance, method: str, path: str, body: str | None = None) -> Answer:
        headers = {"X-Forwarded-For": self.address}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", instance.port, timeout=REQUEST_SECONDS)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            answer = Answer(response.status, response.headers, response.read().decode(errors="replace"))
        finally:
            connection.close()
        for line in answer.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(line).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)  # how Flask deletes a cookie
                else:
                    self.cookies[name] = morsel.value
        return answer
