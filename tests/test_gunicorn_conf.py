"""gunicorn.conf.py: its values as gunicorn reads them, and an access log without query
strings or the tokens that some paths hold."""

from __future__ import annotations

import runpy
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger, SafeAtoms

from portal.config import UnsafeConfiguration

CONF = Path(__file__).resolve().parent.parent / "portal" / "gunicorn_conf.py"


def _gunicorn_config(monkeypatch: pytest.MonkeyPatch, **environment: str) -> Config:
    """The file run as gunicorn runs it, its settings then checked by gunicorn's own validators."""
    for name in ("PORTAL_FORWARDED_ALLOW_IPS", "WEB_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    config = Config()
    for name, value in runpy.run_path(str(CONF)).items():
        if name in config.settings:
            config.set(name, value)
    return config


def test_only_the_proxies_named_may_say_a_request_came_over_https(monkeypatch):
    config = _gunicorn_config(monkeypatch, PORTAL_FORWARDED_ALLOW_IPS="10.0.0.5, 10.0.1.0/24,2001:db8::1")
    assert config.forwarded_allow_ips == ["10.0.0.5", "10.0.1.0/24", "2001:db8::1"]


def test_without_the_setting_only_a_proxy_on_the_same_machine_is_believed(monkeypatch):
    assert _gunicorn_config(monkeypatch).forwarded_allow_ips == ["127.0.0.1", "::1"]


@pytest.mark.parametrize("value", ["*", "proxy.council.example", "10.0.0.1/24", "10.0.0.5,*"])
def test_anything_but_addresses_stops_gunicorn(monkeypatch, value):
    with pytest.raises(UnsafeConfiguration, match="PORTAL_FORWARDED_ALLOW_IPS"):
        _gunicorn_config(monkeypatch, PORTAL_FORWARDED_ALLOW_IPS=value)


def test_workers_follow_the_cores_with_threads_and_a_cap(monkeypatch):
    config = _gunicorn_config(monkeypatch)
    assert config.worker_class_str == "gthread"
    assert 2 <= config.workers <= 8 and config.threads >= 2
    assert config.timeout >= 30 and config.bind == ["127.0.0.1:8000"]
    assert _gunicorn_config(monkeypatch, WEB_CONCURRENCY="3").workers == 3


def test_the_access_log_format_has_no_path_query_or_referrer(monkeypatch):
    log_format = _gunicorn_config(monkeypatch).access_log_format
    for atom in ("%(r)s", "%(U)s", "%(q)s", "%(f)s", "%(a)s"):
        assert atom not in log_format, atom
    assert "%({portal.route}e)s" in log_format and "%({x-request-id}o)s" in log_format


def _access_line(config: Config, environ: dict[str, Any], status: str, headers: list[tuple[str, str]]) -> str:
    response = SimpleNamespace(status=status, headers=headers, sent=1234)
    request = SimpleNamespace(headers=[("HOST", "portal.example-tc.gov.uk")])
    atoms = Logger(config).atoms(response, request, environ, timedelta(milliseconds=12))
    return config.access_log_format % SafeAtoms(atoms)


def test_the_access_log_line_shows_the_route_and_request_id_from_the_portal(monkeypatch, app, client):
    config = _gunicorn_config(monkeypatch)
    seen: dict[str, Any] = {}
    serve = app.wsgi_app

    def keeping_the_environ(environ: dict[str, Any], start_response: Any) -> Any:
        seen.update(environ=environ)  # the dict gunicorn would log from, after the portal has run
        return serve(environ, start_response)

    monkeypatch.setattr(app, "wsgi_app", keeping_the_environ)
    response = client.get("/set-password/TOKEN-IN-THE-PATH?search=Jo+Bloggs")
    environ = {**seen["environ"], "RAW_URI": "/set-password/TOKEN-IN-THE-PATH?search=Jo+Bloggs"}
    line = _access_line(config, environ, response.status, list(response.headers.items()))
    # The link has expired (404): what matters is what the line says about it.
    assert '"GET /set-password/<token> HTTP/1.1" 404 1234 12ms' in line
    assert line.endswith(f"request={response.headers['X-Request-ID']}")
    assert "TOKEN-IN-THE-PATH" not in line and "Bloggs" not in line


def test_the_checkouts_gunicorn_conf_py_gives_the_packages_settings():
    """gunicorn.conf.py (read from the checkout) and python:portal.gunicorn_conf (an
    installed wheel) are the same settings."""
    import portal.gunicorn_conf as shipped

    root = runpy.run_path(str(CONF.parent.parent / "gunicorn.conf.py"))
    settings = {name for name in Config().settings if hasattr(shipped, name)}
    assert {"workers", "threads", "access_log_format", "forwarded_allow_ips"} <= settings
    assert all(root[name] == getattr(shipped, name) for name in settings)
