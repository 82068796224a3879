"""STARTTLS checks the mail server's certificate and name (ASVS 12.3.2)."""

from __future__ import annotations

import ssl

from portal.config import Settings
from portal.outbox import delivery


class _FakeSmtp:
    started_with: dict = {}

    def __init__(self, *_args, **_kwargs) -> None:
        pass

    def starttls(self, **kwargs) -> None:
        _FakeSmtp.started_with = kwargs

    def login(self, *_args) -> None:
        pass

    def quit(self) -> None:
        pass

    def close(self) -> None:
        pass


def test_starttls_verifies_the_servers_certificate(monkeypatch):
    monkeypatch.setattr(delivery.smtplib, "SMTP", _FakeSmtp)
    settings = Settings.from_environment(smtp_host="mail.example", smtp_starttls=True)
    delivery.SmtpConnection(settings)._connected()
    context = _FakeSmtp.started_with.get("context")
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
