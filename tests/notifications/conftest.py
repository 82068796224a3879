from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from portal.config import Settings
from tests.conftest import settings_for
from tests.training.conftest import bank_folder, loaded  # noqa: F401 (the same fixtures)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class RecordingHandler:
    """A real SMTP server's handler: keeps every message; refuses addresses with 'invalid',
    and any message whose content says 'refuse this message'."""

    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    delay_seconds: float = 0.0  # a slow server, so that concurrent senders overlap

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's name)
        if "invalid" in address:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
        if b"refuse this message" in envelope.content:
            return "554 5.6.0 Message content refused"
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.received.append(Received(list(envelope.rcpt_tos), parsed))  # type: ignore[arg-type]
        return "250 Message accepted"


@dataclass
class SmtpServer:
    port: int
    handler: RecordingHandler
    controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def received(self) -> list[Received]:
        return self.handler.received


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer(free_port(), RecordingHandler())
    server.start()
    yield server
    server.stop()


def smtp_settings(database_url: str, port: int, **overrides) -> Settings:
    values = {
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_starttls": False,
        "smtp_from": "portal@ashcombe-tc.example",
        "smtp_timeout_seconds": 2.0,
    }
    return settings_for(database_url, **(values | overrides))
